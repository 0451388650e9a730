"""Shuttle scenarios in the database: versions, history, the proposal, the selected one.

A scenario is kept whole as the JSON record :func:`planner.simulation.scenario.scenario_to_record`
writes; every write is validated by :func:`planner.simulation.scenario.scenario_from_record` first,
so a stored record always reads back (a problem is answered as a :class:`DataError` with JSON paths
such as ``service.weekday.outbound.periods[1].headway_s``).

No lost updates, as for events (:mod:`planner.store.events`): a change names the version it was
made from, and a stale one raises :class:`ScenarioConflict`. Every accepted change is kept in
``scenario_versions``; a delete only marks the row, so a restore can bring it back. The proposal
(``PROPOSAL_ID``, seeded once from ``data/shuttle.yaml``) cannot be deleted, and is the shuttle
of the comparison and the day plans until another scenario is selected.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from planner.domain.caches import SharedCache
from planner.domain.errors import DataError, NotFound, PlannerError, Problem
from planner.domain.model import TZ
from planner.simulation.scenario import PROPOSAL_ID, Scenario, scenario_from_record, scenario_to_record
from planner.store.db import (Taken, from_db_time, read_connection, row_by_key, utcnow, version_record,
                               write_transaction)
from planner.store.events import Conflict
from planner.store.records import unstorable_text
from planner.store.schema import scenario_versions, scenarios, selected_scenario

ACTIONS = ("seed", "create", "update", "delete", "restore")
SHUTTLE_SLOT = "shuttle"


@dataclass(frozen=True)
class StoredScenario:
    """A scenario as stored: the scenario, its version, who changed it when (local times), deleted or not."""

    scenario: Scenario
    version: int
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str
    deleted: bool = False

    @property
    def id(self) -> str:
        return self.scenario.id

    @property
    def record(self) -> dict:
        return scenario_to_record(self.scenario)

    @property
    def key(self) -> tuple[str, int]:
        """``(id, version)``: changes with every accepted change, so it keys caches of what the scenario gives."""
        return self.scenario.id, self.version


@dataclass(frozen=True)
class ScenarioHistoryEntry:
    """One accepted change: the scenario as saved, and the top-level fields that changed from the version before."""

    version: int
    action: str
    record: dict
    changed_at: dt.datetime
    changed_by: str
    note: str | None
    diff: list[tuple[str, Any, Any]]


class ScenarioConflict(Conflict):
    """A scenario change made from a version that is no longer the current one.

    A :class:`planner.store.events.Conflict`, so whoever handles an edit conflict handles this one:
    ``current`` is the scenario as stored now, ``attempted`` the record the writer wanted,
    ``base`` the version the writer started from.
    """

    def __init__(self, current: StoredScenario, attempted: dict, expected_version: int, base: dict | None = None):
        self.current = current  # type: ignore[assignment]
        self.attempted = attempted
        self.expected_version = expected_version
        self.base = base
        PlannerError.__init__(self, "scenario_conflict", scenario=current.id, updated_by=current.updated_by,
                              updated_at=current.updated_at.isoformat(timespec="minutes"),
                              version=current.version, expected_version=expected_version)

    def log_line(self) -> str:
        p = self.params
        when = str(p["updated_at"]).replace("T", " ")[:16]
        return (f"scenario {p['scenario']!r} was changed by {p['updated_by']} at {when} "
                f"(version {p['version']}) after you opened version {p['expected_version']}")

    def differences(self) -> list[tuple[str, Any, Any, Any]]:
        """``(field, base, theirs, yours)`` for each top-level field where theirs and yours differ."""
        theirs, base = self.current.record, self.base or {}
        return [(f, base.get(f), theirs.get(f), self.attempted.get(f))
                for f in theirs if theirs.get(f) != self.attempted.get(f)]


def record_diff(old: Mapping | None, new: Mapping) -> list[tuple[str, Any, Any]]:
    """``(field, old value, new value)`` for every top-level field that differs, in the new record's order.

    Examples
    --------
    >>> record_diff({"fleet_size": 3, "fare_cny": 2.0}, {"fleet_size": 4, "fare_cny": 2.0})
    [('fleet_size', 3, 4)]
    """
    old = old or {}
    fields = list(new) + [f for f in old if f not in new]
    return [(f, old.get(f), new.get(f)) for f in fields if old.get(f) != new.get(f)]


class ScenarioStore:
    """Shuttle scenarios in a database migrated to the head revision.

    Examples
    --------
    >>> # store = ScenarioStore(engine); store.seed_from(scenario_from_shuttle(model.shuttle))
    >>> # s = store.get("dj-panda-shuttle"); store.update(s.id, {"fleet_size": 5}, s.version, "pat")
    """

    def __init__(self, engine: Engine, place_ids: Collection[str] | None = None, cache_size: int = 256):
        self.engine = engine
        self.place_ids = place_ids  # the places a stop may name (None: any)
        # (id, version) -> Scenario: a saved version never changes, so a record is parsed once
        self._parsed: SharedCache[Scenario] = SharedCache(cache_size)

    # --- reading

    def find(self, scenario_id: str, *, deleted: bool = False) -> StoredScenario | None:
        """The scenario ``scenario_id``, or None; a deleted one only when ``deleted``."""
        with read_connection(self.engine) as conn:
            row = conn.execute(sa.select(scenarios).where(scenarios.c.id == scenario_id)).first()
        if row is None or (row.deleted and not deleted):
            return None
        return self._stored(row)

    def get(self, scenario_id: str, *, deleted: bool = False) -> StoredScenario:
        """The scenario ``scenario_id``; raises NotFound ``no_scenario`` when there is none (or it is deleted)."""
        found = self.find(scenario_id, deleted=deleted)
        if found is None:
            raise NotFound("no_scenario", id=scenario_id)
        return found

    def all(self, *, deleted: bool = False) -> list[StoredScenario]:
        """Every scenario (deleted ones too when ``deleted``): the proposal first, then by id."""
        query = sa.select(scenarios).order_by(scenarios.c.id)
        if not deleted:
            query = query.where(scenarios.c.deleted == sa.false())
        with read_connection(self.engine) as conn:
            found = [self._stored(row) for row in conn.execute(query)]
        return sorted(found, key=lambda s: (s.id != PROPOSAL_ID, s.id))

    def history(self, scenario_id: str) -> list[ScenarioHistoryEntry]:
        """Every accepted change of the scenario, newest first, each with its diff from the one before."""
        query = (sa.select(scenario_versions).where(scenario_versions.c.scenario_id == scenario_id)
                 .order_by(scenario_versions.c.version))
        with read_connection(self.engine) as conn:
            rows = conn.execute(query).all()
        if not rows:
            raise NotFound("no_scenario", id=scenario_id)
        entries, before = [], None
        for row in rows:
            entries.append(ScenarioHistoryEntry(row.version, row.action, row.record, from_db_time(row.changed_at, TZ),
                                                row.changed_by, row.note, record_diff(before, row.record)))
            before = row.record
        return entries[::-1]

    def selected(self) -> Scenario:
        """The selected scenario: the shuttle of the comparison and the day plans (the proposal by default)."""
        return self.selected_stored().scenario

    def selected_stored(self) -> StoredScenario:
        """The selected scenario with its version (its :attr:`StoredScenario.key` keys timetable caches)."""
        query = (sa.select(scenarios).join(selected_scenario, selected_scenario.c.scenario_id == scenarios.c.id)
                 .where(selected_scenario.c.slot == SHUTTLE_SLOT))
        with read_connection(self.engine) as conn:
            row = conn.execute(query).first()
            if row is None or row.deleted:
                row = conn.execute(sa.select(scenarios).where(scenarios.c.id == PROPOSAL_ID)).first()
        if row is None:
            raise NotFound("no_scenario", id=PROPOSAL_ID)
        return self._stored(row)

    def selected_id(self) -> str:
        with read_connection(self.engine) as conn:
            chosen = conn.execute(sa.select(selected_scenario.c.scenario_id)
                                  .where(selected_scenario.c.slot == SHUTTLE_SLOT)).scalar()
        return chosen or PROPOSAL_ID

    # --- writing

    def create(self, record: Mapping, user: str, *, note: str | None = None) -> StoredScenario:
        """Add a scenario at version 1; its id must be free (a deleted scenario's id is taken too).

        Raises
        ------
        DataError
            The record is not a valid scenario (every problem with its JSON path), or the id is taken.
        """
        scenario = self.validate(record)
        with write_transaction(self.engine) as conn:
            return self._insert(conn, scenario, user, "create", note)

    def update(self, scenario_id: str, changes: Mapping, expected_version: int, user: str, *,
               action: str = "update", note: str | None = None) -> StoredScenario:
        """Apply ``changes`` (top-level record fields) to version ``expected_version``.

        Raises ScenarioConflict when the scenario moved on since, DataError when the result is not a
        valid scenario (paths of the whole record), NotFound when there is no such scenario. A change
        that changes nothing writes nothing.
        """
        with write_transaction(self.engine) as conn:
            return self._update(conn, scenario_id, changes, expected_version, user, action, note)

    def delete(self, scenario_id: str, expected_version: int, user: str) -> StoredScenario:
        """Mark the scenario deleted (a new version; its history stays). The proposal cannot be deleted;
        deleting the selected scenario selects the proposal again."""
        if scenario_id == PROPOSAL_ID:
            raise DataError([Problem("id", f"the proposal {PROPOSAL_ID!r} of data/shuttle.yaml cannot be deleted")])
        with write_transaction(self.engine) as conn:
            current = self._get(conn, scenario_id, for_update=True)
            self._check_version(conn, current, current.record, expected_version)
            stored = self._write(conn, current, current.scenario, user, "delete", None, deleted=True)
            conn.execute(sa.delete(selected_scenario).where(selected_scenario.c.scenario_id == scenario_id))
            return stored

    def restore(self, scenario_id: str, version: int, expected_version: int, user: str) -> StoredScenario:
        """Make an earlier version current again (as a new version; a deleted scenario comes back)."""
        with write_transaction(self.engine) as conn:
            record = conn.execute(sa.select(scenario_versions.c.record).where(
                scenario_versions.c.scenario_id == scenario_id, scenario_versions.c.version == version)).scalar()
            if record is None:
                raise NotFound("no_scenario_version", id=scenario_id, version=version)
            current = self._get(conn, scenario_id, for_update=True)
            self._check_version(conn, current, dict(record), expected_version)
            scenario = self.validate(record)
            return self._write(conn, current, scenario, user, "restore", f"restored version {version}",
                               deleted=False)

    def select(self, scenario_id: str, user: str) -> StoredScenario:
        """Make ``scenario_id`` the shuttle of the comparison and the day plans."""
        with write_transaction(self.engine) as conn:
            chosen = self._get(conn, scenario_id)
            if chosen.deleted:
                raise NotFound("no_scenario", id=scenario_id)
            now = utcnow()
            done = conn.execute(sa.update(selected_scenario).where(selected_scenario.c.slot == SHUTTLE_SLOT)
                                .values(scenario_id=scenario_id, selected_at=now, selected_by=user))
            if done.rowcount != 1:
                conn.execute(sa.insert(selected_scenario).values(slot=SHUTTLE_SLOT, scenario_id=scenario_id,
                                                                 selected_at=now, selected_by=user))
            return chosen

    def seed_from(self, scenario: Scenario, user: str = "seed") -> bool:
        """Store ``scenario`` (the proposal of data/) unless its id is stored already; True when added.
        Run it at every start: a later edit of the proposal in the database is never overwritten."""
        with write_transaction(self.engine) as conn:
            if conn.execute(sa.select(scenarios.c.id).where(scenarios.c.id == scenario.id)).first():
                return False
            self._insert(conn, self.validate(scenario_to_record(scenario)), user, "seed", "from data/shuttle.yaml")
            if scenario.id == PROPOSAL_ID and conn.execute(sa.select(selected_scenario.c.slot).where(
                    selected_scenario.c.slot == SHUTTLE_SLOT)).first() is None:
                # the slot's row exists from the start, so a selection is always an update: two first
                # selections at once on PostgreSQL cannot both insert it
                conn.execute(sa.insert(selected_scenario).values(slot=SHUTTLE_SLOT, scenario_id=PROPOSAL_ID,
                                                                 selected_at=utcnow(), selected_by=user))
            return True

    def validate(self, record: Mapping) -> Scenario:
        """The scenario of ``record``; raises DataError with every problem and its JSON path
        (``service.weekday.outbound.periods[1].headway_s``)."""
        unstorable = unstorable_text(record)
        if unstorable:
            raise DataError(unstorable)
        return scenario_from_record(record, self.place_ids)

    # --- internals

    def _stored(self, row) -> StoredScenario:
        scenario = self._parsed.get_or_build((row.id, row.version), lambda: scenario_from_record(row.record))
        return StoredScenario(scenario, row.version, from_db_time(row.created_at, TZ), row.created_by,
                              from_db_time(row.updated_at, TZ), row.updated_by, bool(row.deleted))

    def _get(self, conn: Connection, scenario_id: str, for_update: bool = False) -> StoredScenario:
        row = row_by_key(conn, scenarios, scenario_id, for_update=for_update)
        if row is None:
            raise NotFound("no_scenario", id=scenario_id)
        return self._stored(row)

    def _version_record(self, conn: Connection, scenario_id: str, version: int) -> dict | None:
        return version_record(conn, scenario_versions, scenario_versions.c.scenario_id, scenario_id, version)

    def _check_version(self, conn: Connection, current: StoredScenario, wanted: dict, expected_version: int) -> None:
        if current.version != expected_version:
            raise ScenarioConflict(current, wanted, expected_version,
                                   self._version_record(conn, current.id, expected_version))

    def _insert(self, conn: Connection, scenario: Scenario, user: str, action: str, note: str | None) -> StoredScenario:
        if conn.execute(sa.select(scenarios.c.id).where(scenarios.c.id == scenario.id)).first():
            raise Taken([Problem("id", f"a scenario with id {scenario.id!r} exists already")])
        now, record = utcnow(), scenario_to_record(scenario)
        conn.execute(sa.insert(scenarios).values(id=scenario.id, version=1, record=record, created_at=now,
                                                 created_by=user, updated_at=now, updated_by=user, deleted=False))
        conn.execute(sa.insert(scenario_versions).values(scenario_id=scenario.id, version=1, action=action,
                                                         record=record, changed_at=now, changed_by=user, note=note))
        local = from_db_time(now, TZ)
        return StoredScenario(scenario, 1, local, user, local, user)

    def _update(self, conn: Connection, scenario_id: str, changes: Mapping, expected_version: int, user: str,
                action: str, note: str | None) -> StoredScenario:
        current = self._get(conn, scenario_id, for_update=True)
        if current.deleted:
            raise NotFound("no_scenario", id=scenario_id)
        if changes.get("id") not in (None, "", scenario_id):
            raise DataError([Problem("id", "a scenario's id cannot change: create a new scenario instead")])
        wanted = {**current.record, **changes, "id": scenario_id}
        self._check_version(conn, current, wanted, expected_version)
        scenario = self.validate(wanted)
        if scenario_to_record(scenario) == current.record:
            return current
        return self._write(conn, current, scenario, user, action, note, deleted=False)

    def _write(self, conn: Connection, current: StoredScenario, scenario: Scenario, user: str, action: str,
               note: str | None, *, deleted: bool) -> StoredScenario:
        now, version, record = utcnow(), current.version + 1, scenario_to_record(scenario)
        result = conn.execute(
            sa.update(scenarios).where(scenarios.c.id == current.id, scenarios.c.version == current.version)
            .values(version=version, record=record, updated_at=now, updated_by=user, deleted=deleted))
        if result.rowcount != 1:  # another writer got there between our read and this write
            raise ScenarioConflict(self._get(conn, current.id), record, current.version,
                                   self._version_record(conn, current.id, current.version))
        conn.execute(sa.insert(scenario_versions).values(scenario_id=current.id, version=version, action=action,
                                                         record=record, changed_at=now, changed_by=user, note=note))
        return StoredScenario(scenario, version, current.created_at, current.created_by, from_db_time(now, TZ),
                              user, deleted)


def read_selected(url: str) -> StoredScenario | None:
    """The selected scenario of the database at ``url`` when it has one, read without creating or
    migrating anything (for commands that otherwise run without the database); None when there is
    no such database, it predates scenarios, or it cannot be read."""
    from planner.store.db import make_engine

    database = sa.engine.make_url(url).database if url.startswith("sqlite") else None
    if url.startswith("sqlite") and (not database or database == ":memory:" or not Path(database).is_file()):
        return None
    engine = make_engine(url)
    try:
        if not sa.inspect(engine).has_table("scenarios"):
            return None
        return ScenarioStore(engine).selected_stored()
    except (sa.exc.SQLAlchemyError, NotFound, DataError):
        return None
    finally:
        engine.dispose()
