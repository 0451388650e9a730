"""Door-to-door travel times between the stops of a day plan, at the actual time.

Inside a site one walks (park speed and circuity). Between sites, or from a
hotel, one walks to a gate, takes transit (RAPTOR over the day's timetable,
with or without the shuttle) or a taxi, and walks from the gate; entering a
site may mean a queue at its gate.

Transit times between two endpoints (a site's gates, a hotel) come from
range-RAPTOR profiles of hour-long slices of the day, each computed the first
time a departure in it is asked for and kept in the journey planner's bounded
cache (``profile_slice_cache_size``): the sites' gates are the same for every
visitor's plan, so the site-to-site profiles of a date serve every request of
that date, and a request computes only the hours it asks about (from the
hotel: the morning). A profile holds the earliest arrival for every second of
its slice, its first journey after the slice's end included, and the earliest
arrival never falls when one leaves later (FIFO), so a departure's answer is
one bisection in one slice. What a search asks thousands of times (which gate
pairs join two stops, the walks inside a site) is worked out once per pair of
stops; the geodesic walks inside the sites once per process.
"""
from __future__ import annotations

import datetime as dt
import functools
import threading
from bisect import bisect_left
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from planner.domain.caches import SharedCache
from planner.domain.geo import distance_m
from planner.domain.model import NetworkParams, Place, Site
from planner.routing import raptor
from planner.routing.journeys import Journey, JourneyPlanner, NoJourney, Options, Point

#: Length of the slices of the day profiled at a time: a search asks about a few hours only.
SLICE_S = 3600

#: Longest transit ride between two stops of a day plan: the itinerary engine's own limit (the metro's
#: limit inside the paid area, FACTS.md: 240 minutes), not routing's, which has none: a plan does not
#: wait for tomorrow's first bus between two visits.
MAX_LEG_S = 4 * 3600

#: Gates of one site closer than this are one endpoint for transit (Dongjiao's four gates).
ONE_ENDPOINT_M = 600.0

#: :meth:`TravelOracle.min_travel_s` of two stops that nothing ever joins (more than any day).
NEVER_S = 10 ** 9

K = TypeVar("K", bound=Hashable)

#: Answers of :meth:`TravelOracle.travel_s` one oracle keeps (about 90 bytes each); past it they are
#: dropped and asked again. One date's plans (a mix of 40-240 requests) ask 3,000-68,000 of one oracle.
TRAVEL_MEMO_MAX = 60_000

#: Oracles kept per journey planner (:func:`shared_oracle`): a date, shuttle or not, taxi or not, last hour
#: (five dates' plans use about 60; 32 made plans 20% slower). With the answers above, at most about
#: 350 MB in a plan worker (measured: 1.7 million answers, ~150 MB, after 240 plans over five dates).
SHARED_ORACLES = 64

_UNKNOWN = object()


@dataclass(frozen=True)
class Stop:
    """Somewhere a day plan goes: a place of a site, or a point outside (a hotel)."""

    point: Point
    site_id: str | None = None


@functools.lru_cache(maxsize=16384)
def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic metres between two points of the sites (their places and gates: a few hundred pairs,
    kept for the process: a geodesic costs ~0.25 ms, and every request walks the same sites)."""
    return distance_m((lat1, lon1), (lat2, lon2))


class _Link:
    """Arrival at endpoint ``b`` leaving endpoint ``a`` at any second: transit, walking all the way, or a taxi.

    The transit answer is the first journey leaving at or after the departure in the profile of the
    departure's slice (FIFO: no later slice arrives earlier); only a slice with no journey after the
    departure at all (nothing reaches ``b`` in the rest of the timetable) sends the search on.
    """

    __slots__ = ("oracle", "a", "b", "walk_s", "taxi_s", "slices", "last_index", "lower_s")

    def __init__(self, oracle: TravelOracle, a: Point, b: Point) -> None:
        self.oracle, self.a, self.b = oracle, a, b
        self.walk_s = oracle._direct_walk_s(a, b)
        # a taxi's wait and ride depend on the hour only (the road's speed then)
        self.taxi_s = [sum(oracle.planner.taxi_time_s(a, b, hour * 3600)) for hour in range(24)] if oracle.taxi else None
        self.slices: dict[int, tuple[list[int], list[int]]] = {}  # this request's view of the shared cache
        self.last_index = oracle.window_s[1] // SLICE_S  # departures after the window find no transit
        self.lower_s: int | None = None

    def transit(self, depart_s: int) -> int | None:
        """Earliest arrival by transit (None: none within :data:`MAX_LEG_S`)."""
        profile = self.slices.get(depart_s // SLICE_S)
        if profile is not None:  # the usual case, in short
            departures = profile[0]
            i = bisect_left(departures, depart_s)
            if i < len(departures):
                first = profile[1][i]
                return first if first - depart_s <= MAX_LEG_S else None
        best = None
        for index in range(depart_s // SLICE_S, self.last_index + 1):
            profile = self.slices.get(index)
            if profile is None:
                profile = self.slices[index] = self.oracle._slice(self.a, self.b, index)
            departures, arrivals = profile
            i = bisect_left(departures, depart_s)
            if i < len(departures):
                best = arrivals[i]
                break
        if best is not None and best - depart_s > MAX_LEG_S:
            return None
        return best

    def arrival(self, depart_s: int) -> int | None:
        """Earliest arrival by any means allowed."""
        best = self.transit(depart_s)
        walk_s = self.walk_s
        if walk_s is not None and (best is None or depart_s + walk_s < best):
            best = depart_s + walk_s
        if self.taxi_s is not None:
            by_taxi = depart_s + self.taxi_s[depart_s // 3600 % 24]
            best = by_taxi if best is None else min(best, by_taxi)
        return best

    def lower(self) -> int:
        """Seconds no departure at any time beats (:data:`NEVER_S` when nothing ever joins them)."""
        if self.lower_s is None:
            bounds = [self.oracle._transit_lower_s(self.a, self.b)]
            if self.walk_s is not None:
                bounds.append(self.walk_s)
            if self.taxi_s is not None:
                bounds.append(min(self.taxi_s))
            self.lower_s = min(bounds)
        return self.lower_s


#: How two stops are joined: seconds when it does not depend on the hour (one place, or walking inside
#: a site), else each pair of endpoints with the walk out to the first and in from the second.
_Pair = tuple[int | None, tuple[tuple[_Link, int, int], ...]]


class TravelOracle:
    """Travel seconds between stops, leaving at a given second of ``day``.

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> m = load_model(bundled_data_dir())
    >>> jp = JourneyPlanner.for_model(m)
    >>> oracle = TravelOracle(jp, m.sites, m.places, m.params, dt.date(2024, 2, 12))
    >>> museum, kitchen = oracle.stop_of("panda-museum"), oracle.stop_of("panda-kitchen")
    >>> oracle.travel_s(museum, kitchen, 9 * 3600) == oracle.travel_s(museum, kitchen, 15 * 3600)
    True
    >>> 1800 < oracle.travel_s(oracle.stop_of("dj-chengdu-stage"), museum, 9 * 3600) < 7200
    True
    >>> stage = oracle.stop_of("dj-chengdu-stage")
    >>> oracle.min_travel_s(stage, museum) <= oracle.travel_s(stage, museum, 9 * 3600)
    True
    """

    def __init__(self, planner: JourneyPlanner, sites: dict[str, Site], places: dict[str, Place],
                 params: NetworkParams, day: dt.date, options: Options = Options(), taxi: bool = False,
                 window_s: tuple[int, int] = (0, 30 * 3600)):
        self.planner = planner
        self.sites = sites
        self.places = places
        self.params = params
        self.day = day
        self.options = options
        self.taxi = taxi
        self.window_s = window_s  # departures considered between gates
        self._gates = {site_id: self._site_endpoints(site_id) for site_id in sites}
        # what a profile slice depends on besides its ends (points are named by id: coordinates
        # are in the id of a typed point, so equal ids are equal points)
        # (the rules in whole metres and seconds, as the journey planner keys its timetables)
        self._scope = (day, options.with_shuttle, planner.rules(options), options.max_rides)
        self._links: dict[tuple[str, str], _Link] = {}
        self._pairs: dict[tuple[str, str], _Pair] = {}
        self._arrivals: dict[tuple[str, str, int], int | None] = {}
        self._travel: dict[tuple[str, str, int], int | None] = {}  # travel_s's answers, at most TRAVEL_MEMO_MAX
        self.queries = 0

    # --- stops

    def stop_of(self, spec: str) -> Stop:
        """A place id, site id or ``lat,lon`` as a stop of the plan."""
        point = self.planner.resolve(spec)
        if point.kind == "place":
            return Stop(point, self.places[point.id].site_id)
        if point.kind == "site":
            return Stop(point, point.id)
        return Stop(point, None)

    def _site_endpoints(self, site_id: str) -> list[Point]:
        gates = [p for p in self.places.values() if p.site_id == site_id and p.kind == "gate"]
        points = [Point(g.id, g.name_zh, g.name_en, g.lat, g.lon, "place") for g in gates]
        spread = max((_metres(a.lat, a.lon, b.lat, b.lon) for a in gates for b in gates), default=0.0)
        if not points or spread <= ONE_ENDPOINT_M:
            site = self.sites[site_id]
            return [Point(site.id, site.name_zh, site.name_en, site.lat, site.lon, "site")]
        return points

    def _walk_inside_s(self, a: Point, b: Point) -> int:
        return self.params.park_walk_time_s(_metres(a.lat, a.lon, b.lat, b.lon))

    def _exits(self, stop: Stop) -> list[tuple[Point, int]]:
        if stop.site_id is None:
            return [(stop.point, 0)]
        return [(gate, self._walk_inside_s(stop.point, gate)) for gate in self._gates[stop.site_id]]

    def _entries(self, stop: Stop) -> list[tuple[Point, int]]:
        if stop.site_id is None:
            return [(stop.point, 0)]
        queue = self.params.site_entry_s.get(stop.site_id, 0)
        return [(gate, queue + self._walk_inside_s(gate, stop.point)) for gate in self._gates[stop.site_id]]

    def _pair(self, a: Stop, b: Stop) -> _Pair:
        """How ``a`` and ``b`` are joined, worked out once per pair of stops."""
        key = (a.point.id, b.point.id)
        found = self._pairs.get(key)
        if found is None:
            if a.point.id == b.point.id:
                found = (0, ())
            elif a.site_id is not None and a.site_id == b.site_id:
                found = (self._walk_inside_s(a.point, b.point), ())
            else:
                found = (None, tuple((self._link(gate_out, gate_in), walk_out, walk_in)
                                     for gate_out, walk_out in self._exits(a)
                                     for gate_in, walk_in in self._entries(b)))
            self._pairs[key] = found
        return found

    def _link(self, a: Point, b: Point) -> _Link:
        link = self._links.get((a.id, b.id))
        if link is None:
            link = self._links[(a.id, b.id)] = _Link(self, a, b)
        return link

    # --- times

    def travel_s(self, a: Stop, b: Stop, depart_s: int) -> int | None:
        """Seconds from leaving ``a`` at ``depart_s`` to arriving at ``b``; None if unreachable.

        Memoised for every plan this oracle serves (:func:`shared_oracle`): the plans of one day ask
        the same stops at the same minutes; else a pair's ways, then one bisection per way.
        """
        key = (a.point.id, b.point.id, depart_s)
        known = self._travel.get(key, _UNKNOWN)
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        pair = self._pairs.get(key[:2])
        fixed_s, ways = self._pair(a, b) if pair is None else pair
        if fixed_s is not None:
            return fixed_s
        best = None
        for link, walk_out, walk_in in ways:
            ride = link.arrival(depart_s + walk_out)
            if ride is not None and (best is None or ride + walk_in < best):
                best = ride + walk_in
        travel = None if best is None else best - depart_s
        if len(self._travel) >= TRAVEL_MEMO_MAX:
            self._travel.clear()  # bounded: the plans of a day ask about the same few thousand again
        self._travel[key] = travel
        return travel

    def travel_between(self, stops: Mapping[K, Stop]) -> Callable[[K, K, int], int | None]:
        """:meth:`travel_s` between named stops, as the OPTW solver asks it (``travel(i, j, depart_s)``):
        the memoised answers in one step.

        Examples
        --------
        >>> from planner.sources.datafiles import load_model
        >>> from planner.domain.paths import bundled_data_dir
        >>> m = load_model(bundled_data_dir())
        >>> oracle = TravelOracle(JourneyPlanner.for_model(m), m.sites, m.places, m.params, dt.date(2024, 2, 12))
        >>> stops = {i: oracle.stop_of(i) for i in ("panda-museum", "dj-chengdu-stage")}
        >>> travel = oracle.travel_between(stops)
        >>> travel("dj-chengdu-stage", "panda-museum", 9 * 3600) == oracle.travel_s(stops["dj-chengdu-stage"], stops["panda-museum"], 9 * 3600)
        True
        """
        memo, pairs, travel_s = self._travel, self._pairs, self.travel_s
        points = {key: stop.point.id for key, stop in stops.items()}
        named = dict(stops)

        def travel(i: K, j: K, depart_s: int) -> int | None:
            a, b = points[i], points[j]
            pair = pairs.get((a, b))
            if pair is not None and pair[0] is not None:
                return pair[0]  # the same at any hour: one place, or a walk inside a site
            found = memo.get((a, b, depart_s), _UNKNOWN)
            return travel_s(named[i], named[j], depart_s) if found is _UNKNOWN else found  # type: ignore[return-value]
        return travel

    def fixed_between(self, stops: Mapping[K, Stop]) -> Callable[[K, K], int | None]:
        """``fixed(i, j)``: the seconds between two named stops when they do not depend on the hour (one
        place, or a walk inside a site), else None (the solver's ``fixed_travel_s``)."""
        named = dict(stops)

        def fixed(i: K, j: K) -> int | None:
            return self._pair(named[i], named[j])[0]
        return fixed

    def arrival_s(self, a: Stop, b: Stop, depart_s: int) -> int | None:
        """When one reaches ``b`` leaving ``a`` at ``depart_s`` (None: unreachable then)."""
        key = (a.point.id, b.point.id, depart_s)
        arrivals = self._arrivals
        if key in arrivals:
            return arrivals[key]
        if len(arrivals) >= TRAVEL_MEMO_MAX:
            arrivals.clear()
        arrival = arrivals[key] = self._arrival_s(a, b, depart_s)
        return arrival

    def _arrival_s(self, a: Stop, b: Stop, depart_s: int) -> int | None:
        fixed_s, ways = self._pair(a, b)
        if fixed_s is not None:
            return depart_s + fixed_s
        best = None
        for link, walk_out, walk_in in ways:
            ride = link.arrival(depart_s + walk_out)
            if ride is not None and (best is None or ride + walk_in < best):
                best = ride + walk_in
        return best

    def travel_row_s(self, a: Stop, depart_s: int, stops: Mapping[K, Stop]) -> dict[K, int | None]:
        """Seconds from ``a``, leaving at ``depart_s``, to each of ``stops`` (None: unreachable then).

        Equal to :meth:`travel_s` for each; each endpoint's arrival is worked out once for the row.
        """
        row: dict[K, int | None] = {}
        reached: dict[_Link, int | None] = {}  # per link (its walk out is fixed by ``a``): the arrival at its end
        for key, b in stops.items():
            fixed_s, ways = self._pair(a, b)
            if fixed_s is not None:
                row[key] = fixed_s
                continue
            best = None
            for link, walk_out, walk_in in ways:
                if link in reached:
                    ride = reached[link]
                else:
                    ride = reached[link] = link.arrival(depart_s + walk_out)
                if ride is not None and (best is None or ride + walk_in < best):
                    best = ride + walk_in
            row[key] = None if best is None else best - depart_s
        return row

    def min_travel_s(self, a: Stop, b: Stop) -> int:
        """Seconds that no departure from ``a`` to ``b`` at any time of the day beats (exact inside a
        site; between sites, the least riding and walking along the timetable's hops, the walk all the
        way, the fastest taxi); :data:`NEVER_S` when nothing ever joins them."""
        fixed_s, ways = self._pair(a, b)
        if fixed_s is not None:
            return fixed_s
        return min((walk_out + link.lower() + walk_in for link, walk_out, walk_in in ways), default=NEVER_S)

    def matrix(self, stops: Mapping[K, Stop]) -> TravelMatrix[K]:
        """Travel between named stops, in the shape the OPTW solver asks for it."""
        return TravelMatrix(self, stops)

    def _slice(self, a: Point, b: Point, index: int) -> tuple[list[int], list[int]]:
        """One slice's profile, kept by the journey planner for every plan of the day:
        the gates of the sites are the same for everyone."""
        key = (self._scope, a.id, b.id, index)
        return self.planner.profile_slices.get_or_build(key, lambda: self._profile_slice(a, b, index))

    def _profile_slice(self, a: Point, b: Point, index: int) -> tuple[list[int], list[int]]:
        self.queries += 1
        start = index * SLICE_S
        try:
            _, _, journeys = self.planner.profile(a, b, self.day, start, start + SLICE_S - 1, self.options)
        except NoJourney:
            journeys = []
        return [j.dep_s for j in journeys], [j.arr_s for j in journeys]

    def _transit_lower_s(self, a: Point, b: Point) -> int:
        """Seconds no transit journey from ``a`` to ``b`` beats on the day: the least riding and walking
        time along the timetable's hops (no waits), kept beside the pair's slices."""
        key = (self._scope, a.id, b.id, "lower")
        return self.planner.profile_slices.get_or_build(key, lambda: ([self._compute_lower_s(a, b)], []))[0][0]

    def _compute_lower_s(self, a: Point, b: Point) -> int:
        tt = self.planner.timetable(self.day, self.options)
        rules = self.planner.rules(self.options)
        source = self.planner.endpoint(tt, a, b, rules)
        target = self.planner.endpoint(tt, b, a, rules)
        lower = self.planner.lower_bounds(tt, self.day, self.options, b, target)
        return min((walk_s + lower[stop] for stop, walk_s, _ in source.links if lower[stop] < raptor.INF),
                   default=NEVER_S)

    def _direct_walk_s(self, a: Point, b: Point) -> int | None:
        straight = distance_m((a.lat, a.lon), (b.lat, b.lon))
        rules = self.planner.rules(self.options)
        return rules.walk_s(straight) if straight * rules.walk_circuity <= rules.max_walk_m else None

    def _transit(self, a: Point, b: Point, depart_s: int) -> int | None:
        """Earliest arrival by transit or walking all the way (no taxi)."""
        link = self._link(a, b)
        best = link.transit(depart_s)
        if link.walk_s is not None and (best is None or depart_s + link.walk_s < best):
            best = depart_s + link.walk_s
        return best

    # --- legs, for the final plan

    def route(self, a: Stop, b: Stop, depart_s: int) -> Route:
        """How to go from a to b leaving at ``depart_s``, with the legs to show."""
        arrival = self.arrival_s(a, b, depart_s)
        if arrival is None:
            raise NoJourney("unreachable", names={**a.point.names, **b.point.names}, origin=a.point.id,
                            dest=b.point.id, depart_s=depart_s)
        if a.point.id == b.point.id or (a.site_id is not None and a.site_id == b.site_id):
            return Route("walk" if a.point.id != b.point.id else "stay", depart_s, arrival)
        for gate_out, walk_out in self._exits(a):
            for gate_in, walk_in in self._entries(b):
                ride = self._link(gate_out, gate_in).arrival(depart_s + walk_out)
                if ride is not None and ride + walk_in == arrival:
                    queue = self.params.site_entry_s.get(b.site_id, 0) if b.site_id else 0
                    kind, journey = self._ride(gate_out, gate_in, depart_s + walk_out, ride)
                    return Route(kind, depart_s, arrival, gate_out, walk_out, gate_in, walk_in - queue, queue, journey)
        raise AssertionError("the best gate pair was found above")  # pragma: no cover

    def _ride(self, a: Point, b: Point, depart_s: int, arrival_s: int) -> tuple[str, Journey]:
        if self._transit(a, b, depart_s) == arrival_s:
            return "transit", self.planner.journeys(a, b, self.day, depart_s, self.options)[0]
        return "taxi", self.planner.taxi(a, b, self.day, depart_s)

    def latest_departure_s(self, a: Stop, b: Stop, earliest_s: int, arrive_by_s: int) -> int:
        """The latest minute after ``earliest_s`` that still reaches b by ``arrive_by_s`` (FIFO: bisect)."""
        low, high = earliest_s, arrive_by_s
        while high - low > 60:
            middle = (low + high) // 2
            arrival = self.arrival_s(a, b, middle)
            if arrival is not None and arrival <= arrive_by_s:
                low = middle
            else:
                high = middle
        return low


class TravelMatrix(Generic[K]):
    """Travel between the stops of one problem, named by its vertex ids, as the OPTW solver takes it
    (:class:`planner.itinerary.optw.model.OptwProblem`'s ``travel_s``, ``travel_row_s`` and
    ``min_travel_s``).

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> m = load_model(bundled_data_dir())
    >>> oracle = TravelOracle(JourneyPlanner.for_model(m), m.sites, m.places, m.params, dt.date(2024, 2, 12))
    >>> matrix = oracle.matrix({i: oracle.stop_of(i) for i in ("panda-museum", "dj-chengdu-stage")})
    >>> row = matrix.travel_row_s("dj-chengdu-stage", 9 * 3600)
    >>> row["panda-museum"] == matrix.travel_s("dj-chengdu-stage", "panda-museum", 9 * 3600), row["dj-chengdu-stage"]
    (True, 0)
    """

    def __init__(self, oracle: TravelOracle, stops: Mapping[K, Stop]) -> None:
        self.oracle = oracle
        self.stops = dict(stops)

    def travel_s(self, i: K, j: K, depart_s: int) -> int | None:
        return self.oracle.travel_s(self.stops[i], self.stops[j], depart_s)

    def travel_row_s(self, i: K, depart_s: int) -> dict[K, int | None]:
        return self.oracle.travel_row_s(self.stops[i], depart_s, self.stops)

    def min_travel_s(self, i: K, j: K) -> int:
        return self.oracle.min_travel_s(self.stops[i], self.stops[j])


@dataclass
class Route:
    """A trip between two stops of a plan: walking inside a site, or via gates."""

    kind: str  # stay | walk | transit | taxi
    depart_s: int
    arrive_s: int
    gate_out: Point | None = None
    walk_out_s: int = 0
    gate_in: Point | None = None
    walk_in_s: int = 0
    queue_s: int = 0
    journey: Journey | None = None


_ORACLES_LOCK = threading.Lock()


def shared_oracle(planner: JourneyPlanner, sites: dict[str, Site], places: dict[str, Place], params: NetworkParams,
                  day: dt.date, options: Options = Options(), taxi: bool = False,
                  window_s: tuple[int, int] = (0, 30 * 3600)) -> TravelOracle:
    """A :class:`TravelOracle` shared by every plan of ``planner`` that asks the same: its answers
    depend on the date, the options, taxis and the window's last hour only (``window_s[0]`` is not
    read), so the plans of one day share their links, pairs and travel times. At most
    :data:`SHARED_ORACLES` per journey planner (least recently used go first).

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> m = load_model(bundled_data_dir())
    >>> jp = JourneyPlanner.for_model(m)
    >>> day = dt.date(2024, 2, 12)
    >>> one = shared_oracle(jp, m.sites, m.places, m.params, day, window_s=(8 * 3600, 22 * 3600))
    >>> one is shared_oracle(jp, m.sites, m.places, m.params, day, window_s=(9 * 3600, 22 * 3600 + 60))
    True
    >>> one is shared_oracle(jp, m.sites, m.places, m.params, day, taxi=True, window_s=(8 * 3600, 22 * 3600))
    False
    """
    with _ORACLES_LOCK:  # kept on the planner: they go with it (another shuttle's planner has its own)
        oracles: SharedCache[TravelOracle] = planner.__dict__.setdefault("_day_plan_oracles",
                                                                         SharedCache(SHARED_ORACLES))
    # the model's objects by identity: the oracle holds them, so an id is not reused while it is kept
    key = (id(sites), id(places), id(params), day, options, taxi, window_s[1] // SLICE_S)
    oracle = oracles.get(key)
    if oracle is None or oracle.sites is not sites or oracle.places is not places or oracle.params is not params:
        oracle = oracles.put(key, TravelOracle(planner, sites, places, params, day, options, taxi, window_s))
    return oracle
