"""Door-to-door journeys: endpoints, legs with names and fares, taxis, reasons.

:class:`JourneyPlanner` turns places, stops and coordinates into RAPTOR
endpoints over the timetable of a date (with or without the proposed
shuttle), and RAPTOR's raw journeys into legs a person can follow.
"""
from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict, Unpack

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.domain.errors import BadRequest, Name, Param, PlannerError
from planner.domain.caches import SharedCache
from planner.domain.geo import distance_m, in_chengdu, near_pairs
from planner.sources.gtfs import Feed
from planner.domain.model import TZ, Model, NetworkParams, Place, Shuttle, Site
from planner.routing import raptor
from planner.domain.fares import FareRules
from planner.routing.fares import leg_fares, total_fare
from planner.routing.shuttle import shuttle_stop_id, shuttle_trips
from planner.routing.timetable import Timetable, WalkRules, build_timetable

#: Longest journey offered: the metro's own limit inside the paid area (FACTS.md: 240 minutes).
MAX_JOURNEY_S = 4 * 3600


class CacheSizes(TypedDict, total=False):
    """The sizes of a :class:`JourneyPlanner`'s caches, as its constructor takes them."""

    timetable_cache_size: int
    endpoint_cache_size: int
    profile_slice_cache_size: int


class NoJourney(PlannerError):
    """No journey exists; ``reason`` says why, as a code with parameters.

    Reasons and their parameters (points are ids, named in ``names``):
    ``no_service_on_date`` (date, feed_start, feed_end: None when the feed has no calendar),
    ``too_far_to_walk`` (point, max_walk_m), ``after_last_departure`` (origin, depart_s,
    last_departure_s: None when nothing left that day), ``services_ended`` (dest, last_arrival_s),
    ``no_connection`` (origin, dest, depart_s, max_journey_s), ``none_arrives_by`` (date,
    arrive_by_s), ``unreachable`` (origin, dest, depart_s: between two stops of a day plan).

    Examples
    --------
    >>> error = NoJourney("after_last_departure", origin="m-240", depart_s=85800, last_departure_s=84960)
    >>> error.reason, error.params["last_departure_s"]
    ('after_last_departure', 84960)
    """

    code = "no_journey"

    def __init__(self, reason: str, *, names: dict[str, Name] | None = None, **params: Param) -> None:
        super().__init__(reason, names=names, **params)

    @property
    def reason(self) -> str:
        """Why there is no journey (the error's code)."""
        return self.code


@dataclass(frozen=True)
class Point:
    """A journey's end: a place, a site, a stop or bare coordinates."""

    id: str
    name_zh: str
    name_en: str
    lat: float
    lon: float
    kind: str  # place | site | stop | coordinates

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    @property
    def names(self) -> dict[str, Name]:
        """The point's names by its id, for the reasons that mention it."""
        return {self.id: Name(self.name_zh, self.name_en)}


@dataclass
class Leg:
    mode: str  # walk | wait | metro | bus | tram | rail | shuttle | taxi
    from_id: str
    from_name: str
    to_id: str
    to_name: str
    dep: dt.datetime
    arr: dt.datetime
    distance_m: int
    route_id: str = ""
    line: str = ""
    headsign: str = ""
    headway_s: int | None = None
    fare_cny: float | None = 0.0
    path: list[tuple[float, float]] = field(default_factory=list)  # WGS84 (lat, lon) along the leg
    from_name_en: str = ""
    to_name_en: str = ""

    @property
    def duration_s(self) -> int:
        return int((self.arr - self.dep).total_seconds())

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode, "line": self.line, "route_id": self.route_id,
            "from": {"id": self.from_id, "name": self.from_name, "name_en": self.from_name_en or self.from_name},
            "to": {"id": self.to_id, "name": self.to_name, "name_en": self.to_name_en or self.to_name},
            "departure": self.dep.isoformat(), "arrival": self.arr.isoformat(),
            "duration_s": self.duration_s, "distance_m": self.distance_m, "fare_cny": self.fare_cny,
            "headway_s": self.headway_s, "path": [[round(lat, 6), round(lon, 6)] for lat, lon in self.path],
        }


@dataclass
class Journey:
    legs: list[Leg]
    label: str = "fastest"  # fastest | fewest_transfers | taxi
    fare_cny: float | None = None

    @property
    def dep(self) -> dt.datetime:
        return self.legs[0].dep

    @property
    def arr(self) -> dt.datetime:
        return self.legs[-1].arr

    @property
    def duration_s(self) -> int:
        return int((self.arr - self.dep).total_seconds())

    @property
    def transfers(self) -> int:
        return max(0, sum(1 for leg in self.legs if leg.mode not in ("walk", "wait", "taxi")) - 1)

    @property
    def walk_s(self) -> int:
        return sum(leg.duration_s for leg in self.legs if leg.mode == "walk")

    @property
    def ride_s(self) -> int:
        return sum(leg.duration_s for leg in self.legs if leg.mode not in ("walk", "wait"))

    @property
    def wait_s(self) -> int:
        return self.duration_s - self.walk_s - self.ride_s

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label, "departure": self.dep.isoformat(), "arrival": self.arr.isoformat(),
            "duration_s": self.duration_s, "transfers": self.transfers, "walk_s": self.walk_s,
            "ride_s": self.ride_s, "wait_s": self.wait_s, "fare_cny": self.fare_cny,
            "legs": [leg.to_dict() for leg in self.legs],
        }


@dataclass(frozen=True)
class Options:
    """How a journey may be made."""

    with_shuttle: bool = False
    max_walk_m: float | None = None  # None: the network's stated longest walk
    min_transfer_s: int | None = None  # None: the feed's transfers.txt, else 0
    max_rides: int = 8


def at(day: dt.date, seconds: int, tz: dt.tzinfo = TZ) -> dt.datetime:
    """The aware date-time of a GTFS time on ``day``: seconds after noon minus 12 h.

    Examples
    --------
    >>> at(dt.date(2024, 2, 12), 90600).isoformat()
    '2024-02-13T01:10:00+08:00'
    """
    noon = dt.datetime.combine(day, dt.time(12), tz)
    return (noon - dt.timedelta(hours=12) + dt.timedelta(seconds=seconds)).astimezone(tz)


@dataclass
class JourneyPlanner:
    """Plans journeys over a GTFS feed, optionally with the proposed shuttle.

    Timetables are built once per (date, options) and kept, so many queries
    on one date cost one build.
    """

    feed: Feed
    params: NetworkParams
    places: dict[str, Place] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    shuttle: Shuttle | None = None
    fares: FareRules | None = None
    # Entries kept across requests (least recently used go first): timetables of a date are about
    # 30 MB each, endpoints and profile slices about a kilobyte.
    timetable_cache_size: int = 4
    endpoint_cache_size: int = 4096
    profile_slice_cache_size: int = 20_000
    _timetables: SharedCache[Timetable] = field(init=False, repr=False)
    _endpoints: SharedCache[tuple[raptor.Endpoint, raptor.Endpoint]] = field(init=False, repr=False)
    #: range-RAPTOR slices of the day between two points, kept for itinerary searches (planner.itinerary.travel)
    profile_slices: SharedCache[tuple[list[int], list[int]]] = field(init=False, repr=False)
    _one_build: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._timetables = SharedCache(self.timetable_cache_size, build_once=True)
        self._endpoints = SharedCache(self.endpoint_cache_size)
        self.profile_slices = SharedCache(self.profile_slice_cache_size)

    @classmethod
    def for_model(cls, model: Model, **cache_sizes: Unpack[CacheSizes]) -> JourneyPlanner:
        """A planner over a loaded :class:`planner.domain.model.Model`: its feed, places, shuttle and fares."""
        return cls(model.feed, model.params, model.places, model.sites, model.shuttle, model.fares,
                   **cache_sizes)

    @property
    def tz(self) -> dt.tzinfo:
        try:
            return ZoneInfo(self.feed.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return TZ

    # --- endpoints

    def resolve(self, spec: str, field_name: str = "from") -> Point:
        """A place id, site id, stop id or ``lat,lon`` (WGS84) as a :class:`Point`."""
        spec = (spec or "").strip()
        if spec in self.places:
            p = self.places[spec]
            return Point(p.id, p.name_zh, p.name_en, p.lat, p.lon, "place")
        if spec in self.sites:
            s = self.sites[spec]
            return Point(s.id, s.name_zh, s.name_en, s.lat, s.lon, "site")
        if spec in self.feed.stops:
            stop = self.feed.stops[spec]
            return Point(stop.id, stop.name, stop.code or stop.name, stop.lat, stop.lon, "stop")
        if spec.startswith("shuttle:") and self.shuttle:
            on_shuttle = next((s for s in self.shuttle.stops if shuttle_stop_id(s.id) == spec), None)
            if on_shuttle:
                return Point(spec, on_shuttle.name_zh, on_shuttle.name_en, on_shuttle.lat, on_shuttle.lon, "stop")
        return self._coordinates(spec, field_name)

    def _coordinates(self, spec: str, field_name: str) -> Point:
        try:
            lat, lon = (float(x) for x in spec.split(","))
        except ValueError:
            raise BadRequest(field_name, "unknown_endpoint", value=spec) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise BadRequest(field_name, "coordinates_out_of_range", value=spec)
        # to about a metre: closer points are one point, to the caches too
        lat, lon = round(lat, 5), round(lon, 5)
        label = f"{lat:.5f},{lon:.5f}"
        return Point(label, label, label, lat, lon, "coordinates")

    def rules(self, options: Options) -> WalkRules:
        """The walking rules of ``options``, in whole metres and seconds: they key the caches, so
        800.2 m and 800 m share one timetable."""
        max_walk = self.params.max_walk_m if options.max_walk_m is None else round(options.max_walk_m)
        min_transfer = None if options.min_transfer_s is None else round(options.min_transfer_s)
        return WalkRules(self.params.walk_speed_m_s, self.params.walk_circuity, max_walk, min_transfer)

    def _timetable_key(self, day: dt.date, options: Options) -> tuple[dt.date, bool, WalkRules]:
        return day, options.with_shuttle and self.shuttle is not None, self.rules(options)

    def timetable(self, day: dt.date, options: Options) -> Timetable:
        """The timetable of ``day`` under ``options``, built once and kept (a few dates at a time)."""
        key = self._timetable_key(day, options)
        return self._timetables.get_or_build(key, lambda: self._build_timetable(*key))

    def _build_timetable(self, day: dt.date, with_shuttle: bool, rules: WalkRules) -> Timetable:
        shuttle = self.shuttle if with_shuttle else None  # the key says with_shuttle only when there is one
        extra_stops, extra_trips = shuttle_trips(shuttle) if shuttle is not None else ((), ())
        # One build at a time: a build is pure Python, so under the GIL several at once finish no
        # sooner, and each holds its ~30 MB until done (8 request threads: 240 MB more at peak).
        with self._one_build:
            return build_timetable(self.feed, day, rules, extra_stops, extra_trips)

    def endpoint(self, tt: Timetable, point: Point, other: Point, rules: WalkRules) -> raptor.Endpoint:
        """Walking links between a point and the stops around it."""
        links: dict[int, tuple[int, int]] = {}
        if point.kind == "stop" and point.id in tt.index:
            own = tt.index[point.id]
            links[own] = (0, 0)
            for stop, secs, metres in tt.footpaths[own]:
                links.setdefault(stop, (secs, metres))
        elif rules.max_walk_m > 0:
            here = -1  # the point among the stops' indices
            candidates = [(here, point.lat, point.lon)] + [
                (i, lat, lon) for i, (lat, lon) in enumerate(zip(tt.stop_lat, tt.stop_lon))]
            limit = rules.max_walk_m / rules.walk_circuity
            for a, b in near_pairs(candidates, limit):
                if here not in (a[0], b[0]) or a[0] == b[0]:
                    continue
                near, near_lat, near_lon = b if a[0] == here else a
                straight = distance_m((point.lat, point.lon), (near_lat, near_lon))
                if straight <= limit:
                    links[near] = (rules.walk_s(straight), round(straight * rules.walk_circuity))
        direct = None
        straight = distance_m((point.lat, point.lon), (other.lat, other.lon))
        if straight * rules.walk_circuity <= max(rules.max_walk_m, 0):
            direct = (rules.walk_s(straight), round(straight * rules.walk_circuity))
        return raptor.Endpoint(tuple((s, w, m) for s, (w, m) in sorted(links.items())), point.lat, point.lon, direct)

    # --- journeys

    def journeys(self, origin: Point, dest: Point, day: dt.date, depart_s: int,
                 options: Options = Options()) -> list[Journey]:
        """The fastest journey leaving at ``depart_s``, and the one with fewest transfers when it differs."""
        tt, source, target = self._prepare(origin, dest, day, options)
        raw = [j for j in raptor.earliest_arrival(tt, source, target, depart_s, options.max_rides)
               if j.arr_s - depart_s <= MAX_JOURNEY_S]
        if not raw:
            raise self._why_none(tt, source, target, origin, dest, depart_s)
        fastest = self._named(tt, raw[-1], origin, dest, day, "fastest")
        if raw[0] is raw[-1] or raw[0].transfers >= raw[-1].transfers:
            return [fastest]
        return [fastest, self._named(tt, raw[0], origin, dest, day, "fewest_transfers")]

    def fastest_raw(self, origin: Point, dest: Point, day: dt.date, depart_s: int,
                    options: Options = Options()) -> raptor.RawJourney | None:
        """The fastest journey as RAPTOR found it (no names, no fares), or None: for callers
        that only need times, such as the itinerary engine."""
        try:
            tt, source, target = self._prepare(origin, dest, day, options)
        except NoJourney:
            return None
        raw = raptor.earliest_arrival(tt, source, target, depart_s, options.max_rides)
        return raw[-1] if raw and raw[-1].arr_s - depart_s <= MAX_JOURNEY_S else None

    def arrive_by(self, origin: Point, dest: Point, day: dt.date, arrive_s: int,
                  options: Options = Options()) -> Journey:
        """The latest departure that still arrives by ``arrive_s``."""
        tt, source, target = self._prepare(origin, dest, day, options)
        journeys = raptor.profile(tt, source, target, arrive_s - MAX_JOURNEY_S, arrive_s, options.max_rides)
        best = max((j for j in journeys if j.arr_s <= arrive_s), key=lambda j: j.dep_s, default=None)
        walk = source.direct_walk
        if walk and (best is None or arrive_s - walk[0] > best.dep_s):
            best = raptor.RawJourney(arrive_s - walk[0], arrive_s, [raptor.RawLeg("walk", None, None, arrive_s - walk[0], arrive_s, walk[1])])
        if best is None:
            raise NoJourney("none_arrives_by", date=day.isoformat(), arrive_by_s=arrive_s)
        return self._named(tt, best, origin, dest, day, "fastest")

    def profile(self, origin: Point, dest: Point, day: dt.date, start_s: int, end_s: int,
                options: Options = Options(), horizon_s: int = MAX_JOURNEY_S,
                ) -> tuple[Timetable, raptor.Endpoint, list[raptor.RawJourney]]:
        """Journeys best for some departure in ``[start_s, end_s]``, looking ``horizon_s`` further
        for the first departure after the window's last minutes."""
        tt, source, target = self._prepare(origin, dest, day, options)
        return tt, source, raptor.profile(tt, source, target, start_s, end_s + horizon_s, options.max_rides)

    def _prepare(self, origin: Point, dest: Point, day: dt.date, options: Options
                 ) -> tuple[Timetable, raptor.Endpoint, raptor.Endpoint]:
        if not self.feed.services_on(day):
            span = self.feed.date_range()
            raise NoJourney("no_service_on_date", date=day.isoformat(),
                            feed_start=span[0].isoformat() if span else None,
                            feed_end=span[1].isoformat() if span else None)
        tt = self.timetable(day, options)
        rules = self.rules(options)
        # endpoints are searched for among all stops: keep them, queries repeat (itineraries, batches);
        # keyed by what the timetable was built from, as a rebuilt one has the same stops
        key = (self._timetable_key(day, options), origin, dest)
        source, target = self._endpoints.get_or_build(
            key, lambda: (self.endpoint(tt, origin, dest, rules), self.endpoint(tt, dest, origin, rules)))
        for point, end in ((origin, source), (dest, target)):
            if not end.links and not end.direct_walk:
                raise NoJourney("too_far_to_walk", names=point.names, point=point.id,
                                max_walk_m=round(rules.max_walk_m))
        return tt, source, target

    def _why_none(self, tt: Timetable, source: raptor.Endpoint, target: raptor.Endpoint,
                  origin: Point, dest: Point, depart_s: int) -> NoJourney:
        """Why nothing goes: the last departure has left, services near the destination have ended,
        or no connection within the longest journey."""
        names = {**origin.names, **dest.names}
        later = raptor.departures_from(tt, source, depart_s, depart_s + MAX_JOURNEY_S)
        if not later:
            earlier = raptor.departures_from(tt, source, 0, depart_s)
            return NoJourney("after_last_departure", names=names, origin=origin.id, depart_s=depart_s,
                             last_departure_s=earlier[0] if earlier else None)
        any_in, last_in = _arrivals_near(tt, target, depart_s, depart_s + MAX_JOURNEY_S)
        if not any_in and last_in is not None:
            return NoJourney("services_ended", names=names, dest=dest.id, last_arrival_s=last_in)
        return NoJourney("no_connection", names=names, origin=origin.id, dest=dest.id, depart_s=depart_s,
                         max_journey_s=MAX_JOURNEY_S)

    def _named(self, tt: Timetable, raw: raptor.RawJourney, origin: Point, dest: Point,
               day: dt.date, label: str) -> Journey:
        legs = [self._leg(tt, leg, origin, dest, day) for leg in raw.legs]
        legs = [leg for leg in legs if not (leg.mode == "walk" and leg.duration_s == 0 and leg.distance_m == 0)] or legs
        fares = leg_fares([{"mode": leg.mode, "route_id": leg.route_id, "distance_m": leg.distance_m}
                           for leg in legs], self.fares)
        for leg, fare in zip(legs, fares):
            leg.fare_cny = fare
        return Journey(legs, label, total_fare(fares))

    def _leg(self, tt: Timetable, leg: raptor.RawLeg, origin: Point, dest: Point, day: dt.date) -> Leg:
        def end(stop: int | None, point: Point) -> tuple[str, str, str, tuple[float, float]]:
            if stop is None:
                return point.id, point.name_zh, point.name_en, (point.lat, point.lon)
            return (tt.stop_ids[stop], tt.stop_names[stop], tt.stop_names_en[stop],
                    (tt.stop_lat[stop], tt.stop_lon[stop]))

        from_id, from_name, from_en, from_at = end(leg.from_stop, origin)
        to_id, to_name, to_en, to_at = end(leg.to_stop, dest)
        result = Leg("walk", from_id, from_name, to_id, to_name, at(day, leg.dep_s, self.tz),
                     at(day, leg.arr_s, self.tz), leg.metres, path=[from_at, to_at],
                     from_name_en=from_en, to_name_en=to_en)
        if leg.kind == "ride":
            assert (leg.pattern is not None and leg.trip is not None and leg.board_pos is not None
                    and leg.alight_pos is not None), "RAPTOR names a ride's pattern, trip and stops"
            pattern = tt.patterns[leg.pattern]
            info = tt.route_info.get(pattern.route_id)
            shuttle = None
            if info is None:  # the shuttle is not in the feed: its trips are the only ones without a route there
                shuttle = self.shuttle
                assert shuttle is not None, f"route {pattern.route_id!r} is neither the feed's nor the shuttle's"
                info = {"mode": "shuttle", "name": shuttle.name_zh}
            stops = pattern.stops[leg.board_pos:leg.alight_pos + 1]
            result = replace(result, mode=info["mode"], route_id=pattern.route_id, line=info["name"],
                             headway_s=pattern.headway_s[leg.trip], fare_cny=None,
                             path=[(tt.stop_lat[i], tt.stop_lon[i]) for i in stops])
            if shuttle is not None and shuttle.path:
                road = list(shuttle.path) if pattern.stops[0] == stops[0] else list(reversed(shuttle.path))
                result.path = [from_at, *road, to_at]
                result.distance_m = round(sum(distance_m(a, b) for a, b in zip(result.path, result.path[1:])))
        return result

    # --- taxi

    def taxi(self, origin: Point, dest: Point, day: dt.date, depart_s: int) -> Journey:
        """A taxi all the way: pickup wait, then the road distance at the hour's speed."""
        taxi = self.params.taxi
        road_m = self.taxi_road_m(origin, dest)
        wait_s, ride_s = self.taxi_time_s(origin, dest, depart_s)
        wait = Leg("wait", origin.id, origin.name_zh, origin.id, origin.name_zh,
                   at(day, depart_s, self.tz), at(day, depart_s + wait_s, self.tz), 0,
                   from_name_en=origin.name_en, to_name_en=origin.name_en)
        ride = Leg("taxi", origin.id, origin.name_zh, dest.id, dest.name_zh,
                   at(day, depart_s + wait_s, self.tz), at(day, depart_s + wait_s + ride_s, self.tz),
                   round(road_m), route_id="taxi", line="taxi", fare_cny=taxi.fare_cny(road_m),
                   path=[(origin.lat, origin.lon), (dest.lat, dest.lon)],
                   from_name_en=origin.name_en, to_name_en=dest.name_en)
        return Journey([wait, ride], "taxi", ride.fare_cny)

    def taxi_road_m(self, origin: Point, dest: Point) -> float:
        return distance_m((origin.lat, origin.lon), (dest.lat, dest.lon)) * self.params.taxi.circuity

    def taxi_arriving_by(self, origin: Point, dest: Point, day: dt.date, arrive_s: int) -> Journey:
        """The taxi to take to arrive by ``arrive_s`` (speed of the hour it actually drives in)."""
        depart_s = arrive_s
        for _ in range(3):  # the speed depends on the hour, which depends on the departure
            wait, ride = self.taxi_time_s(origin, dest, depart_s)
            depart_s = arrive_s - wait - ride
        return self.taxi(origin, dest, day, depart_s)

    def taxi_time_s(self, origin: Point, dest: Point, depart_s: int) -> tuple[int, int]:
        """(waiting, riding) seconds of a taxi leaving at ``depart_s``."""
        taxi = self.params.taxi
        road_m = self.taxi_road_m(origin, dest)
        return taxi.pickup_wait_s, round(road_m / (taxi.speed_kmh(depart_s // 3600 % 24) / 3.6))


def _arrivals_near(tt: Timetable, target: raptor.Endpoint, start_s: int, end_s: int) -> tuple[bool, int | None]:
    """Whether any vehicle sets down near the destination in ``(start_s, end_s]``, and the
    last one that did before ``start_s``."""
    any_in, last_before = False, None
    for stop, _, _ in target.links:
        for p_idx, pos in tt.patterns_at[stop]:
            pattern = tt.patterns[p_idx]
            if not pattern.can_alight[pos]:
                continue
            arrivals = [trip[pos] for trip in pattern.arrivals]  # FIFO: in order
            i = bisect_right(arrivals, start_s)
            any_in = any_in or (i < len(arrivals) and arrivals[i] <= end_s)
            if i > 0:
                last_before = arrivals[i - 1] if last_before is None else max(last_before, arrivals[i - 1])
    return any_in, last_before


def check_in_chengdu(point: Point, field_name: str) -> None:
    if point.kind == "coordinates" and not in_chengdu(point.lat, point.lon):
        raise BadRequest(field_name, "outside_chengdu", value=point.id)
