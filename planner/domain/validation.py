"""Validation of records (from YAML files, JSON bodies or forms) into domain objects.

Each field parser returns a value or raises :class:`Invalid` with a clear message;
a :class:`Checker` collects every problem with its exact place (file and line,
record and field), so a person can fix them all in one pass. The data-file loader
(:mod:`planner.sources.datafiles`) and the event store use the same validators.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, overload

from dateutil.rrule import rrulestr

from planner.domain import geo
from planner.domain.errors import Problem
from planner.domain.model import (
    EVENT_STATUSES, TZ, WEEKDAYS, Event, HoursRule, OpeningHours, Place, parse_clock,
)

_T = TypeVar("_T")
_D = TypeVar("_D")

#: A record as read from YAML or JSON: a mapping whose values are not yet checked.
Record = Mapping[str, Any]


class Invalid(Exception):
    """One field is wrong; caught by the record checker, which adds where."""


class Checker:
    """Collects problems while records are read, each with its exact place."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []

    def add(self, record: Any, path: str, message: str) -> None:
        line = getattr(record, "line", 0)
        where = f"{self.filename}:{line} {path}" if line else f"{self.filename} {path}"
        self.problems.append(Problem(where, message))

    @overload
    def field(self, record: Mapping[Any, Any], path: str, name: object, parse: Callable[[Any], _T]) -> _T | None: ...

    @overload
    def field(self, record: Mapping[Any, Any], path: str, name: object, parse: Callable[[Any], _T],
              default: _D) -> _T | _D | None: ...

    def field(self, record: Mapping[Any, Any], path: str, name: object, parse: Callable[[Any], _T],
              default: object = ...) -> object:
        """Parse ``record[name]`` with ``parse``; on failure record a problem and return None.

        A missing (or null) field is a problem too, unless a ``default`` is given: then it is the value.
        """
        if name not in record or record[name] is None:
            if default is ...:
                self.add(record, f"{path}.{name}", "missing")
                return None
            return default
        try:
            return parse(record[name])
        except (Invalid, ValueError, TypeError) as exc:
            self.add(record, f"{path}.{name}", str(exc) or f"invalid value {record[name]!r}")
            return None


# --- field parsers: each returns a value or raises Invalid with a clear message


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"expected non-empty text, got {value!r}")
    return value.strip()


def plain_text(value: Any) -> str:
    """Text that may be empty; a number, list or mapping is not text (it was once taken as its ``str``)."""
    if not isinstance(value, str):
        raise Invalid(f"expected text, got {value!r}")
    return value


def identifier(value: Any) -> str:
    name = text(value)
    if not all(c.islower() or c.isdigit() or c == "-" for c in name):
        raise Invalid(f"ids are lower-case letters, digits and '-': {name!r}")
    return name


def number(low: float | None = None, high: float | None = None) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(f"expected a number, got {value!r}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise Invalid(f"{value} is outside {low}..{high}")
        return float(value)
    return parse


def whole(low: int = 0, high: int | None = None) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"expected a whole number, got {value!r}")
        if value < low or (high is not None and value > high):
            raise Invalid(f"{value} is outside {low}..{high if high is not None else ''}")
        return value
    return parse


def clock(value: Any) -> int:
    if not isinstance(value, str):
        raise Invalid(f'expected a quoted "HH:MM" time, got {value!r}')
    try:
        seconds = parse_clock(value)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    if seconds > 48 * 3600:
        raise Invalid(f"{value!r} is more than 48 hours")
    return seconds


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise Invalid(f"expected a date, got a date-time {value!r}")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:  # 2024-02-30 says why: "day is out of range for month"
        raise Invalid(f"expected a date YYYY-MM-DD, got {value!r} ({exc})") from None


#: The years an event's times may fall in: wide for any programme, narrow enough that a session's day,
#: week or a year on stays a date Python can hold (0001-01-01 and 9999-12-31 overflow when shifted).
YEARS = (1900, 2199)


def aware_datetime(value: Any) -> dt.datetime:
    """A date-time with an offset, in Asia/Shanghai; Invalid when it has none or lies outside :data:`YEARS`."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise Invalid(f"expected an ISO date-time with offset, got {value!r} ({exc})") from None
    if not isinstance(value, dt.datetime):
        raise Invalid(f"expected an ISO date-time with offset, got {value!r}")
    if value.tzinfo is None:
        raise Invalid(f"date-time {value.isoformat()} has no offset (write +08:00)")
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise Invalid(f"date-time {value.isoformat()} is outside the years {YEARS[0]}-{YEARS[1]}")
    return value.astimezone(TZ)


def tags(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise Invalid(f"expected a list of words, got {value!r}")
    return tuple(value)


def one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise Invalid(f"{value!r} is not one of {', '.join(choices)}")
        return value
    return parse


def records(checker: Checker, doc: Any, key: str) -> list[tuple[str, Record]]:
    """The mappings listed under ``key``, each with its path for messages."""
    if not isinstance(doc, dict):
        if doc is not None:
            checker.add(doc, key, "the file must be a mapping at the top")
        return []
    items = doc.get(key)
    if not isinstance(items, list):
        checker.add(doc, key, "missing, or not a list")
        return []
    found: list[tuple[str, Record]] = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            found.append((f"{key}[{i}]", item))
        else:
            checker.add(doc, f"{key}[{i}]", f"expected a mapping, got {item!r}")
    return found


def reference(checker: Checker, record: Record, path: str, name: str, known: Mapping[str, object],
              what: str) -> str | None:
    """A field naming another record (a site, a place); a problem when no such record exists."""
    value = checker.field(record, path, name, text)
    if value is not None and value not in known:
        hint = f" (known: {', '.join(sorted(known))})" if len(known) <= 5 else ""
        checker.add(record, f"{path}.{name}", f"no {what} {value!r}{hint}")
    return value


def sourced(checker: Checker, record: Record, path: str) -> dict[str, str | None]:
    """The record's ``source``/``assumption``; a record with neither is a problem."""
    found = {k: record.get(k) if isinstance(record.get(k), str) else None for k in ("source", "assumption")}
    if not any(found.values()):
        checker.add(record, path, "needs a 'source' or an 'assumption' saying where its numbers come from")
    return found


def position(checker: Checker, record: Record, path: str) -> tuple[float, float] | None:
    """WGS84 (lat, lon) of a record, converting ``crs: gcj02`` inputs."""
    lat = checker.field(record, path, "lat", number(-90, 90))
    lon = checker.field(record, path, "lon", number(-180, 180))
    if lat is None or lon is None:
        return None
    crs = record.get("crs", "wgs84")
    if crs == "gcj02":
        lat, lon = geo.gcj02_to_wgs84(lat, lon)
    elif crs != "wgs84":
        checker.add(record, f"{path}.crs", f"{crs!r} is not wgs84 or gcj02")
        return None
    if not geo.in_chengdu(lat, lon):
        checker.add(record, f"{path}.lat", f"({lat:.5f}, {lon:.5f}) is outside Chengdu: swapped or mistyped?")
        return None
    return lat, lon


def hours_rules(checker: Checker, record: Record, path: str) -> OpeningHours | None:
    items = record.get("hours")
    if items is None:
        return None
    if not isinstance(items, list) or not items:
        checker.add(record, f"{path}.hours", "expected a list of opening-hours rules")
        return None
    rules = []
    for i, rule in enumerate(items):
        rule_path = f"{path}.hours[{i}]"
        if not isinstance(rule, dict):
            checker.add(record, rule_path, f"expected a mapping, got {rule!r}")
            continue
        parsed = _hours_rule(checker, rule, rule_path)
        if parsed is not None:
            rules.append(parsed)
    return OpeningHours(tuple(rules))


def _hours_rule(checker: Checker, rule: Record, path: str) -> HoursRule | None:
    before = len(checker.problems)
    months = checker.field(rule, path, "months", _months, None)
    weekdays = checker.field(rule, path, "weekdays", _weekdays, None)
    date_from = checker.field(rule, path, "from", date, None)
    date_until = checker.field(rule, path, "until", date, None)
    if rule.get("closed") is True:
        result = HoursRule(months, weekdays, date_from, date_until, closed=True)
    else:
        open_s = checker.field(rule, path, "open", clock)
        close_s = checker.field(rule, path, "close", clock)
        last_entry_s = checker.field(rule, path, "last_entry", clock, None)
        if open_s is not None and close_s is not None and close_s <= open_s:
            checker.add(rule, f"{path}.close", "closes before it opens")
        if (open_s is not None and close_s is not None and last_entry_s is not None
                and not open_s <= last_entry_s <= close_s):
            checker.add(rule, f"{path}.last_entry", "last entry must fall between opening and closing")
        result = HoursRule(months, weekdays, date_from, date_until, False, open_s or 0,
                           close_s or 0, last_entry_s)
    return result if len(checker.problems) == before else None


def _months(value: Any) -> frozenset[int]:
    if not isinstance(value, list) or not all(isinstance(m, int) and 1 <= m <= 12 for m in value):
        raise Invalid(f"expected a list of month numbers 1-12, got {value!r}")
    return frozenset(value)


def _weekdays(value: Any) -> frozenset[int]:
    if not isinstance(value, list) or not all(d in WEEKDAYS for d in value):
        raise Invalid(f"expected a list of {'/'.join(WEEKDAYS)}, got {value!r}")
    return frozenset(WEEKDAYS.index(d) for d in value)


def event_from_record(checker: Checker, rec: Record, path: str, places: Mapping[str, Place]) -> Event | None:
    """Validate one event mapping (from YAML or JSON) into an :class:`Event`."""
    before = len(checker.problems)
    venue = reference(checker, rec, path, "venue", places, "place")
    start = checker.field(rec, path, "start", aware_datetime)
    end = checker.field(rec, path, "end", aware_datetime)
    if start and end and end <= start:
        checker.add(rec, f"{path}.end", "must be after start")
    rrule = checker.field(rec, path, "rrule", _rrule(start), None)
    # Any: a field that failed is None here, but then a problem was recorded and no Event is made.
    values: dict[str, Any] = dict(
        id=checker.field(rec, path, "id", identifier),
        title_zh=checker.field(rec, path, "title_zh", text),
        title_en=checker.field(rec, path, "title_en", text),
        description_zh=checker.field(rec, path, "description_zh", plain_text, ""),
        description_en=checker.field(rec, path, "description_en", plain_text, ""),
        exdates=checker.field(rec, path, "exdates", _exdates, ()),
        status=checker.field(rec, path, "status", one_of(EVENT_STATUSES), "scheduled"),
        price_cny=checker.field(rec, path, "price_cny", number(0), None),
        capacity=checker.field(rec, path, "capacity", whole(1), None),
        tags=checker.field(rec, path, "tags", tags, ()),
        **sourced(checker, rec, path),
    )
    if len(checker.problems) > before or venue is None or start is None or end is None:
        return None
    return Event(venue_id=venue, start=start, end=end, rrule=rrule, **values)


def _rrule(start: dt.datetime | None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        rule = text(value)
        try:
            rrulestr(rule, dtstart=start or dt.datetime(2024, 1, 1, tzinfo=TZ))
        except (ValueError, TypeError) as exc:
            raise Invalid(f"not a valid RRULE: {exc}") from None
        return rule
    return parse


def _exdates(value: Any) -> tuple[dt.datetime, ...]:
    if not isinstance(value, list):
        raise Invalid(f"expected a list of date-times, got {value!r}")
    return tuple(aware_datetime(v) for v in value)
