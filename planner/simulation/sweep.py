"""A sweep over headway and fleet: the trade-off between waiting and cost, and the cheapest plan that
meets the targets.

Each point is one :class:`SweepTask` (picklable, run by the top-level :func:`run_sweep_task`), so a
job queue can spread the points over worker processes or machines; :func:`run_sweep` does it with a
local process pool. Results travel as JSON-ready records (:func:`sweep_to_record`,
:func:`simulation_result_to_record`).
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping, Sequence

from planner.simulation.demand import Surge
from planner.simulation.scenario import with_fleet, with_headway
from planner.simulation.simulate import SimulationRequest, SimulationResult, TripResult, _simulate
from planner.simulation.stats import Estimate


@dataclass(frozen=True)
class Targets:
    """What a plan must achieve: the mean over replications of the 95th-percentile wait at most
    ``wait_p95_s`` and of the passengers left behind at most ``left_behind`` (and every timetabled
    trip run: a plan whose fleet cannot run its timetable does not meet them)."""

    wait_p95_s: int = 900
    left_behind: int = 0


@dataclass(frozen=True)
class SweepPoint:
    headway_s: int
    fleet: int
    metrics: dict[str, Estimate]
    meets: bool
    cost_cny: float
    min_fleet: int


@dataclass(frozen=True)
class SweepResult:
    points: tuple[SweepPoint, ...]
    best: SweepPoint | None  # the cheapest point meeting the targets
    targets: Targets


@dataclass(frozen=True)
class SweepTask:
    """One point of a sweep: the request with every period's headway and the fleet replaced."""

    request: SimulationRequest
    headway_s: int
    fleet: int
    targets: Targets = Targets()


def sweep_tasks(request: SimulationRequest, headways_s: Sequence[int], fleets: Sequence[int],
                targets: Targets = Targets()) -> list[SweepTask]:
    """One task per (headway, fleet), headways outer.

    Examples
    --------
    >>> from planner.simulation.scenario import _example
    >>> import datetime as dt
    >>> tasks = sweep_tasks(SimulationRequest(_example(), dt.date(2024, 3, 5)), [600, 1200], [2, 3])
    >>> [(t.headway_s, t.fleet) for t in tasks]
    [(600, 2), (600, 3), (1200, 2), (1200, 3)]
    """
    return [SweepTask(request, int(h), int(f), targets) for h in headways_s for f in fleets]


def meets(metrics: Mapping[str, Estimate], targets: Targets) -> bool:
    """Whether a point's metrics meet ``targets`` (means; every trip run).

    Examples
    --------
    >>> e = lambda v: Estimate(v, v, v, 1)
    >>> meets({"wait_p95_s": e(800.0), "left_behind": e(0.0), "trips_not_run": e(0.0)}, Targets())
    True
    >>> meets({"wait_p95_s": e(800.0), "left_behind": e(0.0), "trips_not_run": e(1.0)}, Targets())
    False
    """
    return (metrics["wait_p95_s"].mean <= targets.wait_p95_s and metrics["left_behind"].mean <= targets.left_behind
            and metrics["trips_not_run"].mean == 0)


def run_sweep_task(task: SweepTask) -> SweepPoint:
    """Simulate one point (top-level and picklable: it runs on RQ workers or in a process pool)."""
    scenario = with_fleet(with_headway(task.request.scenario, task.headway_s), task.fleet)
    result, setup = _simulate(replace(task.request, scenario=scenario))
    return SweepPoint(task.headway_s, task.fleet, result.metrics, meets(result.metrics, task.targets),
                      result.metrics["cost_cny"].mean, setup.min_fleet)


def sweep_result(points: Sequence[SweepPoint], targets: Targets) -> SweepResult:
    """The points sorted by (headway, fleet), each judged against ``targets``, and the best: the
    cheapest that meets them (ties: the shorter 95th-percentile wait, then the smaller fleet).

    Examples
    --------
    >>> e = lambda v: Estimate(v, v, v, 1)
    >>> def point(h, f, wait, cost):
    ...     m = {"wait_p95_s": e(wait), "left_behind": e(0.0), "trips_not_run": e(0.0), "cost_cny": e(cost)}
    ...     return SweepPoint(h, f, m, False, cost, 2)
    >>> r = sweep_result([point(600, 3, 500.0, 900.0), point(1200, 2, 1000.0, 600.0), point(900, 2, 800.0, 700.0)],
    ...                  Targets(wait_p95_s=900))
    >>> (r.best.headway_s, r.best.fleet), [p.meets for p in r.points]
    ((900, 2), [True, True, False])
    """
    judged = sorted((replace(p, meets=meets(p.metrics, targets)) for p in points), key=lambda p: (p.headway_s, p.fleet))
    candidates = [p for p in judged if p.meets]
    best = min(candidates, key=lambda p: (p.cost_cny, p.metrics["wait_p95_s"].mean, p.fleet, -p.headway_s),
               default=None)
    return SweepResult(tuple(judged), best, targets)


def run_sweep(request: SimulationRequest, headways_s: Sequence[int], fleets: Sequence[int],
              targets: Targets = Targets(), workers: int = 1,
              progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """Every point of the sweep in ``workers`` local processes (spawned: no state shared with the
    caller), or in this process when ``workers`` is 0; ``progress(done, total)`` after each point."""
    tasks = sweep_tasks(request, headways_s, fleets, targets)
    points: list[SweepPoint] = []
    if workers <= 0:
        for task in tasks:
            points.append(run_sweep_task(task))
            if progress is not None:
                progress(len(points), len(tasks))
        return sweep_result(points, targets)
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for future in as_completed([pool.submit(run_sweep_task, task) for task in tasks]):
            points.append(future.result())
            if progress is not None:
                progress(len(points), len(tasks))
    return sweep_result(points, targets)


# --------------------------------------------------------------------------------------------- records


def _metrics_record(metrics: Mapping[str, Estimate]) -> dict[str, dict[str, float | int]]:
    return {name: e.to_record() for name, e in metrics.items()}


def _metrics_from(record: Mapping[str, Any]) -> dict[str, Estimate]:
    return {name: Estimate.from_record(e) for name, e in record.items()}


def point_to_record(point: SweepPoint) -> dict[str, Any]:
    return {"headway_s": point.headway_s, "fleet": point.fleet, "meets": point.meets, "cost_cny": point.cost_cny,
            "min_fleet": point.min_fleet, "metrics": _metrics_record(point.metrics)}


def point_from_record(record: Mapping[str, Any]) -> SweepPoint:
    return SweepPoint(int(record["headway_s"]), int(record["fleet"]), _metrics_from(record["metrics"]),
                      bool(record["meets"]), float(record["cost_cny"]), int(record["min_fleet"]))


def sweep_to_record(result: SweepResult) -> dict[str, Any]:
    """JSON-ready; ``best`` names its point by headway and fleet.

    Examples
    --------
    >>> r = SweepResult((), None, Targets())
    >>> sweep_to_record(r)
    {'targets': {'wait_p95_s': 900, 'left_behind': 0}, 'points': [], 'best': None}
    >>> sweep_from_record(sweep_to_record(r)) == r
    True
    """
    best = {"headway_s": result.best.headway_s, "fleet": result.best.fleet} if result.best else None
    return {"targets": {"wait_p95_s": result.targets.wait_p95_s, "left_behind": result.targets.left_behind},
            "points": [point_to_record(p) for p in result.points], "best": best}


def sweep_from_record(record: Mapping[str, Any]) -> SweepResult:
    points = tuple(point_from_record(p) for p in record["points"])
    best_key = record.get("best")
    best = next((p for p in points if best_key and (p.headway_s, p.fleet) == (best_key["headway_s"], best_key["fleet"])),
                None)
    targets = Targets(int(record["targets"]["wait_p95_s"]), int(record["targets"]["left_behind"]))
    return SweepResult(points, best, targets)


_TRIP_FIELDS = ("trip_id", "direction", "vehicle", "planned_depart_s", "depart_s", "arrive_s", "boarded", "max_load",
                "left_behind")
_SURGE_FIELDS = ("event_id", "title_en", "title_zh", "stop_id", "direction", "start_s", "end_s", "riders")


def simulation_result_to_record(result: SimulationResult) -> dict[str, Any]:
    """JSON-ready: metrics as ``{name: {mean, low, high, n}}``, trips as objects, positions as
    ``[vehicle, time_s, distance_m]`` triples."""
    return {
        "day_type": result.day_type, "replications": result.replications, "seed": result.seed,
        "expected_riders": result.expected_riders,
        "metrics": _metrics_record(result.metrics),
        "trips": [{f: getattr(t, f) for f in _TRIP_FIELDS} for t in result.trips],
        "waits_s": list(result.waits_s),
        "positions": [list(p) for p in result.positions],
        "surges": [{f: getattr(s, f) for f in _SURGE_FIELDS} for s in result.surges],
    }


def simulation_result_from_record(record: Mapping[str, Any]) -> SimulationResult:
    """The inverse of :func:`simulation_result_to_record`."""
    return SimulationResult(
        metrics=_metrics_from(record["metrics"]),
        trips=tuple(TripResult(**{f: t[f] for f in _TRIP_FIELDS}) for t in record["trips"]),
        waits_s=tuple(int(w) for w in record["waits_s"]),
        positions=tuple((int(v), int(t), float(d)) for v, t, d in record["positions"]),
        replications=int(record["replications"]), seed=int(record["seed"]), day_type=str(record["day_type"]),
        surges=tuple(Surge(**{f: s[f] for f in _SURGE_FIELDS}) for s in record.get("surges", ())),
        expected_riders=float(record.get("expected_riders", 0.0)),
    )
