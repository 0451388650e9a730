"""Door-to-door travel times between the stops of a day plan, at the actual time.

Inside a site one walks (park speed and circuity). Between sites, or from a
hotel, one walks to a gate, takes transit (RAPTOR over the day's timetable,
with or without the shuttle) or a taxi, and walks from the gate; entering a
site may mean a queue at its gate.

Transit times between two gates come from range-RAPTOR profiles of
hour-long slices of the day, each computed the first time a departure in it is
asked for and kept by the journey planner: a search asks thousands of times
over a handful of gate pairs, about some hours only (from the hotel: the
morning), and the sites' gates are the same for every visitor's plan.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass

from planner.domain.geo import distance_m
from planner.domain.model import NetworkParams, Place, Site
from planner.routing.journeys import Journey, JourneyPlanner, NoJourney, Options, Point

#: Length of the slices of the day profiled at a time: a search asks about a few hours only.
SLICE_S = 3600

#: Longest transit ride between two stops of a day plan: the itinerary engine's own limit (the metro's
#: limit inside the paid area, FACTS.md: 240 minutes), not routing's, which has none: a plan does not
#: wait for tomorrow's first bus between two visits.
MAX_LEG_S = 4 * 3600

#: Gates of one site closer than this are one endpoint for transit (Dongjiao's four gates).
ONE_ENDPOINT_M = 600.0


@dataclass(frozen=True)
class Stop:
    """Somewhere a day plan goes: a place of a site, or a point outside (a hotel)."""

    point: Point
    site_id: str | None = None


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
        self._walks: dict[tuple[str, str], int] = {}
        self._direct: dict[tuple[str, str], int | None] = {}
        # what a profile slice depends on besides its gates (points are named by id: coordinates
        # are in the id of a typed point, so equal ids are equal points)
        # (the rules in whole metres and seconds, as the journey planner keys its timetables)
        self._scope = (day, options.with_shuttle, planner.rules(options), options.max_rides)
        self._transits: dict[tuple[str, str, int], int | None] = {}
        self._arrivals: dict[tuple[str, str, int], int | None] = {}
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
        spread = max((distance_m(a.position, b.position) for a in gates for b in gates), default=0.0)
        if not points or spread <= ONE_ENDPOINT_M:
            site = self.sites[site_id]
            return [Point(site.id, site.name_zh, site.name_en, site.lat, site.lon, "site")]
        return points

    def _walk_inside_s(self, a: Point, b: Point) -> int:
        key = (a.id, b.id)
        if key not in self._walks:  # geodesics are slow and a search asks for the same pairs often
            self._walks[key] = self.params.park_walk_time_s(distance_m((a.lat, a.lon), (b.lat, b.lon)))
        return self._walks[key]

    def _exits(self, stop: Stop) -> list[tuple[Point, int]]:
        if stop.site_id is None:
            return [(stop.point, 0)]
        return [(gate, self._walk_inside_s(stop.point, gate)) for gate in self._gates[stop.site_id]]

    def _entries(self, stop: Stop) -> list[tuple[Point, int]]:
        if stop.site_id is None:
            return [(stop.point, 0)]
        queue = self.params.site_entry_s.get(stop.site_id, 0)
        return [(gate, queue + self._walk_inside_s(gate, stop.point)) for gate in self._gates[stop.site_id]]

    # --- times

    def travel_s(self, a: Stop, b: Stop, depart_s: int) -> int | None:
        """Seconds from leaving ``a`` at ``depart_s`` to arriving at ``b``; None if unreachable."""
        arrival = self.arrival_s(a, b, depart_s)
        return None if arrival is None else arrival - depart_s

    def arrival_s(self, a: Stop, b: Stop, depart_s: int) -> int | None:
        key = (a.point.id, b.point.id, depart_s)
        if key not in self._arrivals:
            self._arrivals[key] = self._arrival_s(a, b, depart_s)
        return self._arrivals[key]

    def _arrival_s(self, a: Stop, b: Stop, depart_s: int) -> int | None:
        if a.point.id == b.point.id:
            return depart_s
        if a.site_id is not None and a.site_id == b.site_id:
            return depart_s + self._walk_inside_s(a.point, b.point)
        best = None
        for gate_out, walk_out in self._exits(a):
            for gate_in, walk_in in self._entries(b):
                ride = self._between(gate_out, gate_in, depart_s + walk_out)
                if ride is not None and (best is None or ride + walk_in < best):
                    best = ride + walk_in
        return best

    def _between(self, a: Point, b: Point, depart_s: int) -> int | None:
        """Arrival at ``b`` leaving ``a`` at ``depart_s`` by transit (or taxi, if allowed)."""
        arrival = self._transit(a, b, depart_s)
        if self.taxi:
            wait, ride = self.planner.taxi_time_s(a, b, depart_s)
            arrival = depart_s + wait + ride if arrival is None else min(arrival, depart_s + wait + ride)
        return arrival

    def _transit(self, a: Point, b: Point, depart_s: int) -> int | None:
        """Earliest arrival by transit (memoised: searches ask on a minute grid)."""
        key = (a.id, b.id, depart_s)
        if key not in self._transits:
            self._transits[key] = self._transit_from_slices(a, b, depart_s)
        return self._transits[key]

    def _transit_from_slices(self, a: Point, b: Point, depart_s: int) -> int | None:
        """Earliest arrival by transit, from range-RAPTOR profiles of slices of the day.

        The first journey of a slice leaving at or after ``depart_s`` is the
        best of that slice; a later slice can only do better if it starts
        before that arrival, so slices are read until one starts after the best.
        """
        best = None
        for index in range(depart_s // SLICE_S, self.window_s[1] // SLICE_S + 1):
            if best is not None and index * SLICE_S >= best:
                break
            departures, arrivals = self._slice(a, b, index)
            i = bisect_left(departures, depart_s)
            if i < len(departures) and (best is None or arrivals[i] < best):
                best = arrivals[i]
        if best is not None and best - depart_s > MAX_LEG_S:
            best = None
        walk_s = self._direct_walk_s(a, b)
        if walk_s is not None and (best is None or depart_s + walk_s < best):
            best = depart_s + walk_s
        return best

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

    def _direct_walk_s(self, a: Point, b: Point) -> int | None:
        key = (a.id, b.id)
        if key not in self._direct:
            straight = distance_m((a.lat, a.lon), (b.lat, b.lon))
            rules = self.planner.rules(self.options)
            self._direct[key] = rules.walk_s(straight) if straight * rules.walk_circuity <= rules.max_walk_m else None
        return self._direct[key]

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
                ride = self._between(gate_out, gate_in, depart_s + walk_out)
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
