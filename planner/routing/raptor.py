"""RAPTOR: earliest-arrival and profile searches on a :class:`Timetable`.

Pure functions over plain lists, no I/O (Delling, Pajor and Werneck, "Round-
Based Public Transit Routing", 2012). Round k finds the best arrivals using k
vehicles, so the rounds give the Pareto set of (arrival time, transfers).
:func:`profile` is range RAPTOR (rRAPTOR): it runs the rounds once per
departure at the origin, latest first, keeping labels between runs, so a
whole day of departures costs about as much as the distinct departures that
can improve on what later ones already achieve.

Labels per round and stop: arrival by vehicle (``ride``) and by walking
(``walk``: access from the origin, or a footpath after a ride). A vehicle
arrival may board again after the stop's change time; a walk already
includes its transfer time. A lower bound on the remaining time prunes
labels that cannot beat the best arrival found (or a deadline), as A* does:
the straight line at the fastest speed in the timetable, and, where a search
runs many times towards one destination (profiles, arrive-by), the least
riding and walking seconds by a backward Dijkstra over the timetable's hops
(:func:`tight_lower_bounds`).

There is no time limit: a search reaches as far as the timetable goes.

Where transfers.txt rules name routes or trips (``Timetable.rules``), whether
and when one may change depends on the two trips: :class:`_RuleSearch` then
keeps, at those rules' stops, an arrival per class of trip (all trips of a
class obey the same rules there) beside the usual labels. Timetables without
such rules run the plain search, unchanged.
"""
from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from dataclasses import dataclass, field

from planner.routing.timetable import FeedBasis, Pattern, Timetable, TripRules

INF = 1 << 60
_M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class Endpoint:
    """How the origin reaches stops (access) or stops reach the destination (egress)."""

    links: tuple[tuple[int, int, int], ...]  # (stop index, walk seconds, metres)
    lat: float
    lon: float
    # (seconds, metres) walking all the way, if allowed: the only journey without a vehicle
    direct_walk: tuple[int, int] | None = None


@dataclass
class RawLeg:
    kind: str  # "walk" | "ride"
    from_stop: int | None  # None: the origin
    to_stop: int | None  # None: the destination
    dep_s: int
    arr_s: int
    metres: int = 0
    pattern: int | None = None
    trip: int | None = None
    board_pos: int | None = None
    alight_pos: int | None = None


@dataclass
class RawJourney:
    """A journey as stop indices and times; ``planner.routing.journeys`` names it."""

    dep_s: int
    arr_s: int
    legs: list[RawLeg] = field(default_factory=list)

    @property
    def rides(self) -> int:
        return sum(1 for leg in self.legs if leg.kind == "ride")

    @property
    def transfers(self) -> int:
        return max(0, self.rides - 1)

    def shifted(self, shift_s: int) -> RawJourney:
        """The same journey with every time ``shift_s`` later (into another day's time base)."""
        if not shift_s:
            return self
        legs = [RawLeg(leg.kind, leg.from_stop, leg.to_stop, leg.dep_s + shift_s, leg.arr_s + shift_s, leg.metres,
                       leg.pattern, leg.trip, leg.board_pos, leg.alight_pos) for leg in self.legs]
        return RawJourney(self.dep_s + shift_s, self.arr_s + shift_s, legs)


@dataclass
class Found:
    """What one earliest-arrival search found.

    ``capped``: stops were still improving when the rounds stopped at ``max_rides``, so a
    journey with more vehicles might exist (or arrive earlier).
    """

    journeys: list[RawJourney]
    capped: bool = False


class _Search:
    """Labels and the round loop shared by single queries and profiles.

    Dominance: a label is of no use if another, with no more vehicles, is at
    least as good. ``ride_upto[k][stop]`` is the earliest vehicle arrival there
    with at most k vehicles, and ``ready_upto[k][stop]`` the earliest time one
    can board there (a vehicle arrival plus the change time, or a walk's
    arrival). A vehicle arrival is compared with vehicle arrivals only: unlike
    a walk it may be followed by a footpath. Per round ("at most k" rather than
    "best of any round") matters in profiles, whose earlier runs leave labels
    of every round behind.
    """

    def __init__(self, tt: Timetable, origin: Endpoint, dest: Endpoint, max_rides: int,
                 lower: list[int] | None = None) -> None:
        self.tt = tt
        self.origin = origin
        self.dest = dest
        self.max_rides = max_rides
        n = tt.n_stops
        rounds = range(max_rides + 1)
        self.ride = [[INF] * n for _ in rounds]
        self.walk = [[INF] * n for _ in rounds]
        # stop -> (pattern, trip, boarding position, alighting position)
        self.ride_parent: list[dict[int, tuple[int, int, int, int]]] = [{} for _ in rounds]
        # stop -> ("access", seconds, metres, departure) or ("foot", from stop, seconds, metres)
        self.walk_parent: list[dict[int, tuple[str, int, int, int]]] = [{} for _ in rounds]
        self.ride_upto = [[INF] * n for _ in rounds]
        self.ready_upto = [[INF] * n for _ in rounds]
        self.egress_s: dict[int, int] = {}
        self.egress_m: dict[int, int] = {}
        for stop, secs, metres in dest.links:  # a stop linked twice: its shorter walk
            if secs < self.egress_s.get(stop, INF):
                self.egress_s[stop], self.egress_m[stop] = secs, metres
        self.target = [INF] * (max_rides + 1)
        self.target_stop: list[int | None] = [None] * (max_rides + 1)
        self.bound = INF  # the best arrival so far (or one second after a deadline): prunes labels
        self.lower = lower if lower is not None else _lower_bounds(tt, dest)
        self.capped = False

    # --- the rounds

    def run(self, depart_s: int) -> None:
        marked = self._access(depart_s)
        if self.origin.direct_walk:
            self._offer_target(0, depart_s + self.origin.direct_walk[0], None)
        for k in range(1, self.max_rides + 1):
            if not marked:
                break
            rode, marked = self._scan_patterns(k, marked)
            marked |= self._footpaths(k, rode)
        self.capped = bool(marked)  # labels that could still lead on, had more vehicles been allowed

    def _access(self, depart_s: int) -> set[int]:
        marked: set[int] = set()
        walk0, parent0 = self.walk[0], self.walk_parent[0]
        for stop, secs, metres in self.origin.links:
            arrival = depart_s + secs
            if arrival < walk0[stop] and arrival + self.lower[stop] < self.bound:
                walk0[stop] = arrival
                parent0[stop] = ("access", secs, metres, depart_s)
                marked.add(stop)
                # Neither a target nor in ready_upto: a journey without a vehicle is the direct walk
                # or nothing (walking to a stop and on from it would be two walks, each within the
                # limit, and, needing no departure, would reach profiles only when vehicles leave),
                # so a later walk or ride to this stop may still be the one that reaches the end.
        return marked

    def _offer_target(self, k: int, arrival: int, stop: int | None) -> None:
        if arrival < self.target[k]:
            self.target[k] = arrival
            self.target_stop[k] = stop
        if arrival < self.bound:
            self.bound = arrival

    def _scan_patterns(self, k: int, marked: set[int]) -> tuple[set[int], set[int]]:
        """Ride every pattern through a stop marked in round k-1.

        Returns the stops whose vehicle arrival improved (for footpaths) and
        those where one can now board earlier (marked for round k+1).
        """
        tt = self.tt
        first_pos: dict[int, int] = {}
        for stop in marked:
            for p_idx, pos in tt.patterns_at[stop]:
                if pos < first_pos.get(p_idx, INF):
                    first_pos[p_idx] = pos
        ride_k, parent_k = self.ride[k], self.ride_parent[k]
        ride_upto_k, ready_upto_k = self.ride_upto[k], self.ready_upto[k]
        ride_upto_later, ready_upto_later = self.ride_upto[k:], self.ready_upto[k:]
        ride_prev, walk_prev = self.ride[k - 1], self.walk[k - 1]
        change, lower, egress_s = tt.change_s, self.lower, self.egress_s
        rode: set[int] = set()
        boardable: set[int] = set()
        for p_idx, start in first_pos.items():
            pattern = tt.patterns[p_idx]
            stops, deps_at = pattern.stops, pattern.departures_at
            can_board, can_alight = pattern.can_board, pattern.can_alight
            trip: int | None = None
            arrivals: list[int] = []  # of the trip boarded, once there is one
            board_pos = 0
            for pos in range(start, len(stops)):
                stop = stops[pos]
                if trip is not None and can_alight[pos]:
                    arrival = arrivals[pos]
                    if arrival < ride_upto_k[stop] and arrival + lower[stop] < self.bound:
                        ride_k[stop] = arrival
                        parent_k[stop] = (p_idx, trip, board_pos, pos)
                        for row in ride_upto_later:  # _lower_upto, inlined: this is the hot loop
                            if arrival < row[stop]:
                                row[stop] = arrival
                            else:
                                break
                        rode.add(stop)
                        ready = arrival + change[stop]
                        if ready < ready_upto_k[stop]:
                            for row in ready_upto_later:
                                if ready < row[stop]:
                                    row[stop] = ready
                                else:
                                    break
                            boardable.add(stop)
                        if stop in egress_s:
                            self._offer_target(k, arrival + egress_s[stop], stop)
                if can_board[pos] and stop in marked:
                    ready = ride_prev[stop]
                    ready = ready + change[stop] if ready < INF else INF
                    if walk_prev[stop] < ready:
                        ready = walk_prev[stop]
                    if ready < INF and (trip is None or ready <= deps_at[pos][trip]):
                        candidate = bisect_left(deps_at[pos], ready)
                        if candidate < len(deps_at[pos]) and (trip is None or candidate < trip):
                            trip = candidate
                            arrivals = pattern.arrivals[trip]
                            board_pos = pos
        return rode, boardable

    def _footpaths(self, k: int, rode: set[int]) -> set[int]:
        walked: set[int] = set()
        walk_k, parent_k, ride_k = self.walk[k], self.walk_parent[k], self.ride[k]
        ready_upto_k, lower, egress_s = self.ready_upto[k], self.lower, self.egress_s
        for stop in rode:
            base = ride_k[stop]
            for other, secs, metres in self.tt.footpaths[stop]:
                arrival = base + secs
                # a walk is worth keeping if it lets one board earlier than any label so far
                if arrival < ready_upto_k[other] and arrival + lower[other] < self.bound:
                    walk_k[other] = arrival
                    parent_k[other] = ("foot", stop, secs, metres)
                    _lower_upto(self.ready_upto, k, other, arrival)
                    walked.add(other)
                    if other in egress_s:
                        self._offer_target(k, arrival + egress_s[other], other)
        return walked

    # --- reading journeys back

    def journey(self, k: int) -> RawJourney | None:
        """The journey reaching the destination with at most k vehicles, as labelled now."""
        stop = self.target_stop[k]
        arrival = self.target[k]
        if arrival >= INF:
            return None
        if stop is None:  # walked all the way
            assert self.origin.direct_walk is not None  # the only way to the end without a stop
            secs, metres = self.origin.direct_walk
            leg = RawLeg("walk", None, None, arrival - secs, arrival, metres)
            return RawJourney(leg.dep_s, arrival, [leg])
        legs = self._legs_to(k, stop)
        at_stop = legs[-1].arr_s
        legs.append(RawLeg("walk", stop, None, at_stop, at_stop + self.egress_s[stop], self.egress_m[stop]))
        return RawJourney(legs[0].dep_s, legs[-1].arr_s, _merge_walks(legs))

    def _legs_to(self, k: int, stop: int) -> list[RawLeg]:
        legs: list[RawLeg] = []
        use_walk = self.walk[k][stop] <= self.ride[k][stop]
        while True:
            if use_walk:
                parent = self.walk_parent[k][stop]
                if parent[0] == "access":
                    _, secs, metres, _ = parent
                    board = legs[0].dep_s if legs else self.walk[k][stop]
                    legs.insert(0, RawLeg("walk", None, stop, board - secs, board, metres))
                    return legs
                _, from_stop, secs, metres = parent
                start = self.ride[k][from_stop]
                legs.insert(0, RawLeg("walk", from_stop, stop, start, start + secs, metres))
                stop, use_walk = from_stop, False
            else:
                p_idx, trip, board_pos, alight_pos = self.ride_parent[k][stop]
                pattern = self.tt.patterns[p_idx]
                board_stop = pattern.stops[board_pos]
                legs.insert(0, RawLeg(
                    "ride", board_stop, stop, pattern.departures[trip][board_pos],
                    pattern.arrivals[trip][alight_pos], ride_metres(self.tt, pattern, board_pos, alight_pos),
                    p_idx, trip, board_pos, alight_pos,
                ))
                k, stop = k - 1, board_stop
                by_ride = self.ride[k][stop]
                by_ride = by_ride + self.tt.change_s[stop] if by_ride < INF else INF
                use_walk = self.walk[k][stop] <= by_ride


#: Where a boarding under :class:`TripRules` was ready from: None, the stop-only labels (as without
#: rules); ``FREE``, the labels at the stop itself that no rule covers; else a change (from stop, from
#: class, seconds, metres) out of a class label.
_Via = tuple[int, int, int, int] | None
FREE: tuple[int, int, int, int] = (-1, 0, 0, 0)


class _RuleSearch(_Search):
    """:class:`_Search` on a timetable whose transfers.txt rules name routes or trips (:class:`TripRules`).

    Besides the stop-only labels (still those of the destination's walks, and of boarding wherever no such
    rule covers the change), it keeps per round:

    * ``cls[k][(p, c)]``: the earliest arrival at a rule's from-stop p, with k vehicles, of a trip of class c
      there, even when another class arrived earlier: its changes may be allowed, shorter or timed;
    * ``free[k][q]``: at a rule's to-stop q, when one can board there whatever the trip, from what no rule
      covers: the access walk, a walk from a stop that is no rule's p for q, a change at q if no rule
      covers (q, q).

    Boarding at such a q takes the earliest of ``free`` and every change :attr:`TripRules.sources` allows
    into the class boarded, and remembers which (``via``): journeys are read back along it. Each class
    label obeys the same "at most k" discipline as the others (``cls_upto``, ``free_upto``).
    """

    def __init__(self, tt: Timetable, origin: Endpoint, dest: Endpoint, max_rides: int,
                 lower: list[int] | None = None) -> None:
        super().__init__(tt, origin, dest, max_rides, lower)
        assert tt.rules is not None  # chosen by _new_search
        self.rules: TripRules = tt.rules
        rounds = range(max_rides + 1)
        self.free = [[INF] * tt.n_stops for _ in rounds]
        self.free_upto = [[INF] * tt.n_stops for _ in rounds]
        # q -> ("access", seconds, metres, departure), ("foot", from stop, seconds, metres) or ("ride", 0, 0, 0)
        self.free_parent: list[dict[int, tuple[str, int, int, int]]] = [{} for _ in rounds]
        self.cls: list[dict[tuple[int, int], int]] = [{} for _ in rounds]
        self.cls_upto: list[dict[tuple[int, int], int]] = [{} for _ in rounds]
        # (p, class) -> (pattern, trip, boarding position, alighting position, via)
        self.cls_parent: list[dict[tuple[int, int], tuple[int, int, int, int, _Via]]] = [{} for _ in rounds]
        self.ride_via: list[dict[int, _Via]] = [{} for _ in rounds]

    def _access(self, depart_s: int) -> set[int]:
        marked = super()._access(depart_s)
        into, walk0, parent0 = self.rules.into, self.walk[0], self.walk_parent[0]
        for stop in marked:
            if stop in into and walk0[stop] < self.free_upto[0][stop]:
                self.free[0][stop] = walk0[stop]
                self.free_parent[0][stop] = parent0[stop]
                _lower_upto(self.free_upto, 0, stop, walk0[stop])
        return marked

    def _scan_patterns(self, k: int, marked: set[int]) -> tuple[set[int], set[int]]:
        """:meth:`_Search._scan_patterns` with the class labels (see the class)."""
        tt, rules = self.tt, self.rules
        first_pos: dict[int, int] = {}
        for stop in marked:
            for p_idx, pos in tt.patterns_at[stop]:
                if pos < first_pos.get(p_idx, INF):
                    first_pos[p_idx] = pos
        ride_k, parent_k, via_k = self.ride[k], self.ride_parent[k], self.ride_via[k]
        ride_upto_k, ready_upto_k = self.ride_upto[k], self.ready_upto[k]
        ride_prev, walk_prev, free_prev, cls_prev = self.ride[k - 1], self.walk[k - 1], self.free[k - 1], self.cls[k - 1]
        free_k, free_parent_k, free_upto_k = self.free[k], self.free_parent[k], self.free_upto[k]
        cls_k, cls_parent_k, cls_upto_k = self.cls[k], self.cls_parent[k], self.cls_upto[k]
        change, lower, egress_s = tt.change_s, self.lower, self.egress_s
        into, targets, sources = rules.into, rules.targets, rules.sources
        rode: set[int] = set()
        boardable: set[int] = set()
        for p_idx, start in first_pos.items():
            pattern = tt.patterns[p_idx]
            stops, deps_at = pattern.stops, pattern.departures_at
            can_board, can_alight = pattern.can_board, pattern.can_alight
            alight_cls, board_cls = rules.alight_cls[p_idx], rules.board_cls[p_idx]
            trip: int | None = None
            arrivals: list[int] = []
            board_pos = 0
            via: _Via = None
            for pos in range(start, len(stops)):
                stop = stops[pos]
                if trip is not None and can_alight[pos]:
                    arrival = arrivals[pos]
                    if arrival + lower[stop] < self.bound:
                        if arrival < ride_upto_k[stop]:
                            ride_k[stop] = arrival
                            parent_k[stop] = (p_idx, trip, board_pos, pos)
                            via_k[stop] = via
                            _lower_upto(self.ride_upto, k, stop, arrival)
                            rode.add(stop)
                            ready = arrival + change[stop]
                            if ready < ready_upto_k[stop]:
                                _lower_upto(self.ready_upto, k, stop, ready)
                                boardable.add(stop)
                            if stop in into and stop not in targets.get(stop, ()) and ready < free_upto_k[stop]:
                                free_k[stop] = ready  # changing here is no rule's business
                                free_parent_k[stop] = ("ride", 0, 0, 0)
                                _lower_upto(self.free_upto, k, stop, ready)
                                boardable.add(stop)
                            if stop in egress_s:
                                self._offer_target(k, arrival + egress_s[stop], stop)
                        cls = alight_cls[pos] if alight_cls is not None else -1
                        if cls >= 0 and arrival < cls_upto_k.get((stop, cls), INF):
                            cls_k[(stop, cls)] = arrival
                            cls_parent_k[(stop, cls)] = (p_idx, trip, board_pos, pos, via)
                            for row in self.cls_upto[k:]:
                                if arrival < row.get((stop, cls), INF):
                                    row[(stop, cls)] = arrival
                                else:
                                    break
                            boardable.update(targets[stop])
                if can_board[pos] and stop in marked:
                    cls = board_cls[pos] if board_cls is not None else -1
                    source: _Via = None
                    if cls >= 0:
                        ready = free_prev[stop]
                        source = FREE
                        for change_from in sources.get((stop, cls), ()):
                            at = cls_prev.get((change_from[0], change_from[1]), INF) + change_from[2]
                            if at < ready:
                                ready, source = at, change_from
                    else:
                        ready = ride_prev[stop]
                        ready = ready + change[stop] if ready < INF else INF
                        if walk_prev[stop] < ready:
                            ready = walk_prev[stop]
                    if ready < INF and (trip is None or ready <= deps_at[pos][trip]):
                        candidate = bisect_left(deps_at[pos], ready)
                        if candidate < len(deps_at[pos]) and (trip is None or candidate < trip):
                            trip = candidate
                            arrivals = pattern.arrivals[trip]
                            board_pos = pos
                            via = source
        return rode, boardable

    def _footpaths(self, k: int, rode: set[int]) -> set[int]:
        walked = super()._footpaths(k, rode)  # the stop-only walks: to the destination, and to board where no rule is
        into, targets, lower = self.rules.into, self.rules.targets, self.lower
        free_k, free_parent_k, free_upto_k, ride_k = self.free[k], self.free_parent[k], self.free_upto[k], self.ride[k]
        for stop in rode:
            base = ride_k[stop]
            covered = targets.get(stop, ())
            for other, secs, metres in self.tt.footpaths[stop]:
                arrival = base + secs
                if (other in into and other not in covered and arrival < free_upto_k[other]
                        and arrival + lower[other] < self.bound):
                    free_k[other] = arrival
                    free_parent_k[other] = ("foot", stop, secs, metres)
                    _lower_upto(self.free_upto, k, other, arrival)
                    walked.add(other)
        return walked

    def _legs_to(self, k: int, stop: int) -> list[RawLeg]:
        legs: list[RawLeg] = []
        mode = "walk" if self.walk[k][stop] <= self.ride[k][stop] else "ride"
        cls = 0
        while True:
            if mode in ("walk", "free"):
                parent = (self.walk_parent if mode == "walk" else self.free_parent)[k][stop]
                if parent[0] == "access":
                    _, secs, metres, _ = parent
                    board = legs[0].dep_s if legs else self.walk[k][stop]
                    legs.insert(0, RawLeg("walk", None, stop, board - secs, board, metres))
                    return legs
                if parent[0] == "foot":
                    _, from_stop, secs, metres = parent
                    start = self.ride[k][from_stop]
                    legs.insert(0, RawLeg("walk", from_stop, stop, start, start + secs, metres))
                    stop = from_stop
                mode = "ride"  # after a walk from a stop, or changing at this one
                continue
            if mode == "ride":
                p_idx, trip, board_pos, alight_pos = self.ride_parent[k][stop]
                via = self.ride_via[k][stop]
            else:
                p_idx, trip, board_pos, alight_pos, via = self.cls_parent[k][(stop, cls)]
            pattern = self.tt.patterns[p_idx]
            board_stop = pattern.stops[board_pos]
            legs.insert(0, RawLeg(
                "ride", board_stop, stop, pattern.departures[trip][board_pos],
                pattern.arrivals[trip][alight_pos], ride_metres(self.tt, pattern, board_pos, alight_pos),
                p_idx, trip, board_pos, alight_pos,
            ))
            k, stop = k - 1, board_stop
            if via is None:  # as without rules
                by_ride = self.ride[k][stop]
                by_ride = by_ride + self.tt.change_s[stop] if by_ride < INF else INF
                mode = "walk" if self.walk[k][stop] <= by_ride else "ride"
            elif via[0] < 0:
                mode = "free"
            else:
                from_stop, cls, secs, metres = via
                if from_stop != stop:
                    start = self.cls[k][(from_stop, cls)]
                    legs.insert(0, RawLeg("walk", from_stop, stop, start, start + secs, metres))
                stop, mode = from_stop, "class"


def _new_search(tt: Timetable, origin: Endpoint, dest: Endpoint, max_rides: int,
                lower: list[int] | None = None) -> _Search:
    """The search for ``tt``: the plain one unless transfers.txt rules there name routes or trips."""
    if tt.rules is None:
        return _Search(tt, origin, dest, max_rides, lower)
    return _RuleSearch(tt, origin, dest, max_rides, lower)


def _lower_upto(upto: list[list[int]], k: int, stop: int, value: int) -> None:
    """Record ``value`` as reachable with k vehicles, hence with k or more."""
    for row in upto[k:]:
        if value < row[stop]:
            row[stop] = value
        else:
            break  # rows only fall as k grows: the rest are lower already


def _merge_walks(legs: list[RawLeg]) -> list[RawLeg]:
    """Join consecutive walks (a footpath then the walk to the destination)."""
    merged: list[RawLeg] = []
    for leg in legs:
        if merged and leg.kind == merged[-1].kind == "walk":
            last = merged[-1]
            merged[-1] = RawLeg("walk", last.from_stop, leg.to_stop, last.dep_s,
                                last.dep_s + (last.arr_s - last.dep_s) + (leg.arr_s - leg.dep_s),
                                last.metres + leg.metres)
        else:
            merged.append(leg)
    return merged


def ride_metres(tt: Timetable, pattern: Pattern, board_pos: int, alight_pos: int) -> int:
    """Metres ridden on ``pattern`` from ``board_pos`` to ``alight_pos``, stop to stop in straight lines."""
    total = 0.0
    for a, b in zip(pattern.stops[board_pos:alight_pos], pattern.stops[board_pos + 1:alight_pos + 1]):
        total += _flat_m(tt.stop_lat[a], tt.stop_lon[a], tt.stop_lat[b], tt.stop_lon[b])
    return round(total)


def _flat_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: within 0.1% of geodesic over a city, and fast."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(x, lat2 - lat1) * _M_PER_DEG


def max_speed_m_s(tt: Timetable) -> float:
    """The fastest straight-line speed any hop in the timetable achieves (cached).

    Measured once per feed where the timetable has its feed's :class:`planner.routing.timetable.FeedBasis`
    (every run of every trip, any date: the fastest of them is at least the date's fastest) and walking
    rules; only the date's own hops are measured per timetable: those between two trips one vehicle runs
    in turn, and the walks that transfers.txt rules naming trips allow.
    """
    cached = tt.fastest_m_s
    if cached is not None:
        return cached
    basis, walking = tt.basis, tt.walking
    if basis is None or walking is None:
        fastest = max(_fastest_ride(tt, tt.patterns), _fastest_walk(tt, tt.footpaths))
    else:
        if basis.fastest_m_s is None:
            basis.fastest_m_s = _fastest_basis(tt, basis)
        if walking.fastest_m_s is None:
            walking.fastest_m_s = _fastest_walk(tt, walking.footpaths)
        fastest = max(basis.fastest_m_s, walking.fastest_m_s, _fastest_ride(tt, [p for p in tt.patterns if p.segments]))
    for (stop, other), (secs, _) in (tt.rules.walks() if tt.rules is not None else {}).items():
        metres = _flat_m(tt.stop_lat[stop], tt.stop_lon[stop], tt.stop_lat[other], tt.stop_lon[other])
        fastest = max(fastest, _speed_m_s(metres, secs))  # a rule's walk may be quicker than walking
    tt.fastest_m_s = fastest * 1.01 + 0.01  # margin for the flat-earth approximation
    return tt.fastest_m_s


def _speed_m_s(metres: float, secs: int) -> float:
    """A hop's straight-line speed; infinite for a hop that covers ground in no time (GTFS times are whole
    seconds, and real feeds have such hops: Cairns has thousands), so that the straight-line bound then
    says nothing rather than too much (a bound must never exceed the time a journey really takes)."""
    if secs > 0:
        return metres / secs
    return math.inf if metres > 0 else 0.0


def _fastest_ride(tt: Timetable, patterns: list[Pattern]) -> float:
    """The fastest straight-line speed of a hop of a run of ``patterns``."""
    fastest = 0.0
    for pattern in patterns:
        hops = [_flat_m(tt.stop_lat[a], tt.stop_lon[a], tt.stop_lat[b], tt.stop_lon[b])
                for a, b in zip(pattern.stops, pattern.stops[1:])]
        for arrivals, departures in zip(pattern.arrivals, pattern.departures):
            for pos, metres in enumerate(hops):
                fastest = max(fastest, _speed_m_s(metres, arrivals[pos + 1] - departures[pos]))
    return fastest


def _fastest_walk(tt: Timetable, footpaths: list[list[tuple[int, int, int]]]) -> float:
    fastest = 0.0
    for stop, paths in enumerate(footpaths):
        for other, secs, _ in paths:
            metres = _flat_m(tt.stop_lat[stop], tt.stop_lon[stop], tt.stop_lat[other], tt.stop_lon[other])
            fastest = max(fastest, _speed_m_s(metres, secs))
    return fastest


def _basis_hops(basis: FeedBasis) -> dict[tuple[int, int], int]:
    """(a, b) -> the least seconds from departing a to arriving at b, consecutive calls of a trip, over every
    trip of the feed and every added trip (a run of a frequency-based trip is its trip shifted: the same)."""
    if basis.least_hop_s is not None:
        return basis.least_hop_s
    best: dict[tuple[int, int], int] = {}
    index = basis.stops.index
    for stops, arrivals, departures in (
            *((base.key[1], base.arrivals, base.departures) for base in basis.trips if base.key is not None),
            *((tuple(index[s] for s in extra.stop_ids), extra.arrivals_s, extra.departures_s)
              for extra in basis.extra_trips)):
        for pos in range(len(stops) - 1):
            key, secs = (stops[pos], stops[pos + 1]), arrivals[pos + 1] - departures[pos]
            if secs < best.get(key, INF):
                best[key] = secs
    basis.least_hop_s = best
    return best


def _fastest_basis(tt: Timetable, basis: FeedBasis) -> float:
    lat, lon = tt.stop_lat, tt.stop_lon
    return max((_speed_m_s(_flat_m(lat[a], lon[a], lat[b], lon[b]), secs) for (a, b), secs in _basis_hops(basis).items()),
               default=0.0)


def _lower_bounds(tt: Timetable, dest: Endpoint) -> list[int]:
    """Seconds no journey from each stop to the destination can beat: the straight line at the
    fastest speed of the timetable."""
    speed = max(max_speed_m_s(tt), 1e-6)
    egress_speed = max(speed, max((_speed_m_s(_flat_m(tt.stop_lat[s], tt.stop_lon[s], dest.lat, dest.lon), secs)
                                   for s, secs, _ in dest.links), default=0.0) * 1.01)
    return [int(_flat_m(lat, lon, dest.lat, dest.lon) / egress_speed)
            for lat, lon in zip(tt.stop_lat, tt.stop_lon)]


def _hops_into(tt: Timetable) -> list[list[tuple[int, int]]]:
    """The timetable as a reverse graph: ``into[b]`` = [(a, least seconds from a to b)] over every
    hop of every pattern (any run, riding through) and every footpath; built once per timetable.

    Where the timetable has its feed's basis and walking rules, the hops are those of every trip of the
    feed (any date: never more than the date's least) and the footpaths, measured once; the date adds
    only the hops between two trips one vehicle runs in turn and the walks rules naming trips allow.
    """
    cached = tt.hops_into
    if cached is not None:
        return cached
    basis, walking = tt.basis, tt.walking
    if basis is None or walking is None:
        best = _pattern_hops(tt.patterns)
        _add_walks(best, tt.footpaths)
    else:
        if walking.least_s is None:
            walks: dict[tuple[int, int], int] = {}
            _add_walks(walks, walking.footpaths)
            walking.least_s = walks
        best = dict(_basis_hops(basis))
        for key, secs in walking.least_s.items():
            if secs < best.get(key, INF):
                best[key] = secs
        for key, secs in _pattern_hops([p for p in tt.patterns if p.segments]).items():
            if secs < best.get(key, INF):
                best[key] = secs
    for (a, b), (secs, _) in (tt.rules.walks() if tt.rules is not None else {}).items():
        if secs < best.get((a, b), INF):  # walks rules allow some trips only
            best[(a, b)] = secs
    into: list[list[tuple[int, int]]] = [[] for _ in range(tt.n_stops)]
    for (a, b), secs in best.items():
        if a != b:
            into[b].append((a, max(0, secs)))
    tt.hops_into = into
    return into


def _pattern_hops(patterns: list[Pattern]) -> dict[tuple[int, int], int]:
    """(a, b) -> the least seconds of a hop from a to b of a run of ``patterns``."""
    best: dict[tuple[int, int], int] = {}
    for pattern in patterns:
        stops = pattern.stops
        if len(stops) < 2:
            continue
        least = [min(column) for column in zip(*(
            [arrivals[pos + 1] - departures[pos] for pos in range(len(stops) - 1)]
            for arrivals, departures in zip(pattern.arrivals, pattern.departures)))]
        for pos, secs in enumerate(least):
            key = (stops[pos], stops[pos + 1])
            if secs < best.get(key, INF):
                best[key] = secs
    return best


def _add_walks(best: dict[tuple[int, int], int], footpaths: list[list[tuple[int, int, int]]]) -> None:
    for a, paths in enumerate(footpaths):
        for b, secs, _ in paths:
            if secs < best.get((a, b), INF):
                best[(a, b)] = secs


def tight_lower_bounds(tt: Timetable, dest: Endpoint) -> list[int]:
    """Seconds no journey from each stop to the destination can beat: the least riding and walking
    time along the timetable's hops and footpaths (waiting and changing for nothing), by a backward
    Dijkstra from the destination's stops; ``INF`` where no hop leads to the destination at all.
    Where every hop takes time, this is never less than the straight-line bound; it is not taken
    with it, because a hop of no time (times rounded to the minute, as many feeds have them) makes the
    straight line's fastest speed an underestimate.

    Exact pruning: every journey's remaining time is at least this. It costs a graph per
    timetable (kept on it) and a Dijkstra per destination, so it pays off for searches that run
    many times towards one destination (profiles, arrive-by).
    """
    into = _hops_into(tt)
    dist = [INF] * tt.n_stops
    heap: list[tuple[int, int]] = []
    for stop, secs, _ in dest.links:
        if secs < dist[stop]:
            dist[stop] = secs
            heap.append((secs, stop))
    heapq.heapify(heap)
    while heap:
        d, b = heapq.heappop(heap)
        if d > dist[b]:
            continue
        for a, secs in into[b]:
            if d + secs < dist[a]:
                dist[a] = d + secs
                heapq.heappush(heap, (d + secs, a))
    return dist


def earliest_arrival(tt: Timetable, origin: Endpoint, dest: Endpoint, depart_s: int,
                     max_rides: int = 8) -> list[RawJourney]:
    """Pareto-best journeys (arrival, vehicles used) leaving the origin at ``depart_s``.

    The first is the one with fewest vehicles; the last is the fastest.
    Empty when the destination cannot be reached within the timetable.
    """
    return search(tt, origin, dest, depart_s, max_rides).journeys


def search(tt: Timetable, origin: Endpoint, dest: Endpoint, depart_s: int, max_rides: int = 8,
           arrive_by_s: int | None = None, lower: list[int] | None = None) -> Found:
    """:func:`earliest_arrival`, saying whether the rides cap stopped the rounds.

    Parameters
    ----------
    arrive_by_s : int, optional
        A deadline: only journeys arriving by it are returned, and labels that cannot make it
        are pruned from the start (arrive-by probes).
    lower : list of int, optional
        Lower bounds on the time left from each stop (e.g. :func:`tight_lower_bounds`, computed
        once for many searches); the straight-line bound by default.
    """
    state = _new_search(tt, origin, dest, max_rides, lower)
    if arrive_by_s is not None:
        state.bound = arrive_by_s + 1
    state.run(depart_s)
    journeys = _pareto(state)
    if arrive_by_s is not None:
        journeys = [j for j in journeys if j.arr_s <= arrive_by_s]
    return Found(journeys, state.capped)


def _pareto(search: _Search) -> list[RawJourney]:
    found: list[RawJourney] = []
    best = INF
    for k in range(search.max_rides + 1):
        if search.target[k] < best:
            best = search.target[k]
            journey = search.journey(k)
            if journey is not None:
                found.append(journey)
    return found


def departures_from(tt: Timetable, origin: Endpoint, start_s: int, end_s: int) -> list[int]:
    """Times at which leaving the origin catches some vehicle just in time, latest first."""
    return sorted(_boardings(tt, origin, start_s, end_s), reverse=True)


def _boardings(tt: Timetable, origin: Endpoint, start_s: int, end_s: int) -> dict[int, list[tuple[int, int, int]]]:
    """For each departure from the origin, the (pattern, position, trip) it catches just in time."""
    found: dict[int, list[tuple[int, int, int]]] = {}
    for stop, secs, _ in origin.links:
        for p_idx, pos in tt.patterns_at[stop]:
            pattern = tt.patterns[p_idx]
            if not pattern.can_board[pos]:
                continue
            deps = pattern.departures_at[pos]
            for trip in range(bisect_left(deps, start_s + secs), len(deps)):
                if deps[trip] - secs > end_s:
                    break
                found.setdefault(deps[trip] - secs, []).append((p_idx, pos, trip))
    return found


def _optimistic_arrival(tt: Timetable, lower: list[int], p_idx: int, pos: int, trip: int) -> int:
    """A lower bound on reaching the destination by boarding this trip here."""
    pattern = tt.patterns[p_idx]
    arrivals, stops, alight = pattern.arrivals[trip], pattern.stops, pattern.can_alight
    return min((arrivals[d] + lower[stops[d]] for d in range(pos + 1, len(stops)) if alight[d]), default=INF)


def profile(tt: Timetable, origin: Endpoint, dest: Endpoint, start_s: int, end_s: int,
            max_rides: int = 8, resolution_s: int = 1, lower: list[int] | None = None) -> list[RawJourney]:
    """Every journey that is best for some departure in ``[start_s, end_s]``.

    Sorted by departure; each arrives strictly earlier than the next. The
    earliest arrival when leaving at time t is that of the first journey
    departing at or after t (or walking all the way, if shorter), for every t
    in the window: a first run leaving at ``end_s + 1`` finds the journey for
    the window's last minutes however late it leaves (the first bus tomorrow),
    then one run per departure in the window, latest first.

    Parameters
    ----------
    resolution_s : int
        1: exact at every second. 60 (callers that ask on a minute grid from ``start_s``): one
        run per minute that has departures, leaving at that minute, so the answer is exact at
        ``start_s + k * 60`` and fewer runs are made.
    lower : list of int, optional
        Lower bounds towards the destination; :func:`tight_lower_bounds` by default.
    """
    search = _new_search(tt, origin, dest, max_rides, tight_lower_bounds(tt, dest) if lower is None else lower)
    search.origin = Endpoint(origin.links, origin.lat, origin.lon, None)  # direct walk is added per minute
    journeys: list[RawJourney] = []
    search.run(end_s + 1)
    if search.bound < INF:
        seed = search.journey(min(range(max_rides + 1), key=lambda r: (search.target[r], r)))
        if seed is not None:
            journeys.append(seed)
    boardings = _boardings(tt, origin, start_s, end_s)
    if resolution_s > 1:  # each departure's vehicles are caught from the grid minute before it
        buckets: dict[int, list[tuple[int, int, int]]] = {}
        for depart_s, caught in boardings.items():
            buckets.setdefault(start_s + (depart_s - start_s) // resolution_s * resolution_s, []).extend(caught)
        boardings = buckets
    for depart_s in sorted(boardings, reverse=True):
        # What is new at this departure is only the vehicles it catches just in time (later
        # ones were searched from later departures): if none of them can beat the best
        # arrival so far even at full speed from where it sets down, skip the whole run.
        if all(_optimistic_arrival(tt, search.lower, *b) >= search.bound for b in boardings[depart_s]):
            continue
        before = search.bound
        search.run(depart_s)
        if search.bound < before:
            k = min(range(max_rides + 1), key=lambda r: (search.target[r], r))
            journey = search.journey(k)
            if journey is not None:
                journeys.append(journey)
    journeys.reverse()
    return journeys
