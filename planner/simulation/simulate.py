"""A simulated day of the shuttle: buses along their vehicle blocks, passengers queueing at the stops.

A discrete-event simulation with SimPy 4: each vehicle of :func:`~planner.simulation.blocks.vehicle_blocks`
is a process that runs its trips (and empty runs) in order; passengers are the arrivals of
:mod:`planner.simulation.demand`, kept as one first-in-first-out queue of arrival times per (stop,
direction) rather than a process each (a bus takes a slice of a queue: the same order, thousands of
times cheaper). The rules:

- A bus waits at a stop until its timetable: it never leaves early. At a later stop than the first
  its timetable is the planned departure plus the mean run time times the share of the path covered.
  At the trip's first stop it also stays its layover after arriving there (before its first trip of
  the day it stands there a layover early).
- Everyone who has arrived boards, first come first served, up to the bus's free capacity; those who
  do not fit wait for the next bus. The doors open when the bus reaches the stop and it cannot leave
  before ``dwell_base_s + dwell_per_boarding_s`` per boarding has passed since (so a bus standing early
  has boarded its riders by its departure time: the layover includes loading); whoever arrives while
  the doors are open boards too.
- A trip's driving time is lognormal with the mean and standard deviation of its departure hour
  (a sd of 0 gives the timetable's run time exactly), shared out over the segments by distance.
- A vehicle's hours run from its first departure to its last arrival, plus an empty run back to the
  terminal its day began at (taken as its depot) when it ends elsewhere; its kilometres are its trips'
  and empty runs' path lengths.
- Everyone rides to the direction's last stop. A passenger still waiting when the last bus has gone is
  ``left_behind`` (counted, not dropped): ``riders + left_behind == arrived``.

Replication ``k`` draws everything from ``numpy.random.default_rng([seed, k])``: the same request gives
the same result. Metrics are means over the replications with 95% Student-t intervals (:mod:`.stats`):

- ``arrived``, ``riders`` (boarded), ``left_behind`` (never carried that day), ``denied_boarding``
  (passed by at least one full bus, whether or not a later one took them);
- ``wait_mean_s``, ``wait_p95_s``: from reaching the stop to the bus leaving it, of the riders;
- ``peak_load_factor`` (most on board of any trip over the capacity), ``mean_load`` (most on board,
  averaged over the trips run);
- ``headway_cv``: bunching, the standard deviation of the headway deviations at the trips' last stop
  over the mean planned headway (TCQSM 3rd ed., TCRP Report 165, headway adherence; 0 is even);
- ``vehicle_hours``, ``vehicle_km``, ``cost_cny`` (hours x cost per vehicle-hour + km x cost per km),
  ``cost_per_passenger_cny`` (cost over riders);
- ``person_minutes_saved`` (only with transit times): over the riders whose minute of reaching the stop
  has a transit journey, that journey's door-to-door time minus the rider's wait and ride (stop to
  stop: the walks to and from the shuttle's stops are taken as equal to transit's first and last walks);
- ``trips_not_run``: timetabled trips the fleet cannot cover (:func:`~planner.simulation.blocks.vehicle_blocks`).
"""
from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Generator, Iterator, Mapping, Sequence, TypeVar

import numpy as np
import simpy

from planner.domain.geo import distance_m
from planner.domain.model import Event, Occurrence, Place
from planner.simulation.blocks import Block, vehicle_blocks
from planner.simulation.demand import DemandProfile, Passenger, Surge, arrival_times, demand_profile
from planner.simulation.scenario import Scenario, ScheduledTrip
from planner.simulation.stats import Estimate, coefficient_of_variation, estimate, percentile

__all__ = ["Estimate", "METRICS", "SimulationRequest", "SimulationResult", "TripResult", "simulate",
           "simulate_passengers"]

#: The metrics of a result, in the order pages show them.
METRICS = (
    "arrived", "riders", "wait_mean_s", "wait_p95_s", "left_behind", "denied_boarding", "peak_load_factor",
    "mean_load", "headway_cv", "vehicle_hours", "vehicle_km", "cost_cny", "cost_per_passenger_cny",
    "person_minutes_saved", "trips_not_run",
)


@dataclass(frozen=True)
class SimulationRequest:
    """What to simulate.

    ``sessions``: the calendar's sessions of ``day`` (for example ``Model.events_on(day)``);
    ``places``: the places by id, to find the site of a session's venue (the model's ``places``);
    ``transit_door_s``: direction -> today's door-to-door transit time (s) by departure minute of the
    day (from the comparison engine), None where there is no journey; without it there is no
    ``person_minutes_saved`` metric.
    """

    scenario: Scenario
    day: dt.date
    replications: int = 10
    seed: int = 1
    sessions: tuple[tuple[Event, Occurrence], ...] = ()
    transit_door_s: Mapping[str, Sequence[int | None]] | None = None
    places: Mapping[str, Place] | None = None


@dataclass(frozen=True)
class TripResult:
    """One trip of the first replication: ``boarded`` over all its stops, ``max_load`` the most on board,
    ``left_behind`` the people still waiting at its stops when it left full."""

    trip_id: str
    direction: str
    vehicle: int
    planned_depart_s: int
    depart_s: int
    arrive_s: int
    boarded: int
    max_load: int
    left_behind: int


@dataclass(frozen=True)
class SimulationResult:
    """Metrics over the replications (see :data:`METRICS`; ``person_minutes_saved`` only with transit
    times), and the first replication's trips, waits and vehicle positions (``(vehicle, time_s,
    distance_m from the first stop)``, for the time-distance diagram)."""

    metrics: dict[str, Estimate]
    trips: tuple[TripResult, ...]
    waits_s: tuple[int, ...]
    positions: tuple[tuple[int, int, float], ...]
    replications: int
    seed: int
    day_type: str
    surges: tuple[Surge, ...] = ()
    expected_riders: float = 0.0


# ---------------------------------------------------------------------------------------------- setup


@dataclass
class _Setup:
    """What every replication shares (no randomness)."""

    scenario: Scenario
    day_type: str
    profile: DemandProfile | None  # None: the passengers are given
    blocks: list[Block]
    trips_not_run: int
    stop_m: dict[str, float]  # distance of each stop from the first, along the path
    door_s: dict[str, np.ndarray]  # direction -> transit door-to-door time by minute (nan: none)
    draws: int  # standard normals a replication needs for run times
    min_fleet: int = 0
    trips_m: float = 0.0  # the path length of the trips run
    # hour of day -> (mean, sd) of the run time: the scenario's rule, looked up once
    run_by_hour: dict[int, tuple[int, int]] = field(default_factory=dict)

    def run_time(self, depart_s: int) -> tuple[int, int]:
        """(mean, sd) of the run time of a departure at ``depart_s`` (the scenario's, by hour of day)."""
        return self.run_by_hour[depart_s // 3600 % 24]


def _stop_distances(scenario: Scenario) -> dict[str, float]:
    """Each stop's distance from the first along the path: straight stop-to-stop distances scaled to
    the path's length (the path does not say where on it a middle stop lies)."""
    legs = [distance_m(a.position, b.position) for a, b in zip(scenario.stops, scenario.stops[1:])]
    scale = scenario.length_m() / sum(legs) if sum(legs) > 0 else 0.0
    cumulative = np.concatenate([[0.0], np.cumsum(legs)]) * scale
    return {stop.id: float(m) for stop, m in zip(scenario.stops, cumulative)}


def _door_arrays(transit_door_s: Mapping[str, Sequence[int | None]] | None) -> dict[str, np.ndarray]:
    if transit_door_s is None:
        return {}
    return {direction: np.array([np.nan if v is None else float(v) for v in values], dtype=float)
            for direction, values in transit_door_s.items()}


def _setup(scenario: Scenario, day_type: str, profile: DemandProfile | None,
           transit_door_s: Mapping[str, Sequence[int | None]] | None) -> _Setup:
    plan = vehicle_blocks(scenario, day_type, scenario.fleet_size)
    blocks = sorted((b for b in plan.blocks if b.trips), key=lambda b: b.vehicle)
    run = sum(len(b.trips) for b in blocks)
    # one driving time per trip and per empty run (a trip leaving from where the last one did not end)
    empty = sum(a.to_stop != b.from_stop for block in blocks for a, b in zip(block.trips, block.trips[1:]))
    by_hour = {h: (scenario.run_time_s(h * 3600), scenario.run_time_sd_s(h * 3600)) for h in range(24)}
    return _Setup(scenario, day_type, profile, blocks, len(scenario.trips(day_type)) - run,
                  _stop_distances(scenario), _door_arrays(transit_door_s), run + empty, plan.min_fleet,
                  sum(t.distance_m for b in blocks for t in b.trips), by_hour)


# ----------------------------------------------------------------------------------------- the queues

_T = TypeVar("_T")
#: a SimPy process (or a part of one) that returns a ``_T``
_Process = Generator[simpy.Event, Any, _T]



class _Queue:
    """The riders waiting at one (stop, direction), first come first served: sorted arrival times and
    the index of the first not yet on a bus."""

    __slots__ = ("times", "list", "next", "denied_to", "denied")

    def __init__(self, times: np.ndarray) -> None:
        self.times = times
        self.list = times.tolist()  # bisect on a list is faster than numpy for one value
        self.next = 0
        self.denied_to = 0  # every rider before this index has been passed by a full bus
        self.denied = 0

    def arrived_by(self, t: float) -> int:
        """How many riders have reached the stop by ``t`` (boarded or not)."""
        return bisect.bisect_right(self.list, t)

    def board(self, t: float, room: int) -> int:
        """Board up to ``room`` riders who arrived by ``t``; returns how many boarded."""
        n = min(room, self.arrived_by(t) - self.next)
        if n <= 0:
            return 0
        self.next += n
        return n

    def pass_by_full(self, t: float) -> int:
        """A full bus leaves at ``t``: the riders still waiting were left behind (each counted once in
        ``denied``); returns how many were waiting."""
        waiting_to = self.arrived_by(t)
        self.denied += max(0, waiting_to - max(self.next, self.denied_to))
        self.denied_to = max(self.denied_to, waiting_to)
        return waiting_to - self.next


# ---------------------------------------------------------------------------------------- one replication


@dataclass
class _Boarding:
    key: tuple[str, str]
    first: int  # queue index of the first who boarded
    count: int
    depart_s: int  # when the bus left the stop
    arrive_s: int = 0  # when it reached the last stop (everyone alights there)


@dataclass
class _Replication:
    setup: _Setup
    queues: dict[tuple[str, str], _Queue]
    normals: Iterator[float]
    trips: list[TripResult] = field(default_factory=list)
    boardings: list[_Boarding] = field(default_factory=list)
    positions: list[tuple[int, int, float]] = field(default_factory=list)
    block_spans: list[tuple[int, int]] = field(default_factory=list)
    deadheads: int = 0

    # -- helpers

    def driving_s(self, depart_s: int) -> int:
        """A random end-to-end driving time for a departure at ``depart_s``: lognormal with its hour's
        mean and sd (the lognormal with that mean and variance: sigma^2 = ln(1 + sd^2/mean^2))."""
        mean, sd = self.setup.run_time(depart_s)
        z = next(self.normals)
        if sd <= 0:
            return mean
        sigma2 = math.log1p((sd / mean) ** 2)
        return round(math.exp(math.log(mean) - sigma2 / 2 + math.sqrt(sigma2) * z))

    def dwell_s(self, boarded: int) -> int:
        scenario = self.setup.scenario
        return round(scenario.dwell_base_s + scenario.dwell_per_boarding_s * boarded) if boarded else 0

    def stops_of(self, trip: ScheduledTrip) -> list[str]:
        ids = [s.id for s in self.setup.scenario.stops]
        i, j = ids.index(trip.from_stop), ids.index(trip.to_stop)
        return ids[i:j + 1] if i <= j else ids[j:i + 1][::-1]

    # -- processes

    def vehicle(self, env: simpy.Environment, block: Block) -> _Process[None]:
        """One bus: its block's trips in order, with an empty run where the next trip starts elsewhere."""
        layover = self.setup.scenario.layover_s
        deadheads = list(block.deadheads)
        first = block.trips[0]
        # before its first trip the bus is at the stand a layover early
        location, here_since = first.from_stop, first.depart_s - layover
        start: int | None = None
        for trip in block.trips:
            if trip.from_stop != location:
                here_since = yield from self.deadhead(env, block.vehicle, location, trip.from_stop,
                                                      here_since + layover, deadheads)
            depart, arrive = yield from self.trip(env, block.vehicle, trip, here_since)
            start = depart if start is None else start
            location, here_since = trip.to_stop, arrive
        if location != first.from_stop:
            # home: the bus returns empty to where its day began (taken as its depot), at the mean run time
            home = here_since + self.setup.run_time(here_since)[0]
            m = self.setup.stop_m
            self.positions += [(block.vehicle, here_since, m[location]), (block.vehicle, home, m[first.from_stop])]
            here_since = home
            self.deadheads += 1
        self.block_spans.append((start if start is not None else first.depart_s, here_since))

    def deadhead(self, env: simpy.Environment, vehicle: int, here: str, there: str, ready: int,
                 planned: list[tuple[str, int, int]]) -> _Process[int]:
        """An empty run to ``there``, leaving at its planned time or when the bus is ready, if later."""
        match = next((d for d in planned if d[0] == there), None)
        if match is not None:
            planned.remove(match)
        leave = max(ready, match[1] if match else ready)
        if leave > env.now:
            yield env.timeout(leave - env.now)
        arrive = leave + self.driving_s(leave)
        m = self.setup.stop_m
        self.positions += [(vehicle, leave, m[here]), (vehicle, arrive, m[there])]
        self.deadheads += 1
        yield env.timeout(arrive - env.now)
        return arrive

    def trip(self, env: simpy.Environment, vehicle: int, trip: ScheduledTrip, since: int) -> _Process[tuple[int, int]]:
        """Run ``trip`` with the bus at its first stop since ``since`` (it may leave a layover later);
        returns (departure, arrival)."""
        scenario, m = self.setup.scenario, self.setup.stop_m
        stops = self.stops_of(trip)
        span = abs(m[stops[-1]] - m[stops[0]]) or 1.0
        shares = [abs(m[s] - m[stops[0]]) / span for s in stops]
        mean_run = self.setup.run_time(trip.depart_s)[0]
        load = boarded = max_load = left = 0
        here_since, ready, drive, depart = since, since + scenario.layover_s, 0, trip.depart_s
        mine: list[_Boarding] = []
        for index, stop in enumerate(stops):
            sched = trip.depart_s + round(mean_run * shares[index])
            if index == len(stops) - 1:
                break
            leave, n, waiting = yield from self.serve(env, (stop, trip.direction), here_since, max(ready, sched),
                                                      scenario.capacity_passengers - load, mine)
            load += n
            boarded += n
            max_load = max(max_load, load)
            left += waiting
            if index == 0:
                depart, drive = leave, self.driving_s(leave)
            self.positions.append((vehicle, leave, m[stop]))
            # cumulative rounding: the segments add up to the drawn driving time exactly
            here_since = leave + round(drive * shares[index + 1]) - round(drive * shares[index])
            ready = here_since
            yield env.timeout(here_since - env.now)
            self.positions.append((vehicle, here_since, m[stops[index + 1]]))
        for b in mine:
            b.arrive_s = here_since
        self.trips.append(TripResult(trip.trip_id, trip.direction, vehicle, trip.depart_s, depart, here_since,
                                     boarded, max_load, left))
        return depart, here_since

    def serve(self, env: simpy.Environment, key: tuple[str, str], here_since: int, earliest: int, room: int,
              mine: list[_Boarding]) -> _Process[tuple[int, int, int]]:
        """The bus at a stop since ``here_since`` with its doors open, leaving no earlier than ``earliest``
        (its timetable, and at a terminal its layover) nor before its boardings are done; returns
        (departure time, boarded, people left waiting when it left full)."""
        leave = earliest
        if leave > env.now:
            yield env.timeout(leave - env.now)
        queue = self.queues.get(key)
        if queue is None:
            return leave, 0, 0
        first, n = queue.next, 0
        # doors open since `here_since`: whoever has come boards; each boarding holds the bus a little
        while n < room:
            took = queue.board(leave, room - n)
            if took == 0:
                break
            n += took
            leave = max(earliest, here_since + self.dwell_s(n))
            if leave > env.now:
                yield env.timeout(leave - env.now)
        if n:
            self.boardings.append(_Boarding(key, first, n, leave))
            mine.append(self.boardings[-1])
        waiting = queue.pass_by_full(leave) if n == room else 0
        return leave, n, waiting


def _replicate(setup: _Setup, arrivals: Mapping[tuple[str, str], np.ndarray],
               rng: np.random.Generator) -> tuple[dict[str, float], _Replication]:
    """One day: ``arrivals`` are the sorted arrival times by (stop, direction)."""
    normals = iter(rng.standard_normal(setup.draws).tolist())
    rep = _Replication(setup, {key: _Queue(np.asarray(times, dtype=np.int64)) for key, times in arrivals.items()},
                       normals)
    env = simpy.Environment()
    for block in setup.blocks:
        env.process(rep.vehicle(env, block))
    env.run()
    return _metrics(setup, rep), rep


# ------------------------------------------------------------------------------------------- metrics


def _waits_and_saved(setup: _Setup, rep: _Replication) -> tuple[np.ndarray, float | None]:
    """Every boarded rider's wait, and the person-minutes saved against transit (None: no transit times)."""
    waits, saved = [], 0.0
    for b in rep.boardings:
        arrive = rep.queues[b.key].times[b.first:b.first + b.count]
        waits.append(b.depart_s - arrive)
        door = setup.door_s.get(b.key[1])
        if door is not None:
            minute = arrive // 60
            inside = minute < len(door)
            transit = door[minute[inside]]
            # door-to-door by transit minus (wait + ride) at the shuttle, for riders with a transit journey
            saved += float(np.nansum(transit - (b.arrive_s - arrive[inside]))) / 60
    all_waits = np.concatenate(waits) if waits else np.zeros(0, dtype=np.int64)
    return all_waits, (saved if setup.door_s else None)


def _headway_cv(trips: Sequence[TripResult], planned_arrive: Mapping[str, int]) -> float:
    """Bunching: the standard deviation of the headway deviations (actual minus planned, between
    consecutive trips of a direction, at their last stop) over the mean planned headway (TCQSM, 3rd ed.,
    TCRP Report 165, headway adherence: 0 is perfectly even).

    Examples
    --------
    >>> t = lambda i, arrive: TripResult(f"t{i}", "outbound", 1, i * 600, i * 600, arrive, 0, 0, 0)
    >>> planned = {"t0": 1800, "t1": 2400, "t2": 3000}
    >>> _headway_cv([t(0, 1800), t(1, 2400), t(2, 3000)], planned)
    0.0
    >>> _headway_cv([t(0, 1800), t(1, 2700), t(2, 3000)], planned)   # headways 900 and 300 for 600 and 600
    0.5
    """
    deviations, planned = [], []
    for direction in ("outbound", "inbound"):
        runs = sorted((t for t in trips if t.direction == direction), key=lambda t: t.planned_depart_s)
        for a, b in zip(runs, runs[1:]):
            scheduled = planned_arrive[b.trip_id] - planned_arrive[a.trip_id]
            deviations.append((b.arrive_s - a.arrive_s) - scheduled)
            planned.append(scheduled)
    if len(deviations) < 2 or sum(planned) <= 0:
        return 0.0
    return float(np.std(deviations)) / (sum(planned) / len(planned))


def _metrics(setup: _Setup, rep: _Replication) -> dict[str, float]:
    scenario = setup.scenario
    waits, saved = _waits_and_saved(setup, rep)
    arrived = sum(len(q.list) for q in rep.queues.values())
    riders = int(len(waits))
    loads = [t.max_load for t in rep.trips]
    vehicle_hours = sum(end - start for start, end in rep.block_spans) / 3600
    km = (setup.trips_m + rep.deadheads * scenario.length_m()) / 1000
    cost = vehicle_hours * scenario.cost_per_vehicle_hour_cny + km * scenario.cost_per_km_cny
    planned_arrive = {t.trip_id: t.arrive_s for b in setup.blocks for t in b.trips}
    values = {
        "arrived": float(arrived),
        "riders": float(riders),
        "wait_mean_s": float(waits.mean()) if riders else 0.0,
        "wait_p95_s": percentile(waits, 95),
        "left_behind": float(arrived - riders),
        "denied_boarding": float(sum(q.denied for q in rep.queues.values())),
        "peak_load_factor": max(loads) / scenario.capacity_passengers if loads else 0.0,
        "mean_load": float(np.mean(loads)) if loads else 0.0,
        "headway_cv": _headway_cv(rep.trips, planned_arrive),
        "vehicle_hours": vehicle_hours,
        "vehicle_km": km,
        "cost_cny": cost,
        # with no rider the whole cost falls on one (a cost per passenger is never hidden as 0)
        "cost_per_passenger_cny": cost / max(riders, 1),
        "trips_not_run": float(setup.trips_not_run),
    }
    if saved is not None:
        values["person_minutes_saved"] = saved
    return values


# --------------------------------------------------------------------------------------------- simulate


def simulate(request: SimulationRequest, progress: Callable[[int, int], None] | None = None) -> SimulationResult:
    """Simulate ``request.day`` ``request.replications`` times; ``progress(done, total)`` after each.

    Examples
    --------
    >>> from planner.simulation.scenario import _example
    >>> result = simulate(SimulationRequest(_example(), dt.date(2024, 3, 5), replications=3, seed=1))
    >>> result.day_type, len(result.trips), result.metrics["riders"].n
    ('weekday', 3, 3)
    >>> r = result.metrics
    >>> r["riders"].mean + r["left_behind"].mean == r["arrived"].mean
    True
    """
    return _simulate(request, progress)[0]


def _simulate(request: SimulationRequest,
              progress: Callable[[int, int], None] | None = None) -> tuple[SimulationResult, _Setup]:
    if request.replications < 1:
        raise ValueError("replications must be at least 1")
    scenario = request.scenario
    profile = demand_profile(scenario, request.day, request.sessions, request.places)
    setup = _setup(scenario, profile.day_type, profile, request.transit_door_s)
    runs: list[tuple[dict[str, float], _Replication | None]] = []
    for k in range(request.replications):
        rng = np.random.default_rng([request.seed, k])
        arrivals = {key: times for key, (times, _surge) in arrival_times(profile, rng).items()}
        values, rep = _replicate(setup, arrivals, rng)
        # only the first replication's details are kept (a result stays small)
        runs.append((values, rep if k == 0 else None))
        if progress is not None:
            progress(k + 1, request.replications)
    return _result(setup, runs, request.seed), setup


def simulate_passengers(scenario: Scenario, day: dt.date, passengers: Sequence[Passenger], seed: int = 1,
                        transit_door_s: Mapping[str, Sequence[int | None]] | None = None) -> SimulationResult:
    """One replication with the given passengers (run times still drawn from ``default_rng([seed, 0])``,
    exact when the scenario's run time sd is 0): for checking by hand, or replaying a known day.

    Examples
    --------
    >>> from planner.simulation.scenario import _example
    >>> from planner.simulation.demand import Passenger
    >>> s = _example()   # 07:00 from a, 30 min; 07:00 minus the 8 min layover: the bus stands there from 06:52
    >>> r = simulate_passengers(s, dt.date(2024, 3, 5), [Passenger(6 * 3600 + 3000, "a", "outbound", None)])
    >>> r.waits_s, r.trips[0].depart_s, r.metrics["riders"].mean
    ((600,), 25200, 1.0)
    """
    from planner.simulation.daytypes import day_type

    setup = _setup(scenario, day_type(day), None, transit_door_s)
    by_key: dict[tuple[str, str], list[int]] = {}
    for p in passengers:
        by_key.setdefault((p.stop_id, p.direction), []).append(p.arrive_s)
    arrivals = {key: np.sort(np.asarray(times, dtype=np.int64)) for key, times in by_key.items()}
    values, rep = _replicate(setup, arrivals, np.random.default_rng([seed, 0]))
    return _result(setup, [(values, rep)], seed)


def _result(setup: _Setup, runs: Sequence[tuple[dict[str, float], _Replication | None]],
            seed: int) -> SimulationResult:
    first = runs[0][1]
    assert first is not None
    waits, _saved = _waits_and_saved(setup, first)
    metrics = {name: estimate(values[name] for values, _rep in runs) for name in METRICS if name in runs[0][0]}
    profile = setup.profile
    return SimulationResult(
        metrics=metrics,
        trips=tuple(sorted(first.trips, key=lambda t: (t.planned_depart_s, t.direction))),
        waits_s=tuple(int(w) for w in waits.tolist()),
        positions=tuple(sorted(first.positions)),
        replications=len(runs), seed=seed, day_type=setup.day_type,
        surges=profile.surges if profile else (), expected_riders=profile.total_riders if profile else 0.0,
    )
