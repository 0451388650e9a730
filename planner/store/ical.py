"""iCalendar (RFC 5545): the programme as a feed, and ``.ics`` files read into the store.

Export writes one VEVENT per event: the standard properties every calendar
program shows (SUMMARY, DTSTART/DTEND in Asia/Shanghai, RRULE, EXDATE, STATUS,
LOCATION, GEO, CATEGORIES) and ``X-PLANNER-*`` properties for what they cannot
hold (both languages, venue id, price, capacity, source), so that export then
import gives back the same events.

Import reads files from any calendar program item by item: each VEVENT becomes
an event record validated like every other, or a rejection with its reasons;
nothing in a file stops the rest of it from being read. Events are matched by
UID: one already stored is updated (a new version, when it changed) rather than
added again. A changed session of a recurring event (RECURRENCE-ID) becomes an
exception of its series plus, unless it was cancelled, an event of its own.
"""
from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator, Mapping

from planner.domain.model import EVENT_STATUSES, TZ, Event, Place
from planner.store.db import Taken
from planner.store.events import UID_DOMAIN, EventStore, StoredEvent
from planner.store.records import event_to_record, record_diff, slug, unstorable_text, validate_record, zone_name

PRODID = "-//Dongjiao Memory and Panda Base planner//Event calendar//EN"
_X = "X-PLANNER-"
_TZID = "Asia/Shanghai"
_BOM = "\ufeff"
log = logging.getLogger(__name__)
_NOT_EVENTS = {"VTODO": "a to-do", "VJOURNAL": "a journal entry", "VFREEBUSY": "free/busy time",
               "VAVAILABILITY": "availability"}


# --- export


def export_calendar(stored: Iterable[StoredEvent], places: Mapping[str, Place], *, name: str,
                    lang: str = "zh", event_url: Callable[[str], str] | None = None) -> bytes:
    """An iCalendar file of the events, titles in ``lang`` (both languages ride along in X- properties).

    X-WR-TIMEZONE (Asia/Shanghai) is written only when every time carries a named zone other than UTC:
    readers that honour it (Google, the x-wr-timezone step of recurring-ical-events) turn "Z" times into
    that zone before expanding, so a UTC weekly rule would fall on other days or hours there.
    """
    from icalendar import Calendar

    stored = list(stored)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if not any(_has_utc_times(item.event) for item in stored):
        cal.add("x-wr-timezone", _TZID)
    cal.add("x-published-ttl", "PT1H")
    for item in stored:
        cal.add_component(_vevent(item, places, lang, event_url))
        for override in item.event.overrides:  # RFC 5545 3.8.4.4: one component per changed session
            cal.add_component(_override_vevent(item, override, places, lang))
    cal.add_missing_timezones()
    return cal.to_ical()


def _vevent(item: StoredEvent, places: Mapping[str, Place], lang: str, event_url) -> Any:
    from icalendar import Event as VEvent, vBinary, vRecur, vText

    event = item.event
    vevent = VEvent()
    vevent.add("uid", item.uid)
    vevent.add("dtstamp", item.updated_at.astimezone(dt.timezone.utc))
    vevent.add("created", item.created_at.astimezone(dt.timezone.utc))
    vevent.add("last-modified", item.updated_at.astimezone(dt.timezone.utc))
    vevent.add("sequence", item.version - 1)
    vevent.add("summary", event.title(lang), parameters={"LANGUAGE": "en" if lang == "en" else "zh-CN"})
    if event.description(lang):
        vevent.add("description", event.description(lang))
    _add_times(vevent, event.start, event.end, event.all_day)
    if event.rrule:
        vevent.add("rrule", vRecur.from_ical(event.rrule))
    for rdate in event.rdates:
        vevent.add("rdate", [rdate] if isinstance(rdate, tuple) else [_day_if(rdate, event.all_day)])
    if event.exdates:
        vevent.add("exdate", [_day_if(d, event.all_day) for d in event.exdates])
    vevent.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    place = places.get(event.venue_id)
    if place is not None:
        vevent.add("location", f"{place.name_zh} ({place.name_en})")
        vevent.add("geo", (place.lat, place.lon))
    if event.tags:
        vevent.add("categories", list(event.tags))
    if event_url is not None:
        vevent.add("url", event_url(event.id))
    extra = {"ID": event.id, "VENUE": event.venue_id, "STATUS": event.status,
             "TITLE-ZH": event.title_zh, "TITLE-EN": event.title_en,
             "DESCRIPTION-ZH": event.description_zh, "DESCRIPTION-EN": event.description_en,
             "PRICE-CNY": None if event.price_cny is None else repr(event.price_cny),
             "CAPACITY": None if event.capacity is None else str(event.capacity),
             "SOURCE": event.source, "ASSUMPTION": event.assumption}
    for key, value in extra.items():
        if value and value.startswith(_BOM):
            # icalendar decodes each value as UTF-8-SIG when writing, which drops a leading U+FEFF:
            # such a value rides as BASE64 (RFC 5545 3.2.7), which keeps every character.
            vevent.add(_X + key, vBinary(value.encode("utf-8")))
        elif value:
            vevent.add(_X + key, vText(value), parameters={"VALUE": "TEXT"})
    return vevent


_UTC_KEYS = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu", "Universal", "Etc/Universal",
                       "GMT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT0", "Greenwich", "Etc/Greenwich"})


def _has_utc_times(event: Event) -> bool:
    """Whether any time of the event is written in UTC ("Z") or as a bare offset rather than a named zone."""
    if event.all_day:
        return False
    times = [event.start, event.end, *event.exdates]
    for rdate in event.rdates:
        times += list(rdate) if isinstance(rdate, tuple) else [rdate]
    for override in event.overrides:
        times += [t for t in (override.recurrence_id, override.start, override.end) if t is not None]
    return any(getattr(t.tzinfo, "key", None) in (None, *_UTC_KEYS) for t in times)


def _day_if(value: dt.datetime, all_day: bool) -> dt.date | dt.datetime:
    return value.date() if all_day else value


def _add_times(vevent, start: dt.datetime, end: dt.datetime, all_day: bool) -> None:
    if all_day:  # dates (RFC 5545 3.6.1): the event's days, shown as all day
        vevent.add("dtstart", start.date())
        vevent.add("dtend", end.date() if end.date() > start.date() else start.date() + dt.timedelta(days=1))
    else:
        vevent.add("dtstart", start)
        vevent.add("dtend", end)


def _override_vevent(item: StoredEvent, override, places: Mapping[str, Place], lang: str) -> Any:
    """A changed session: the series' UID, RECURRENCE-ID its original start, its own times, status, titles."""
    from icalendar import Event as VEvent, vText

    event = item.event
    start = override.start or override.recurrence_id
    end = override.end or start + (event.end - event.start)
    status = override.status or event.status
    title_zh, title_en = override.title_zh or event.title_zh, override.title_en or event.title_en
    vevent = VEvent()
    vevent.add("uid", item.uid)
    vevent.add("dtstamp", item.updated_at.astimezone(dt.timezone.utc))
    vevent.add("recurrence-id", _day_if(override.recurrence_id, event.all_day))
    vevent.add("sequence", item.version - 1)
    vevent.add("summary", title_en if lang == "en" else title_zh,
               parameters={"LANGUAGE": "en" if lang == "en" else "zh-CN"})
    _add_times(vevent, start, end, event.all_day)
    vevent.add("status", "CANCELLED" if status == "cancelled" else "CONFIRMED")
    place = places.get(event.venue_id)
    if place is not None:
        vevent.add("location", f"{place.name_zh} ({place.name_en})")
    extra = {"VENUE": event.venue_id, "STATUS": status, "TITLE-ZH": title_zh, "TITLE-EN": title_en,
             "SOURCE": event.source, "ASSUMPTION": event.assumption}
    for key, value in extra.items():
        if value and value.startswith(_BOM):
            from icalendar import vBinary

            vevent.add(_X + key, vBinary(value.encode("utf-8")))
        elif value:
            vevent.add(_X + key, vText(value), parameters={"VALUE": "TEXT"})
    return vevent


# --- import: reading a file


@dataclass(frozen=True)
class Rejected:
    """An item of a file that was not imported, and why."""

    item: str
    reasons: tuple[str, ...]


@dataclass
class Candidate:
    """An event read from a file, valid, and the UID it goes by."""

    uid: str
    event: Event
    label: str
    notes: list[str] = field(default_factory=list)


@dataclass
class ParsedCalendar:
    candidates: list[Candidate]
    rejected: list[Rejected]
    items: int  # components read (events and others)


#: The title of an imported event without SUMMARY (Chinese, English), and what its record says about it.
UNTITLED = ("未命名活动", "Untitled event")
UNTITLED_NOTE = "the file gives the event no SUMMARY (optional in RFC 5545): the title is a placeholder for staff to correct"


def read_calendar(data: bytes | str, places: Mapping[str, Place], *, filename: str = "calendar.ics",
                  default_venue: str | None = None) -> ParsedCalendar:
    """Every event of an iCalendar file as a valid candidate or a rejection with reasons. Never raises
    on bad input: a file that cannot be read at all is one rejection.

    A large file (:func:`set_import_workers`) is read by worker processes, each a share of its
    events with every part of one UID together (a series, its changed sessions), with the same
    result as reading it here: parsing is most of an import's time, and Python parses on one core.
    """
    text = _unused_removed(_decode(data))
    shares = _shares(text)
    if shares:
        parsed = _read_in_workers(shares, places, filename, default_venue)
        if parsed is not None:
            return parsed
    return _read_text(text, places, filename, default_venue)


def _read_text(text: str, places: Mapping[str, Place], filename: str, default_venue: str | None,
               numbers: list[int] | None = None) -> ParsedCalendar:
    """:func:`read_calendar` of decoded text; ``numbers``: the items' numbers in the whole file, when
    the text is a share of it."""
    components, rejected = _components(text)
    if not components and not rejected:
        rejected.append(Rejected(filename, (
            "no VCALENDAR with events in the file (RFC 5545 3.6: an iCalendar object MUST include at least one "
            "calendar component)",)))
    prodid = next((str(c.get("PRODID")) for c in components if c.name == "VCALENDAR" and c.get("PRODID")), None)
    source = f"imported from {filename}" + (f" ({prodid})" if prodid else "")
    floating = next((str(c.get("X-WR-TIMEZONE")) for c in components
                     if c.name == "VCALENDAR" and c.get("X-WR-TIMEZONE")), None)
    reader = _Reader(places, source, default_venue, floating)
    masters: dict[str, tuple[str, dict]] = {}
    overrides: list[tuple[str, str, Any, dict]] = []
    futures: list[tuple[str, str, Any, dict]] = []  # RECURRENCE-ID;RANGE=THISANDFUTURE
    seen: dict[str, str] = {}
    rejected_uids: set[str] = set()
    items = 0
    for component in components:
        if component.name != "VEVENT" and component.name not in _NOT_EVENTS:
            continue  # the calendar itself, its time zones and their parts
        items += 1
        label = _label(component, numbers[items - 1] if numbers and items <= len(numbers) else items)
        if component.name in _NOT_EVENTS:
            rejected.append(Rejected(label, (f"{_NOT_EVENTS[component.name]} ({component.name}), not an event",)))
            continue
        try:
            uid, record, problems, recurrence_id = reader.record(component)
        except Exception as exc:  # a file from anywhere may break the parser in any way: reject the item
            rejected.append(Rejected(label, (f"could not be read: {exc}",)))
            continue
        if problems:
            rejected.append(Rejected(label, tuple(problems)))
            rejected_uids.add(uid)
            continue
        if recurrence_id is not None:
            future = str(component["RECURRENCE-ID"].params.get("RANGE", "")).upper() == "THISANDFUTURE"
            (futures if future else overrides).append((uid, label, recurrence_id, record))
            continue
        if uid in seen:
            rejected.append(Rejected(label, (f"UID {uid} appears twice in the file (first: {seen[uid]})",)))
            continue
        seen[uid] = label
        masters[uid] = (label, record)
    extra: list[tuple[str, str, dict, str | None]] = []
    overrides += [f for f in futures if f[0] not in masters]  # no series here: one session, as any other
    for uid, label, recurrence_id, record in overrides:
        override_uid = f"{uid}/{recurrence_id:%Y%m%dT%H%M%S}"
        note = None
        if uid in masters:  # RFC 5545 3.8.4.4: it replaces one session; its own RRULE starts nothing
            master = masters[uid][1]
            master["overrides"] = [o for o in master["overrides"] if o["recurrence_id"] != recurrence_id.isoformat()]
            master["overrides"].append(_override(recurrence_id, record, master))
            continue
        elif uid in rejected_uids:
            rejected.append(Rejected(label, (f"a changed session of UID {uid}, which was rejected",)))
            continue
        record["id"] = reader.event_id(override_uid, record)
        record["rrule"], record["rdates"], record["exdates"] = None, [], []  # one session: its own rule starts nothing
        extra.append((override_uid, label, record, note))
    latest: dict[str, str] = {}  # a series' UID -> the key of its latest part, after splits
    for uid, label, recurrence_id, record in sorted((f for f in futures if f[0] in masters), key=lambda f: f[2]):
        problem = _split_future(masters, latest, uid, label, recurrence_id, record, reader)
        if problem:
            rejected.append(Rejected(label, (problem,)))
    candidates = []
    for uid, label, record, note in [(u, lab, rec, None) for u, (lab, rec) in masters.items()] + extra:
        event, invalid = validate_record(record, places)
        if invalid or event is None:  # no event without a problem
            rejected.append(Rejected(label, tuple(str(p) for p in invalid)))
        else:
            notes = [note] if note else []
            capped = _capped(event)
            if capped:
                notes.append(capped)
            candidates.append(Candidate(uid, event, label, notes))
    return ParsedCalendar(candidates, rejected, items)


def _decode(data: bytes | str) -> str:
    """The text of a file, unfolded (RFC 5545 3.1) before decoding: a fold may split a UTF-8
    character's octets, and line ends may be CRLF, CR or LF alone."""
    if isinstance(data, str):
        return _unfold(data.encode("utf-8", "surrogatepass")).decode("utf-8", "surrogatepass")
    data = _unfold(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("utf-8", errors="replace")


def _unfold(data: bytes) -> bytes:
    r"""Octets with every line end as LF and every fold (a line end then a space or tab) removed.

    Examples
    --------
    >>> _unfold(b"SUMMARY:\xe2\x80\r\n \x94!\rUID:x\n")
    b'SUMMARY:\xe2\x80\x94!\nUID:x\n'
    """
    return re.sub(rb"\n[ \t]", b"", data.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))


_TOP_LEVEL = ("VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY")

#: Properties the reader never uses: left out before parsing (a fifth of a typical export's lines,
#: most of a meeting's), so neither their parsing costs time nor a broken one refuses an event.
_UNUSED = re.compile(r"^(?:DTSTAMP|CREATED|LAST-MODIFIED|SEQUENCE|ATTENDEE|ORGANIZER)[;:][^\n]*\n?", re.M | re.I)


def _unused_removed(text: str) -> str:
    r"""Unfolded text without the lines of :data:`_UNUSED` properties.

    Examples
    --------
    >>> _unused_removed("BEGIN:VEVENT\nDTSTAMP:20250101T000000Z\nUID:a\nattendee;CN=X:mailto:x@y\nEND:VEVENT\n")
    'BEGIN:VEVENT\nUID:a\nEND:VEVENT\n'
    """
    return _UNUSED.sub("", text)


# --- reading a large file in worker processes

#: ``workers``: processes that read a large file (0: one per CPU; 1: none); ``parallel_from``: the
#: number of VEVENTs from which a file is large (below it, starting the workers costs more than they save).
_import_settings = {"workers": 0, "parallel_from": 1000}
_pool: Any = None
_pool_lock = threading.Lock()


_gc_lock = threading.Lock()
_gc_pause = {"depth": 0, "was_enabled": False}


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a large file is read or imported (nested and
    concurrent uses share one pause; it is resumed as it was when the last ends).

    Reading makes millions of small objects that live until the import ends (parsed components, sessions,
    rows): each collection would walk them all again, about a sixth of a worker's time and most of
    unpickling its result. Reference counting still frees everything else meanwhile.
    """
    with _gc_lock:
        if _gc_pause["depth"] == 0:
            _gc_pause["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_pause["depth"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pause["depth"] -= 1
            if _gc_pause["depth"] == 0 and _gc_pause["was_enabled"]:
                gc.enable()


def set_import_workers(workers: int, parallel_from: int = 1000) -> None:
    """Set how large files are read (settings ``import_workers`` and ``import_parallel_from``)."""
    global _pool
    with _pool_lock:
        if _pool is not None and workers != _import_settings["workers"]:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
        _import_settings.update(workers=workers, parallel_from=parallel_from)


def _workers() -> int:
    return _import_settings["workers"] or os.cpu_count() or 1


def _shares(text: str) -> list[tuple[str, list[int]]] | None:
    """A large file cut into calendars of its own, one per worker's task, with the numbers its items
    have in the file; None when the file is small, holds several VCALENDARs or is damaged (read whole).

    Each share has the calendar's properties (PRODID, X-WR-TIMEZONE), every VTIMEZONE, and whole UIDs:
    a series, its changed sessions and a UID given twice stay together, so each share reads as the
    whole file would.
    """
    workers = _workers()
    if workers < 2 or len(re.findall(r"^BEGIN:VEVENT\s*$", text, re.M | re.I)) < _import_settings["parallel_from"]:
        return None
    if len(re.findall(r"^BEGIN:VCALENDAR\s*$", text, re.M | re.I)) != 1:
        return None
    first = re.search(r"^BEGIN:(?:%s)\s*$" % "|".join(_TOP_LEVEL), text, re.M | re.I)
    blocks, cut = _blocks(text)
    if cut or first is None:
        return None
    header = "\n".join(line for line in text[:first.start()].splitlines()
                       if line.strip() and line.strip().upper() != "BEGIN:VCALENDAR")
    zones = [block for kind, block in blocks if kind == "VTIMEZONE"]
    items = [block for kind, block in blocks if kind != "VTIMEZONE"]
    groups: dict[str, list[int]] = {}
    for n, block in enumerate(items):
        groups.setdefault(_block_uid(block) or f"#{n}", []).append(n)
    count = workers * 4  # small shares: the first is written sooner, the last leaves less to write after
    parts: list[list[int]] = [[] for _ in range(count)]
    for g, members in enumerate(groups.values()):  # in turn: a file's series often come together
        parts[g % count].extend(members)
    shares = []
    for part in parts:
        if part:
            part.sort()
            body = "\n".join([header, *zones, *(items[n] for n in part)])
            shares.append((f"BEGIN:VCALENDAR\n{body}\nEND:VCALENDAR\n", [n + 1 for n in part]))
    return shares


def _block_uid(block: str) -> str | None:
    """The UID of a top-level item given as text (not one of an alarm inside it)."""
    own = re.sub(r"^BEGIN:(?!VEVENT|VTODO|VJOURNAL|VFREEBUSY|VAVAILABILITY)([^\n]*)\n.*?^END:\1\s*$", "", block,
                 flags=re.M | re.S | re.I)
    found = re.search(r"^UID(?:;[^:\n]*)?:(.*)$", own, re.M | re.I)
    return found.group(1).strip() if found else None


def _read_in_workers(shares: list[tuple[str, list[int]]], places: Mapping[str, Place], filename: str,
                     default_venue: str | None) -> ParsedCalendar | None:
    """The shares read by the worker pool, merged; None when the pool cannot work (read it here)."""
    from concurrent.futures.process import BrokenProcessPool

    with _gc_paused():  # while the results are unpickled and merged
        try:
            futures = _submit(shares, places, filename, default_venue)
            results = [future.result() for future in futures]
        except (BrokenProcessPool, OSError, RuntimeError) as exc:
            _pool_failed(filename, exc)
            return None
        return _merged(results)


def _submit(shares: list[tuple[str, list[int]]], places: Mapping[str, Place], filename: str,
            default_venue: str | None) -> list:
    """The shares given to the worker pool (started when first needed): a future per share."""
    from planner.domain.recurrence import max_sessions

    global _pool
    with _pool_lock:
        if _pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # spawn, not fork: a web server's threads may hold locks a forked child would inherit
            _pool = ProcessPoolExecutor(_workers(), mp_context=multiprocessing.get_context("spawn"))
        pool = _pool
    places = dict(places)
    return [pool.submit(_read_share, text, numbers, places, filename, default_venue, max_sessions())
            for text, numbers in shares]


def _pool_failed(filename: str, exc: BaseException | None) -> None:
    global _pool
    log.warning("reading %s in worker processes failed (%s): reading it in this one", filename, exc)
    with _pool_lock:
        _pool = None


def _merged(results: Iterable[tuple[ParsedCalendar, list]]) -> ParsedCalendar:
    """The shares' results as one file's, in the order given; the series' sessions are kept here."""
    from planner.domain.recurrence import remember_sessions

    merged = ParsedCalendar([], [], 0)
    for parsed, expanded in results:
        for candidate, sessions in zip(parsed.candidates, expanded):
            if sessions is not None:
                remember_sessions(candidate.event, sessions)
        merged.candidates += parsed.candidates
        merged.rejected += parsed.rejected
        merged.items += parsed.items
    return merged


def _read_share(text: str, numbers: list[int], places: Mapping[str, Place], filename: str,
                default_venue: str | None, session_limit: int) -> tuple[ParsedCalendar, list]:
    """In a worker: one share read, with each series' sessions (expanded there, kept by the parent)."""
    from planner.domain.recurrence import all_sessions, is_series, max_sessions, set_max_sessions

    if max_sessions() != session_limit:
        set_max_sessions(session_limit)
    with _gc_paused():
        parsed = _read_text(text, places, filename, default_venue, numbers)
        return parsed, [all_sessions(c.event) if is_series(c.event) else None for c in parsed.candidates]


def _components(text: str) -> tuple[list, list[Rejected]]:
    """The components of the file; when the file as a whole does not parse, each item on its own."""
    from icalendar import Calendar

    try:
        calendars = Calendar.from_ical(text, multiple=True)
        found = [c for cal in calendars for c in cal.walk() if c.name != "VALARM"]
        begun = len(re.findall(r"^BEGIN:VEVENT\s*$", text, re.M | re.I))
        if begun == sum(c.name == "VEVENT" for c in found):
            return found, []
        whole_error = f"{begun} VEVENT(s) begin, {sum(c.name == 'VEVENT' for c in found)} read"
    except Exception as exc:  # noqa: BLE001 - fall back to reading item by item
        whole_error = str(exc)
    blocks, rejected = _blocks(text)
    if not blocks and not rejected:
        return [], [Rejected("file", (f"not an iCalendar file: {whole_error}",))]
    zones = "\n".join(lines for kind, lines in blocks if kind == "VTIMEZONE")
    found = []
    for n, (kind, block) in enumerate(blocks, 1):
        if kind == "VTIMEZONE":
            continue
        try:
            cal = Calendar.from_ical(f"BEGIN:VCALENDAR\nVERSION:2.0\n{zones}\n{block}\nEND:VCALENDAR\n")
            found.extend(c for c in cal.subcomponents if c.name != "VTIMEZONE")
        except Exception as exc:  # noqa: BLE001
            rejected.append(Rejected(_block_label(kind, n, block), (f"not valid iCalendar: {exc}",)))
    return found, rejected


def _blocks(text: str) -> tuple[list[tuple[str, str]], list[Rejected]]:
    """The top-level items of a damaged file, as text; an item without its END line is rejected."""
    blocks: list[tuple[str, str]] = []
    rejected: list[Rejected] = []
    kind: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        word = line.strip().upper()
        if word.startswith("BEGIN:") and word[6:] in _TOP_LEVEL:
            if kind is not None:
                rejected.append(Rejected(_block_label(kind, len(blocks) + len(rejected) + 1, "\n".join(lines)),
                                         (f"no END:{kind}: the item is cut short",)))
            kind, lines = word[6:], [line]
        elif kind is not None:
            lines.append(line)
            if word == f"END:{kind}":
                blocks.append((kind, "\n".join(lines)))
                kind, lines = None, []
    if kind is not None:
        rejected.append(Rejected(_block_label(kind, len(blocks) + len(rejected) + 1, "\n".join(lines)),
                                 (f"no END:{kind}: the file is cut short",)))
    return blocks, rejected


def _block_label(kind: str, n: int, block: str) -> str:
    summary = re.search(r"^SUMMARY[^:]*:(.*)$", block, re.M)
    return f"{kind} {n}" + (f" ({summary.group(1).strip()!r})" if summary else "")


def _label(component, n: int) -> str:
    summary = component.get("SUMMARY")
    uid = component.get("UID")
    details = ", ".join(x for x in (repr(str(summary)) if summary else "", f"UID {uid}" if uid else "") if x)
    return f"{component.name} {n} ({details})" if details else f"{component.name} {n}"


def _decoded_or_none(component: Any, name: str) -> Any:
    """A property's value as icalendar decodes it, or None where it cannot (a broken value)."""
    try:
        return component.decoded(name)
    except Exception:  # noqa: BLE001 - icalendar raises several kinds for a broken value
        return None


def _text(value: Any) -> str | None:
    """The text of a property: vText is unescaped by icalendar, unknown X- values here."""
    if value is None:
        return None
    from icalendar import vBinary, vText

    if isinstance(value, vBinary) or (hasattr(value, "params") and value.params.get("ENCODING") == "BASE64"):
        import base64

        raw = value.to_ical() if hasattr(value, "to_ical") else str(value).encode()
        return base64.b64decode(raw).decode("utf-8", errors="replace")
    if isinstance(value, vText):
        return str(value)
    raw = value.to_ical().decode() if hasattr(value, "to_ical") else str(value)
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), raw)


class _Reader:
    def __init__(self, places: Mapping[str, Place], source: str, default_venue: str | None,
                 floating: str | None = None):
        self.places = places
        self.floating = _zone(floating) or TZ  # floating times: X-WR-TIMEZONE, else Asia/Shanghai
        self.source = source
        self.default_venue = default_venue
        # Venues and attractions only (a gate's '南门' is in too many addresses), longest names first,
        # so 'East District Live House' wins over a shorter name inside it.
        self.names = sorted(((name.lower(), p.id) for p in places.values() if p.kind in ("venue", "attraction")
                             for name in (p.name_zh, p.name_en) if len(name or "") >= 3),
                            key=lambda pair: -len(pair[0]))

    def record(self, vevent) -> tuple[str, dict, list[str], dt.datetime | None]:
        problems = [f"{name}: {message}" for name, message in getattr(vevent, "errors", [])]
        uid = str(vevent.get("UID") or "") or "sha1-" + hashlib.sha1(vevent.to_ical()).hexdigest() + "@import"
        problems += [f"{p.where}: {p.message}" for p in unstorable_text(uid, "UID")]  # the UID is stored as text too
        x = {key[len(_X):]: _text(value) for key, value in vevent.items() if key.startswith(_X)}
        summary = _text(vevent.get("SUMMARY"))
        description = _text(vevent.get("DESCRIPTION"))
        start, end = self._times(vevent, problems)
        rrules = vevent.get("RRULE")
        if isinstance(rrules, list) and len(rrules) > 1:
            problems.append("RRULE: more than one recurrence rule in one event is not supported")
        status = x.get("STATUS") if x.get("STATUS") in EVENT_STATUSES else (
            "cancelled" if str(vevent.get("STATUS", "")).upper() == "CANCELLED" else "scheduled")
        ours = "ID" in x  # exported by the planner: its X- properties say it all
        record = {
            "title_zh": x.get("TITLE-ZH") or summary, "title_en": x.get("TITLE-EN") or summary,
            "description_zh": x.get("DESCRIPTION-ZH", "" if ours else description or ""),
            "description_en": x.get("DESCRIPTION-EN", "" if ours else description or ""),
            "venue": self._venue(vevent, x, problems),
            "start": start.isoformat() if start else None, "end": end.isoformat() if end else None,
            "rrule": vevent["RRULE"].to_ical().decode() if rrules is not None and not isinstance(rrules, list)
            else None,
            "exdates": [d.isoformat() for d in self._exdates(vevent, start, problems)],
            "rdates": self._rdates(vevent, start, problems),
            "tzid": zone_name(start) if start else None,
            "all_day": _is_date(vevent.get("DTSTART")),
            "overrides": [],
            "status": status,
            "price_cny": _number(x.get("PRICE-CNY"), float), "capacity": _number(x.get("CAPACITY"), int),
            "tags": [str(c) for c in vevent.categories],
            "source": x.get("SOURCE") or (None if ours or x.get("ASSUMPTION") else self.source),
            "assumption": x.get("ASSUMPTION"),
        }
        if not summary and not (x.get("TITLE-ZH") and x.get("TITLE-EN")):
            # RFC 5545 3.6.1: SUMMARY is OPTIONAL in a VEVENT, so an event without one is kept, titled
            # for staff to name (the assumption says so)
            record["title_zh"] = record["title_zh"] or UNTITLED[0]
            record["title_en"] = record["title_en"] or UNTITLED[1]
            record["assumption"] = "; ".join(filter(None, (record["assumption"], UNTITLED_NOTE)))
        record["id"] = self.event_id(uid, record, x.get("ID"))
        recurrence_id = None
        if vevent.get("RECURRENCE-ID") is not None:
            recurrence_id = self._aware(vevent.decoded("RECURRENCE-ID"), "RECURRENCE-ID", vevent, problems, start)
        return uid, record, problems, recurrence_id

    def event_id(self, uid: str, record: Mapping, given: str | None = None) -> str:
        """A stable id for a UID: the planner's own, or words of the title and a hash of the UID."""
        if given and re.fullmatch(r"[a-z0-9-]+", given):
            return given
        if uid.endswith("@" + UID_DOMAIN) and re.fullmatch(r"[a-z0-9-]+", uid[:-len(UID_DOMAIN) - 1]):
            return uid[:-len(UID_DOMAIN) - 1]
        digest = hashlib.sha1(uid.encode()).hexdigest()[:10]
        words = slug(str(record.get("title_en") or ""), 40)
        return f"{words}-{digest}" if words else f"ics-{digest}"

    def _times(self, vevent, problems: list[str]) -> tuple[dt.datetime | None, dt.datetime | None]:
        if vevent.get("DTSTART") is None:
            problems.append("DTSTART: missing, the event has no start (RFC 5545 3.6.1: DTSTART is REQUIRED)")
            return None, None
        broken = {name for name, _ in getattr(vevent, "errors", [])}
        if "DTSTART" in broken:
            return None, None  # already reported
        raw_start = vevent.decoded("DTSTART")
        start = self._aware(raw_start, "DTSTART", vevent, problems)
        if start is None:
            return None, None
        if "DTEND" in broken:
            end = None
        elif vevent.get("DTEND") is not None:
            end = self._aware(vevent.decoded("DTEND"), "DTEND", vevent, problems)
        elif vevent.get("DURATION") is not None:
            duration = _decoded_or_none(vevent, "DURATION")
            if not isinstance(duration, dt.timedelta):
                if "DURATION" in broken:
                    return start, None  # already reported
                problems.append(f"DURATION: {vevent.get('DURATION')!s:.40} is not a duration "
                                "(RFC 5545 3.3.6: dur-value, e.g. PT1H30M or P1D)")
                return start, None
            end = start + duration
        elif not isinstance(raw_start, dt.datetime):
            end = start + dt.timedelta(days=1)  # RFC 5545 3.6.1: a date start without an end lasts its day
        else:
            end = start  # RFC 5545 3.6.1: a date-time start without an end "ends on the same date and time"
        return start, end

    def _aware(self, value, name: str, vevent, problems: list[str],
               like: dt.datetime | None = None) -> dt.datetime | None:
        """A local date-time: dates as local midnight (or ``like``'s time), floating times as local."""
        zone = like.tzinfo if like is not None else self.floating
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                tzid = vevent[name].params.get("TZID") if hasattr(vevent.get(name), "params") else None
                if tzid:
                    problems.append(f"{name}: unknown time zone {tzid!r} (no VTIMEZONE for it in the file)")
                    return None
                return value.replace(tzinfo=self.floating)
            # the event's own zone, so that its rule and exceptions are evaluated there (RFC 5545 3.3.10)
            own = _zone(getattr(value.tzinfo, "key", None)) or (_UTC if value.utcoffset() == dt.timedelta(0)
                                                                   and value.tzname() in ("UTC", "Z") else None)
            return value.astimezone(own or (zone if like is not None else TZ))
        if isinstance(value, dt.date):
            clock = like.timetz().replace(tzinfo=None) if like else dt.time()
            return dt.datetime.combine(value, clock, zone)
        problems.append(f"{name}: not a date or date-time: {value!r}")
        return None

    def _exdates(self, vevent, start: dt.datetime | None, problems: list[str]) -> list[dt.datetime]:
        found = []
        for value in vevent.exdates:
            if isinstance(value, tuple):
                value = value[0]
            aware = self._aware(value, "EXDATE", vevent, problems, start)
            if aware is not None:
                found.append(aware)
        return found

    def _rdates(self, vevent, start: dt.datetime | None, problems: list[str]) -> list:
        """RDATE values (dates, date-times, periods) in the event's zone, as record values."""
        found: list = []
        for begin, finish in vevent.rdates:
            aware = self._aware(begin, "RDATE", vevent, problems, start)
            if aware is None:
                continue
            if isinstance(finish, dt.timedelta):
                finish = begin + finish
            if finish is not None:
                until = self._aware(finish, "RDATE", vevent, problems, start)
                found.append([aware.isoformat(), until.isoformat()] if until else aware.isoformat())
            else:
                found.append(aware.isoformat())
        return found

    def _venue(self, vevent, x: Mapping, problems: list[str]) -> str | None:
        if x.get("VENUE") in self.places:
            return x["VENUE"]
        location = (_text(vevent.get("LOCATION")) or "").lower()
        for name, place_id in self.names:
            if location and name in location:
                return place_id
        point = _point_of(vevent)
        if point is not None:
            from planner.domain.geo import distance_m

            near = min(self.places.values(), key=lambda p: distance_m(point, p.position))
            if distance_m(point, near.position) <= 75:
                return near.id
        if self.default_venue in self.places:
            return self.default_venue
        where = f"LOCATION {location!r}" if location else "no LOCATION"
        problems.append(f"venue: {where} names no place of the planner (choose a venue for such events)")
        return None


def _point_of(vevent) -> tuple[float, float] | None:
    """GEO, or the ``geo:`` URI of Apple's X-APPLE-STRUCTURED-LOCATION."""
    geo = vevent.get("GEO")
    if geo is not None and hasattr(geo, "latitude"):
        return (float(geo.latitude), float(geo.longitude))
    apple = re.search(r"geo:\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)", _text(vevent.get("X-APPLE-STRUCTURED-LOCATION")) or "")
    return (float(apple.group(1)), float(apple.group(2))) if apple else None


def _zone(name: str | None) -> dt.tzinfo | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


_UTC = _zone("UTC")


def _is_date(prop) -> bool:
    value = getattr(prop, "dt", None)
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _override(recurrence_id: dt.datetime, record: Mapping, master: Mapping) -> dict:
    """A changed session of ``master`` as a record override: only what differs from the series."""
    status = record.get("status")
    same_title = (record.get("title_zh"), record.get("title_en")) == (master.get("title_zh"), master.get("title_en"))
    start, end = record.get("start"), record.get("end")
    try:  # the series' own times for this session are no change
        length = dt.datetime.fromisoformat(master["end"]) - dt.datetime.fromisoformat(master["start"])
        if start and end and dt.datetime.fromisoformat(start) == recurrence_id and \
                dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start) == length:
            start = end = None
    except (TypeError, ValueError, KeyError):
        pass
    return {"recurrence_id": recurrence_id.isoformat(), "start": start, "end": end,
            "status": None if status == master.get("status") else status,
            "title_zh": None if same_title else record.get("title_zh"),
            "title_en": None if same_title else record.get("title_en")}


_BY_PARTS_FIXED = ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS", "BYHOUR", "BYMINUTE", "BYSECOND")


def _split_future(masters: dict[str, tuple[str, dict]], latest: dict[str, str], uid: str, label: str,
                  recurrence_id: dt.datetime, record: dict, reader: _Reader) -> str | None:
    """Apply a RECURRENCE-ID;RANGE=THISANDFUTURE override (RFC 5545 3.2.13, 3.8.4.4): its changes (the shift
    of its start, its length, titles, status, ...) hold for that session and every later one.

    The series is split as staff's "this and following" does: the original ends before the session (COUNT
    or UNTIL), and an event with the override's properties continues from it with the same rule (COUNT what
    is left; BYDAY moved by the days of the shift), taking the later RDATEs, EXDATEs and changed sessions,
    moved by the same shift. Its UID is the series' with the session's start (``uid/YYYYMMDDTHHMMSS``).
    Returns why it cannot be applied, or None. A later THISANDFUTURE of the same UID changes the latest part.
    """
    from dateutil.rrule import rrulestr

    from planner.domain.recurrence import max_sessions

    key = latest.get(uid, uid)  # after an earlier split of this series, the part that holds the session
    label_master, master = masters[key]
    if not master.get("rrule") or not master.get("start"):
        return "RECURRENCE-ID;RANGE=THISANDFUTURE: the series has no RRULE to continue"
    zone = _zone(master.get("tzid")) or TZ  # the series' zone, where its rule is evaluated; kept by the continuation
    start = dt.datetime.fromisoformat(master["start"]).astimezone(zone)
    length = dt.datetime.fromisoformat(master["end"]) - start
    recurrence_id = recurrence_id.astimezone(zone)
    new_start = (dt.datetime.fromisoformat(record["start"]) if record.get("start") else recurrence_id).astimezone(zone)
    new_end = (dt.datetime.fromisoformat(record["end"]) if record.get("end") else new_start + length).astimezone(zone)
    # a wall-clock shift, applied by wall-clock arithmetic: later sessions move by the same local hours
    shift = new_start.replace(tzinfo=None) - recurrence_id.replace(tzinfo=None)
    local = new_start
    parts = [p for p in master["rrule"].split(";") if p]
    names = {p.split("=", 1)[0].upper(): p.split("=", 1)[1] for p in parts}
    day_shift = (local.date() - recurrence_id.date()).days
    time_moved = local.time() != recurrence_id.time()
    fixed = [n for n in _BY_PARTS_FIXED if n in names and (day_shift or time_moved)]
    later_dates: list[str] = []
    as_dates = bool(fixed or (day_shift and "BYDAY" in names and any(c.isdigit() for c in names["BYDAY"])))
    before = 0
    try:
        for occurrence in rrulestr(master["rrule"], dtstart=start):
            if occurrence >= recurrence_id or before > max_sessions():
                break
            before += 1
    except (ValueError, TypeError) as exc:
        return f"RECURRENCE-ID;RANGE=THISANDFUTURE: RRULE {master['rrule']} could not be split ({exc})"
    if as_dates:  # the rule cannot say where the moved sessions fall: they continue as dates (RDATE)
        problem, later_dates = _continue_as_dates(master, start, zone, recurrence_id, shift, new_start)
        if problem:
            return problem
        parts = [p for p in parts if p.split("=", 1)[0].upper() not in ("COUNT", "UNTIL")]
    later_parts = [p for p in parts if p.split("=", 1)[0].upper() not in ("COUNT", "UNTIL", "BYDAY")]
    if "BYDAY" in names and not as_dates:
        week = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        days = [week[(week.index(d) + day_shift) % 7] for d in names["BYDAY"].split(",")]
        later_parts.append("BYDAY=" + ",".join(days))
    if "COUNT" in names:
        left = int(names["COUNT"]) - before
        if left <= 0:
            return "RECURRENCE-ID;RANGE=THISANDFUTURE: the session is not one of the series' (after its COUNT)"
        later_parts.append(f"COUNT={left}")
    elif "UNTIL" in names:
        later_parts.append(_shifted_until(names["UNTIL"], shift))

    def moved(value: str) -> str:
        return (dt.datetime.fromisoformat(value).astimezone(zone) + shift).isoformat()

    def later(value: str | list) -> bool:
        return dt.datetime.fromisoformat(value[0] if isinstance(value, list) else value) >= recurrence_id

    continuing = {**master, **{k: v for k, v in record.items() if k not in ("id", "rrule", "exdates", "rdates",
                                                                            "overrides", "start", "end", "tzid",
                                                                            "all_day")}}
    continuing.update({
        "start": new_start.isoformat(), "end": new_end.isoformat(), "tzid": zone_name(new_start),
        "rrule": None if as_dates else ";".join(later_parts),
        "exdates": [] if as_dates else [moved(d) for d in master["exdates"] if later(d)],
        "rdates": later_dates if as_dates else [
            [moved(r[0]), moved(r[1])] if isinstance(r, list) else moved(r) for r in master["rdates"] if later(r)],
        "overrides": [{**o, "recurrence_id": moved(o["recurrence_id"])}
                      for o in master["overrides"] if later(o["recurrence_id"])],
    })
    if before == 0:  # from the first session on: the whole series changes
        continuing["id"] = master["id"]
        masters[key] = (label_master, continuing)
        return None
    master["exdates"] = [d for d in master["exdates"] if not later(d)]
    master["rdates"] = [r for r in master["rdates"] if not later(r)]
    master["overrides"] = [o for o in master["overrides"] if not later(o["recurrence_id"])]
    master["rrule"] = ";".join([p for p in parts if p.split("=", 1)[0].upper() not in ("COUNT", "UNTIL")]
                               + [f"COUNT={before}"])
    new_key = f"{uid}/{recurrence_id:%Y%m%dT%H%M%S}"
    continuing["id"] = reader.event_id(new_key, continuing)
    masters[new_key] = (label, continuing)
    latest[uid] = new_key
    return None


def _continue_as_dates(master: dict, start: dt.datetime, zone: dt.tzinfo, recurrence_id: dt.datetime,
                       shift: dt.timedelta, new_start: dt.datetime) -> tuple[str | None, list[str]]:
    """The later sessions of a THISANDFUTURE split whose rule cannot carry the shift (BYMONTHDAY, BYHOUR, an
    ordinal BYDAY ...): each later start of the rule and RDATE, less the EXDATEs, moved by the wall-clock
    shift, as RDATEs of the continuation (at most the maximum per series); or why it cannot be done."""
    from dateutil.rrule import rrulestr

    from planner.domain.recurrence import max_sessions

    def local(value: str) -> dt.datetime:
        return dt.datetime.fromisoformat(value).astimezone(zone)

    excluded = {local(d) for d in master["exdates"]}
    starts: list[dt.datetime] = []
    try:
        for occurrence in rrulestr(master["rrule"], dtstart=start):
            if len(starts) > max_sessions():
                break
            if occurrence >= recurrence_id and occurrence not in excluded:
                starts.append(occurrence)
    except (ValueError, TypeError) as exc:
        return f"RECURRENCE-ID;RANGE=THISANDFUTURE: RRULE {master['rrule']} could not be split ({exc})", []
    extra = [local(r[0] if isinstance(r, list) else r) for r in master["rdates"]]
    starts = sorted({*starts, *(r for r in extra if r >= recurrence_id and r not in excluded)})[:max_sessions()]
    moved = [(s.replace(tzinfo=None) + shift).replace(tzinfo=zone) for s in starts]
    return None, [m.isoformat() for m in moved if m != new_start]


def _shifted_until(until: str, shift: dt.timedelta) -> str:
    """UNTIL moved by the shift of the sessions it bounds (a date stays a date)."""
    if "T" not in until:
        day = dt.datetime.strptime(until, "%Y%m%d") + dt.timedelta(days=shift.days)
        return f"UNTIL={day:%Y%m%d}"
    fmt = "%Y%m%dT%H%M%SZ" if until.endswith("Z") else "%Y%m%dT%H%M%S"
    return f"UNTIL={dt.datetime.strptime(until, fmt) + shift:{fmt}}"


def _capped(event: Event) -> str | None:
    """A note when the series has more sessions than the maximum, naming its rule."""
    from planner.domain.recurrence import all_sessions, is_series, max_sessions

    if not is_series(event):
        return None
    sessions, capped = all_sessions(event)
    if not capped:
        return None
    return (f"RRULE {event.rrule}: more than {max_sessions()} sessions (the maximum per series, setting "
            f"PLANNER_MAX_SESSIONS_PER_SERIES); only the first {max_sessions()} are kept, the last on "
            f"{sessions[-1].start:%Y-%m-%d %H:%M}")


def _number(text: str | None, kind):
    if text is None:
        return None
    try:
        return kind(text)
    except ValueError:
        return text  # the validator reports it, naming the field


# --- import: planning and applying


@dataclass
class ImportPlan:
    new: list[Candidate]
    changed: list[tuple[Candidate, StoredEvent, list]]  # with the diff from what is stored
    unchanged: list[tuple[Candidate, StoredEvent]]
    rejected: list[Rejected]
    items: int


@dataclass
class ImportReport:
    plan: ImportPlan
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    conflicts: list[Rejected] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        plan = self.plan
        verb = "would be" if self.dry_run else "were"
        return (f"{plan.items} item(s) read: {len(plan.new)} new, {len(plan.changed)} changed, "
                f"{len(plan.unchanged)} unchanged, {len(plan.rejected) + len(self.conflicts)} rejected"
                f" ({'dry run, nothing saved' if self.dry_run else 'saved'}); "
                f"{len(plan.new) + len(plan.changed)} {verb} written")


def plan_import(store: EventStore, parsed: ParsedCalendar, *, reader: Any = None) -> ImportPlan:
    """Sort the candidates into new, changed and unchanged by UID (one read of the store, or of
    ``reader``: a :class:`planner.store.events.BatchWriter`, in its transaction)."""
    reader = store if reader is None else reader
    stored = reader.find_many_by_uid([c.uid for c in parsed.candidates])
    taken = reader.uids_by_id([c.event.id for c in parsed.candidates])
    new, changed, unchanged, rejected = [], [], [], list(parsed.rejected)
    for candidate in parsed.candidates:
        existing = stored.get(candidate.uid)
        if existing is None:
            owner = taken.get(candidate.event.id)
            if owner is not None:
                rejected.append(Rejected(candidate.label, (
                    f"id: {candidate.event.id!r} belongs to another stored event (UID {owner})",)))
            else:
                new.append(candidate)
            continue
        if existing.id != candidate.event.id:  # same UID, known under another id: keep the stored id
            candidate.event = replace(candidate.event, id=existing.id)
        diff = record_diff(existing.record, event_to_record(candidate.event))
        if diff:
            changed.append((candidate, existing, diff))
        else:
            unchanged.append((candidate, existing))
    return ImportPlan(new, changed, unchanged, rejected, parsed.items)


def _updates(plan: ImportPlan, expected_versions: Mapping[str, int] | None) -> list[tuple[str, dict, int, str]]:
    updates = []
    for candidate, existing, _diff in plan.changed:
        expected = (expected_versions or {}).get(existing.id, existing.version)
        updates.append((existing.id, event_to_record(candidate.event), expected, candidate.label))
    return updates


def apply_import(store: EventStore, plan: ImportPlan, user: str, *, note: str,
                 expected_versions: Mapping[str, int] | None = None) -> ImportReport:
    """Write a plan. Changed events are updated from the version seen when planning (or
    ``expected_versions``, from a preview): one edited since then is reported, not overwritten.

    The same file imported twice at once: the second import finds the first one's events stored
    (SQLite: after it, as one writer; PostgreSQL: its insert refused by the unique keys, nothing of
    it written, and planned again) and reports them unchanged, as if it came second.
    """
    try:
        created, updated, conflicts = store.apply_batch(
            [(c.event, c.uid) for c in plan.new], _updates(plan, expected_versions), user,
            action="import", note=note)
    except Taken:
        candidates = [*plan.new, *(c for c, _, _ in plan.changed), *(c for c, _ in plan.unchanged)]
        plan = plan_import(store, ParsedCalendar(candidates, list(plan.rejected), plan.items))
        created, updated, conflicts = store.apply_batch(
            [(c.event, c.uid) for c in plan.new], _updates(plan, expected_versions), user,
            action="import", note=note)
    plan, conflicts = _written_meanwhile(store, plan, conflicts, set(created))
    report = ImportReport(plan)
    report.created, report.updated = created, updated
    report.conflicts = [Rejected(label, (reason,)) for label, reason in conflicts]
    return report


def _written_meanwhile(store: EventStore, plan: ImportPlan, conflicts: list[tuple[str, str]], created: set[str]
                       ) -> tuple[ImportPlan, list[tuple[str, str]]]:
    """New events refused because their id or UID was stored after planning: those stored exactly as
    this file has them (by an import of the same file at the same moment) are unchanged, not refused.
    (An id this import wrote itself, given twice in the file, stays refused.)"""
    taken = {label for label, reason in conflicts if reason.startswith(("id: ", "uid: "))} - created
    refused = [c for c in plan.new if c.event.id in taken]
    if not refused:
        return plan, conflicts
    labels = {id(c): c.event.id for c in refused}  # planning again may give a candidate the stored id
    again = plan_import(store, ParsedCalendar(refused, [], 0))
    same = {labels[id(c)] for c, _ in again.unchanged}
    plan = replace(plan, new=[c for c in plan.new if not (id(c) in labels and labels[id(c)] in same)],
                   unchanged=[*plan.unchanged, *again.unchanged])
    return plan, [(label, reason) for label, reason in conflicts if label not in same]


def import_calendar(store: EventStore, data: bytes | str, *, filename: str, user: str, dry_run: bool = False,
                    default_venue: str | None = None) -> ImportReport:
    """Read, plan and (unless ``dry_run``) write an iCalendar file; the report says what happened to each item.

    A large file read by the worker processes is written share by share as each is read, in one
    transaction, so that writing one share overlaps reading the others (:func:`_import_shares`).
    """
    note = f"imported from {filename}"
    if not dry_run:
        text = _unused_removed(_decode(data))
        shares = _shares(text)
        if shares:
            report = _import_shares(store, shares, filename, user, note, default_venue)
            if report is not None:
                return report
        parsed = _read_text(text, store.places, filename, default_venue)
    else:
        parsed = read_calendar(data, store.places, filename=filename, default_venue=default_venue)
    plan = plan_import(store, parsed)
    if dry_run:
        return ImportReport(plan, dry_run=True)
    return apply_import(store, plan, user, note=note)


class _ReadWhole(Exception):
    """The shares of a file are not independent (a UID or event id in two of them): plan it whole."""


class _PoolFailed(Exception):
    """The worker pool failed while a file was imported: nothing is written, the file is read here."""


def _import_shares(store: EventStore, shares: list[tuple[str, list[int]]], filename: str, user: str,
                   note: str, default_venue: str | None) -> ImportReport | None:
    """Import a file read by the worker pool, each share planned and written as soon as it is read, all
    in one transaction: the same report, events, versions and sessions as planning the merged file and
    :func:`apply_import` (shares hold whole UIDs, so no share's plan depends on another's writes).

    When two shares hold the same event id or candidate UID (a planner id given to two UIDs, a UID
    like another's changed session), nothing is written and the merged file is planned and applied
    as usual. Returns None when the pool cannot work (the caller reads the file in this process).
    """
    with _gc_paused():  # while the results are unpickled, planned and written
        return _import_shares_paused(store, shares, filename, user, note, default_venue)


def _import_shares_paused(store: EventStore, shares: list[tuple[str, list[int]]], filename: str, user: str,
                          note: str, default_venue: str | None) -> ImportReport | None:
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool
    from contextlib import ExitStack

    try:
        futures = _submit(shares, store.places, filename, default_venue)
    except (BrokenProcessPool, OSError, RuntimeError) as exc:
        _pool_failed(filename, exc)
        return None
    order = {future: n for n, future in enumerate(futures)}
    done: list[Any] = [None] * len(futures)  # per share: (parsed, plan, created, updated, refused, refused_updates)
    ids: set[str] = set()
    uids: set[str] = set()
    try:
        with ExitStack() as stack:
            writer = None
            for future in as_completed(futures):
                try:
                    result = future.result()
                except (BrokenProcessPool, OSError, RuntimeError) as exc:
                    raise _PoolFailed from exc  # the transaction is rolled back: nothing written
                parsed = _merged([result])
                share_ids = {c.event.id for c in parsed.candidates}
                share_uids = {c.uid for c in parsed.candidates}
                if share_ids & ids or share_uids & uids:
                    raise _ReadWhole
                ids |= share_ids
                uids |= share_uids
                if writer is None:  # the write transaction begins with the first share read
                    writer = stack.enter_context(store.batch_writer(user, action="import", note=note))
                plan = plan_import(store, parsed, reader=writer)
                created, _, refused = writer.apply([(c.event, c.uid) for c in plan.new], [])
                _, updated, refused_updates = writer.apply([], _updates(plan, None))
                done[order[future]] = (parsed, plan, created, updated, refused, refused_updates)
    except _PoolFailed as failed:
        _pool_failed(filename, failed.__cause__)
        return None
    except _ReadWhole:
        try:
            parsed = _merged([future.result() for future in futures])
        except (BrokenProcessPool, OSError, RuntimeError) as exc:
            _pool_failed(filename, exc)
            return None
        return apply_import(store, plan_import(store, parsed), user, note=note)
    items = sum(part[0].items for part in done)
    rejected = [r for part in done for r in part[0].rejected]
    rejected += [r for part in done for r in part[1].rejected[len(part[0].rejected):]]  # the plans' own
    plan = ImportPlan([c for part in done for c in part[1].new], [c for part in done for c in part[1].changed],
                      [c for part in done for c in part[1].unchanged], rejected, items)
    report = ImportReport(plan)
    report.created = [i for part in done for i in part[2]]
    report.updated = [i for part in done for i in part[3]]
    report.conflicts = [Rejected(label, (reason,)) for part in done for label, reason in part[4]]
    report.conflicts += [Rejected(label, (reason,)) for part in done for label, reason in part[5]]
    return report

