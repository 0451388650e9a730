"""Vehicle blocks: which bus runs which trips of a day, the fewest buses that run them all, and with a
given fleet the first trip no bus can run.

A bus may run trip ``j`` after trip ``i`` when ``j`` leaves from the terminal where ``i`` arrives at or
after ``i.arrive_s + layover_s``, or from the other terminal at or after ``i.arrive_s + layover_s +
deadhead + layover_s``, the deadhead being an empty run to that terminal that leaves after the layover
and takes the run time of its hour. These pairs form a directed acyclic graph over the trips (a pair
always goes forward in time); a fleet runs every trip exactly when its vehicles' blocks are disjoint
paths covering the graph, so the minimum fleet is its minimum path cover: the number of trips minus a
maximum matching of the bipartite graph "trip i ends, trip j follows" (Fulkerson's reduction, as in
Ahuja, Magnanti and Orlin, *Network Flows*, 1993, on the minimum fleet of a schedule), found exactly by
networkx's Hopcroft-Karp.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
from networkx.algorithms.bipartite import hopcroft_karp_matching

from planner.simulation.scenario import Scenario, ScheduledTrip

__all__ = ["Block", "BlockPlan", "vehicle_blocks", "min_fleet"]


@dataclass(frozen=True)
class Block:
    """One vehicle's day: its trips in order and the empty runs between them ``(to_stop, leave_s, arrive_s)``."""

    vehicle: int  # 1, 2, ...
    trips: tuple[ScheduledTrip, ...]
    deadheads: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True)
class BlockPlan:
    """The blocks of a day with ``fleet_size`` vehicles, and the fewest vehicles that run every trip."""

    blocks: tuple[Block, ...]
    min_fleet: int
    fleet_size: int
    #: with ``fleet_size`` vehicles: the first trip (by departure) that cannot run when all before it do
    uncovered: ScheduledTrip | None
    trips_not_run: int = 0  # trips of the day that no block runs (0 when the fleet suffices)


class _Rules:
    """When a vehicle that ran one trip can run another (layovers, empty runs)."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.layover_s = scenario.layover_s

    def deadhead(self, before: ScheduledTrip) -> tuple[int, int]:
        """The empty run after ``before`` to the other terminal: (leave_s, arrive_s)."""
        leave = before.arrive_s + self.layover_s
        return leave, leave + self.scenario.run_time_s(leave)

    def ready_s(self, before: ScheduledTrip, at_stop: str) -> int:
        """The earliest a vehicle that ran ``before`` can leave ``at_stop`` with passengers."""
        if at_stop == before.to_stop:
            return before.arrive_s + self.layover_s
        return self.deadhead(before)[1] + self.layover_s

    def follows(self, before: ScheduledTrip, after: ScheduledTrip) -> bool:
        return after.depart_s >= self.ready_s(before, after.from_stop)


def _graph(trips: Sequence[ScheduledTrip], rules: _Rules) -> nx.Graph[int]:
    """The bipartite graph of "trip i ends" (node ``i``) and "trip j follows" (node ``n + j``).

    Integer nodes: they hash to themselves, so the matching found (and the blocks) are the same in
    every process, whatever its PYTHONHASHSEED (a sweep's points run on other workers). Each trip's
    edges go first to the trips leaving its arrival terminal, soonest first, then to the other
    terminal's: Hopcroft-Karp tries them in that order, so the blocks favour short waits and no empty runs.
    """
    n = len(trips)
    graph: nx.Graph[int] = nx.Graph()
    graph.add_nodes_from(range(2 * n))
    # per terminal, the trips leaving it by departure: a vehicle ready there at t can run all from t on
    leaving: dict[str, list[int]] = {}
    for j, trip in enumerate(trips):
        leaving.setdefault(trip.from_stop, []).append(j)
    departs = {stop: [trips[j].depart_s for j in found] for stop, found in leaving.items()}
    for i, before in enumerate(trips):
        for stop in sorted(leaving, key=lambda stop: stop != before.to_stop):
            found = leaving[stop]
            start = bisect_left(departs[stop], rules.ready_s(before, stop))
            graph.add_edges_from((i, n + j) for j in found[start:])
    return graph


def _successors(trips: Sequence[ScheduledTrip], rules: _Rules) -> dict[int, int]:
    """A maximum matching as ``i -> j``: the trip each trip's vehicle runs next."""
    n = len(trips)
    matching = hopcroft_karp_matching(_graph(trips, rules), top_nodes=range(n))
    return {i: j - n for i, j in matching.items() if i < n}


def min_fleet(trips: Sequence[ScheduledTrip], scenario: Scenario) -> int:
    """The fewest vehicles that run every one of ``trips`` (sorted by departure).

    Examples
    --------
    >>> from planner.simulation.scenario import _example
    >>> s = _example()
    >>> min_fleet(s.trips("weekday"), s)  # out 07:00-07:30, back 08:00-08:30, out 09:00: one bus
    1
    """
    return len(trips) - len(_successors(trips, _Rules(scenario)))


def _chains(trips: Sequence[ScheduledTrip], rules: _Rules) -> list[list[ScheduledTrip]]:
    """A minimum set of vehicle blocks covering ``trips``, earliest first trip first."""
    following = _successors(trips, rules)
    has_before = set(following.values())
    chains = []
    for start in range(len(trips)):
        if start in has_before:
            continue
        chain, at = [trips[start]], start
        while at in following:
            at = following[at]
            chain.append(trips[at])
        chains.append(chain)
    return chains


def _block(vehicle: int, trips: Sequence[ScheduledTrip], rules: _Rules) -> Block:
    deadheads = []
    for before, after in zip(trips, trips[1:]):
        if after.from_stop != before.to_stop:
            leave, arrive = rules.deadhead(before)
            deadheads.append((after.from_stop, leave, arrive))
    return Block(vehicle, tuple(trips), tuple(deadheads))


def _first_uncovered(trips: Sequence[ScheduledTrip], rules: _Rules, fleet: int) -> int | None:
    """The index of the first trip whose prefix (it and all before it) needs more than ``fleet`` vehicles.

    The fewest vehicles of a prefix never falls as it grows (a cover of a longer prefix covers a shorter
    one), so a binary search over prefix lengths finds it.
    """
    def needs(count: int) -> int:
        return count - len(_successors(trips[:count], rules))

    if needs(len(trips)) <= fleet:
        return None
    low, high = fleet, len(trips)  # needs(low) <= fleet < needs(high)
    while high - low > 1:
        middle = (low + high) // 2
        if needs(middle) <= fleet:
            low = middle
        else:
            high = middle
    return high - 1


def _extend(chains: list[list[ScheduledTrip]], rest: Sequence[ScheduledTrip], rules: _Rules, fleet: int) -> None:
    """Give each later trip to a vehicle that can run it (a spare one, else the one free at that
    terminal latest, no empty run preferred); a trip none can run does not run."""
    for trip in rest:
        able = [c for c in chains if rules.follows(c[-1], trip)]
        if able:
            best = max(able, key=lambda c: (c[-1].to_stop == trip.from_stop, rules.ready_s(c[-1], trip.from_stop)))
            best.append(trip)
        elif len(chains) < fleet:
            chains.append([trip])


def vehicle_blocks(scenario: Scenario, day_type: str, fleet_size: int | None = None) -> BlockPlan:
    """The vehicle blocks of a day of ``day_type`` with ``fleet_size`` vehicles (default the scenario's).

    With enough vehicles the blocks are a minimum cover (``min_fleet`` of them run every trip).
    With too few, every trip before ``uncovered`` runs (a minimum cover of them), ``uncovered`` does
    not, and the later trips go to the vehicles that can run them, in order of departure.

    Examples
    --------
    >>> from planner.simulation.scenario import _example
    >>> plan = vehicle_blocks(_example(), "weekday")
    >>> plan.min_fleet, len(plan.blocks), plan.uncovered, [t.depart_s for t in plan.blocks[0].trips]
    (1, 1, None, [25200, 28800, 32400])
    """
    fleet = scenario.fleet_size if fleet_size is None else fleet_size
    rules = _Rules(scenario)
    trips = scenario.trips(day_type)
    fewest = min_fleet(trips, scenario)
    first_out = _first_uncovered(trips, rules, fleet) if fewest > fleet else None
    if first_out is None:
        chains = _chains(trips, rules)
    else:
        chains = _chains(trips[:first_out], rules)
        _extend(chains, trips[first_out + 1:], rules, fleet)
    chains.sort(key=lambda c: (c[0].depart_s, c[0].trip_id))
    return BlockPlan(tuple(_block(n, chain, rules) for n, chain in enumerate(chains, start=1)), fewest, fleet,
                     trips[first_out] if first_out is not None else None,
                     len(trips) - sum(len(chain) for chain in chains))
