"""Door-to-door journeys: endpoints, legs with names and fares, taxis, reasons.

:class:`JourneyPlanner` turns places, stops, stations and coordinates into
RAPTOR endpoints over the timetable of a date (with or without the proposed
shuttle), and RAPTOR's raw journeys into legs a person can follow.

There is no time limit: the earliest arrival is the earliest on the feed,
whenever it comes. A query is searched in the timetable of its day (which
holds the day before's runs past midnight and all of the next day), then,
when nothing goes, in a timetable reaching further service days, up to
``Options.max_days`` (a cap for speed that no real feed needs; a query that
reaches it says so). Arrive-by finds the latest departure however early, by
bisection on the earliest arrival (which never falls when one leaves later).
When nothing goes, :class:`NoJourney` says what is true of the feed and the
query (:mod:`planner.routing.reasons`).
"""
from __future__ import annotations

import datetime as dt
import math
import threading
import weakref
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict, Unpack

from planner.domain.errors import BadRequest, Name, Param, PlannerError
from planner.domain.caches import SharedCache
from planner.domain.geo import _M_PER_DEG_LAT as M_PER_DEG_LAT, MIN_RADIUS_M, distance_m, in_chengdu
from planner.sources.gtfs import Feed
from planner.domain.model import TZ, Model, NetworkParams, Place, Shuttle, Site
from planner.routing import raptor
from planner.domain.fares import FareRules
from planner.routing.fares import leg_fares, total_fare
from planner.domain.daytypes import day_type
from planner.routing.shuttle import shuttle_stop_id, shuttle_trips, shuttle_trips_any_day
from planner.routing import reasons
from planner.routing.timetable import ExtraStop, ExtraTrip
from planner.routing.timetable import (
    DAY_S, FeedBasis, Timetable, Walking, WalkRules, build_timetable, day_shift_s, service_day_start, service_days,
)


class CacheSizes(TypedDict, total=False):
    """The sizes of a :class:`JourneyPlanner`'s caches, as its constructor takes them."""

    timetable_cache_size: int
    endpoint_cache_size: int
    profile_slice_cache_size: int


class NoJourney(PlannerError):
    """No journey exists; ``reason`` says why, as a code with parameters.

    Reasons and their parameters (points are ids, named in ``names``; ``*_at`` are ISO date-times
    in the feed's zone, each checked against the timetable it names by tests/test_routing_reasons.py):

    * ``no_service_on_date`` (date, feed_start, feed_end: None when the feed has no calendar,
      searched_from, searched_until: dates): no run of any service reaches the day: none runs on the
      days searched (the day and those after it, or, arriving by, those before it and the next),
      nor one of the day before them past its midnight;
    * ``too_far_to_walk`` (point, max_walk_m): no stop within the walk;
    * ``not_connected`` (origin, dest): no vehicles of any day of the feed, with walks between
      them, lead from the origin's stops to the destination's;
    * ``after_last_departure`` (origin, depart_at, last_departure_at, next_departure_at: each None
      when there is none): nothing leaves near the origin after ``depart_at`` in the days searched;
      the last boarding before it, and the first after the days searched (beyond ``max_days``);
    * ``none_before_feed_end`` (origin, dest, depart_at, feed_end): vehicles still leave, but no
      journey reaches the destination before the feed's calendar ends;
    * ``search_limit`` (origin, dest, depart_at, searched_until_at, and max_days or max_rides): a cap
      of :class:`Options` stopped the search before a journey was found: nothing (with at most
      max_rides vehicles) arrives before ``searched_until_at``;
    * ``none_arrives_by`` (date, arrive_by_at, first_arrival_at, searched_from_at): no journey
      leaving at or after ``searched_from_at`` arrives by the deadline; the first arrival leaving
      then (None when there is none within ``max_days`` of it);
    * ``unreachable`` (origin, dest, depart_s: between two stops of a day plan).

    Examples
    --------
    >>> error = NoJourney("after_last_departure", origin="m-240", depart_at="2024-02-12T23:50:00+08:00",
    ...                   last_departure_at="2024-02-12T23:36:00+08:00", next_departure_at=None)
    >>> error.reason, error.params["last_departure_at"]
    ('after_last_departure', '2024-02-12T23:36:00+08:00')
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
    kind: str  # place | site | stop | station | coordinates

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
    #: a ride on the same vehicle as the leg before (an in-seat transfer: block_id or transfer_type 4)
    stay_seated: bool = False

    @property
    def duration_s(self) -> int:
        return round(self.arr.timestamp() - self.dep.timestamp())  # true seconds: a DST day's wall clocks lie

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode, "line": self.line, "route_id": self.route_id,
            "from": {"id": self.from_id, "name": self.from_name, "name_en": self.from_name_en or self.from_name},
            "to": {"id": self.to_id, "name": self.to_name, "name_en": self.to_name_en or self.to_name},
            "departure": self.dep.isoformat(), "arrival": self.arr.isoformat(),
            "duration_s": self.duration_s, "distance_m": self.distance_m, "fare_cny": self.fare_cny,
            "headway_s": self.headway_s, "path": [[round(lat, 6), round(lon, 6)] for lat, lon in self.path],
            "stay_seated": self.stay_seated,
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
        return round(self.arr.timestamp() - self.dep.timestamp())  # true seconds: a DST day's wall clocks lie

    @property
    def transfers(self) -> int:
        """Changes of vehicle: rides after the first, but not those staying on board."""
        rides = sum(1 for leg in self.legs if leg.mode not in ("walk", "wait", "taxi") and not leg.stay_seated)
        return max(0, rides - 1)

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
    max_rides: int = 8  # vehicles in one journey: a cap for speed; a query it stops says so
    #: service days searched after the query's own (arrive-by: before it), a cap for speed that no real
    #: feed needs (weekly rural services fit); a query it stops says so (reason ``search_limit``)
    max_days: int = 14


class _FeedShared:
    """What the timetables of every date of one feed share (:class:`FeedBasis` per added stops and trips,
    :class:`Walking` per those and walking rules), kept for the feed's life: a new journey planner over
    the same feed (a new app state, a date's first plan) builds only the date's own part."""

    def __init__(self) -> None:
        self.bases: SharedCache[FeedBasis] = SharedCache(4, build_once=True)
        self.walks: SharedCache[Walking] = SharedCache(16, build_once=True)


#: id(feed) -> (a weak reference to the feed, what its timetables share); an entry goes with its feed
_FEED_SHARED: dict[int, tuple[weakref.ref[Feed], _FeedShared]] = {}
_FEED_SHARED_LOCK = threading.RLock()  # re-entrant: a feed may die (its callback runs) while it is held


def _shared_of(feed: Feed) -> _FeedShared:
    """What the timetables of ``feed`` share (the feed is read once and not changed after)."""
    key = id(feed)
    with _FEED_SHARED_LOCK:
        held = _FEED_SHARED.get(key)
        if held is not None and held[0]() is feed:
            return held[1]

        def gone(ref: weakref.ref[Feed]) -> None:
            with _FEED_SHARED_LOCK:
                if _FEED_SHARED.get(key, (None,))[0] is ref:
                    del _FEED_SHARED[key]

        shared = _FeedShared()
        _FEED_SHARED[key] = (weakref.ref(feed, gone), shared)
        return shared


def _near_stops(tt: Timetable, lat: float, lon: float, radius_m: float) -> list[int]:
    """The stops that :func:`planner.domain.geo.near_pairs` pairs with the point (lat, lon) among the
    timetable's stops (the same grid: the stops in the point's cell and the eight around it), without
    pairing the stops among themselves."""
    if not radius_m >= MIN_RADIUS_M or not tt.stop_lat:
        return []
    cell_lat = radius_m / M_PER_DEG_LAT
    cell_lon = cell_lat / math.cos(math.radians(max(abs(lat), max(map(abs, tt.stop_lat)))))
    row, column = int(lat // cell_lat), int(lon // cell_lon)
    return [i for i, (a, b) in enumerate(zip(tt.stop_lat, tt.stop_lon))
            if abs(int(a // cell_lat) - row) <= 1 and abs(int(b // cell_lon) - column) <= 1]


def at(day: dt.date, seconds: int, tz: dt.tzinfo = TZ) -> dt.datetime:
    """The aware date-time of a GTFS time on ``day``: true seconds after noon minus 12 h
    (:func:`planner.routing.timetable.service_day_start`), so a time past 24:00:00 falls on the next
    calendar day and, on the days clocks change, 01:00:00 may be 00:00 on the wall.

    Examples
    --------
    >>> at(dt.date(2024, 2, 12), 90600).isoformat()
    '2024-02-13T01:10:00+08:00'
    >>> from zoneinfo import ZoneInfo
    >>> [at(dt.date(2008, 3, 9), h * 3600, ZoneInfo("America/Los_Angeles")).isoformat() for h in (1, 3)]
    ['2008-03-09T00:00:00-08:00', '2008-03-09T03:00:00-07:00']
    """
    return (service_day_start(day, tz) + dt.timedelta(seconds=seconds)).astimezone(tz)


@dataclass(frozen=True)
class WalkPiece:
    """A piece of a walk between a place inside a site and the street: walking, or waiting at the gate's
    entry check (``mode`` "wait")."""

    mode: str  # walk | wait
    start: Point
    end: Point
    seconds: int
    metres: int


#: The shuttle's stops and trips on one day (what a timetable is built with, and keyed by).
ShuttleDay = tuple[tuple[ExtraStop, ...], tuple[ExtraTrip, ...]]
#: The shuttle in a timetable: its stops, its trips of any day, and per service day of the timetable
#: (its shift into the timetable's time base) the trips of that day's type.
ShuttleRuns = tuple[tuple[ExtraStop, ...], tuple[ExtraTrip, ...], tuple[tuple[int, tuple[ExtraTrip, ...]], ...]]


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
    # 30 MB each (one reaching 2n service days counts n times: 16 days, ~220 MB, are never kept),
    # endpoints and profile slices about a kilobyte.
    timetable_cache_size: int = 4
    endpoint_cache_size: int = 4096
    profile_slice_cache_size: int = 20_000
    _timetables: SharedCache[Timetable] = field(init=False, repr=False)
    _endpoints: SharedCache[tuple[raptor.Endpoint, raptor.Endpoint]] = field(init=False, repr=False)
    #: which stops lead to which on any day, per walking rules (reason ``not_connected``)
    _static_links: SharedCache[reasons.Links] = field(init=False, repr=False)
    #: range-RAPTOR slices of the day between two points, kept for itinerary searches (planner.itinerary.travel)
    profile_slices: SharedCache[tuple[list[int], list[int]]] = field(init=False, repr=False)
    #: tight lower bounds towards a point (raptor.tight_lower_bounds), per timetable: every slice of a
    #: day's profiles towards one point prunes with the same
    _lowers: SharedCache[list[int]] = field(init=False, repr=False)
    _one_build: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: held by a search reaching past the day's timetable (timetables of 4 to 16 days, ~55-220 MB,
    #: rarely kept): one such search at a time, so request threads never hold several at once
    _reaching: threading.RLock = field(default_factory=threading.RLock, repr=False)
    #: the shuttle the kept trips are of, and its stops and trips by day type (see _shuttle_on)
    _shuttle_days: tuple[Shuttle | None, dict[str, ShuttleDay]] = field(init=False, repr=False)
    #: (place id, arriving, stop id) -> the pieces of the quickest walk between a place inside a site and
    #: the stop, through a gate (:meth:`_site_endpoint`), to name the walk's legs
    _gate_ways: dict[tuple[str, bool, str], list[WalkPiece]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._gate_ways = {}
        # bounded by weight: a timetable reaching further than two service days (a search after the last
        # vehicle, :meth:`_forward`) weighs as many two-day ones as it covers, as it holds that much memory
        self._timetables = SharedCache(self.timetable_cache_size, build_once=True, weigh=_timetable_weight)
        self._endpoints = SharedCache(self.endpoint_cache_size)
        self._static_links = SharedCache(4)
        self._lowers = SharedCache(512)
        self.profile_slices = SharedCache(self.profile_slice_cache_size)
        self._shuttle_days = (None, {})

    @classmethod
    def for_model(cls, model: Model, **cache_sizes: Unpack[CacheSizes]) -> JourneyPlanner:
        """A planner over a loaded :class:`planner.domain.model.Model`: its feed, places, shuttle and fares."""
        return cls(model.feed, model.params, model.places, model.sites, model.shuttle, model.fares,
                   **cache_sizes)

    @property
    def tz(self) -> dt.tzinfo:
        """The feed's time zone (its ``agency_timezone``; UTC when that is not a zone)."""
        return self.feed.zone

    # --- endpoints

    def resolve(self, spec: str, field_name: str = "from") -> Point:
        """A place id, site id, stop or station id, or ``lat,lon`` (WGS84) as a :class:`Point`."""
        spec = (spec or "").strip()
        if spec in self.places:
            p = self.places[spec]
            return Point(p.id, p.name_zh, p.name_en, p.lat, p.lon, "place")
        if spec in self.sites:
            s = self.sites[spec]
            return Point(s.id, s.name_zh, s.name_en, s.lat, s.lon, "site")
        if spec in self.feed.stops:
            stop = self.feed.stops[spec]
            kind = "stop" if stop.location_type == 0 else "station"  # a station, an entrance, a boarding area
            return Point(stop.id, stop.name, stop.code or stop.name, stop.lat, stop.lon, kind)
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

    def _shuttle_on(self, day_kind: str) -> ShuttleDay:
        """The shuttle's stops and trips on a day of ``day_kind`` ("any": of every day), computed once per
        shuttle: the caches are keyed by them, so another shuttle (or timetable) is another key."""
        shuttle = self.shuttle
        assert shuttle is not None
        kept, by_kind = self._shuttle_days
        if kept is not shuttle:
            by_kind = {}
            self._shuttle_days = (shuttle, by_kind)
        found = by_kind.get(day_kind)
        if found is None:
            stops, trips = shuttle_trips(shuttle, None if day_kind == "any" else day_kind)
            found = by_kind[day_kind] = (stops, shuttle_trips_any_day(shuttle) if day_kind == "any" else trips)
        return found

    def _timetable_key(self, day: dt.date, options: Options, days: int = 2
                       ) -> tuple[dt.date, ShuttleRuns | None, WalkRules, int]:
        # the shuttle runs on every service day of the timetable (the day before, past its midnight, the
        # day and the days after), each day its day type's timetable: not the query day's trips only, or
        # a search after the day's last shuttle would find none tomorrow (and look on for 16 days)
        shuttle: ShuttleRuns | None = None
        if options.with_shuttle and self.shuttle is not None:
            stops, any_day = self._shuttle_on("any")
            window_s = (0, day_shift_s(day, day + dt.timedelta(days=days), self.tz))
            shuttle = (stops, any_day, tuple((offset, self._shuttle_on(day_type(other))[1])
                                             for other, offset in service_days(day, window_s, self.tz)))
        return day, shuttle, self.rules(options), days

    def timetable(self, day: dt.date, options: Options, days: int = 2) -> Timetable:
        """The timetable of ``day`` under ``options``, built once and kept (a few at a time): the runs of
        the day before past midnight, of the day, and of the ``days - 1`` days after it."""
        key = self._timetable_key(day, options, days)
        return self._timetables.get_or_build(key, lambda: self._build_timetable(*key))

    def timetable_kept(self, day: dt.date, options: Options) -> bool:
        """Whether the timetable of ``day`` under ``options`` is kept (asking for it builds nothing)."""
        return self._timetables.get(self._timetable_key(day, options)) is not None

    def _build_timetable(self, day: dt.date, shuttle: ShuttleRuns | None, rules: WalkRules, days: int) -> Timetable:
        # the basis holds the shuttle's trips of every day type (lower bounds hold for any of them);
        # each service day's own are run on it
        extra_stops, extra_trips, extra_runs = shuttle if shuttle is not None else ((), (), ())
        window_s = (0, day_shift_s(day, day + dt.timedelta(days=days), self.tz))
        # One build at a time: a build is pure Python, so under the GIL several at once finish no
        # sooner, and each holds its ~30 MB until done (8 request threads: 240 MB more at peak).
        with self._one_build:
            shared = _shared_of(self.feed)
            basis = shared.bases.get_or_build(
                (extra_stops, extra_trips), lambda: FeedBasis(self.feed, extra_stops, extra_trips))
            walking = shared.walks.get_or_build(
                (extra_stops, extra_trips, rules), lambda: Walking(self.feed, basis, rules))
            return build_timetable(self.feed, day, rules, extra_stops, extra_trips, window_s, basis, walking,
                                   extra_runs if shuttle is not None else None)

    def _links(self, tt: Timetable, options: Options) -> reasons.Links:
        """Which stops lead to which on any day of the feed (kept per walking rules and shuttle)."""
        shuttle = self._shuttle_on("any") if options.with_shuttle and self.shuttle is not None else None
        key = (shuttle, self.rules(options))
        return self._static_links.get_or_build(key, lambda: reasons.Links.of(
            self.feed, tt, shuttle[1] if shuttle is not None else ()))

    def endpoint(self, tt: Timetable, point: Point, other: Point, rules: WalkRules,
                 arriving: bool = False) -> raptor.Endpoint:
        """Walking links between a point and the stops around it (``arriving``: the journey's end).

        A stop, or a station (its platforms: an entrance or a boarding area stands for its station's or
        its platform's), is reached at once, without walking, and by the footpaths from it; other
        points walk to the stops within the longest walk. A place inside a site with gates is left and
        entered through a gate only: walking inside at the park's pace, and entering, the gate's check
        (:meth:`site_walks`).
        """
        inside = self.site_walks(point, arriving)
        if inside is not None:
            return self._site_endpoint(tt, point, other, rules, arriving, inside)
        links: dict[int, tuple[int, int]] = {}
        own = tt.platforms_of(point.id) if point.kind in ("stop", "station") else ()
        if own:
            for stop in own:
                links[stop] = (0, 0)
            for stop in own:
                for near, secs, metres in tt.footpaths[stop]:
                    links.setdefault(near, (secs, metres))
        elif rules.max_walk_m > 0:
            limit = rules.max_walk_m / rules.walk_circuity
            for near in _near_stops(tt, point.lat, point.lon, limit):
                straight = distance_m((point.lat, point.lon), (tt.stop_lat[near], tt.stop_lon[near]))
                if straight <= limit:
                    links[near] = (rules.walk_s(straight), round(straight * rules.walk_circuity))
        origin, dest = (other, point) if arriving else (point, other)
        direct = self._direct_walk(origin, dest, rules)
        return raptor.Endpoint(tuple((s, w, m) for s, (w, m) in sorted(links.items())), point.lat, point.lon, direct)

    # --- sites: gates, the entry check and walking inside

    def site_walks(self, point: Point, arriving: bool) -> list[tuple[Point, list[WalkPiece]]] | None:
        """How a place inside a site with gates is reached from outside (``arriving``) or left: per gate,
        the gate and the pieces between it and the place, in the order walked. Entering: the gate's
        check (``NetworkParams.site_entry_s``, a ``wait``; none when it is 0), then the walk in at the
        park's pace (``park_walk_time_s``). Leaving: the walk out. None for anything else (a gate, a
        site, a stop, coordinates): it is outside.

        Examples
        --------
        >>> from planner.sources.datafiles import load_model
        >>> from planner.domain.paths import bundled_data_dir
        >>> jp = JourneyPlanner.for_model(load_model(bundled_data_dir()))
        >>> ways = jp.site_walks(jp.resolve("panda-museum"), arriving=True)
        >>> [(gate.id, [(p.mode, p.seconds) for p in pieces]) for gate, pieces in ways][0]
        ('panda-south-gate', [('wait', 600), ('walk', 81)])
        """
        place = self.places.get(point.id) if point.kind == "place" else None
        if place is None or place.kind == "gate" or not place.site_id:
            return None
        gates = [p for p in self.places.values() if p.site_id == place.site_id and p.kind == "gate"]
        if not gates:
            return None
        queue_s = self.params.site_entry_s.get(place.site_id, 0)
        ways = []
        for gate in sorted(gates, key=lambda g: g.id):
            at_gate = Point(gate.id, gate.name_zh, gate.name_en, gate.lat, gate.lon, "place")
            straight = distance_m((gate.lat, gate.lon), (point.lat, point.lon))
            walk_s, metres = self.params.park_walk_time_s(straight), round(straight * self.params.walk_circuity_park)
            if arriving:
                pieces = [WalkPiece("wait", at_gate, at_gate, queue_s, 0)] if queue_s else []
                pieces.append(WalkPiece("walk", at_gate, point, walk_s, metres))
            else:
                pieces = [WalkPiece("walk", point, at_gate, walk_s, metres)]
            ways.append((at_gate, pieces))
        return ways

    def _site_endpoint(self, tt: Timetable, point: Point, other: Point, rules: WalkRules, arriving: bool,
                       ways: list[tuple[Point, list[WalkPiece]]]) -> raptor.Endpoint:
        """A place inside a site linked to the stops near its gates, through the gates (the quickest for each
        stop), its pieces kept to name the legs (:meth:`_walk_legs`)."""
        links: dict[int, tuple[int, int]] = {}
        for gate, pieces in ways:
            inside_s, inside_m = sum(p.seconds for p in pieces), sum(p.metres for p in pieces)
            for stop, secs, metres in self.endpoint(tt, gate, gate, rules).links:
                total = secs + inside_s
                if stop not in links or total < links[stop][0]:
                    links[stop] = (total, metres + inside_m)
                    street = WalkPiece("walk", gate, gate, secs, metres)  # the stop's end named in _walk_legs
                    self._gate_ways[(point.id, arriving, tt.stop_ids[stop])] = (
                        [*pieces, street] if not arriving else [street, *pieces])
        origin, dest = (other, point) if arriving else (point, other)
        direct = self._direct_walk(origin, dest, rules)
        return raptor.Endpoint(tuple((s, w, m) for s, (w, m) in sorted(links.items())), point.lat, point.lon, direct)

    def _direct_walk(self, origin: Point, dest: Point, rules: WalkRules) -> tuple[int, int] | None:
        """Walking all the way: inside one site at the park's pace; otherwise out of the origin's site and
        into the destination's through their gates (the street part within the longest walk)."""
        pieces = self._direct_pieces(origin, dest, rules)
        return None if pieces is None else (sum(p.seconds for p in pieces), sum(p.metres for p in pieces))

    def _direct_pieces(self, origin: Point, dest: Point, rules: WalkRules) -> list[WalkPiece] | None:
        a, b = self.places.get(origin.id), self.places.get(dest.id)
        outs, ins = self.site_walks(origin, False), self.site_walks(dest, True)
        if outs is not None and ins is not None and a is not None and b is not None and a.site_id == b.site_id:
            straight = distance_m((origin.lat, origin.lon), (dest.lat, dest.lon))
            return [WalkPiece("walk", origin, dest, self.params.park_walk_time_s(straight),
                              round(straight * self.params.walk_circuity_park))]
        best: list[WalkPiece] | None = None
        for gate_out, out_pieces in outs if outs is not None else [(origin, [])]:
            for gate_in, in_pieces in ins if ins is not None else [(dest, [])]:
                straight = distance_m((gate_out.lat, gate_out.lon), (gate_in.lat, gate_in.lon))
                if straight * rules.walk_circuity > max(rules.max_walk_m, 0):
                    continue
                street = WalkPiece("walk", gate_out, gate_in, rules.walk_s(straight), round(straight * rules.walk_circuity))
                pieces = [*out_pieces, street, *in_pieces]
                if best is None or sum(p.seconds for p in pieces) < sum(p.seconds for p in best):
                    best = pieces
        return best

    # --- journeys

    def journeys(self, origin: Point, dest: Point, day: dt.date, depart_s: int,
                 options: Options = Options()) -> list[Journey]:
        """The fastest journey leaving at ``depart_s`` (however late it arrives), and the one with fewest
        transfers when it differs; :class:`NoJourney` says why there is none."""
        found = self._forward(origin, dest, day, depart_s, options)
        if not found.journeys:
            raise found.reason or self._why_none(found, origin, dest, day, depart_s, options)
        raw = found.journeys
        fastest = self._named(found.tt, raw[-1], origin, dest, day, "fastest")
        if raw[0] is raw[-1] or raw[0].transfers >= raw[-1].transfers:
            return [fastest]
        return [fastest, self._named(found.tt, raw[0], origin, dest, day, "fewest_transfers")]

    def fastest_raw(self, origin: Point, dest: Point, day: dt.date, depart_s: int,
                    options: Options = Options()) -> raptor.RawJourney | None:
        """The fastest journey as RAPTOR found it (no names, no fares; times in ``day``'s base), or None:
        for callers that only need times, such as the itinerary engine."""
        try:
            found = self._forward(origin, dest, day, depart_s, options)
        except NoJourney:
            return None
        return found.journeys[-1] if found.journeys else None

    def _forward(self, origin: Point, dest: Point, day: dt.date, depart_s: int, options: Options) -> _Forward:
        """The earliest arrival leaving at ``depart_s``: in the day's timetable, then, when nothing
        goes, in one reaching further service days (at least twice as far each time, up to
        ``options.max_days`` after the day). Raises ``too_far_to_walk``; answers ``no_service_on_date``
        and ``not_connected`` as ``reason`` without searching further."""
        tt, source, target = self._prepare(origin, dest, day, options)
        found = raptor.search(tt, source, target, depart_s, options.max_rides)
        result = _Forward(tt, 2, source, target, found.journeys, found.capped)
        if found.journeys:
            return result
        last = day + dt.timedelta(days=options.max_days)
        if not tt.patterns and reasons.next_service_day(self.feed, day, last) is None:  # (the next day's runs
            # past its midnight are not in the day's timetable)
            result.reason = self._no_service(day, day, last)
            return result
        if not self._links(tt, options).linked(source, target):
            result.reason = NoJourney("not_connected", names={**origin.names, **dest.names},
                                      origin=origin.id, dest=dest.id)
            return result
        with self._reaching:
            return self._forward_further(day, depart_s, options, result, last)

    def _forward_further(self, day: dt.date, depart_s: int, options: Options, result: _Forward,
                         last: dt.date) -> _Forward:
        """:meth:`_forward` past the day's timetable, in ever longer ones (under ``_reaching``)."""
        source, target = result.source, result.target
        while True:
            # the first service day whose runs were not all searched (the last day of the timetable
            # is searched only for runs that begin before the timetable ends)
            later = reasons.next_service_day(self.feed, day + dt.timedelta(days=result.days - 2), last)
            if later is None:
                return result
            days = min(max(2 * result.days, (later - day).days + 2), options.max_days + 2)
            if days <= result.days:
                return result
            # the shorter timetable searched is let go before the longer one is built (unless kept):
            # one reaching 16 days is ~220 MB, and holding the 8-day one beside it added ~110 MB
            del result.tt  # (set again at once: a build that fails leaves with its exception)
            result.tt = self.timetable(day, options, days)
            result.days = days
            found = raptor.search(result.tt, source, target, depart_s, options.max_rides)
            result.journeys, result.capped = found.journeys, found.capped
            if found.journeys:
                return result

    def arrive_by(self, origin: Point, dest: Point, day: dt.date, arrive_s: int,
                  options: Options = Options()) -> Journey:
        """The latest departure that still arrives by ``arrive_s``, however early it leaves.

        The earliest arrival never falls when one leaves later (FIFO), so the latest departure is
        found by bisection over the times one can leave to catch a vehicle, each probe a RAPTOR run
        pruned by the deadline. When none leaves in the day's timetable, timetables reaching further
        back are searched, up to ``options.max_days`` before the day.
        """
        tt, source, target = self._prepare(origin, dest, day, options)
        first, back = day, 0
        reaching = False  # holding _reaching (from the first timetable reaching back, to the loop's end)
        try:
            while True:
                deadline = arrive_s + day_shift_s(first, day, self.tz)  # in the first day's time base
                latest, first_arrival = _latest(tt, source, target, deadline, options.max_rides)
                if latest or back >= options.max_days:
                    break
                since = day - dt.timedelta(days=options.max_days)
                earlier = reasons.previous_service_day(self.feed, first, since)  # day-1: its runs past midnight
                if earlier is None:
                    break
                back = min(max(2 * back, (day - earlier).days), options.max_days)
                first = day - dt.timedelta(days=back)
                if not reaching:
                    reaching = self._reaching.acquire()
                del tt  # the shorter one let go before the longer is built (as in _forward)
                tt = self.timetable(first, options, back + 2)
        finally:
            if reaching:
                self._reaching.release()
        walk = source.direct_walk
        shift = day_shift_s(day, first, self.tz)
        if walk and (not latest or arrive_s - walk[0] > latest[-1].dep_s + shift):
            leg = raptor.RawLeg("walk", None, None, arrive_s - walk[0], arrive_s, walk[1])
            return self._named(tt, raptor.RawJourney(leg.dep_s, leg.arr_s, [leg]).shifted(-shift),
                               origin, dest, first, "fastest")
        if latest:
            return self._named(tt, latest[-1], origin, dest, first, "fastest")
        names = {**origin.names, **dest.names}
        if not tt.patterns:  # no run of any service from the days searched before, up to the day's end
            raise self._no_service(day, first, day)
        if not self._links(tt, options).linked(source, target):
            raise NoJourney("not_connected", names=names, origin=origin.id, dest=dest.id)
        if first_arrival is None:  # nothing at all in these days: the first arrival, leaving at their start
            later = self._forward(origin, dest, first, 0, options)
            first_arrival = later.journeys[-1].arr_s if later.journeys else None
        raise NoJourney("none_arrives_by", names=names, date=day.isoformat(),
                        arrive_by_at=self._at(day, arrive_s),
                        first_arrival_at=None if first_arrival is None else self._at(first, first_arrival),
                        searched_from_at=self._at(first, 0))

    def profile(self, origin: Point, dest: Point, day: dt.date, start_s: int, end_s: int,
                options: Options = Options(), resolution_s: int = 1,
                ) -> tuple[Timetable, raptor.Endpoint, list[raptor.RawJourney]]:
        """Journeys best for some departure in ``[start_s, end_s]`` (:func:`planner.routing.raptor.profile`),
        so that every moment of the window has its answer, the first vehicles after the window's end
        included, within the day's timetable (the day and the next). ``resolution_s=60`` for callers
        that read the answer at whole minutes from ``start_s`` only."""
        tt, source, target = self._prepare(origin, dest, day, options)
        lower = self.lower_bounds(tt, day, options, dest, target)
        return tt, source, raptor.profile(tt, source, target, start_s, end_s, options.max_rides, resolution_s, lower)

    def lower_bounds(self, tt: Timetable, day: dt.date, options: Options, dest: Point,
                     target: raptor.Endpoint) -> list[int]:
        """:func:`planner.routing.raptor.tight_lower_bounds` towards ``dest`` (its links ``target``) in
        ``day``'s timetable ``tt`` under ``options``, computed once and kept (they depend on the
        destination's links only, not on where from)."""
        key = (self._timetable_key(day, options), dest)
        return self._lowers.get_or_build(key, lambda: raptor.tight_lower_bounds(tt, target))

    def _prepare(self, origin: Point, dest: Point, day: dt.date, options: Options
                 ) -> tuple[Timetable, raptor.Endpoint, raptor.Endpoint]:
        """The day's timetable and the two ends' links (``too_far_to_walk`` when an end has none).
        A day without service of its own is searched all the same: the day before's runs past
        midnight and the next day's are in its timetable."""
        tt = self.timetable(day, options)
        rules = self.rules(options)
        # endpoints are searched for among all stops: keep them, queries repeat (itineraries, batches);
        # keyed by what the timetable was built from, as a rebuilt one has the same stops
        key = (self._timetable_key(day, options), origin, dest)
        source, target = self._endpoints.get_or_build(
            key, lambda: (self.endpoint(tt, origin, dest, rules), self.endpoint(tt, dest, origin, rules, arriving=True)))
        for point, end in ((origin, source), (dest, target)):
            if not end.links and not end.direct_walk:
                raise NoJourney("too_far_to_walk", names=point.names, point=point.id,
                                max_walk_m=round(rules.max_walk_m))
        return tt, source, target

    # --- reasons

    def _at(self, day: dt.date, seconds: int) -> str:
        return at(day, seconds, self.tz).isoformat()

    def _no_service(self, day: dt.date, since: dt.date, until: dt.date) -> NoJourney:
        """No run of any service from ``since`` to ``until`` (the days searched), nor of the day before
        ``since`` past its midnight."""
        span = self.feed.date_range()
        return NoJourney("no_service_on_date", date=day.isoformat(),
                         feed_start=span[0].isoformat() if span else None,
                         feed_end=span[1].isoformat() if span else None,
                         searched_from=since.isoformat(), searched_until=until.isoformat())

    def _why_none(self, found: _Forward, origin: Point, dest: Point, day: dt.date, depart_s: int,
                  options: Options) -> NoJourney:
        """What is true when the search found nothing: nothing leaves the origin after the query in
        the days searched; or a cap stopped the search; or the feed's calendar ends first."""
        names = {**origin.names, **dest.names}
        beyond = reasons.next_service_day(self.feed, day + dt.timedelta(days=found.days - 2))
        until_s = day_shift_s(day, day + dt.timedelta(days=found.days), self.tz)
        if reasons.first_at_or_after(reasons.boardings(found.tt, found.source), depart_s) is None:
            feed_times = reasons.FeedBoardings(self.feed, found.tt, found.source)
            last = reasons.last_before(reasons.boardings(self.timetable(day, options), found.source), depart_s)
            earlier = feed_times.last_before(day, depart_s, self.tz)
            if earlier is not None and (last is None or earlier > last):
                last = earlier
            after = feed_times.first_at_or_after(day, until_s, self.tz) if beyond is not None else None
            return NoJourney("after_last_departure", names=names, origin=origin.id, depart_at=self._at(day, depart_s),
                             last_departure_at=None if last is None else self._at(day, last),
                             next_departure_at=None if after is None else self._at(day, after))
        common: dict[str, Param] = {"origin": origin.id, "dest": dest.id, "depart_at": self._at(day, depart_s)}
        if found.capped:
            return NoJourney("search_limit", names=names, **common, max_rides=options.max_rides,
                             searched_until_at=self._at(day, until_s))
        if beyond is not None:
            return NoJourney("search_limit", names=names, **common, max_days=options.max_days,
                             searched_until_at=self._at(day, until_s))
        span = self.feed.date_range()
        return NoJourney("none_before_feed_end", names=names, **common,
                         feed_end=span[1].isoformat() if span else None)

    # --- naming

    def _named(self, tt: Timetable, raw: raptor.RawJourney, origin: Point, dest: Point,
               day: dt.date, label: str) -> Journey:
        legs = [named for leg in raw.legs for named in self._legs(tt, leg, origin, dest, day)]
        legs = [leg for leg in legs if not (leg.mode == "walk" and leg.duration_s == 0 and leg.distance_m == 0)] or legs
        fares = leg_fares([{"mode": leg.mode, "route_id": leg.route_id, "distance_m": leg.distance_m}
                           for leg in legs if not leg.stay_seated], self.fares)
        paid = iter(fares)
        for leg in legs:
            leg.fare_cny = 0.0 if leg.stay_seated else next(paid)  # staying on board: one vehicle, one fare
        return Journey(legs, label, total_fare(fares))

    def _legs(self, tt: Timetable, leg: raptor.RawLeg, origin: Point, dest: Point, day: dt.date) -> list[Leg]:
        """A raw leg as legs to show: a walk; or a ride, split where the vehicle becomes another trip
        (an in-seat transfer: the later pieces are ``stay_seated``)."""
        def end(stop: int | None, point: Point) -> tuple[str, str, str, tuple[float, float]]:
            if stop is None:
                return point.id, point.name_zh, point.name_en, (point.lat, point.lon)
            return (tt.stop_ids[stop], tt.stop_names[stop], tt.stop_names_en[stop],
                    (tt.stop_lat[stop], tt.stop_lon[stop]))

        from_id, from_name, from_en, from_at = end(leg.from_stop, origin)
        to_id, to_name, to_en, to_at = end(leg.to_stop, dest)
        if leg.kind != "ride":
            pieces = self._walk_pieces(tt, leg, origin, dest)
            if pieces is not None and sum(p.seconds for p in pieces) == leg.arr_s - leg.dep_s:
                return self._walk_legs(pieces, leg, tt, day)
            return [Leg("walk", from_id, from_name, to_id, to_name, at(day, leg.dep_s, self.tz),
                        at(day, leg.arr_s, self.tz), leg.metres, path=[from_at, to_at],
                        from_name_en=from_en, to_name_en=to_en)]
        assert (leg.pattern is not None and leg.trip is not None and leg.board_pos is not None
                and leg.alight_pos is not None), "RAPTOR names a ride's pattern, trip and stops"
        pattern = tt.patterns[leg.pattern]
        legs: list[Leg] = []
        for board_pos, alight_pos, route_id in pattern.pieces(leg.board_pos, leg.alight_pos):
            a, b = pattern.stops[board_pos], pattern.stops[alight_pos]
            info = tt.route_info.get(route_id)
            shuttle = None
            if info is None:  # the shuttle is not in the feed: its trips are the only ones without a route there
                shuttle = self.shuttle
                assert shuttle is not None, f"route {route_id!r} is neither the feed's nor the shuttle's"
                info = {"mode": "shuttle", "name": shuttle.name_zh}
            stops = pattern.stops[board_pos:alight_pos + 1]
            piece = Leg(info["mode"], tt.stop_ids[a], tt.stop_names[a], tt.stop_ids[b], tt.stop_names[b],
                        at(day, pattern.departures[leg.trip][board_pos], self.tz),
                        at(day, pattern.arrivals[leg.trip][alight_pos], self.tz),
                        raptor.ride_metres(tt, pattern, board_pos, alight_pos), route_id=route_id, line=info["name"],
                        headway_s=pattern.headway_s[leg.trip], fare_cny=None,
                        path=[(tt.stop_lat[i], tt.stop_lon[i]) for i in stops],
                        from_name_en=tt.stop_names_en[a], to_name_en=tt.stop_names_en[b], stay_seated=bool(legs))
            if info["mode"] == "metro" and self.fares is not None:
                # the metro charges by track distance: the data's straight lines x the line's circuity,
                # geodesic as the GTFS build measures them (planner/sources/gtfs_build.py)
                straight = sum(distance_m(p, q) for p, q in zip(piece.path, piece.path[1:]))
                piece.distance_m = round(self.fares.track_m(route_id, straight))
            if shuttle is not None and shuttle.path:
                road = list(shuttle.path) if pattern.stops[0] == stops[0] else list(reversed(shuttle.path))
                piece.path = [from_at, *road, to_at]
                piece.distance_m = round(sum(distance_m(p, q) for p, q in zip(piece.path, piece.path[1:])))
            legs.append(piece)
        return legs

    def _walk_pieces(self, tt: Timetable, leg: raptor.RawLeg, origin: Point, dest: Point) -> list[WalkPiece] | None:
        """The pieces of a walk that passes a site's gate (None: a plain walk)."""
        if leg.from_stop is None and leg.to_stop is None:
            pieces = self._direct_pieces(origin, dest, self.rules(Options()))
            return pieces if pieces is not None and len(pieces) > 1 else None
        if leg.from_stop is None and leg.to_stop is not None:
            return self._gate_ways.get((origin.id, False, tt.stop_ids[leg.to_stop]))
        if leg.to_stop is None and leg.from_stop is not None:
            return self._gate_ways.get((dest.id, True, tt.stop_ids[leg.from_stop]))
        return None

    def _walk_legs(self, pieces: list[WalkPiece], leg: raptor.RawLeg, tt: Timetable, day: dt.date) -> list[Leg]:
        """A walk through a gate as legs: walks, and the wait at the gate's check; the street piece's stop
        end is the leg's stop. The pieces fill the raw leg's time from its start (they sum to it)."""
        def stop_point(stop: int) -> Point:
            return Point(tt.stop_ids[stop], tt.stop_names[stop], tt.stop_names_en[stop],
                         tt.stop_lat[stop], tt.stop_lon[stop], "stop")

        legs, t = [], leg.dep_s
        for i, piece in enumerate(pieces):
            start, end = piece.start, piece.end
            if leg.from_stop is not None and i == 0:
                start = stop_point(leg.from_stop)
            if leg.to_stop is not None and i == len(pieces) - 1:
                end = stop_point(leg.to_stop)
            legs.append(Leg(piece.mode, start.id, start.name_zh, end.id, end.name_zh, at(day, t, self.tz),
                            at(day, t + piece.seconds, self.tz), piece.metres,
                            path=[(start.lat, start.lon), (end.lat, end.lon)],
                            from_name_en=start.name_en, to_name_en=end.name_en))
            t += piece.seconds
        return [leg for leg in legs if leg.duration_s > 0 or leg.distance_m > 0] or legs

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


def _timetable_weight(key: Hashable) -> int:
    """The weight of a kept timetable (keyed as :meth:`JourneyPlanner._timetable_key`): its service days
    in twos, as its memory grows with them (2 days ~30 MB, 16 days ~220 MB)."""
    days: int = key[-1]  # type: ignore[index]
    return max(1, -(-days // 2))


@dataclass
class _Forward:
    """An earliest-arrival search as far as it went: the last timetable searched (``days`` service
    days from the query's, :meth:`JourneyPlanner.timetable`), its ends, what it found, whether the
    rides cap stopped it, and a reason already known without searching further."""

    tt: Timetable
    days: int
    source: raptor.Endpoint
    target: raptor.Endpoint
    journeys: list[raptor.RawJourney]
    capped: bool
    reason: NoJourney | None = None


def _latest(tt: Timetable, source: raptor.Endpoint, target: raptor.Endpoint, deadline_s: int,
            max_rides: int) -> tuple[list[raptor.RawJourney], int | None]:
    """The journeys that leave latest, at or after the timetable's start, and arrive by ``deadline_s``
    (the Pareto set found from that departure, fastest last); else ``[]`` and the earliest arrival
    leaving at the timetable's start (None when nothing arrives at all).

    Bisection on the earliest arrival, which never falls when one leaves later, over the times at
    which leaving catches a vehicle just in time; each probe is a RAPTOR run pruned by the deadline.
    """
    lower = raptor.tight_lower_bounds(tt, target)
    transit = raptor.Endpoint(source.links, source.lat, source.lon, None)  # walking all the way: the caller's
    first = raptor.search(tt, transit, target, 0, max_rides, lower=lower).journeys
    if not first:
        return [], None
    if first[-1].arr_s > deadline_s:
        return [], first[-1].arr_s
    times = sorted(raptor.departures_from(tt, transit, 0, deadline_s))
    best = [j for j in first if j.arr_s <= deadline_s]  # leaving at times[0]: nothing leaves before
    low, high = 0, len(times) - 1  # the earliest arrival leaving at times[low] is in time
    while low < high:
        middle = (low + high + 1) // 2
        probe = raptor.search(tt, transit, target, times[middle], max_rides, arrive_by_s=deadline_s,
                              lower=lower).journeys
        if probe:
            low, best = middle, probe
        else:
            high = middle - 1
    return best, None


#: Ends nearer than this are one place: no journey to make (a typed position on a place's own marker,
#: or a site whose reference point is its gate: the Panda Base and its south gate are 4 m apart).
SAME_PLACE_M = 25.0


def already_there(origin: Point, dest: Point) -> bool:
    """Whether a journey from ``origin`` to ``dest`` has nowhere to go: the same id, or within 25 m.

    Examples
    --------
    >>> a = Point("dongjiao-memory", "东郊记忆", "Dongjiao Memory", 30.6753, 104.1226, "site")
    >>> typed = Point("30.67535,104.12262", "30.67535,104.12262", "30.67535,104.12262", 30.67535, 104.12262, "coordinates")
    >>> already_there(a, a), already_there(typed, a), already_there(a, replace(a, id="x", lat=30.68))
    (True, True, False)
    """
    return origin.id == dest.id or distance_m((origin.lat, origin.lon), (dest.lat, dest.lon)) < SAME_PLACE_M


def check_in_chengdu(point: Point, field_name: str) -> None:
    if point.kind == "coordinates" and not in_chengdu(point.lat, point.lon):
        raise BadRequest(field_name, "outside_chengdu", value=point.id)
