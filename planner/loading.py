"""Loading and validating ``data/`` into a :class:`planner.model.Model`.

Every fault found is collected, not just the first, and each names its file,
line, record and field (``places.yaml:42 places[3] (panda-museum).lat``), so a
person editing the files can fix them all in one pass. GCJ-02 positions
(``crs: gcj02``) are converted to WGS84 here.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

import yaml

from . import geo
from .errors import DataError, Problem
from .gtfs import GtfsError, read_feed
from .model import (
    EVENT_STATUSES, PLACE_KINDS, TZ, WEEKDAYS, Event, HoursRule, Model, NetworkParams,
    OpeningHours, Place, Shuttle, ShuttlePeriod, ShuttleStop, Site, TaxiParams, parse_clock,
)

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Mapping(dict):
    """A YAML mapping that remembers the line it started on."""

    line = 0


class _LineLoader(_BaseLoader):
    def construct_mapping(self, node, deep=False):  # noqa: D102 - PyYAML hook
        mapping = _Mapping(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)


class _Invalid(Exception):
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

    def field(self, record: dict, path: str, name: str, parse: Callable, default: Any = ...):
        """Parse ``record[name]`` with ``parse``; on failure record a problem and return None."""
        if name not in record or record[name] is None:
            if default is ...:
                self.add(record, f"{path}.{name}", "missing")
                return None
            return default
        try:
            return parse(record[name])
        except (_Invalid, ValueError, TypeError) as exc:
            self.add(record, f"{path}.{name}", str(exc) or f"invalid value {record[name]!r}")
            return None


def read_yaml(path: Path, checker: Checker) -> Any:
    """Parse a YAML file, recording a syntax error with its line as a problem."""
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LineLoader)
    except FileNotFoundError:
        checker.problems.append(Problem(checker.filename, "file not found"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{checker.filename}:{mark.line + 1}" if mark else checker.filename
        checker.problems.append(Problem(where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
    except UnicodeDecodeError as exc:
        checker.problems.append(Problem(checker.filename, f"not UTF-8 text: {exc}"))
    return None


# --- field parsers: each returns a value or raises _Invalid with a clear message


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"expected non-empty text, got {value!r}")
    return value.strip()


def identifier(value: Any) -> str:
    value = text(value)
    if not all(c.islower() or c.isdigit() or c == "-" for c in value):
        raise _Invalid(f"ids are lower-case letters, digits and '-': {value!r}")
    return value


def number(low: float | None = None, high: float | None = None) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Invalid(f"expected a number, got {value!r}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise _Invalid(f"{value} is outside {low}..{high}")
        return float(value)
    return parse


def whole(low: int = 0, high: int | None = None) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid(f"expected a whole number, got {value!r}")
        if value < low or (high is not None and value > high):
            raise _Invalid(f"{value} is outside {low}..{high if high is not None else ''}")
        return value
    return parse


def clock(value: Any) -> int:
    if not isinstance(value, str):
        raise _Invalid(f'expected a quoted "HH:MM" time, got {value!r}')
    try:
        seconds = parse_clock(value)
    except ValueError as exc:
        raise _Invalid(str(exc)) from None
    if seconds > 48 * 3600:
        raise _Invalid(f"{value!r} is more than 48 hours")
    return seconds


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _Invalid(f"expected a date, got a date-time {value!r}")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _Invalid(f"expected a date YYYY-MM-DD, got {value!r}") from None


def aware_datetime(value: Any) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise _Invalid(f"expected an ISO date-time with offset, got {value!r}") from None
    if not isinstance(value, dt.datetime):
        raise _Invalid(f"expected an ISO date-time with offset, got {value!r}")
    if value.tzinfo is None:
        raise _Invalid(f"date-time {value.isoformat()} has no offset (write +08:00)")
    return value.astimezone(TZ)


def tags(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise _Invalid(f"expected a list of words, got {value!r}")
    return tuple(value)


def one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in choices:
            raise _Invalid(f"{value!r} is not one of {', '.join(choices)}")
        return value
    return parse


def records(checker: Checker, doc: Any, key: str) -> list[tuple[str, dict]]:
    """The mappings listed under ``key``, each with its path for messages."""
    if not isinstance(doc, dict):
        if doc is not None:
            checker.add(doc, key, "the file must be a mapping at the top")
        return []
    items = doc.get(key)
    if not isinstance(items, list):
        checker.add(doc, key, "missing, or not a list")
        return []
    found = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            found.append((f"{key}[{i}]", item))
        else:
            checker.add(doc, f"{key}[{i}]", f"expected a mapping, got {item!r}")
    return found


def reference(checker: Checker, record: dict, path: str, name: str, known: dict, what: str) -> str | None:
    """A field naming another record (a site, a place); a problem when no such record exists."""
    value = checker.field(record, path, name, text)
    if value is not None and value not in known:
        hint = f" (known: {', '.join(sorted(known))})" if len(known) <= 5 else ""
        checker.add(record, f"{path}.{name}", f"no {what} {value!r}{hint}")
    return value


def sourced(checker: Checker, record: dict, path: str) -> dict[str, str | None]:
    """The record's ``source``/``assumption``; a record with neither is a problem."""
    found = {k: record.get(k) if isinstance(record.get(k), str) else None for k in ("source", "assumption")}
    if not any(found.values()):
        checker.add(record, path, "needs a 'source' or an 'assumption' saying where its numbers come from")
    return found


def position(checker: Checker, record: dict, path: str) -> tuple[float, float] | None:
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


def hours_rules(checker: Checker, record: dict, path: str) -> OpeningHours | None:
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


def _hours_rule(checker: Checker, rule: dict, path: str) -> HoursRule | None:
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
        if None not in (open_s, close_s, last_entry_s) and not open_s <= last_entry_s <= close_s:
            checker.add(rule, f"{path}.last_entry", "last entry must fall between opening and closing")
        result = HoursRule(months, weekdays, date_from, date_until, False, open_s or 0,
                           close_s or 0, last_entry_s)
    return result if len(checker.problems) == before else None


def _months(value: Any) -> frozenset[int]:
    if not isinstance(value, list) or not all(isinstance(m, int) and 1 <= m <= 12 for m in value):
        raise _Invalid(f"expected a list of month numbers 1-12, got {value!r}")
    return frozenset(value)


def _weekdays(value: Any) -> frozenset[int]:
    if not isinstance(value, list) or not all(d in WEEKDAYS for d in value):
        raise _Invalid(f"expected a list of {'/'.join(WEEKDAYS)}, got {value!r}")
    return frozenset(WEEKDAYS.index(d) for d in value)


# --- the files


def load_places(path: Path) -> tuple[dict[str, Site], dict[str, Place], list[Problem]]:
    checker = Checker(path.name)
    doc = read_yaml(path, checker)
    sites: dict[str, Site] = {}
    for rec_path, rec in records(checker, doc, "sites"):
        site = _site(checker, rec, rec_path)
        if site and site.id in sites:
            checker.add(rec, f"{rec_path}.id", f"duplicate id {site.id!r}")
        elif site:
            sites[site.id] = site
    places: dict[str, Place] = {}
    for rec_path, rec in records(checker, doc, "places"):
        place = _place(checker, rec, rec_path, sites)
        if place and (place.id in places or place.id in sites):
            checker.add(rec, f"{rec_path}.id", f"duplicate id {place.id!r}")
        elif place:
            places[place.id] = place
    return sites, places, checker.problems


def _label(rec: dict, path: str) -> str:
    return f"{path} ({rec['id']})" if isinstance(rec.get("id"), str) else path


def _site(checker: Checker, rec: dict, path: str) -> Site | None:
    before = len(checker.problems)
    path = _label(rec, path)
    values = dict(
        id=checker.field(rec, path, "id", identifier),
        name_zh=checker.field(rec, path, "name_zh", text),
        name_en=checker.field(rec, path, "name_en", text),
        address_zh=checker.field(rec, path, "address_zh", text, ""),
        price_cny=checker.field(rec, path, "price_cny", number(0), 0.0),
        hours=hours_rules(checker, rec, path) or OpeningHours(),
        **sourced(checker, rec, path),
    )
    pos = position(checker, rec, path)
    if len(checker.problems) > before or pos is None:
        return None
    return Site(lat=pos[0], lon=pos[1], **values)


def _place(checker: Checker, rec: dict, path: str, sites: dict[str, Site]) -> Place | None:
    before = len(checker.problems)
    path = _label(rec, path)
    site_id = reference(checker, rec, path, "site", sites, "site")
    hours = hours_rules(checker, rec, path)
    values = dict(
        id=checker.field(rec, path, "id", identifier),
        kind=checker.field(rec, path, "kind", one_of(PLACE_KINDS)),
        name_zh=checker.field(rec, path, "name_zh", text),
        name_en=checker.field(rec, path, "name_en", text),
        visit_s=(checker.field(rec, path, "visit_min", whole(0, 24 * 60), 0) or 0) * 60,
        price_cny=checker.field(rec, path, "price_cny", number(0), 0.0),
        tags=checker.field(rec, path, "tags", tags, ()),
        **sourced(checker, rec, path),
    )
    pos = position(checker, rec, path)
    if len(checker.problems) > before or pos is None:
        return None
    hours = hours or sites[site_id].hours
    return Place(site_id=site_id, lat=pos[0], lon=pos[1], hours=hours, **values)


def load_events(path: Path, places: dict[str, Place]) -> tuple[dict[str, Event], list[Problem]]:
    checker = Checker(path.name)
    doc = read_yaml(path, checker)
    events: dict[str, Event] = {}
    for rec_path, rec in records(checker, doc, "events"):
        event = event_from_record(checker, rec, _label(rec, rec_path), places)
        if event and event.id in events:
            checker.add(rec, f"{rec_path}.id", f"duplicate id {event.id!r}")
        elif event:
            events[event.id] = event
    return events, checker.problems


def event_from_record(checker: Checker, rec: dict, path: str, places: dict[str, Place]) -> Event | None:
    """Validate one event mapping (from YAML or JSON) into an :class:`Event`."""
    before = len(checker.problems)
    venue = reference(checker, rec, path, "venue", places, "place")
    start = checker.field(rec, path, "start", aware_datetime)
    end = checker.field(rec, path, "end", aware_datetime)
    if start and end and end <= start:
        checker.add(rec, f"{path}.end", "must be after start")
    rrule = checker.field(rec, path, "rrule", _rrule(start), None)
    values = dict(
        id=checker.field(rec, path, "id", identifier),
        title_zh=checker.field(rec, path, "title_zh", text),
        title_en=checker.field(rec, path, "title_en", text),
        description_zh=checker.field(rec, path, "description_zh", str, ""),
        description_en=checker.field(rec, path, "description_en", str, ""),
        exdates=checker.field(rec, path, "exdates", _exdates, ()),
        status=checker.field(rec, path, "status", one_of(EVENT_STATUSES), "scheduled"),
        price_cny=checker.field(rec, path, "price_cny", number(0), None),
        capacity=checker.field(rec, path, "capacity", whole(1), None),
        tags=checker.field(rec, path, "tags", tags, ()),
        **sourced(checker, rec, path),
    )
    if len(checker.problems) > before:
        return None
    return Event(venue_id=venue, start=start, end=end, rrule=rrule, **values)


def _rrule(start: dt.datetime | None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        from dateutil.rrule import rrulestr

        value = text(value)
        try:
            rrulestr(value, dtstart=start or dt.datetime(2024, 1, 1, tzinfo=TZ))
        except (ValueError, TypeError) as exc:
            raise _Invalid(f"not a valid RRULE: {exc}") from None
        return value
    return parse


def _exdates(value: Any) -> tuple[dt.datetime, ...]:
    if not isinstance(value, list):
        raise _Invalid(f"expected a list of date-times, got {value!r}")
    return tuple(aware_datetime(v) for v in value)


def read_mapping(path: Path) -> tuple[Checker, dict | None]:
    """A YAML file that must hold one mapping, with the checker collecting its problems."""
    checker = Checker(path.name)
    doc = read_yaml(path, checker)
    if not isinstance(doc, dict):
        if not checker.problems:
            checker.add(doc, "", "the file must be a mapping at the top")
        return checker, None
    return checker, doc


def load_shuttle(path: Path, places: dict[str, Place]) -> tuple[Shuttle | None, list[Problem]]:
    checker, doc = read_mapping(path)
    if doc is None:
        return None, checker.problems
    stop_records = records(checker, doc, "stops")
    stops = tuple(filter(None, (_shuttle_stop(checker, rec, p, places) for p, rec in stop_records)))
    if len(stop_records) < 2:
        checker.add(doc, "stops", "a shuttle needs at least two stops")
    shuttle = Shuttle(
        id=checker.field(doc, "", "id", identifier) or "",
        name_zh=checker.field(doc, "", "name_zh", text) or "",
        name_en=checker.field(doc, "", "name_en", text) or "",
        stops=stops,
        path=_waypoints(checker, doc),
        run_time_s_by_hour=_run_times(checker, doc),
        dwell_s=checker.field(doc, "", "dwell_s", whole(0, 600), 0) or 0,
        timetable=_shuttle_timetable(checker, doc),
        capacity_passengers=checker.field(doc.get("vehicle") or {}, "vehicle", "capacity_passengers", whole(1)) or 0,
        fleet_size=checker.field(doc, "", "fleet_size", whole(1)) or 0,
        fare_cny=checker.field(doc, "", "fare_cny", number(0), 0.0) or 0.0,
        **sourced(checker, doc, "(top)"),
    )
    return (None if checker.problems else shuttle), checker.problems


def _shuttle_stop(checker: Checker, rec: dict, path: str, places: dict[str, Place]) -> ShuttleStop | None:
    before = len(checker.problems)
    path = _label(rec, path)
    place_id = reference(checker, rec, path, "place", places, "place")
    values = dict(
        id=checker.field(rec, path, "id", identifier),
        name_zh=checker.field(rec, path, "name_zh", text),
        name_en=checker.field(rec, path, "name_en", text),
    )
    pos = position(checker, rec, path)
    if len(checker.problems) > before or pos is None:
        return None
    return ShuttleStop(lat=pos[0], lon=pos[1], place_id=place_id, **values)


def _waypoints(checker: Checker, doc: dict) -> tuple[tuple[float, float], ...]:
    """The shuttle's road path: each point ``[lat, lon]`` or ``{lat, lon}`` (with ``crs`` if GCJ-02)."""
    points = []
    for i, point in enumerate(_list_field(checker, doc, "path")):
        if isinstance(point, list) and len(point) == 2:
            point = _Mapping(lat=point[0], lon=point[1])
            point.line = doc.line  # a flow list's items carry no line of their own
        if not isinstance(point, dict):
            checker.add(doc, f"path[{i}]", f"expected [lat, lon] or {{lat, lon}}, got {point!r}")
            continue
        pos = position(checker, point, f"path[{i}]")
        if pos:
            points.append(pos)
    return tuple(points)


def _list_field(checker: Checker, doc: dict, name: str) -> list:
    value = doc.get(name)
    if not isinstance(value, list):
        checker.add(doc, name, "missing, or not a list")
        return []
    return value


def _run_times(checker: Checker, doc: dict) -> dict[int, int]:
    table = doc.get("run_time_min_by_hour")
    if not isinstance(table, dict) or not table:
        checker.add(doc, "run_time_min_by_hour", "expected a mapping of hour (0-23) to minutes")
        return {}
    result = {}
    for hour, minutes in table.items():
        if not (isinstance(hour, int) and 0 <= hour <= 23):
            checker.add(table, f"run_time_min_by_hour.{hour}", "hours are whole numbers 0-23")
        elif isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not 1 <= minutes <= 180:
            checker.add(table, f"run_time_min_by_hour.{hour}", f"expected minutes 1-180, got {minutes!r}")
        else:
            result[hour] = round(minutes * 60)
    return result


def _shuttle_timetable(checker: Checker, doc: dict) -> dict[str, tuple[ShuttlePeriod, ...]]:
    table = doc.get("timetable")
    if not isinstance(table, dict):
        checker.add(doc, "timetable", "expected a mapping of direction (outbound, inbound) to periods")
        return {}
    result = {}
    for direction in ("outbound", "inbound"):
        periods = table.get(direction)
        if not isinstance(periods, list) or not periods:
            checker.add(table, f"timetable.{direction}", "expected a list of periods")
            continue
        result[direction] = tuple(filter(None, (
            _period(checker, period, f"timetable.{direction}[{i}]") for i, period in enumerate(periods)
        )))
    return result


def _period(checker: Checker, rec: Any, path: str) -> ShuttlePeriod | None:
    if not isinstance(rec, dict):
        checker.add(rec, path, f"expected a mapping, got {rec!r}")
        return None
    first = checker.field(rec, path, "first", clock)
    last = checker.field(rec, path, "last", clock)
    headway = checker.field(rec, path, "headway_min", number(1, 240))
    if first is None or last is None or headway is None:
        return None
    if last < first:
        checker.add(rec, f"{path}.last", "last departure before the first")
        return None
    return ShuttlePeriod(first, last, round(headway * 60))


def load_params(path: Path) -> tuple[NetworkParams | None, list[Problem]]:
    checker, doc = read_mapping(path)
    if doc is None:
        return None, checker.problems
    taxi_doc = doc.get("taxi") if isinstance(doc.get("taxi"), dict) else _Mapping()
    taxi = TaxiParams(
        circuity=checker.field(taxi_doc, "taxi", "circuity", number(1, 3)) or 1.0,
        speed_kmh_by_hour=_speeds(checker, taxi_doc),
        flag_fall_cny=checker.field(taxi_doc, "taxi", "flag_fall_cny", number(0)) or 0.0,
        flag_fall_km=checker.field(taxi_doc, "taxi", "flag_fall_km", number(0)) or 0.0,
        per_km_cny=checker.field(taxi_doc, "taxi", "per_km_cny", number(0)) or 0.0,
        pickup_wait_s=checker.field(taxi_doc, "taxi", "pickup_wait_s", whole(0, 3600)) or 0,
    )
    params = NetworkParams(
        walk_speed_m_s=checker.field(doc, "", "walk_speed_m_s", number(0.3, 3)) or 1.0,
        walk_circuity=checker.field(doc, "", "walk_circuity", number(1, 3)) or 1.0,
        max_walk_m=checker.field(doc, "", "max_walk_m", number(0, 10000)) or 0.0,
        min_transfer_s=checker.field(doc, "", "min_transfer_s", whole(0, 3600)) or 0,
        taxi=taxi,
        walk_speed_park_m_s=checker.field(doc, "", "walk_speed_park_m_s", number(0.3, 3), 1.0) or 1.0,
        walk_circuity_park=checker.field(doc, "", "walk_circuity_park", number(1, 3), 1.4) or 1.0,
        site_entry_s=checker.field(doc, "", "site_entry_s", _seconds_by_id, {}) or {},
        **sourced(checker, doc, "(top)"),
    )
    return (None if checker.problems else params), checker.problems


def _seconds_by_id(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and 0 <= v <= 7200 for k, v in value.items()):
        raise _Invalid(f"expected a mapping of site id to seconds 0-7200, got {value!r}")
    return dict(value)


def _speeds(checker: Checker, taxi: dict) -> dict[int, float]:
    table = taxi.get("speed_kmh_by_hour")
    if not isinstance(table, dict) or set(table) != set(range(24)):
        checker.add(taxi, "taxi.speed_kmh_by_hour", "expected a speed for every hour 0-23")
        return {h: 1.0 for h in range(24)}
    speeds = {}
    for hour, speed in table.items():
        speeds[hour] = checker.field(table, "taxi.speed_kmh_by_hour", hour, number(3, 120)) or 1.0
    return speeds


def load_model(data_dir: str | Path, feed_path: str | Path | None = None) -> Model:
    """Load and validate everything in ``data_dir``.

    Raises
    ------
    DataError
        With every problem found in every file.

    Examples
    --------
    >>> from planner.paths import bundled_data_dir
    >>> model = load_model(bundled_data_dir())
    >>> sorted(model.sites)
    ['dongjiao-memory', 'panda-base']
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    sites, places, found = load_places(data_dir / "places.yaml")
    problems += found
    events, found = load_events(data_dir / "events.yaml", places)
    problems += found
    shuttle, found = load_shuttle(data_dir / "shuttle.yaml", places)
    problems += found
    params, found = load_params(data_dir / "network.yaml")
    problems += found
    feed = None
    try:
        feed = read_feed(feed_path or data_dir / "gtfs")
    except GtfsError as exc:
        problems.append(Problem("gtfs", str(exc)))
    fares, found = load_fares(data_dir / "transit.yaml", shuttle)
    problems += found
    if problems:
        raise DataError(problems)
    return Model(sites=sites, places=places, events=events, shuttle=shuttle, params=params, feed=feed,
                 fares=fares)


def load_fares(path: Path, shuttle: Shuttle | None):
    """Fare rules from transit.yaml (optional: without it, fares are unknown)."""
    from .routing.fares import fare_rules_from_transit

    if not path.is_file():
        return None, []
    checker, doc = read_mapping(path)
    if doc is None:
        return None, checker.problems
    try:
        rules = fare_rules_from_transit(doc, shuttle.id if shuttle else None, shuttle.fare_cny if shuttle else None)
    except (KeyError, TypeError, ValueError) as exc:
        checker.add(doc, "fares", f"unreadable fare table: {exc}")
        return None, checker.problems
    return rules, []
