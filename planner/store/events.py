"""The event calendar in the database: sessions by date, edits with versions, history.

Rows convert to and from :class:`planner.model.Event`, so the rest of the
planner keeps using the model type; :meth:`EventStore.events_on` answers
exactly like :meth:`planner.model.Model.events_on`.

No lost updates: every event carries a ``version``. A change names the version
it was made from; when that is no longer the current one the store raises
:class:`Conflict` (with both versions) instead of writing. Every accepted change
is kept whole in ``event_versions``: the history, its diffs and restores.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo
from typing import Any, Iterable, Iterator, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from planner.domain.caches import SharedCache
from planner.domain.errors import DataError, NotFound, PlannerError, Problem
from planner.domain.model import TZ, Event, Occurrence, Place, SessionOverride, format_clock
from planner.domain.recurrence import all_sessions
from planner.store.db import (Taken, from_db_time, read_connection, row_by_key, to_db_time, utcnow,
                               version_record, write_transaction)
from planner.store.records import FIELDS, event_to_record, record_diff, slug, validate_record, zone_name
from planner.store.schema import event_sessions, event_versions, events

UID_DOMAIN = "dongjiao-panda-planner"
ACTIONS = ("seed", "create", "update", "cancel", "duplicate", "restore", "import")


def default_uid(event_id: str) -> str:
    return f"{event_id}@{UID_DOMAIN}"


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored: the model event plus its UID, version and who changed it when (local times)."""

    event: Event
    uid: str
    version: int
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str

    @property
    def id(self) -> str:
        return self.event.id

    @property
    def record(self) -> dict:
        return event_to_record(self.event)


@dataclass(frozen=True)
class HistoryEntry:
    """One accepted change: the event as saved, and what changed from the version before."""

    version: int
    action: str
    record: dict
    changed_at: dt.datetime
    changed_by: str
    note: str | None
    diff: list[tuple[str, Any, Any]]


class Conflict(PlannerError):
    """A change was made from a version that is no longer the current one.

    ``current`` is the event as it is now (their version), ``attempted`` the
    record the writer wanted to save (yours), ``base`` the version the writer
    started from when the history has it.
    """

    def __init__(self, current: StoredEvent, attempted: dict, expected_version: int, base: dict | None = None):
        self.current = current
        self.attempted = attempted
        self.expected_version = expected_version
        self.base = base
        super().__init__("edit_conflict", event=current.id, updated_by=current.updated_by,
                         updated_at=current.updated_at.isoformat(timespec="minutes"), version=current.version,
                         expected_version=expected_version)

    def log_line(self) -> str:
        p = self.params
        when = str(p["updated_at"]).replace("T", " ")[:16]
        return (f"event {p['event']!r} was changed by {p['updated_by']} at {when} "
                f"(version {p['version']}) after you opened version {p['expected_version']}")

    @property
    def event_id(self) -> str:
        return self.current.id

    def differences(self) -> list[tuple[str, Any, Any, Any]]:
        """``(field, base, theirs, yours)`` for each field where theirs and yours differ."""
        theirs = self.current.record
        base = self.base or {}
        return [(f, base.get(f), theirs.get(f), self.attempted.get(f))
                for f in FIELDS if theirs.get(f) != self.attempted.get(f)]


def last_end(event: Event, sessions: list[Occurrence] | None = None) -> dt.datetime:
    """The end of the event's last session (within the maximum per series), naive UTC; ``sessions``:
    its :func:`all_sessions`, when known."""
    sessions = all_sessions(event)[0] if sessions is None else sessions
    return to_db_time(max((o.end for o in sessions), default=event.end))


_UTC = dt.timezone.utc
_INSTANT = dt.timedelta(microseconds=1)
_DAY = dt.timedelta(days=1)


def session_rows(event: Event, sessions: list[Occurrence] | None = None) -> list[dict]:
    """The rows of ``event_sessions`` for the event: each session once per local date it touches;
    ``sessions``: its :func:`all_sessions`, when known."""
    rows: dict[tuple, dict] = {}
    event_id, event_status = event.id, event.status
    for occ in all_sessions(event)[0] if sessions is None else sessions:
        start, end = occ.start, occ.end
        start_utc = start.astimezone(_UTC).replace(tzinfo=None)  # to_db_time, inline: a row per session
        end_utc = end.astimezone(_UTC).replace(tzinfo=None)
        day = start.date()
        last = (end - _INSTANT).date() if end > start else day
        recurrence_id = occ.recurrence_id.isoformat() if occ.recurrence_id else None
        key = recurrence_id or start.isoformat()
        status = occ.status or event_status
        while day <= last:
            rows[(day, start_utc, key)] = {
                "event_id": event_id, "day": day, "start_utc": start_utc, "session_key": key, "end_utc": end_utc,
                "recurrence_id": recurrence_id, "status": status}
            day += _DAY
    return list(rows.values())


def _write_sessions(conn: Connection, event: Event, replace_old: bool) -> None:
    if replace_old:
        conn.execute(sa.delete(event_sessions).where(event_sessions.c.event_id == event.id))
    rows = session_rows(event)
    if rows:
        conn.execute(sa.insert(event_sessions), rows)


def refresh_all_sessions(conn: Connection) -> tuple[int, int, int]:
    """Rebuild ``event_sessions`` and each event's ``last_end`` from every stored event, under the
    current maximum of sessions per series (the migration that adds the table runs this; so does
    ``planner events refresh-sessions`` after the setting changed).

    Returns
    -------
    (events, series, rows) : how many events were read, how many of them are series (a rule, extra
        dates or changed sessions), and how many session rows were written (one per session and
        local date it touches).
    """
    from planner.domain.recurrence import is_series

    conn.execute(sa.delete(event_sessions))
    stored = [_event_from_row(row) for row in conn.execute(sa.select(events)).all()]
    rows = [session for event in stored for session in session_rows(event)]
    for chunk in _chunks(rows, 2000):
        conn.execute(sa.insert(event_sessions), chunk)
    ends = [{"event_id": event.id, "last_end": last_end(event)} for event in stored]
    for chunk in _chunks(ends, 2000):
        conn.execute(sa.update(events).where(events.c.id == sa.bindparam("event_id"))
                     .values(last_end=sa.bindparam("last_end")), chunk)
    return len(stored), sum(1 for event in stored if is_series(event)), len(rows)


def _row_values(event: Event, record: Mapping | None = None, sessions: list[Occurrence] | None = None) -> dict:
    """The ``events`` columns of an event; ``record``: its :func:`event_to_record`, ``sessions``: its
    :func:`all_sessions`, when made already."""
    record = record if record is not None else event_to_record(event)
    return {
        "title_zh": event.title_zh, "title_en": event.title_en,
        "description_zh": event.description_zh, "description_en": event.description_en,
        "venue_id": event.venue_id, "start_utc": to_db_time(event.start), "end_utc": to_db_time(event.end),
        "last_end": last_end(event, sessions), "rrule": event.rrule, "exdates": record["exdates"], "status": event.status,
        "price_cny": event.price_cny, "capacity": event.capacity, "tags": record["tags"],
        "source": event.source, "assumption": event.assumption, "tzid": record["tzid"],
        "rdates": record["rdates"], "all_day": event.all_day, "overrides": record["overrides"],
    }


@dataclass(frozen=True)
class PreparedRows:
    """What inserting an event writes that depends on the event alone: its record (the
    ``event_versions`` one), its ``events`` columns and its ``event_sessions`` rows."""

    record: dict
    values: dict
    sessions: list[dict]


def prepared_rows(event: Event) -> PreparedRows:
    """The :class:`PreparedRows` of a new event, its sessions listed once for its ``last_end`` and rows."""
    sessions = all_sessions(event)[0]
    record = event_to_record(event)
    return PreparedRows(record, _row_values(event, record, sessions), session_rows(event, sessions))


def _event_from_row(row) -> Event:
    zone = ZoneInfo(row.tzid) if getattr(row, "tzid", None) else TZ
    local = lambda text: dt.datetime.fromisoformat(text).astimezone(zone)  # noqa: E731
    overrides = tuple(SessionOverride(local(o["recurrence_id"]), local(o["start"]) if o.get("start") else None,
                                      local(o["end"]) if o.get("end") else None, o.get("status"),
                                      o.get("title_zh"), o.get("title_en"))
                      for o in (getattr(row, "overrides", None) or []))
    rdates = tuple((local(r[0]), local(r[1])) if isinstance(r, list) else local(r)
                   for r in (getattr(row, "rdates", None) or []))
    return Event(
        id=row.id, title_zh=row.title_zh, title_en=row.title_en,
        description_zh=row.description_zh, description_en=row.description_en, venue_id=row.venue_id,
        start=from_db_time(row.start_utc, zone), end=from_db_time(row.end_utc, zone), rrule=row.rrule,
        exdates=tuple(local(d) for d in row.exdates),
        status=row.status, price_cny=row.price_cny, capacity=row.capacity, tags=tuple(row.tags),
        source=row.source, assumption=row.assumption, rdates=rdates, all_day=bool(getattr(row, "all_day", False)),
        overrides=overrides,
    )


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), TZ)


class EventStore:
    """Events in a database (migrated to the head revision), validated against ``places``."""

    def __init__(self, engine: Engine, places: Mapping[str, Place], cache_size: int = 10_000):
        self.engine = engine
        self.places = places
        # (id, version, updated_at) -> Event: a saved version never changes, so rows are parsed once
        self._events: SharedCache[Event] = SharedCache(cache_size)

    # --- reading

    def find(self, event_id: str) -> StoredEvent | None:
        with read_connection(self.engine) as conn:
            row = conn.execute(sa.select(events).where(events.c.id == event_id)).first()
        return self._stored(row) if row else None

    def get(self, event_id: str) -> StoredEvent:
        found = self.find(event_id)
        if found is None:
            raise NotFound("no_event", id=event_id)
        return found

    def find_many_by_uid(self, uids: Iterable[str]) -> dict[str, StoredEvent]:
        found: dict[str, StoredEvent] = {}
        with read_connection(self.engine) as conn:
            for chunk in _chunks(list(set(uids))):
                for row in conn.execute(sa.select(events).where(events.c.uid.in_(chunk))):
                    found[row.uid] = self._stored(row)
        return found

    def uids_by_id(self, event_ids: Iterable[str]) -> dict[str, str]:
        """The UIDs of those of ``event_ids`` that are stored."""
        found: dict[str, str] = {}
        with read_connection(self.engine) as conn:
            for chunk in _chunks(list(set(event_ids))):
                found.update(conn.execute(sa.select(events.c.id, events.c.uid).where(events.c.id.in_(chunk))).all())
        return found

    def all(self, venue_id: str | None = None) -> list[StoredEvent]:
        """Every stored event (cancelled ones too), by first start."""
        query = sa.select(events).order_by(events.c.start_utc, events.c.id)
        if venue_id:
            query = query.where(events.c.venue_id == venue_id)
        with read_connection(self.engine) as conn:
            return [self._stored(row) for row in conn.execute(query)]

    def count(self) -> int:
        with read_connection(self.engine) as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()

    def ids(self) -> list[str]:
        with read_connection(self.engine) as conn:
            return list(conn.execute(sa.select(events.c.id).order_by(events.c.id)).scalars())

    def revision(self) -> tuple:
        """Changes whenever any event does: a key for caches and HTTP validators."""
        query = sa.select(sa.func.count(), sa.func.max(events.c.updated_at), sa.func.sum(events.c.version))
        with read_connection(self.engine) as conn:
            return tuple(conn.execute(query).one())

    def occurrences_between(self, start: dt.datetime, end: dt.datetime,
                            venue_id: str | None = None) -> list[tuple[Event, Occurrence]]:
        """Every session overlapping ``[start, end)``, sorted by start, cancelled ones included.

        Read from ``event_sessions`` by local date (one index range), not expanded per request:
        the sessions were stored when the event was saved.
        """
        first_day = start.astimezone(TZ).date()
        last_day = (end - dt.timedelta(microseconds=1)).astimezone(TZ).date()
        query = (sa.select(event_sessions.c.event_id, event_sessions.c.start_utc, event_sessions.c.end_utc,
                           event_sessions.c.session_key, event_sessions.c.recurrence_id, event_sessions.c.status,
                           events.c.version, events.c.updated_at)
                 .join(events, events.c.id == event_sessions.c.event_id)
                 .where(event_sessions.c.day >= first_day, event_sessions.c.day <= last_day,
                        event_sessions.c.start_utc < to_db_time(end), event_sessions.c.end_utc > to_db_time(start)))
        if venue_id:
            query = query.where(events.c.venue_id == venue_id)
        with read_connection(self.engine) as conn:
            rows = conn.execute(query).all()
            chosen = {row.event_id: self._events.get((row.event_id, row.version, row.updated_at)) for row in rows}
            missing = [event_id for event_id, event in chosen.items() if event is None]
            for chunk in _chunks(missing):
                for row in conn.execute(sa.select(events).where(events.c.id.in_(chunk))):
                    chosen[row.id] = self._remember(row)
        # a session over several days has a row per day: one each (two sessions may share an instant)
        found: dict[tuple[str, dt.datetime, str], tuple[Event, Occurrence]] = {}
        for row in rows:
            event = chosen.get(row.event_id)
            if event is None or (row.event_id, row.start_utc, row.session_key) in found:
                continue
            zone = event.start.tzinfo
            rid = dt.datetime.fromisoformat(row.recurrence_id).astimezone(zone) if row.recurrence_id else None
            occ = Occurrence(event.id, from_db_time(row.start_utc, TZ), from_db_time(row.end_utc, TZ), rid, row.status)
            found[(row.event_id, row.start_utc, row.session_key)] = (event.for_session(occ), occ)
        return sorted(found.values(), key=lambda pair: (pair[1].start, pair[0].id))

    def events_on(self, day: dt.date) -> list[tuple[Event, Occurrence]]:
        """Every session on ``day``, sorted by start, cancelled ones included (as ``Model.events_on``)."""
        midnight = _local_midnight(day)
        return self.occurrences_between(midnight, midnight + dt.timedelta(days=1))

    def next_event_date(self, after: dt.date, horizon_days: int = 400) -> dt.date | None:
        """The first date after ``after`` with any session, within a horizon."""
        first = after + dt.timedelta(days=1)
        last = after + dt.timedelta(days=horizon_days + 1)
        window_start = first
        for width in (1, 7, 31, 92, horizon_days):
            window_end = min(window_start + dt.timedelta(days=width), last)
            sessions = self.occurrences_between(_local_midnight(window_start), _local_midnight(window_end))
            if sessions:
                return max(window_start, min(occ.start.date() for _, occ in sessions))
            window_start = window_end
            if window_start >= last:
                break
        return None

    def history(self, event_id: str) -> list[HistoryEntry]:
        """Every accepted version of the event, oldest first, each with its diff from the one before."""
        query = (sa.select(event_versions).where(event_versions.c.event_id == event_id)
                 .order_by(event_versions.c.version))
        with read_connection(self.engine) as conn:
            rows = list(conn.execute(query))
        if not rows:
            raise NotFound("no_event", id=event_id)
        entries, previous = [], None
        for row in rows:
            entries.append(HistoryEntry(row.version, row.action, row.record, from_db_time(row.changed_at, TZ),
                                        row.changed_by, row.note, record_diff(previous, row.record)))
            previous = row.record
        return entries

    # --- validating

    def validate(self, record: Mapping) -> Event:
        """The event a record describes; raises DataError naming each field at fault."""
        event, problems = validate_record(record, self.places)
        if problems or event is None:  # no event without a problem
            raise DataError(problems)
        return event

    def warnings(self, event: Event, horizon_days: int = 366) -> list[str]:
        """What is allowed but probably wrong: sessions outside the venue's opening hours,
        or overlapping another (not cancelled) event at the same venue."""
        first = event.start
        sessions = event.occurrences_between(first, first + dt.timedelta(days=horizon_days))
        found: list[str] = []
        venue = self.places.get(event.venue_id)
        if venue is not None:
            outside = [occ for occ in sessions if not _within_hours(venue, occ)]
            if outside:
                occ = outside[0]
                hours = venue.hours.on(occ.start.date())
                when = f"open {format_clock(hours.open_s)}-{format_clock(hours.close_s)}" if hours else "closed"
                more = f" (and {len(outside) - 1} more sessions)" if len(outside) > 1 else ""
                found.append(f"outside the opening hours of {venue.name_en} on {occ.start:%Y-%m-%d}: "
                             f"{occ.start:%H:%M}-{occ.end:%H:%M}, the venue is {when}{more}")
        if sessions and event.status != "cancelled":
            others = self.occurrences_between(sessions[0].start, sessions[-1].end, venue_id=event.venue_id)
            others = [(ev, occ) for ev, occ in others if ev.id != event.id and ev.status != "cancelled"]
            clashes = [(mine, ev, occ) for mine in sessions for ev, occ in others
                       if occ.start < mine.end and mine.start < occ.end]
            if clashes:
                mine, ev, occ = clashes[0]
                more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
                found.append(f"overlaps {ev.title_en!r} ({ev.id}) at the same venue on {occ.start:%Y-%m-%d} "
                             f"{occ.start:%H:%M}-{occ.end:%H:%M}{more}")
        return found

    # --- writing

    def create(self, record: Mapping, user: str, *, uid: str | None = None, action: str = "create",
               note: str | None = None) -> StoredEvent:
        """Add an event (version 1). An empty ``id`` is made from the English title and year."""
        record = dict(record)
        with write_transaction(self.engine) as conn:
            if not record.get("id"):
                record["id"] = self._free_id(conn, record)
            event = self.validate(record)
            return self._insert(conn, event, uid or default_uid(event.id), user, action, note)

    def apply_batch(self, new: Iterable[tuple[Event, str | None]], updates: Iterable[tuple[str, Mapping, int, str]],
                    user: str, *, action: str, note: str | None = None) -> tuple[list[str], list[str], list[tuple[str, str]]]:
        """Insert validated events (with their UIDs) and apply updates ``(id, record, expected version,
        label)`` in one transaction. Returns the ids created, the ids updated, and ``(label, reason)``
        for each one refused (an id or UID taken meanwhile, or a conflict): those write nothing."""
        with self.batch_writer(user, action=action, note=note) as writer:
            return writer.apply(new, updates)

    @contextmanager
    def batch_writer(self, user: str, *, action: str, note: str | None = None) -> Iterator[BatchWriter]:
        """One write transaction for several :meth:`BatchWriter.apply` (all committed, or none when the
        block raises), and reads in it: an import writes each part of a file as it is read."""
        with write_transaction(self.engine) as conn:
            yield BatchWriter(self, conn, user, action, note)

    def update(self, event_id: str, changes: Mapping, expected_version: int, user: str, *,
               action: str = "update", note: str | None = None) -> StoredEvent:
        """Apply ``changes`` (record fields) to the version ``expected_version``.

        Raises Conflict when the event has moved on since that version,
        DataError when the result is not a valid event, NotFound when there is
        no such event. A change that changes nothing writes nothing.
        """
        with write_transaction(self.engine) as conn:
            return self._update(conn, event_id, changes, expected_version, user, action, note)

    def split(self, event_id: str, original: Mapping, expected_version: int, continuation: Mapping, user: str,
              *, at: dt.datetime) -> tuple[StoredEvent, StoredEvent]:
        """"This and following" in one transaction: update the series ``event_id`` (cut with UNTIL) and
        create the event ``continuation`` that continues it from ``at`` (a session's original start).

        Both writes succeed or neither does: a Conflict (the series moved on from
        ``expected_version``), a DataError (either record invalid, or the new id or its UID
        taken) or any failure of the second write leaves the series, its history and its
        sessions as they were. Each history entry names the other event; ``event_sessions``
        is rebuilt for both.

        Returns
        -------
        (original, continuation) : the series at its new version and the new event at version 1.

        Examples
        --------
        >>> # store.split("jazz", cut, 3, {**cut, "id": "jazz-from-20250321", ...}, "sally",
        >>> #             at=dt.datetime.fromisoformat("2025-03-21T20:00:00+08:00"))
        """
        when = f"{at.astimezone(TZ):%Y-%m-%d %H:%M}"
        new_record = dict(continuation)
        with write_transaction(self.engine) as conn:
            new_event = self.validate(new_record)  # refused before anything is written
            cut = self._update(conn, event_id, original, expected_version, user, "update",
                               f"this and following: continues as {new_event.id} from {when}")
            created = self._insert(conn, new_event, default_uid(new_event.id), user, "create",
                                   f"continues {event_id} from {when}")
        return cut, created

    def cancel(self, event_id: str, expected_version: int, user: str) -> StoredEvent:
        return self.update(event_id, {"status": "cancelled"}, expected_version, user, action="cancel")

    def duplicate(self, event_id: str, user: str, new_id: str | None = None) -> StoredEvent:
        """A copy of the event under a new id (``<id>-copy``, ``<id>-copy-2`` ...), at version 1."""
        with write_transaction(self.engine) as conn:
            original = self._get(conn, event_id)
            record = original.record
            record["id"] = new_id or self._free_id(conn, record, base=f"{event_id}-copy")
            event = self.validate(record)
            return self._insert(conn, event, default_uid(event.id), user, "duplicate",
                                f"copy of {event_id} version {original.version}")

    def restore(self, event_id: str, version: int, expected_version: int, user: str) -> StoredEvent:
        """Make an earlier version the current one again (as a new version: nothing is dropped)."""
        with write_transaction(self.engine) as conn:
            record = self._version_record(conn, event_id, version)
            if record is None:
                raise NotFound("no_event_version", id=event_id, version=version)
            return self._update(conn, event_id, record, expected_version, user, "restore",
                                f"restored version {version}")

    def refresh_sessions(self) -> tuple[int, int, int]:
        """Rebuild every event's stored sessions under the current settings, in one transaction;
        returns ``(events, series, session rows)`` (see :func:`refresh_all_sessions`)."""
        with write_transaction(self.engine) as conn:
            return refresh_all_sessions(conn)

    def seed_from(self, model_events: Iterable[Event], user: str = "seed") -> int:
        """Add the events whose id the store does not hold yet; returns how many. Run it twice: no duplicates."""
        with write_transaction(self.engine) as conn:
            known = set(conn.execute(sa.select(events.c.id)).scalars())
            added = 0
            for event in model_events:
                if event.id not in known:
                    event = self.validate(event_to_record(event))  # the stored spelling of its RRULE
                    self._insert(conn, event, default_uid(event.id), user, "seed", None)
                    known.add(event.id)
                    added += 1
        return added

    # --- internals

    def _stored(self, row) -> StoredEvent:
        return StoredEvent(self._remember(row), row.uid, row.version, from_db_time(row.created_at, TZ),
                           row.created_by, from_db_time(row.updated_at, TZ), row.updated_by)

    def _remember(self, row) -> Event:
        return self._events.get_or_build((row.id, row.version, row.updated_at), lambda: _event_from_row(row))

    def _get(self, conn: Connection, event_id: str, for_update: bool = False) -> StoredEvent:
        row = row_by_key(conn, events, event_id, for_update=for_update)
        if row is None:
            raise NotFound("no_event", id=event_id)
        return self._stored(row)

    def _version_record(self, conn: Connection, event_id: str, version: int) -> dict | None:
        return version_record(conn, event_versions, event_versions.c.event_id, event_id, version)

    def _free_id(self, conn: Connection, record: Mapping, base: str | None = None) -> str:
        if base is None:
            year = str(record.get("start", ""))[:4]
            base = slug(f"{record.get('title_en') or ''} {year if year.isdigit() else ''}") or "event"
        taken = set(conn.execute(sa.select(events.c.id).where(events.c.id.startswith(base))).scalars())
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def _insert_many(self, conn: Connection, new: list[tuple[Event, str | None]], user: str, action: str,
                     note: str | None) -> tuple[list[str], list[tuple[str, str]]]:
        """Insert events with one statement per table (executemany): an id or UID taken is refused."""
        wanted = [(event, uid or default_uid(event.id)) for event, uid in new]
        taken_ids: set[str] = set()
        taken_uids: set[str] = set()
        for chunk in _chunks(wanted):
            taken_ids.update(conn.execute(sa.select(events.c.id).where(
                events.c.id.in_([e.id for e, _ in chunk]))).scalars())
            taken_uids.update(conn.execute(sa.select(events.c.uid).where(
                events.c.uid.in_([u for _, u in chunk]))).scalars())
        now = utcnow()
        rows: list[dict] = []
        versions: list[dict] = []
        sessions: list[dict] = []
        created: list[str] = []
        refused: list[tuple[str, str]] = []
        for event, uid in wanted:
            if event.id in taken_ids:
                refused.append((event.id, f"id: an event with id {event.id!r} exists already"))
                continue
            if uid in taken_uids:
                refused.append((event.id, f"uid: an event with UID {uid!r} exists already"))
                continue
            taken_ids.add(event.id)
            taken_uids.add(uid)
            prepared = prepared_rows(event)
            rows.append({"id": event.id, "uid": uid, "version": 1, "created_at": now, "created_by": user,
                         "updated_at": now, "updated_by": user, **prepared.values})
            versions.append({"event_id": event.id, "version": 1, "action": action, "record": prepared.record,
                             "changed_at": now, "changed_by": user, "note": note})
            sessions.extend(prepared.sessions)
            created.append(event.id)
        for table, values in ((events, rows), (event_versions, versions), (event_sessions, sessions)):
            for chunk in _chunks(values, 2000):
                conn.execute(sa.insert(table), chunk)
        return created, refused

    def _insert(self, conn: Connection, event: Event, uid: str, user: str, action: str,
                note: str | None) -> StoredEvent:
        if conn.execute(sa.select(events.c.id).where(events.c.id == event.id)).first():
            raise Taken([Problem("id", f"an event with id {event.id!r} exists already")])
        if conn.execute(sa.select(events.c.id).where(events.c.uid == uid)).first():
            raise Taken([Problem("uid", f"an event with UID {uid!r} exists already")])
        now = utcnow()
        conn.execute(sa.insert(events).values(
            id=event.id, uid=uid, version=1, created_at=now, created_by=user, updated_at=now, updated_by=user,
            **_row_values(event)))
        _write_sessions(conn, event, replace_old=False)
        self._record_version(conn, event, 1, action, now, user, note)
        local = from_db_time(now, TZ)
        return StoredEvent(event, uid, 1, local, user, local, user)

    def _update(self, conn: Connection, event_id: str, changes: Mapping, expected_version: int, user: str,
                action: str, note: str | None) -> StoredEvent:
        current = self._get(conn, event_id, for_update=True)
        if "id" in changes and changes["id"] not in (None, "", event_id):
            raise DataError([Problem("id", "an event's id cannot change: duplicate it instead")])
        wanted = {**current.record, **{k: v for k, v in changes.items() if k in FIELDS}, "id": event_id}
        if current.version != expected_version:
            raise Conflict(current, wanted, expected_version,
                           self._version_record(conn, event_id, expected_version))
        event = self.validate(wanted)
        if event == current.event:
            return current
        now, version = utcnow(), current.version + 1
        result = conn.execute(
            sa.update(events).where(events.c.id == event_id, events.c.version == expected_version)
            .values(version=version, updated_at=now, updated_by=user, **_row_values(event)))
        if result.rowcount != 1:  # another writer got there between our read and this write
            raise Conflict(self._get(conn, event_id), wanted, expected_version,
                           self._version_record(conn, event_id, expected_version))
        _write_sessions(conn, event, replace_old=True)
        self._record_version(conn, event, version, action, now, user, note)
        return StoredEvent(event, current.uid, version, current.created_at, current.created_by,
                           from_db_time(now, TZ), user)

    def _record_version(self, conn: Connection, event: Event, version: int, action: str, at: dt.datetime,
                        user: str, note: str | None) -> None:
        conn.execute(sa.insert(event_versions).values(
            event_id=event.id, version=version, action=action, record=event_to_record(event),
            changed_at=at, changed_by=user, note=note))


class BatchWriter:
    """Batches of new events and updates written in one transaction (:meth:`EventStore.batch_writer`)."""

    def __init__(self, store: EventStore, conn: Connection, user: str, action: str, note: str | None):
        self.store, self.conn, self.user, self.action, self.note = store, conn, user, action, note

    def find_many_by_uid(self, uids: Iterable[str]) -> dict[str, StoredEvent]:
        """As :meth:`EventStore.find_many_by_uid`, read in this transaction."""
        found: dict[str, StoredEvent] = {}
        for chunk in _chunks(list(set(uids))):
            for row in self.conn.execute(sa.select(events).where(events.c.uid.in_(chunk))):
                found[row.uid] = self.store._stored(row)
        return found

    def uids_by_id(self, event_ids: Iterable[str]) -> dict[str, str]:
        """As :meth:`EventStore.uids_by_id`, read in this transaction."""
        found: dict[str, str] = {}
        for chunk in _chunks(list(set(event_ids))):
            found.update(self.conn.execute(
                sa.select(events.c.id, events.c.uid).where(events.c.id.in_(chunk))).all())
        return found

    def apply(self, new: Iterable[tuple], updates: Iterable[tuple[str, Mapping, int, str]]
              ) -> tuple[list[str], list[str], list[tuple[str, str]]]:
        """As :meth:`EventStore.apply_batch`, in this transaction."""
        store, conn = self.store, self.conn
        updated: list[str] = []
        created, refused = store._insert_many(conn, list(new), self.user, self.action, self.note)
        for event_id, record, expected, label in updates:
            try:
                if store._update(conn, event_id, record, expected, self.user, self.action,
                                 self.note).version != expected:
                    updated.append(event_id)
            except (Conflict, DataError, NotFound) as exc:
                refused.append((label, str(exc)))
        return created, updated, refused


def _within_hours(venue: Place, occ: Occurrence) -> bool:
    hours = venue.hours.on(occ.start.date())
    if hours is None:
        return False
    midnight = _local_midnight(occ.start.date())
    start_s = (occ.start - midnight).total_seconds()
    end_s = (occ.end - midnight).total_seconds()
    return hours.open_s <= start_s and end_s <= hours.close_s


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
