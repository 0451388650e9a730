"""The timetable of one service day, in the shape RAPTOR scans.

A :class:`Timetable` holds *patterns*: sets of trips that call at the same
stops in the same order with the same pickup and drop-off rules, ordered so
that no trip overtakes another. Times are seconds after midnight of the query
date; trips of the previous service day that run past midnight are shifted in
(GTFS times over 24:00:00), and so are those of the next day, so journeys can
cross midnight both ways.

Frequency-based trips (frequencies.txt) are expanded into their runs: with
``exact_times=1`` these are the schedule; with ``exact_times=0`` GTFS promises
only the headway, and runs at start + k x headway are the planning schedule
that promise implies. Each expanded run keeps ``exact_times`` so legs can say
"every N min".

Building is pure: it takes a read :class:`planner.domain.transit.Feed` and parameters.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from planner.domain.geo import near_pairs, distance_m
from planner.domain.transit import Feed, Frequency, StopTime

DAY_S = 86400
NO_PICKUP = 1  # GTFS pickup_type / drop_off_type 1: not available (2 and 3 need arranging, but exist)


@dataclass
class Pattern:
    """Trips sharing stops and rules, sorted so departures rise at every stop."""

    route_id: str
    stops: tuple[int, ...]
    can_board: tuple[bool, ...]
    can_alight: tuple[bool, ...]
    # times[trip][pos] as two flat lists per trip: arrival and departure
    arrivals: list[list[int]] = field(default_factory=list)
    departures: list[list[int]] = field(default_factory=list)
    trip_ids: list[str] = field(default_factory=list)
    headway_s: list[int | None] = field(default_factory=list)  # None: a timetabled trip
    # departures_at[pos] = sorted departure times of all trips at pos (for bisect)
    departures_at: list[list[int]] = field(default_factory=list)

    def finish(self) -> None:
        self.departures_at = [[dep[pos] for dep in self.departures] for pos in range(len(self.stops))]


@dataclass
class Timetable:
    """Everything a RAPTOR search needs for one date."""

    date: dt.date
    stop_ids: list[str]
    stop_names: list[str]
    stop_names_en: list[str]
    stop_lat: list[float]
    stop_lon: list[float]
    index: dict[str, int]
    patterns: list[Pattern]
    # patterns_at[stop] = [(pattern index, position in pattern)]
    patterns_at: list[list[tuple[int, int]]]
    # footpaths[stop] = [(other stop, walk seconds, metres)]
    footpaths: list[list[tuple[int, int, int]]]
    change_s: list[int]  # minimum time to change vehicles at the same stop
    # route id -> mode, name, long_name, color
    route_info: dict[str, dict[str, str]] = field(default_factory=dict)
    # the fastest straight-line speed of any hop, once planner.routing.raptor.max_speed_m_s has measured it
    fastest_m_s: float | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def n_stops(self) -> int:
        return len(self.stop_ids)


@dataclass(frozen=True)
class WalkRules:
    """How walking links stops: speed, circuity, the longest walk, change times."""

    walk_speed_m_s: float = 1.2
    walk_circuity: float = 1.3
    max_walk_m: float = 1500.0
    # None: each stop's own from transfers.txt (from == to), else 0
    min_transfer_s: int | None = None

    def walk_s(self, straight_m: float) -> int:
        return round(straight_m * self.walk_circuity / self.walk_speed_m_s)


@dataclass(frozen=True)
class ExtraTrip:
    """A trip added to the feed's (the proposed shuttle): stops must exist in the timetable."""

    trip_id: str
    route_id: str
    stop_ids: tuple[str, ...]
    arrivals_s: tuple[int, ...]
    departures_s: tuple[int, ...]
    headway_s: int | None = None


@dataclass(frozen=True)
class ExtraStop:
    id: str
    name: str
    lat: float
    lon: float
    name_en: str = ""


def _runs(freqs: list[Frequency], first_departure_s: int) -> Iterator[tuple[int, int]]:
    """Start offsets of the runs of a frequency-based trip, with their headways."""
    for freq in freqs:
        # GTFS: runs start at start_time and every headway_secs while before end_time
        for start in range(freq.start_s, freq.end_s, freq.headway_s):
            yield start - first_departure_s, freq.headway_s


def _trip_runs(feed: Feed, trip_id: str, times: list[StopTime]) -> list[tuple[int, int | None]]:
    """(shift, headway) for each run of a trip: one run for timetabled trips."""
    freqs = feed.frequencies.get(trip_id)
    if not freqs:
        return [(0, None)]
    return list(_runs(freqs, times[0].departure_s))


def build_timetable(
    feed: Feed,
    day: dt.date,
    rules: WalkRules = WalkRules(),
    extra_stops: tuple[ExtraStop, ...] = (),
    extra_trips: tuple[ExtraTrip, ...] = (),
    window_s: tuple[int, int] = (0, 2 * DAY_S),
) -> Timetable:
    """The timetable of ``day``: its trips, yesterday's past midnight, tomorrow's early ones.

    ``window_s`` bounds which runs are kept (seconds after midnight of ``day``).

    Examples
    --------
    >>> from planner.sources.gtfs import read_feed
    >>> from pathlib import Path
    >>> feed = read_feed(Path(__file__).parents[2] / "tests" / "feeds" / "tiny")
    >>> tt = build_timetable(feed, dt.date(2024, 2, 13))  # a Tuesday
    >>> [p.trip_ids[0] for p in tt.patterns]  # Monday's 24:50 trip runs at 00:50
    ['t2@3000']
    """
    stops = _StopIndex(feed, extra_stops)
    builder = _PatternBuilder(stops)
    for offset in (-DAY_S, 0, DAY_S):
        services = feed.services_on(day + dt.timedelta(seconds=offset))
        for trip_id, times in feed.stop_times.items():
            trip = feed.trips[trip_id]
            if trip.service_id not in services:
                continue
            for shift, headway in _trip_runs(feed, trip_id, times):
                begin = times[0].departure_s + shift + offset
                end = times[-1].arrival_s + shift + offset
                if end < window_s[0] or begin > window_s[1]:
                    continue
                builder.add(trip.route_id, f"{trip_id}@{begin}",
                            [(t.stop_id, t.arrival_s + shift + offset, t.departure_s + shift + offset,
                              t.pickup_type != NO_PICKUP, t.drop_off_type != NO_PICKUP) for t in times],
                            headway)
    for extra in extra_trips:
        builder.add(extra.route_id, extra.trip_id,
                    [(s, a, d, True, True) for s, a, d in zip(extra.stop_ids, extra.arrivals_s, extra.departures_s)],
                    extra.headway_s)
    patterns = builder.patterns()
    patterns_at: list[list[tuple[int, int]]] = [[] for _ in stops.ids]
    for p_idx, pattern in enumerate(patterns):
        for pos, stop in enumerate(pattern.stops):
            patterns_at[stop].append((p_idx, pos))
    return Timetable(
        date=day, stop_ids=stops.ids, stop_names=stops.names, stop_names_en=stops.names_en,
        stop_lat=stops.lat, stop_lon=stops.lon,
        index=stops.index, patterns=patterns, patterns_at=patterns_at,
        footpaths=_footpaths(feed, stops, rules), change_s=_change_times(feed, stops, rules),
        route_info=_route_info(feed),
    )


class _StopIndex:
    """Stops that trips can use, numbered 0..n-1 (boarding points, not stations)."""

    def __init__(self, feed: Feed, extra_stops: tuple[ExtraStop, ...]) -> None:
        self.ids: list[str] = []
        self.names: list[str] = []
        self.names_en: list[str] = []
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.index: dict[str, int] = {}
        for stop in feed.stops.values():
            if stop.location_type == 0:
                self._add(stop.id, stop.name, stop.name_en, stop.lat, stop.lon)
        for extra in extra_stops:
            self._add(extra.id, extra.name, extra.name_en or extra.name, extra.lat, extra.lon)

    def _add(self, stop_id: str, name: str, name_en: str, lat: float, lon: float) -> None:
        self.index[stop_id] = len(self.ids)
        self.ids.append(stop_id)
        self.names.append(name)
        self.names_en.append(name_en)
        self.lat.append(lat)
        self.lon.append(lon)


#: A trip's call at a stop: (stop id, arrival, departure, can board, can alight).
_Call = tuple[str, int, int, bool, bool]
#: What a pattern shares: (route id, stop indices, can board, can alight).
_PatternKey = tuple[str, tuple[int, ...], tuple[bool, ...], tuple[bool, ...]]
#: One run of a trip: (arrivals, departures, trip id, headway or None).
_Run = tuple[list[int], list[int], str, "int | None"]


class _PatternBuilder:
    """Groups trips into patterns; trips that would overtake go to a pattern of their own."""

    def __init__(self, stops: _StopIndex) -> None:
        self.stops = stops
        self.trips_by_key: dict[_PatternKey, list[_Run]] = {}

    def add(self, route_id: str, trip_id: str, calls: list[_Call], headway: int | None) -> None:
        key = (route_id, tuple(self.stops.index[c[0]] for c in calls),
               tuple(c[3] for c in calls), tuple(c[4] for c in calls))
        self.trips_by_key.setdefault(key, []).append(
            ([c[1] for c in calls], [c[2] for c in calls], trip_id, headway))

    def patterns(self) -> list[Pattern]:
        found: list[Pattern] = []
        for key, trips in self.trips_by_key.items():
            # In order of first departure, each trip joins the first pattern whose
            # latest trip it does not overtake (RAPTOR's "earliest trip" needs FIFO).
            trips.sort(key=lambda trip: (trip[1][0], trip[0][-1]))
            chains: list[Pattern] = []
            for arrivals, departures, trip_id, headway in trips:
                chain = next((p for p in chains if _follows(p, arrivals, departures)), None)
                if chain is None:
                    chain = Pattern(key[0], key[1], key[2], key[3])
                    chains.append(chain)
                chain.arrivals.append(arrivals)
                chain.departures.append(departures)
                chain.trip_ids.append(trip_id)
                chain.headway_s.append(headway)
            found += chains
        for pattern in found:
            pattern.finish()
        return found


def _follows(pattern: Pattern, arrivals: list[int], departures: list[int]) -> bool:
    """Whether a trip is nowhere earlier than the pattern's latest trip."""
    last_arr, last_dep = pattern.arrivals[-1], pattern.departures[-1]
    return all(a >= la and d >= ld for a, d, la, ld in zip(arrivals, departures, last_arr, last_dep))


def _footpaths(feed: Feed, stops: _StopIndex, rules: WalkRules) -> list[list[tuple[int, int, int]]]:
    """Walks between different stops: transfers.txt first, then geometry within the longest walk."""
    paths: dict[tuple[int, int], tuple[int, int]] = {}
    if rules.max_walk_m <= 0:
        return [[] for _ in stops.ids]
    points = [(i, stops.lat[i], stops.lon[i]) for i in range(len(stops.ids))]
    limit_m = rules.max_walk_m / rules.walk_circuity
    for (a, lat_a, lon_a), (b, lat_b, lon_b) in near_pairs(points, limit_m):
        straight = distance_m((lat_a, lon_a), (lat_b, lon_b))
        if straight <= limit_m and a != b:
            walk = (rules.walk_s(straight), round(straight * rules.walk_circuity))
            paths[(a, b)] = paths[(b, a)] = walk
    for (from_id, to_id), seconds in feed.transfers_s.items():
        i, j = stops.index.get(from_id), stops.index.get(to_id)
        if i is None or j is None or i == j:
            continue
        metres = paths.get((i, j), (0, round(distance_m((stops.lat[i], stops.lon[i]),
                                                         (stops.lat[j], stops.lon[j])) * rules.walk_circuity)))[1]
        walk_s = max(seconds, paths.get((i, j), (0, 0))[0])
        paths[(i, j)] = (walk_s, metres)
    result: list[list[tuple[int, int, int]]] = [[] for _ in stops.ids]
    for (a, b), (seconds, metres) in paths.items():
        result[a].append((b, seconds, metres))
    return result


def _change_times(feed: Feed, stops: _StopIndex, rules: WalkRules) -> list[int]:
    if rules.min_transfer_s is not None:
        return [rules.min_transfer_s] * len(stops.ids)
    change = [0] * len(stops.ids)
    for (from_id, to_id), seconds in feed.transfers_s.items():
        if from_id == to_id and from_id in stops.index:
            change[stops.index[from_id]] = seconds
    return change


def _route_info(feed: Feed) -> dict[str, dict[str, str]]:
    return {
        r.id: {"mode": r.mode, "name": r.short_name or r.long_name, "long_name": r.long_name,
               "color": r.color}
        for r in feed.routes.values()
    }

