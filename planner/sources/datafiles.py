"""Loading and validating ``data/`` into a :class:`planner.model.Model`.

Every fault found is collected, not just the first, and each names its file,
line, record and field (``places.yaml:42 places[3] (panda-museum).lat``), so a
person editing the files can fix them all in one pass. GCJ-02 positions
(``crs: gcj02``) are converted to WGS84 here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.nodes import MappingNode

from planner.domain.errors import DataError, Problem
from planner.domain.fares import FareRules
from planner.sources.gtfs import GtfsError, read_feed
from planner.sources.gtfs_check import check_feed
from planner.domain.model import (
    PLACE_KINDS, PROGRAMMES, DemandAssumptions, Event, Model, NetworkParams, OpeningHours, Place, Shuttle,
    ShuttlePeriod,
    ShuttleStop, Site, TaxiParams,
)
from planner.domain.validation import (
    Checker, Invalid, Record, clock, date, event_from_record, hours_rules, identifier, number, one_of,
    position, records, reference, sourced, tags, text, whole,
)

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]  # the same interface, in Python


class _Mapping(dict[Hashable, Any]):
    """A YAML mapping that remembers the line it started on."""

    line = 0


class _LineLoader(_BaseLoader):
    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:  # noqa: D102 - PyYAML hook
        mapping = _Mapping(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)


def _timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    """A YAML date or date-time; one that looks like a date but is none (2024-02-30) stays text, so
    the field's validator names it with file, line, record and field instead of PyYAML raising."""
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


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
    except (ValueError, TypeError, OverflowError) as exc:  # a value PyYAML cannot build, without a mark
        checker.problems.append(Problem(checker.filename, f"unreadable value: {exc}"))
    return None


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


def _label(rec: Record, path: str) -> str:
    return f"{path} ({rec['id']})" if isinstance(rec.get("id"), str) else path


def _site(checker: Checker, rec: Record, path: str) -> Site | None:
    before = len(checker.problems)
    path = _label(rec, path)
    # Any: a field that failed is None here, but then a problem was recorded and no Site is made.
    values: dict[str, Any] = dict(
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


def _place(checker: Checker, rec: Record, path: str, sites: dict[str, Site]) -> Place | None:
    before = len(checker.problems)
    path = _label(rec, path)
    site_id = reference(checker, rec, path, "site", sites, "site")
    hours = hours_rules(checker, rec, path)
    # Any: a field that failed is None here, but then a problem was recorded and no Place is made.
    values: dict[str, Any] = dict(
        id=checker.field(rec, path, "id", identifier),
        kind=checker.field(rec, path, "kind", one_of(PLACE_KINDS)),
        name_zh=checker.field(rec, path, "name_zh", text),
        name_en=checker.field(rec, path, "name_en", text),
        visit_s=(checker.field(rec, path, "visit_min", whole(0, 24 * 60), 0) or 0) * 60,
        price_cny=checker.field(rec, path, "price_cny", number(0), 0.0),
        tags=checker.field(rec, path, "tags", tags, ()),
        programme=checker.field(rec, path, "programme", one_of(PROGRAMMES), None),
        date_from=checker.field(rec, path, "from", date, None),
        date_until=checker.field(rec, path, "until", date, None),
        **sourced(checker, rec, path),
    )
    if values["date_from"] and values["date_until"] and values["date_until"] < values["date_from"]:
        checker.add(rec, f"{path}.until", "ends before it starts (from)")
    pos = position(checker, rec, path)
    if len(checker.problems) > before or pos is None or site_id is None:
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


def read_mapping(path: Path) -> tuple[Checker, Record | None]:
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
    notes_en, notes_zh = _notes(checker, doc, "notes", _SHUTTLE_NOTES)
    shuttle = Shuttle(
        id=checker.field(doc, "", "id", identifier) or "",
        name_zh=checker.field(doc, "", "name_zh", text) or "",
        name_en=checker.field(doc, "", "name_en", text) or "",
        stops=stops,
        path=_waypoints(checker, doc),
        run_time_s_by_hour=_run_times(checker, doc),
        dwell_s=checker.field(doc, "", "dwell_s", whole(0, 600), 0) or 0,
        timetable=_shuttle_timetable(checker, doc),
        capacity_passengers=checker.field(_mapping(checker, doc, "vehicle"), "vehicle", "capacity_passengers",
                                          whole(1)) or 0,
        fleet_size=checker.field(doc, "", "fleet_size", whole(1)) or 0,
        fare_cny=checker.field(doc, "", "fare_cny", number(0), 0.0) or 0.0,
        timetable_by_day_type=_timetables_by_day_type(checker, doc),
        run_time_sd_s_by_hour=_run_time_sds(checker, doc),
        layover_s=round((checker.field(doc, "", "layover_min", number(0, 120)) or 0) * 60),
        dwell_base_s=checker.field(doc, "", "dwell_base_s", whole(0, 600)) or 0,
        dwell_per_boarding_s=checker.field(doc, "", "dwell_per_boarding_s", number(0, 60)) or 0.0,
        cost_per_vehicle_hour_cny=checker.field(doc, "", "cost_per_vehicle_hour_cny", number(0, 100_000)) or 0.0,
        cost_per_km_cny=checker.field(doc, "", "cost_per_km_cny", number(0, 10_000)) or 0.0,
        demand=_demand(checker, doc),
        notes_en=notes_en,
        notes_zh=notes_zh,
        **sourced(checker, doc, "(top)"),
    )
    return (None if checker.problems else shuttle), checker.problems


#: Numbers of shuttle.yaml whose source or reasoning planners see, in both languages (``notes``).
_SHUTTLE_NOTES = ("stops", "path", "run_times", "service", "layover_s", "dwell_base_s", "dwell_per_boarding_s",
                  "capacity_passengers", "fleet_size", "fare_cny", "cost_per_vehicle_hour_cny", "cost_per_km_cny")
_DEMAND_NOTES = ("visitors_per_day", "dongjiao_visitors_per_day", "ride_share", "outbound_curve", "inbound_curve",
                 "show_audience_default", "show_ride_share", "surge_spread_s")
_DAY_TYPES = ("weekday", "weekend", "holiday")  # planner.domain.daytypes.DAY_TYPES


def _notes(checker: Checker, doc: Record, key: str, required: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str]]:
    """``(notes_en, notes_zh)`` from ``key``: a mapping of field name to ``{en, zh}``, one for each of
    ``required`` (every number shown to planners says where it comes from)."""
    table = doc.get(key)
    found: dict[str, dict[str, str]] = {"en": {}, "zh": {}}
    if not isinstance(table, dict):
        checker.add(doc, key, "expected a mapping of field name to {en, zh}")
        return found["en"], found["zh"]
    for name in required:
        if name not in table:
            checker.add(table, f"{key}.{name}", "missing: every number needs its source or assumption")
    for name, note in table.items():
        if not isinstance(note, dict):
            checker.add(table, f"{key}.{name}", "expected {en: ..., zh: ...}")
            continue
        for lang in ("en", "zh"):
            value = checker.field(note, f"{key}.{name}", lang, text)
            if value is not None:
                found[lang][str(name)] = value
    return found["en"], found["zh"]


def _hourly(checker: Checker, doc: Record, key: str, low: float, high: float) -> dict[int, int]:
    """A mapping of hour (0-23) to minutes within ``low..high``, as seconds."""
    table = doc.get(key)
    if not isinstance(table, dict) or not table:
        checker.add(doc, key, "expected a mapping of hour (0-23) to minutes")
        return {}
    result: dict[int, int] = {}
    for hour, minutes in table.items():
        if not (isinstance(hour, int) and 0 <= hour <= 23):
            checker.add(table, f"{key}.{hour}", "hours are whole numbers 0-23")
        elif isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not low <= minutes <= high:
            checker.add(table, f"{key}.{hour}", f"expected minutes {low:g}-{high:g}, got {minutes!r}")
        else:
            result[hour] = round(minutes * 60)
    return result


def _run_time_sds(checker: Checker, doc: Record) -> dict[int, int]:
    sds = _hourly(checker, doc, "run_time_sd_min_by_hour", 0, 90)
    means = doc.get("run_time_min_by_hour")
    if isinstance(means, dict) and sds and set(sds) != {h for h in means if isinstance(h, int)}:
        checker.add(doc, "run_time_sd_min_by_hour", "give the same hours as run_time_min_by_hour")
    return sds


def _timetables_by_day_type(checker: Checker, doc: Record) -> dict[str, dict[str, tuple[ShuttlePeriod, ...]]]:
    """Optional ``timetable_by_day_type``: day type -> a timetable like ``timetable`` (the others run that one)."""
    table = doc.get("timetable_by_day_type")
    if table is None:
        return {}
    if not isinstance(table, dict):
        checker.add(doc, "timetable_by_day_type", "expected a mapping of day type (weekday, weekend, holiday)")
        return {}
    result = {}
    for day, timetable in table.items():
        if day not in _DAY_TYPES:
            checker.add(table, f"timetable_by_day_type.{day}", f"day types are {', '.join(_DAY_TYPES)}")
        elif isinstance(timetable, dict):
            result[day] = _shuttle_timetable(checker, {"timetable": timetable}, f"timetable_by_day_type.{day}")
        else:
            checker.add(table, f"timetable_by_day_type.{day}", "expected a mapping of direction to periods")
    return result


def _curve(value: Any) -> tuple[float, ...]:
    if not isinstance(value, list) or len(value) != 24:
        raise Invalid(f"expected a list of 24 hourly weights, got {value!r}")
    weights = tuple(number(0, 1e6)(w) for w in value)
    if not sum(weights) > 0:
        raise Invalid("at least one hour needs a weight above 0")
    return weights


def _by_day_type(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or set(value) != set(_DAY_TYPES):
        raise Invalid(f"expected a number for each of {', '.join(_DAY_TYPES)}, got {value!r}")
    return {day: whole(0, 1_000_000)(value[day]) for day in _DAY_TYPES}


def _demand(checker: Checker, doc: Record) -> DemandAssumptions | None:
    rec = doc.get("demand")
    if not isinstance(rec, dict):
        checker.add(doc, "demand", "expected a mapping of the demand assumptions")
        return None
    before = len(checker.problems)
    values: dict[str, Any] = dict(
        visitors_per_day=checker.field(rec, "demand", "visitors_per_day", _by_day_type),
        dongjiao_visitors_per_day=checker.field(rec, "demand", "dongjiao_visitors_per_day", _by_day_type),
        ride_share=checker.field(rec, "demand", "ride_share", number(0, 1)),
        outbound_curve=checker.field(rec, "demand", "outbound_curve", _curve),
        inbound_curve=checker.field(rec, "demand", "inbound_curve", _curve),
        show_audience_default=checker.field(rec, "demand", "show_audience_default", whole(0, 100_000)),
        show_ride_share=checker.field(rec, "demand", "show_ride_share", number(0, 1)),
        surge_spread_s=checker.field(rec, "demand", "surge_spread_s", whole(60, 14_400)),
    )
    notes_en, notes_zh = _notes(checker, rec, "notes", _DEMAND_NOTES)
    if len(checker.problems) > before:
        return None
    return DemandAssumptions(**values, notes_en=notes_en, notes_zh=notes_zh)


def _shuttle_stop(checker: Checker, rec: Record, path: str, places: dict[str, Place]) -> ShuttleStop | None:
    before = len(checker.problems)
    path = _label(rec, path)
    place_id = reference(checker, rec, path, "place", places, "place")
    # Any: a field that failed is None here, but then a problem was recorded and no stop is made.
    values: dict[str, Any] = dict(
        id=checker.field(rec, path, "id", identifier),
        name_zh=checker.field(rec, path, "name_zh", text),
        name_en=checker.field(rec, path, "name_en", text),
    )
    pos = position(checker, rec, path)
    if len(checker.problems) > before or pos is None or place_id is None:
        return None
    return ShuttleStop(lat=pos[0], lon=pos[1], place_id=place_id, **values)


def _waypoints(checker: Checker, doc: Record) -> tuple[tuple[float, float], ...]:
    """The shuttle's road path: each point ``[lat, lon]`` or ``{lat, lon}`` (with ``crs`` if GCJ-02)."""
    points = []
    for i, point in enumerate(_list_field(checker, doc, "path")):
        if isinstance(point, list) and len(point) == 2:
            point = _Mapping(lat=point[0], lon=point[1])
            point.line = getattr(doc, "line", 0)  # a flow list's items carry no line of their own
        if not isinstance(point, dict):
            checker.add(doc, f"path[{i}]", f"expected [lat, lon] or {{lat, lon}}, got {point!r}")
            continue
        pos = position(checker, point, f"path[{i}]")
        if pos:
            points.append(pos)
    return tuple(points)


def _mapping(checker: Checker, doc: Record, name: str) -> Record:
    """``doc[name]``, which must be a mapping: anything else (a number, a list) is a problem, and an
    empty mapping stands in so its fields are reported missing rather than raising."""
    value = doc.get(name)
    if isinstance(value, dict):
        return value
    if value is not None:
        checker.add(doc, name, f"expected a mapping, got {value!r}")
    empty = _Mapping()
    empty.line = getattr(doc, "line", 0)
    return cast(Record, empty)


def _list_field(checker: Checker, doc: Record, name: str) -> list[Any]:
    value = doc.get(name)
    if not isinstance(value, list):
        checker.add(doc, name, "missing, or not a list")
        return []
    return value


def _run_times(checker: Checker, doc: Record) -> dict[int, int]:
    return _hourly(checker, doc, "run_time_min_by_hour", 1, 180)


def _shuttle_timetable(checker: Checker, doc: Record, where: str = "timetable") -> dict[str, tuple[ShuttlePeriod, ...]]:
    table = doc.get("timetable")
    if not isinstance(table, dict):
        checker.add(doc, where, "expected a mapping of direction (outbound, inbound) to periods")
        return {}
    result: dict[str, tuple[ShuttlePeriod, ...]] = {}
    for direction in ("outbound", "inbound"):
        periods = table.get(direction)
        if not isinstance(periods, list) or not periods:
            checker.add(table, f"{where}.{direction}", "expected a list of periods")
            continue
        result[direction] = tuple(filter(None, (
            _period(checker, period, f"{where}.{direction}[{i}]") for i, period in enumerate(periods)
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
    taxi_doc = _mapping(checker, doc, "taxi")
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
        raise Invalid(f"expected a mapping of site id to seconds 0-7200, got {value!r}")
    return dict(value)


def _speeds(checker: Checker, taxi: Mapping[Any, Any]) -> dict[int, float]:
    table = taxi.get("speed_kmh_by_hour")
    if not isinstance(table, dict) or set(table) != set(range(24)):
        checker.add(taxi, "taxi.speed_kmh_by_hour", "expected a speed for every hour 0-23")
        return {h: 1.0 for h in range(24)}
    speeds: dict[int, float] = {}
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
    >>> from planner.domain.paths import bundled_data_dir
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
    feed_warnings: tuple[str, ...] = ()
    try:
        feed = read_feed(feed_path or data_dir / "gtfs")
        feed_warnings = tuple(feed.warnings)
    except GtfsError as exc:
        problems.append(Problem("gtfs", str(exc)))
        feed_warnings = exc.warnings
    if feed_path is None:
        # the data folder's own feed is ours: checked as strictly as the YAML files, every warning an error
        # (a feed given apart, a real public one, is only read: its warnings stay warnings)
        strict = check_feed(data_dir / "gtfs")
        if not strict and feed is not None:
            strict = [Problem(f"gtfs/{w.split(': ', 1)[0]}", w.split(': ', 1)[-1]) for w in feed_warnings]
        problems += strict
    fares, found = load_fares(data_dir / "transit.yaml", shuttle)
    problems += found
    if problems:
        raise DataError(problems, warnings=feed_warnings)  # the feed's, so callers show them too
    assert shuttle is not None and params is not None and feed is not None  # each None only with a problem
    return Model(sites=sites, places=places, events=events, shuttle=shuttle, params=params, feed=feed,
                 fares=fares)


def fare_rules_from_transit(doc: Record, shuttle_route: str | None = None, shuttle_fare: float | None = None) -> FareRules:
    """Fare rules from the ``fares`` and ``feeders`` sections of transit.yaml."""
    metro = (doc.get("fares") or {}).get("metro") or {}
    bands = tuple((float(b["up_to_km"]), float(b["fare_cny"])) for b in metro.get("bands", []))
    beyond = metro.get("beyond_last_band") or {}
    flat = {f["id"]: float(f["fare_cny"]) for f in doc.get("feeders", []) if "fare_cny" in f}
    if shuttle_route is not None and shuttle_fare is not None:
        flat[shuttle_route] = shuttle_fare
    # the circuity the GTFS build runs each line at (planner/sources/gtfs_build.py): its track length
    default = float((doc.get("running") or {}).get("circuity", 1.0))
    track = {line["id"]: float(line.get("circuity", default)) for line in doc.get("lines", []) if "id" in line}
    return FareRules(bands, float(beyond.get("every_km", 20)), float(beyond.get("add_cny", 1)), flat, track)


def _fare_shapes(checker: Checker, doc: Record) -> None:
    """The kinds transit.yaml's fare sections must have (a mapping where a mapping is expected, a list
    of mappings where a list is): each wrong one a problem with its line and field."""
    fares = _mapping(checker, doc, "fares")
    metro = _mapping(checker, fares, "metro") if fares else fares
    _mapping(checker, metro, "beyond_last_band")
    _mapping(checker, doc, "running")
    day_types = _mapping(checker, doc, "day_types")
    for name, entry in day_types.items():
        if not isinstance(entry, dict):
            checker.add(day_types, f"day_types.{name}", f"expected a mapping, got {entry!r}")
    for owner, key, where in ((metro, "bands", "fares.metro.bands"), (doc, "feeders", "feeders"),
                              (doc, "lines", "lines")):
        items = owner.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            checker.add(owner, where, f"expected a list, got {items!r}")
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                checker.add(owner, f"{where}[{i}]", f"expected a mapping, got {item!r}")


def load_fares(path: Path, shuttle: Shuttle | None) -> tuple[FareRules | None, list[Problem]]:
    """Fare rules from transit.yaml (optional: without it, fares are unknown)."""
    if not path.is_file():
        return None, []
    checker, doc = read_mapping(path)
    if doc is None:
        return None, checker.problems
    _fare_shapes(checker, doc)
    if checker.problems:
        return None, checker.problems
    try:
        rules = fare_rules_from_transit(doc, shuttle.id if shuttle else None, shuttle.fare_cny if shuttle else None)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        checker.add(doc, "fares", f"unreadable fare table: {exc}")
        return None, checker.problems
    return rules, []


def metro_timetable_on(day: dt.date, data_dir: str | Path | None = None) -> dict[str, str]:
    """Which metro timetable ``day`` runs and why, for pages that say so: its day type
    (:func:`planner.domain.daytypes.metro_day_type`), the service transit.yaml's ``day_types`` gives
    it, and that entry's ``source`` and ``assumption`` (empty when it has none).

    Examples
    --------
    >>> found = metro_timetable_on(dt.date(2024, 2, 12))
    >>> found["day_type"], found["service"], "Spring Festival" in found["assumption"]
    ('spring_festival', 'weekend', True)
    >>> metro_timetable_on(dt.date(2024, 2, 19))["service"]
    'weekday'
    """
    from planner.domain.daytypes import metro_day_type
    from planner.domain.paths import bundled_data_dir

    path = Path(data_dir or bundled_data_dir()) / "transit.yaml"
    entry = _day_types(str(path)).get(metro_day_type(day), {})
    return {"day_type": metro_day_type(day), "service": str(entry.get("service", "")),
            "source": str(entry.get("source", "")), "assumption": str(entry.get("assumption", ""))}


@lru_cache(maxsize=4)
def _day_types(path: str) -> dict[str, dict[str, Any]]:
    doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LineLoader) or {}
    table = doc.get("day_types") if isinstance(doc, dict) else None
    return {k: v for k, v in table.items() if isinstance(v, dict)} if isinstance(table, dict) else {}
