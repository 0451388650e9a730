"""Events as plain records (the mapping ``events.yaml`` holds) and their validation.

A record is JSON-ready: times are ISO 8601 strings with their offset. The
store keeps each saved version as a record, forms and iCalendar files are read
into records, and every record is validated by the one validator of the data
files, :func:`planner.loading.event_from_record`, whose problems here name the
bare field (``end``, ``venue``) so a form can show each beside its input.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any, Mapping

from planner.domain.errors import Problem
from planner.domain.validation import Checker, event_from_record
from planner.domain.model import EVENT_STATUSES, TZ, Event, Place, SessionOverride

FIELDS = ("id", "title_zh", "title_en", "description_zh", "description_en", "venue", "start", "end",
          "rrule", "exdates", "status", "price_cny", "capacity", "tags", "source", "assumption",
          "tzid", "rdates", "all_day", "overrides")
#: What a record without the field means (records saved before the field existed lack it).
DEFAULTS: dict[str, Any] = {"tzid": None, "rdates": [], "all_day": False, "overrides": []}
_SHOWN_ZONE = "Asia/Shanghai"

_PATH = "event"


class FieldChecker(Checker):
    """A :class:`Checker` whose problems name the field alone (``start``), for forms and imports."""

    def __init__(self):
        super().__init__(_PATH)

    def add(self, record: Any, path: str, message: str) -> None:
        field = path[len(_PATH) + 1:] if path.startswith(_PATH + ".") else path
        self.problems.append(Problem(field or "event", message))


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_text(value: Any, path: str = "") -> list[Problem]:
    r"""Text in ``value`` (a record: mappings, lists, strings) that no database column can hold: a NUL
    byte (PostgreSQL refuses it in text) or a lone surrogate (not UTF-8). One problem per field, named
    by its path (``title_en``, ``tags[2]``).

    Examples
    --------
    >>> unstorable_text({"title_en": "a\x00b", "tags": ["ok", "\ud800"], "capacity": 5})
    [Problem(where='title_en', message='contains a NUL byte or a lone surrogate, which text may not hold'), Problem(where='tags[1]', message='contains a NUL byte or a lone surrogate, which text may not hold')]
    """
    if isinstance(value, str):
        return [Problem(path or "$", "contains a NUL byte or a lone surrogate, which text may not hold")] \
            if _UNSTORABLE.search(value) else []
    found: list[Problem] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            found += unstorable_text(key, path or "$") if isinstance(key, str) and _UNSTORABLE.search(key) else []
            found += unstorable_text(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):
        for n, item in enumerate(value):
            found += unstorable_text(item, f"{path}[{n}]")
    return found


def event_to_record(event: Event) -> dict:
    """The JSON-ready record of an event, with the keys of ``events.yaml``."""
    return {
        "id": event.id, "title_zh": event.title_zh, "title_en": event.title_en,
        "description_zh": event.description_zh, "description_en": event.description_en,
        "venue": event.venue_id, "start": event.start.isoformat(), "end": event.end.isoformat(),
        "rrule": event.rrule, "exdates": [d.isoformat() for d in event.exdates],
        "status": event.status, "price_cny": event.price_cny, "capacity": event.capacity,
        "tags": list(event.tags), "source": event.source, "assumption": event.assumption,
        "tzid": zone_name(event.start), "rdates": [_rdate_text(r) for r in event.rdates],
        "all_day": event.all_day, "overrides": [_override_record(o) for o in event.overrides],
    }


def zone_name(value: dt.datetime) -> str | None:
    """The IANA name of the zone a date-time is in, None for Asia/Shanghai (the default) or a bare offset."""
    key = getattr(value.tzinfo, "key", None)
    return None if key in (None, _SHOWN_ZONE) else key


def _rdate_text(value: dt.datetime | tuple[dt.datetime, dt.datetime]) -> str | list[str]:
    return [value[0].isoformat(), value[1].isoformat()] if isinstance(value, tuple) else value.isoformat()


def _override_record(o: SessionOverride) -> dict:
    return {"recurrence_id": o.recurrence_id.isoformat(), "start": o.start.isoformat() if o.start else None,
            "end": o.end.isoformat() if o.end else None, "status": o.status,
            "title_zh": o.title_zh, "title_en": o.title_en}


def validate_record(record: Mapping, places: Mapping[str, Place]) -> tuple[Event | None, list[Problem]]:
    """The event a record describes, or None and every problem, each naming its field."""
    record = dict(record)
    unstorable = unstorable_text(record)
    if unstorable:  # refused first: the parsers below would carry it into messages and the database
        return None, unstorable
    checker = FieldChecker()
    if record.get("rrule") not in (None, ""):
        record["rrule"] = normalize_rrule(record["rrule"], checker)
    else:
        record["rrule"] = None
    instant = record.get("start") is not None and record.get("start") == record.get("end")
    if instant and isinstance(record["start"], str):
        # RFC 5545 3.6.1: an event of a date-time start alone lasts 0 s; the checker wants an end after it
        try:
            record["end"] = (dt.datetime.fromisoformat(record["start"]) + dt.timedelta(seconds=1)).isoformat()
        except (ValueError, OverflowError):  # not a time, or the calendar's last second: the checker says so
            pass
    event = event_from_record(checker, record, _PATH, places)
    if event is not None and instant:
        event = replace(event, end=event.start)
    if event is not None:
        event = _series_fields(checker, record, event)
    return (None if checker.problems else event), checker.problems


def _series_fields(checker: Checker, record: Mapping, event: Event) -> Event | None:
    """The event in its own zone (``tzid``), with its extra dates, all-day flag and changed sessions."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    tzid = record.get("tzid") or _SHOWN_ZONE
    try:
        zone = ZoneInfo(str(tzid))
    except (ZoneInfoNotFoundError, ValueError):
        checker.add(record, f"{_PATH}.tzid", f"unknown time zone {tzid!r}")
        return None

    def local(value: Any, name: str) -> dt.datetime | None:
        try:
            parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        except ValueError:
            parsed = None
        if not isinstance(parsed, dt.datetime) or parsed.tzinfo is None:
            checker.add(record, f"{_PATH}.{name}", f"expected an ISO date-time with offset, got {value!r}")
            return None
        return parsed.astimezone(zone)

    rdates: list = []
    for value in record.get("rdates") or []:
        if isinstance(value, (list, tuple)) and len(value) == 2:
            begin, finish = local(value[0], "rdates"), local(value[1], "rdates")
            if begin and finish:
                rdates.append((begin, finish))
        else:
            single = local(value, "rdates")
            if single:
                rdates.append(single)
    overrides: list[SessionOverride] = []
    for item in record.get("overrides") or []:
        if not isinstance(item, Mapping) or "recurrence_id" not in item:
            checker.add(record, f"{_PATH}.overrides", f"expected {{recurrence_id, start, end, status}}, got {item!r}")
            continue
        rid = local(item["recurrence_id"], "overrides")
        start = local(item["start"], "overrides") if item.get("start") else None
        end = local(item["end"], "overrides") if item.get("end") else None
        status = item.get("status")
        if status is not None and status not in EVENT_STATUSES:
            checker.add(record, f"{_PATH}.overrides", f"{status!r} is not one of {', '.join(EVENT_STATUSES)}")
        if rid is not None:
            overrides.append(SessionOverride(rid, start, end, status, item.get("title_zh"), item.get("title_en")))
    if len({o.recurrence_id for o in overrides}) != len(overrides):
        checker.add(record, f"{_PATH}.overrides", "one override per session (recurrence_id) only")
    all_day = record.get("all_day", False)
    if not isinstance(all_day, bool):
        checker.add(record, f"{_PATH}.all_day", f"expected true or false, got {all_day!r}")
    return replace(event, start=event.start.astimezone(zone), end=event.end.astimezone(zone),
                   exdates=tuple(d.astimezone(zone) for d in event.exdates), rdates=tuple(rdates),
                   all_day=bool(all_day), overrides=tuple(sorted(overrides, key=lambda o: o.recurrence_id)))


def normalize_rrule(text: Any, checker: Checker) -> Any:
    """One RRULE in a canonical spelling, its UNTIL in UTC as RFC 5545 asks with a zoned start.

    Staff and other calendar programs write ``UNTIL=20240331`` (a date) or a
    local time; with a zoned start these are read as that local date's end or
    that local time in Asia/Shanghai. Text that is not one RRULE is returned as
    it is, for the validator to report.

    Examples
    --------
    >>> c = FieldChecker()
    >>> normalize_rrule("RRULE:FREQ=WEEKLY;BYDAY=FR;UNTIL=20240329", c)
    'FREQ=WEEKLY;UNTIL=20240329T155959Z;BYDAY=FR'
    >>> normalize_rrule("FREQ=DAILY\\nEXDATE:20240302T193000", c), c.problems[0].message[:40]
    ('FREQ=DAILY\\nEXDATE:20240302T193000', 'one RRULE only (FREQ=...;...): put exclu')
    """
    from icalendar import vRecur

    if not isinstance(text, str):
        return text
    rule = text.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    # RFC 7529: RSCALE=GREGORIAN (with SKIP=OMIT, its default) is the plain rule; other calendars are refused
    parts = [p for p in rule.split(";") if p.upper() not in ("RSCALE=GREGORIAN", "SKIP=OMIT")]
    if any(p.upper().startswith("RSCALE=") for p in parts):
        checker.add({}, f"{_PATH}.rrule", "RSCALE: only the Gregorian calendar is supported (RFC 7529)")
        return text
    rule = ";".join(parts)
    if "\n" in rule or ":" in rule:
        checker.add({}, f"{_PATH}.rrule", "one RRULE only (FREQ=...;...): put excluded sessions in exdates")
        return text
    try:
        recur = vRecur.from_ical(rule)
    except (ValueError, TypeError):
        return text  # the validator says what is wrong with it
    until = recur.get("UNTIL")
    if until:
        value = until[0]
        if not isinstance(value, dt.datetime):  # a date: through the end of that local day
            value = dt.datetime.combine(value, dt.time(23, 59, 59), TZ)
        elif value.tzinfo is None:
            value = value.replace(tzinfo=TZ)
        recur["UNTIL"] = [value.astimezone(dt.timezone.utc)]
    return recur.to_ical().decode()


def record_diff(old: Mapping | None, new: Mapping) -> list[tuple[str, Any, Any]]:
    """``(field, old value, new value)`` for every field that differs, in record order."""
    old = old or {}
    return [(f, old.get(f, DEFAULTS.get(f)), new.get(f, DEFAULTS.get(f))) for f in FIELDS
            if old.get(f, DEFAULTS.get(f)) != new.get(f, DEFAULTS.get(f))]


def slug(text: str, limit: int = 48) -> str:
    """Lower-case ASCII words joined by '-', usable as (part of) an event id.

    Examples
    --------
    >>> slug('"Hello, Su Dongpo" exhibition 2024')
    'hello-su-dongpo-exhibition-2024'
    >>> slug("熊猫")
    ''
    """
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:limit].strip("-")
