"""A shuttle scenario: stops, path, service by day type, run times, fleet, costs and demand assumptions.

The proposal in ``data/shuttle.yaml`` is the first scenario (:data:`PROPOSAL_ID`); planners draft others.
A scenario is plain data: :func:`scenario_to_record` writes it as a JSON-ready mapping and
:func:`scenario_from_record` reads one back, refusing every fault at once with its JSON path
(``service.weekday.outbound.periods[1].headway_s``) and bounding everything a stranger could abuse.

Units: times of day are integer seconds after local midnight (Asia/Shanghai, may pass 86400 after
midnight), durations ``*_s``, distances ``*_m``, money ``*_cny``.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypeVar

from planner.domain.daytypes import DAY_TYPES
from planner.domain.errors import DataError, Problem
from planner.domain.geo import distance_m
from planner.domain.model import DemandAssumptions, Shuttle, ShuttlePeriod, ShuttleStop

__all__ = [
    "DAY_TYPES", "DIRECTIONS", "PROPOSAL_ID", "DemandAssumptions", "DirectionService", "HeadwayPeriod",
    "RunTime", "Scenario", "ScenarioStop", "ScheduledTrip", "scenario_from_record", "scenario_from_shuttle",
    "scenario_to_record", "with_fleet", "with_headway",
]

#: The scenario built from ``data/shuttle.yaml``: it cannot be deleted.
PROPOSAL_ID = "dj-panda-shuttle"
#: ``outbound`` runs the stops in order (Dongjiao Memory -> Panda Base), ``inbound`` in reverse.
DIRECTIONS = ("outbound", "inbound")

# Bounds of a record (each keeps a stranger's input from costing much memory or time).
MAX_STOPS = 20
MAX_PATH_POINTS = 1000
MAX_DEPARTURES = 400  # per direction and day type
MAX_PERIODS = 48  # per direction and day type
LATEST_S = 30 * 3600  # a departure after 06:00 the next morning belongs to the next day
HEADWAY_S = (60, 7200)
FLEET = (1, 200)
CAPACITY = (1, 300)
RUN_TIME_MEAN_S = (60, 14400)
MAX_TEXT = 200
MAX_NOTE = 2000
MAX_NOTES = 60
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")


@dataclass(frozen=True)
class ScenarioStop:
    """A stop of the scenario, at a place of ``places.yaml`` or at bare coordinates (WGS84)."""

    id: str
    name_zh: str
    name_en: str
    lat: float
    lon: float
    place_id: str | None = None

    @property
    def position(self) -> tuple[float, float]:
        return (self.lat, self.lon)


#: Departures at ``first_s``, ``first_s + headway_s``, ... while at most ``last_s``: the routing
#: layer's period of the shuttle, so a scenario's timetable is the shuttle's without a conversion.
HeadwayPeriod = ShuttlePeriod


@dataclass(frozen=True)
class DirectionService:
    """One direction's service on a day type: periods of even headway, or an explicit list of departures."""

    periods: tuple[HeadwayPeriod, ...] = ()
    departures_s: tuple[int, ...] = ()  # when non-empty it IS the timetable

    def all_departures_s(self) -> list[int]:
        """Sorted, unique departures.

        Examples
        --------
        >>> DirectionService((HeadwayPeriod(100, 300, 100), HeadwayPeriod(300, 400, 50))).all_departures_s()
        [100, 200, 300, 350, 400]
        >>> DirectionService((HeadwayPeriod(100, 300, 100),), (500, 90, 500)).all_departures_s()
        [90, 500]
        """
        if self.departures_s:
            return sorted(set(self.departures_s))
        return sorted({d for period in self.periods for d in period.departures_s()})


@dataclass(frozen=True)
class RunTime:
    """End-to-end run time (mean and standard deviation) of a departure in ``hour``."""

    hour: int
    mean_s: int
    sd_s: int


@dataclass(frozen=True)
class ScheduledTrip:
    """One timetabled trip, terminal to terminal."""

    trip_id: str  # f"{scenario.id}-{day_type}-{direction}-{depart_s}"
    direction: str
    depart_s: int
    arrive_s: int
    from_stop: str
    to_stop: str
    distance_m: float


@dataclass(frozen=True)
class Scenario:
    """A shuttle design to test: see the module docstring for units."""

    id: str
    name_zh: str
    name_en: str
    stops: tuple[ScenarioStop, ...]  # in outbound order, at least 2
    path: tuple[tuple[float, float], ...]  # road path (lat, lon) WGS84, first stop to last; may be ()
    service: dict[str, dict[str, DirectionService]]  # day type -> direction -> service
    run_times: tuple[RunTime, ...]  # by hour; an hour not listed takes the nearest listed one
    fleet_size: int
    capacity_passengers: int
    layover_s: int  # least time at a terminal between two trips of one vehicle
    dwell_base_s: int  # doors open and close at a stop with boardings
    dwell_per_boarding_s: float
    fare_cny: float
    cost_per_vehicle_hour_cny: float
    cost_per_km_cny: float
    demand: DemandAssumptions
    notes_en: dict[str, str] = field(default_factory=dict)  # field -> source or assumption
    notes_zh: dict[str, str] = field(default_factory=dict)

    @cached_property
    def _length_m(self) -> float:
        points = list(self.path) if len(self.path) >= 2 else [s.position for s in self.stops]
        return sum(distance_m(a, b) for a, b in zip(points, points[1:]))

    def length_m(self) -> float:
        """Length of a trip, along the path when there is one, else stop to stop (geodesic)."""
        return self._length_m

    def _run_time(self, depart_s: int) -> RunTime:
        hour = depart_s // 3600 % 24
        return min(self.run_times, key=lambda r: (min(abs(r.hour - hour), 24 - abs(r.hour - hour)), r.hour))

    def run_time_s(self, depart_s: int) -> int:
        """Mean end-to-end run time of a departure at ``depart_s`` (its hour's, or the nearest listed hour's).

        Examples
        --------
        >>> s = _example()
        >>> s.run_time_s(7 * 3600 + 59), s.run_time_s(12 * 3600), s.run_time_sd_s(8 * 3600)
        (1800, 1200, 300)
        """
        return self._run_time(depart_s).mean_s

    def run_time_sd_s(self, depart_s: int) -> int:
        """Standard deviation of the run time of a departure at ``depart_s``."""
        return self._run_time(depart_s).sd_s

    def departures_s(self, day_type: str, direction: str) -> list[int]:
        """Departures from the direction's first stop on a day of ``day_type``, sorted."""
        service = self.service.get(day_type, {}).get(direction)
        return service.all_departures_s() if service else []

    def terminals(self, direction: str) -> tuple[str, str]:
        """The (first, last) stop ids of ``direction``."""
        first, last = self.stops[0].id, self.stops[-1].id
        return (first, last) if direction == "outbound" else (last, first)

    def trips(self, day_type: str) -> list[ScheduledTrip]:
        """Every trip of a day of ``day_type``, both directions, sorted by departure.

        Examples
        --------
        >>> [(t.direction, t.depart_s, t.arrive_s, t.from_stop) for t in _example().trips("weekday")]
        [('outbound', 25200, 27000, 'a'), ('inbound', 28800, 30600, 'b'), ('outbound', 32400, 34200, 'a')]
        """
        length = self.length_m()
        found = []
        for direction in DIRECTIONS:
            start, end = self.terminals(direction)
            for depart in self.departures_s(day_type, direction):
                found.append(ScheduledTrip(f"{self.id}-{day_type}-{direction}-{depart}", direction, depart,
                                           depart + self.run_time_s(depart), start, end, length))
        return sorted(found, key=lambda t: (t.depart_s, DIRECTIONS.index(t.direction)))

    def to_shuttle(self) -> Shuttle:
        """The scenario as the routing layer's :class:`~planner.domain.model.Shuttle`.

        Explicit departure lists become one-departure periods.

        Examples
        --------
        >>> shuttle = _example().to_shuttle()
        >>> shuttle.departures_s("outbound", "weekday"), shuttle.departures_s("outbound", "holiday")
        ([25200, 32400], [])
        """
        def periods(service: DirectionService) -> tuple[ShuttlePeriod, ...]:
            if service.departures_s:
                return tuple(ShuttlePeriod(d, d, 3600) for d in service.all_departures_s())
            return service.periods  # HeadwayPeriod is ShuttlePeriod

        by_type = {day: {direction: periods(self.service.get(day, {}).get(direction, DirectionService()))
                         for direction in DIRECTIONS} for day in DAY_TYPES}
        stops = tuple(ShuttleStop(id=s.id, name_zh=s.name_zh, name_en=s.name_en, lat=s.lat, lon=s.lon,
                                  place_id=s.place_id or "") for s in self.stops)
        return Shuttle(
            id=self.id, name_zh=self.name_zh, name_en=self.name_en, stops=stops, path=self.path,
            run_time_s_by_hour={r.hour: r.mean_s for r in self.run_times},
            run_time_sd_s_by_hour={r.hour: r.sd_s for r in self.run_times},
            dwell_s=self.dwell_base_s, timetable=dict(by_type["weekday"]), timetable_by_day_type=by_type,
            capacity_passengers=self.capacity_passengers, fleet_size=self.fleet_size, fare_cny=self.fare_cny,
            layover_s=self.layover_s, dwell_base_s=self.dwell_base_s,
            dwell_per_boarding_s=self.dwell_per_boarding_s,
            cost_per_vehicle_hour_cny=self.cost_per_vehicle_hour_cny, cost_per_km_cny=self.cost_per_km_cny,
            demand=self.demand, notes_en=dict(self.notes_en), notes_zh=dict(self.notes_zh),
        )


def _example() -> Scenario:
    """A two-stop scenario for the examples: 07:00 and 09:00 out, 08:00 back, 30 min at 7-8, 20 min else."""
    demand = DemandAssumptions({d: 1000 for d in DAY_TYPES}, {d: 1000 for d in DAY_TYPES}, 0.1,
                               (1.0,) * 24, (1.0,) * 24, 100, 0.1, 600)
    weekday = {"outbound": DirectionService(departures_s=(25200, 32400)),
               "inbound": DirectionService((HeadwayPeriod(28800, 28800, 3600),))}
    return Scenario("ex", "例", "Example", (ScenarioStop("a", "甲", "A", 30.67, 104.12),
                                             ScenarioStop("b", "乙", "B", 30.73, 104.14)),
                    (), {"weekday": weekday}, (RunTime(7, 1800, 300), RunTime(8, 1800, 300), RunTime(10, 1200, 200)),
                    2, 75, 480, 10, 3.0, 2.0, 90.0, 3.5, demand)


# ---------------------------------------------------------------- from the data files


def scenario_from_shuttle(shuttle: Shuttle) -> Scenario:
    """The scenario of ``data/shuttle.yaml`` (the proposal): the same timetable on every day type
    unless the file gives one by day type.

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> s = scenario_from_shuttle(load_model(bundled_data_dir()).shuttle)
    >>> s.id, len(s.stops), s.departures_s("weekday", "outbound")[:2], s.fleet_size
    ('dj-panda-shuttle', 2, [25200, 26400], 6)
    """
    def service(day: str) -> dict[str, DirectionService]:
        return {direction: DirectionService(tuple(HeadwayPeriod(p.first_s, p.last_s, p.headway_s)
                                                  for p in shuttle.periods(direction, day)))
                for direction in DIRECTIONS}

    if shuttle.demand is None:
        raise ValueError(f"shuttle {shuttle.id!r} states no demand assumptions (data/shuttle.yaml: demand)")
    run_times = tuple(RunTime(hour, mean, shuttle.run_time_sd_s_by_hour.get(hour, 0))
                      for hour, mean in sorted(shuttle.run_time_s_by_hour.items()))
    return Scenario(
        id=shuttle.id, name_zh=shuttle.name_zh, name_en=shuttle.name_en,
        stops=tuple(ScenarioStop(s.id, s.name_zh, s.name_en, s.lat, s.lon, s.place_id or None)
                    for s in shuttle.stops),
        path=tuple(shuttle.path), service={day: service(day) for day in DAY_TYPES}, run_times=run_times,
        fleet_size=shuttle.fleet_size, capacity_passengers=shuttle.capacity_passengers,
        layover_s=shuttle.layover_s, dwell_base_s=shuttle.dwell_base_s,
        dwell_per_boarding_s=shuttle.dwell_per_boarding_s, fare_cny=shuttle.fare_cny,
        cost_per_vehicle_hour_cny=shuttle.cost_per_vehicle_hour_cny, cost_per_km_cny=shuttle.cost_per_km_cny,
        demand=shuttle.demand, notes_en=dict(shuttle.notes_en), notes_zh=dict(shuttle.notes_zh),
    )


# ---------------------------------------------------------------- variants (for the sweep)


def with_headway(scenario: Scenario, headway_s: int) -> Scenario:
    """The scenario with every period's headway replaced (explicit departure lists are kept).

    Examples
    --------
    >>> with_headway(_example(), 1800).departures_s("weekday", "inbound")
    [28800]
    """
    service = {day: {direction: replace(s, periods=tuple(replace(p, headway_s=headway_s) for p in s.periods))
                     for direction, s in by_dir.items()} for day, by_dir in scenario.service.items()}
    return replace(scenario, service=service)


def with_fleet(scenario: Scenario, fleet_size: int) -> Scenario:
    """The scenario with ``fleet_size`` vehicles."""
    return replace(scenario, fleet_size=fleet_size)


# ---------------------------------------------------------------- records (JSON)


def scenario_to_record(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a JSON-ready mapping with a stable key order (what :func:`scenario_from_record` reads).

    Examples
    --------
    >>> record = scenario_to_record(_example())
    >>> list(record)[:6], record["service"]["weekday"]["inbound"]
    (['id', 'name_zh', 'name_en', 'stops', 'path', 'service'], {'periods': [{'first_s': 28800, 'last_s': 28800, 'headway_s': 3600}], 'departures_s': []})
    >>> scenario_to_record(scenario_from_record(record)) == record
    True
    """
    d = scenario.demand
    return {
        "id": scenario.id, "name_zh": scenario.name_zh, "name_en": scenario.name_en,
        "stops": [{"id": s.id, "name_zh": s.name_zh, "name_en": s.name_en, "lat": s.lat, "lon": s.lon,
                   "place_id": s.place_id} for s in scenario.stops],
        "path": [[lat, lon] for lat, lon in scenario.path],
        "service": {day: {direction: {
            "periods": [{"first_s": p.first_s, "last_s": p.last_s, "headway_s": p.headway_s} for p in s.periods],
            "departures_s": list(s.departures_s)}
            for direction in DIRECTIONS
            if (s := scenario.service.get(day, {}).get(direction, DirectionService())) is not None}
            for day in DAY_TYPES},
        "run_times": [{"hour": r.hour, "mean_s": r.mean_s, "sd_s": r.sd_s} for r in scenario.run_times],
        "fleet_size": scenario.fleet_size, "capacity_passengers": scenario.capacity_passengers,
        "layover_s": scenario.layover_s, "dwell_base_s": scenario.dwell_base_s,
        "dwell_per_boarding_s": scenario.dwell_per_boarding_s, "fare_cny": scenario.fare_cny,
        "cost_per_vehicle_hour_cny": scenario.cost_per_vehicle_hour_cny,
        "cost_per_km_cny": scenario.cost_per_km_cny,
        "demand": {
            "visitors_per_day": {k: d.visitors_per_day[k] for k in DAY_TYPES if k in d.visitors_per_day},
            "dongjiao_visitors_per_day": {k: d.dongjiao_visitors_per_day[k] for k in DAY_TYPES
                                          if k in d.dongjiao_visitors_per_day},
            "ride_share": d.ride_share, "outbound_curve": list(d.outbound_curve),
            "inbound_curve": list(d.inbound_curve), "show_audience_default": d.show_audience_default,
            "show_ride_share": d.show_ride_share, "surge_spread_s": d.surge_spread_s,
            "notes_en": dict(sorted(d.notes_en.items())), "notes_zh": dict(sorted(d.notes_zh.items())),
        },
        "notes_en": dict(sorted(scenario.notes_en.items())), "notes_zh": dict(sorted(scenario.notes_zh.items())),
    }


_T = TypeVar("_T")


class _Invalid(Exception):
    pass


class _Reader:
    """Reads fields of a JSON record, collecting every problem with its JSON path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def get(self, record: Any, key: str, path: str, parse: Callable[[Any], _T], default: Any = ...) -> _T | None:
        where = f"{path}.{key}" if path else key
        if not isinstance(record, Mapping) or key not in record or record[key] is None:
            if default is ...:
                self.add(where, "missing")
                return None
            return default
        try:
            return parse(record[key])
        except _Invalid as exc:
            self.add(where, str(exc))
            return None

    def value(self, value: Any, where: str, parse: Callable[[Any], _T]) -> _T | None:
        try:
            return parse(value)
        except _Invalid as exc:
            self.add(where, str(exc))
            return None

    def mapping(self, value: Any, path: str, allowed: Collection[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.add(path or "(record)", f"expected an object, got {_short(value)}")
            return {}
        for key in value:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.add(where, f"unknown field (expected one of: {', '.join(allowed)})")
        return value

    def items(self, record: Any, key: str, path: str, most: int, least: int = 0) -> list[tuple[str, Any]]:
        where = f"{path}.{key}" if path else key
        value = record.get(key) if isinstance(record, Mapping) else None
        if value is None:
            value = []
        if not isinstance(value, list):
            self.add(where, f"expected a list, got {_short(value)}")
            return []
        if len(value) > most:
            self.add(where, f"at most {most} items, got {len(value)}")
            return []
        if len(value) < least:
            self.add(where, f"at least {least} items, got {len(value)}")
        return [(f"{where}[{i}]", item) for i, item in enumerate(value)]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _whole(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid(f"expected a whole number, got {_short(value)}")
        if not low <= value <= high:
            raise _Invalid(f"{value} is outside {low}..{high}")
        return value
    return parse


def _number(low: float, high: float) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _Invalid(f"expected a number, got {_short(value)}")
        if not low <= value <= high:
            raise _Invalid(f"{value} is outside {low:g}..{high:g}")
        return float(value)
    return parse


def _text(most: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise _Invalid(f"expected non-empty text, got {_short(value)}")
        if len(value) > most:
            raise _Invalid(f"at most {most} characters, got {len(value)}")
        return value.strip()
    return parse


def _ident(value: Any) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise _Invalid(f"ids are 1-64 lower-case letters, digits and '-', starting with a letter or digit; "
                       f"got {_short(value)}")
    return value


def _notes(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _Invalid(f"expected an object of field name -> text, got {_short(value)}")
    if len(value) > MAX_NOTES:
        raise _Invalid(f"at most {MAX_NOTES} notes, got {len(value)}")
    notes = {}
    for key, text in value.items():
        if not isinstance(key, str) or not 0 < len(key) <= 64:
            raise _Invalid(f"a note's key is a field name of 1-64 characters, got {_short(key)}")
        if not isinstance(text, str) or len(text) > MAX_NOTE:
            raise _Invalid(f"notes.{key}: text of at most {MAX_NOTE} characters")
        notes[key] = text
    return notes


_TOP = ("id", "name_zh", "name_en", "stops", "path", "service", "run_times", "fleet_size", "capacity_passengers",
        "layover_s", "dwell_base_s", "dwell_per_boarding_s", "fare_cny", "cost_per_vehicle_hour_cny",
        "cost_per_km_cny", "demand", "notes_en", "notes_zh")
_DEMAND = ("visitors_per_day", "dongjiao_visitors_per_day", "ride_share", "outbound_curve", "inbound_curve",
           "show_audience_default", "show_ride_share", "surge_spread_s", "notes_en", "notes_zh")


def scenario_from_record(record: Mapping[str, Any], place_ids: Collection[str] | None = None) -> Scenario:
    """A scenario from its JSON record, or :class:`~planner.domain.errors.DataError` listing every fault
    with its JSON path. ``place_ids``, when given, are the places a stop may name.

    Examples
    --------
    >>> record = scenario_to_record(_example())
    >>> record["service"]["weekday"]["inbound"]["periods"][0]["headway_s"] = 30
    >>> record["fleet_size"] = 0
    >>> try:
    ...     scenario_from_record(record)
    ... except DataError as err:
    ...     print(*err.problems, sep="\\n")
    service.weekday.inbound.periods[0].headway_s: 30 is outside 60..7200
    fleet_size: 0 is outside 1..200
    """
    r = _Reader()
    top = r.mapping(record, "", _TOP)
    ident = r.get(top, "id", "", _ident)
    name_zh = r.get(top, "name_zh", "", _text(MAX_TEXT))
    name_en = r.get(top, "name_en", "", _text(MAX_TEXT))
    stops = _stops(r, top, place_ids)
    path = _path(r, top)
    service = _service(r, top)
    run_times = _run_times(r, top)
    values = {
        "fleet_size": r.get(top, "fleet_size", "", _whole(*FLEET)),
        "capacity_passengers": r.get(top, "capacity_passengers", "", _whole(*CAPACITY)),
        "layover_s": r.get(top, "layover_s", "", _whole(0, 7200)),
        "dwell_base_s": r.get(top, "dwell_base_s", "", _whole(0, 600)),
        "dwell_per_boarding_s": r.get(top, "dwell_per_boarding_s", "", _number(0, 60)),
        "fare_cny": r.get(top, "fare_cny", "", _number(0, 1000)),
        "cost_per_vehicle_hour_cny": r.get(top, "cost_per_vehicle_hour_cny", "", _number(0, 100_000)),
        "cost_per_km_cny": r.get(top, "cost_per_km_cny", "", _number(0, 10_000)),
    }
    demand = _demand(r, top.get("demand"), "demand")
    notes_en = r.get(top, "notes_en", "", _notes, {})
    notes_zh = r.get(top, "notes_zh", "", _notes, {})
    if r.problems:
        raise DataError(r.problems)
    assert ident and name_zh and name_en and demand is not None and notes_en is not None and notes_zh is not None
    return Scenario(ident, name_zh, name_en, stops, path, service, run_times, demand=demand,
                    notes_en=notes_en, notes_zh=notes_zh, **values)  # type: ignore[arg-type]


def _stops(r: _Reader, top: Mapping[str, Any], place_ids: Collection[str] | None) -> tuple[ScenarioStop, ...]:
    stops: list[ScenarioStop] = []
    items = r.items(top, "stops", "", MAX_STOPS, least=2)
    if "stops" not in top:
        r.add("stops", "missing")
    for where, rec in items:
        rec = r.mapping(rec, where, ("id", "name_zh", "name_en", "lat", "lon", "place_id"))
        before = len(r.problems)
        ident = r.get(rec, "id", where, _ident)
        zh = r.get(rec, "name_zh", where, _text(MAX_TEXT))
        en = r.get(rec, "name_en", where, _text(MAX_TEXT))
        lat = r.get(rec, "lat", where, _number(-90, 90))
        lon = r.get(rec, "lon", where, _number(-180, 180))
        place = r.get(rec, "place_id", where, _ident, None)
        if place is not None and place_ids is not None and place not in place_ids:
            r.add(f"{where}.place_id", f"no place {place!r}")
        if ident is not None and ident in {s.id for s in stops}:
            r.add(f"{where}.id", f"stop id {ident!r} is used twice")
        if len(r.problems) == before:
            stops.append(ScenarioStop(ident, zh, en, lat, lon, place))  # type: ignore[arg-type]
    return tuple(stops)


def _path(r: _Reader, top: Mapping[str, Any]) -> tuple[tuple[float, float], ...]:
    points = []
    for where, point in r.items(top, "path", "", MAX_PATH_POINTS):
        if isinstance(point, Mapping):
            point = [point.get("lat"), point.get("lon")]
        if not isinstance(point, list) or len(point) != 2:
            r.add(where, f"expected [lat, lon], got {_short(point)}")
            continue
        lat = r.value(point[0], f"{where}[0]", _number(-90, 90))
        lon = r.value(point[1], f"{where}[1]", _number(-180, 180))
        if lat is not None and lon is not None:
            points.append((lat, lon))
    if len(points) == 1:
        r.add("path", "a path has no point or at least two")
    return tuple(points)


def _service(r: _Reader, top: Mapping[str, Any]) -> dict[str, dict[str, DirectionService]]:
    table = r.mapping(top.get("service", {}), "service", DAY_TYPES)
    service: dict[str, dict[str, DirectionService]] = {}
    for day in DAY_TYPES:
        by_dir = r.mapping(table.get(day, {}), f"service.{day}", DIRECTIONS)
        service[day] = {direction: _direction(r, by_dir.get(direction, {}), f"service.{day}.{direction}")
                        for direction in DIRECTIONS}
    return service


def _direction(r: _Reader, rec: Any, where: str) -> DirectionService:
    rec = r.mapping(rec, where, ("periods", "departures_s"))
    periods = []
    for at, period in r.items(rec, "periods", where, MAX_PERIODS):
        period = r.mapping(period, at, ("first_s", "last_s", "headway_s"))
        first = r.get(period, "first_s", at, _whole(0, LATEST_S))
        last = r.get(period, "last_s", at, _whole(0, LATEST_S))
        headway = r.get(period, "headway_s", at, _whole(*HEADWAY_S))
        if first is not None and last is not None and last < first:
            r.add(f"{at}.last_s", "the last departure is before the first")
        elif first is not None and last is not None and headway is not None:
            periods.append(HeadwayPeriod(first, last, headway))
    departures = []
    for at, depart in r.items(rec, "departures_s", where, MAX_DEPARTURES):
        value = r.value(depart, at, _whole(0, LATEST_S))
        if value is not None:
            departures.append(value)
    service = DirectionService(tuple(periods), tuple(departures))
    if not departures and sum(len(range(p.first_s, p.last_s + 1, p.headway_s)) for p in periods) > MAX_DEPARTURES:
        r.add(f"{where}.periods", f"at most {MAX_DEPARTURES} departures a day in one direction")
    return service


def _run_times(r: _Reader, top: Mapping[str, Any]) -> tuple[RunTime, ...]:
    found: list[RunTime] = []
    items = r.items(top, "run_times", "", 24, least=1)
    if "run_times" not in top:
        r.add("run_times", "missing")
    for where, rec in items:
        rec = r.mapping(rec, where, ("hour", "mean_s", "sd_s"))
        hour = r.get(rec, "hour", where, _whole(0, 23))
        mean = r.get(rec, "mean_s", where, _whole(*RUN_TIME_MEAN_S))
        sd = r.get(rec, "sd_s", where, _whole(0, RUN_TIME_MEAN_S[1] // 2))
        if hour is not None and hour in {t.hour for t in found}:
            r.add(f"{where}.hour", f"hour {hour} is listed twice")
        elif hour is not None and mean is not None and sd is not None:
            found.append(RunTime(hour, mean, sd))
    return tuple(sorted(found, key=lambda t: t.hour))


def _demand(r: _Reader, value: Any, where: str) -> DemandAssumptions | None:
    before = len(r.problems)
    rec = r.mapping(value if value is not None else {}, where, _DEMAND)
    if value is None:
        r.add(where, "missing")

    def by_day(key: str) -> dict[str, int]:
        table = r.mapping(rec.get(key, {}), f"{where}.{key}", DAY_TYPES)
        return {day: n for day in DAY_TYPES
                if (n := r.get(table, day, f"{where}.{key}", _whole(0, 1_000_000))) is not None}

    def curve(key: str) -> tuple[float, ...]:
        weights = r.items(rec, key, where, 24, least=24)
        if key not in rec:
            r.add(f"{where}.{key}", "missing")
        values = tuple(w for at, x in weights if (w := r.value(x, at, _number(0, 1e6))) is not None)
        if len(values) == 24 and not sum(values) > 0:
            r.add(f"{where}.{key}", "at least one hour needs a weight above 0")
        return values

    visitors, dongjiao = by_day("visitors_per_day"), by_day("dongjiao_visitors_per_day")
    outbound, inbound = curve("outbound_curve"), curve("inbound_curve")
    share = r.get(rec, "ride_share", where, _number(0, 1))
    audience = r.get(rec, "show_audience_default", where, _whole(0, 100_000))
    show_share = r.get(rec, "show_ride_share", where, _number(0, 1))
    spread = r.get(rec, "surge_spread_s", where, _whole(60, 14400))
    notes_en = r.get(rec, "notes_en", where, _notes, {})
    notes_zh = r.get(rec, "notes_zh", where, _notes, {})
    if len(r.problems) > before:
        return None
    return DemandAssumptions(visitors, dongjiao, share, outbound, inbound, audience, show_share,  # type: ignore[arg-type]
                             spread, notes_en, notes_zh)  # type: ignore[arg-type]
