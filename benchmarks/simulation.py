"""Shuttle simulation speed and memory: one simulated holiday, 30 replications, a 5x5 sweep on 1 and 2 workers.

Run: .venv/bin/python benchmarks/simulation.py [--ride-share 0.1] [--replications 30] [--sweep-replications 10]

The scenario is the proposal of data/shuttle.yaml on a holiday (2024-10-02, National Day week) with a
concert of 2,000 ending at 21:30 at the Chengdu Stage, its ride share raised (default 0.10 instead of
the proposal's 0.02) so that one day brings at least 10,000 passengers, and a bus every 4 minutes in
every period with the fleet that needs (its minimum), so that nearly all of them ride; the benchmark
prints how many arrived and rode. Timed:

- one replication (one simulated holiday), the best of 5 runs;
- ``simulate`` with 30 replications;
- a sweep of 5 headways (4 to 20 min) x 5 fleets (5 to 25), 10 replications each (``run_sweep_task`` per point, as a queue
  worker runs them), in a local process pool (spawn) of 1 and of 2 workers, and the ratio of the two:
  with the pool's start (what a user of the local pool waits for) and on started workers (what a
  queue with running workers does); the load average is printed with it, since other work on the
  machine takes cores from the workers;
- peak memory: tracemalloc's peak over one 30-replication simulation (in a separate pass, since
  tracing slows everything), and the process's maximum resident set.

Targets (issue 12, on 2 cores): one holiday under 1 s; 30 replications under 20 s.
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts benchmarks/ first on the path, where a sibling script
# (calendar.py) would shadow the standard library's module of that name: use the repository.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from dataclasses import replace  # noqa: E402

from planner.domain.model import TZ, Event, Occurrence  # noqa: E402
from planner.domain.paths import bundled_data_dir  # noqa: E402
from planner.simulation.blocks import vehicle_blocks  # noqa: E402
from planner.simulation.scenario import scenario_from_shuttle, with_fleet, with_headway  # noqa: E402
from planner.simulation.simulate import SimulationRequest, simulate  # noqa: E402
from planner.simulation.sweep import (  # noqa: E402
    SweepPoint, SweepResult, SweepTask, Targets, run_sweep_task, sweep_result, sweep_tasks,
)
from planner.sources.datafiles import load_model  # noqa: E402

HOLIDAY = dt.date(2024, 10, 2)
HEADWAY_S = 240
HEADWAYS_S = (240, 300, 600, 900, 1200)
FLEETS = (5, 10, 15, 20, 25)


def concert() -> tuple[Event, Occurrence]:
    start = dt.datetime.combine(HOLIDAY, dt.time(19, 30), TZ)
    end = dt.datetime.combine(HOLIDAY, dt.time(21, 30), TZ)
    event = Event(id="bench-concert", title_zh="音乐会", title_en="Concert", venue_id="dj-chengdu-stage",
                  start=start, end=end, capacity=2000)
    return event, Occurrence(event.id, start, end)


def _start_worker(_: int) -> int:
    """Import the simulation and build the holiday calendar in a worker, as a running queue worker has."""
    from planner.simulation.daytypes import day_type

    day_type(HOLIDAY)
    time.sleep(0.3)  # hold this worker so that the next call starts the other
    return os.getpid()


def timed_sweep(tasks: list[SweepTask], workers: int) -> tuple[SweepResult, float, float, list[float]]:
    """The sweep in a spawned pool of ``workers``: (result, seconds to start the workers, seconds of the
    sweep, CPU seconds of each worker)."""
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        start = time.perf_counter()
        pids = set(pool.map(_start_worker, range(workers)))
        started = time.perf_counter()
        runs = [f.result() for f in [pool.submit(_timed_task, task) for task in tasks]]
        done = time.perf_counter()
    assert len(pids) == workers, pids
    cpu: dict[int, float] = {}
    for _point, pid, seconds in runs:
        cpu[pid] = cpu.get(pid, 0.0) + seconds
    return sweep_result([r[0] for r in runs], tasks[0].targets), started - start, done - started, sorted(cpu.values())


def _timed_task(task: SweepTask) -> tuple[SweepPoint, int, float]:
    """One sweep point, with the worker's process id and the CPU seconds it took."""
    start = time.process_time()
    point = run_sweep_task(task)
    return point, os.getpid(), time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ride-share", type=float, default=0.10)
    parser.add_argument("--headway", type=int, default=HEADWAY_S, help="seconds, every period")
    parser.add_argument("--replications", type=int, default=30)
    parser.add_argument("--sweep-replications", type=int, default=10)
    args = parser.parse_args()

    model = load_model(bundled_data_dir())
    proposal = scenario_from_shuttle(model.shuttle)
    scenario = with_headway(replace(proposal, demand=replace(proposal.demand, ride_share=args.ride_share)), args.headway)
    scenario = with_fleet(scenario, vehicle_blocks(scenario, "holiday").min_fleet)
    request = SimulationRequest(scenario, HOLIDAY, replications=1, seed=1, sessions=(concert(),),
                                places=model.places)
    print(f"cpus: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}; scenario {scenario.id}, {HOLIDAY} ({HOLIDAY:%A}), ride share {args.ride_share}, "
          f"a bus every {args.headway // 60} min, {scenario.fleet_size} buses, a concert of 2,000 ending 21:30")

    simulate(request)  # warm-up: imports, caches
    times = []
    for _ in range(5):
        start = time.perf_counter()
        one = simulate(request)
        times.append(time.perf_counter() - start)
    m = one.metrics
    print(f"one holiday: {min(times) * 1000:.0f} ms (best of 5; target < 1000 ms); "
          f"{m['arrived'].mean:,.0f} passengers arrived, {m['riders'].mean:,.0f} carried, "
          f"{m['left_behind'].mean:,.0f} left behind, {len(one.trips)} trips")

    many = replace(request, replications=args.replications)
    start = time.perf_counter()
    result = simulate(many)
    elapsed = time.perf_counter() - start
    w = result.metrics["wait_mean_s"]
    print(f"{args.replications} replications: {elapsed:.2f} s (target < 20 s); mean wait {w.mean:.0f} s "
          f"[{w.low:.0f}, {w.high:.0f}] (95% CI)")

    sweep_request = replace(request, replications=args.sweep_replications)
    tasks = sweep_tasks(sweep_request, HEADWAYS_S, FLEETS, Targets())
    timings = {}
    for workers in (1, 2):
        sweep, start_s, sweep_s, cpu = timed_sweep(tasks, workers)
        timings[workers] = (start_s + sweep_s, sweep_s)
        best = sweep.best
        named = f"best {best.headway_s // 60} min x {best.fleet} buses" if best else "no plan meets the targets"
        shares = " + ".join(f"{c:.2f}" for c in cpu)
        print(f"sweep 5x5, {args.sweep_replications} replications, {workers} worker(s): {start_s + sweep_s:.2f} s "
              f"with the pool's start, {sweep_s:.2f} s on started workers; CPU s by worker {shares} ({named})")
    print(f"sweep speed-up, 2 workers over 1: {timings[1][0] / timings[2][0]:.2f}x with the pool's start, "
          f"{timings[1][1] / timings[2][1]:.2f}x on started workers; load average now {os.getloadavg()[0]:.1f}")

    tracemalloc.start()
    simulate(many)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # ru_maxrss is in kilobytes on Linux
    print(f"peak memory: {peak / 2**20:.1f} MiB traced over {args.replications} replications; "
          f"max resident set {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
