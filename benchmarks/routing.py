"""Routing speed and memory: single queries, a full-day profile, the whole comparison.

Run: .venv/bin/python benchmarks/routing.py [--queries 200] [--seed 1]

On our feed (2024-02-12) and on the Cairns feed (a weekday inside its
calendar): the timetable is built once per feed and date, and timed apart;
then single queries between random stops at random times 06:00-22:00
(seeded), timed as RAPTOR alone and as a whole JourneyPlanner.journeys call
(endpoints, RAPTOR, legs and fares). Then one full-day profile
(06:00-23:00, every minute) for Dongjiao Memory -> Panda Base South Gate via
JourneyPlanner.profile + compare.transit_minutes, and the whole ``compare``
(transit, transit with the shuttle and taxi, both directions). Last, peak
memory: tracemalloc's peak over a build and the queries (in a separate pass,
since tracing slows everything), and the process's maximum resident set.

Targets on a 2-core machine: single-query median under 10 ms on our feed and
20 ms on Cairns; the full-day profile under 300 ms.
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
import gc  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

from planner.routing.compare import compare, transit_minutes  # noqa: E402
from planner.sources.gtfs import read_feed  # noqa: E402
from planner.sources.datafiles import load_model, load_params  # noqa: E402
from planner.domain.paths import bundled_data_dir  # noqa: E402
from planner.routing import raptor  # noqa: E402
from planner.routing.journeys import JourneyPlanner, NoJourney, Options  # noqa: E402

# the shared benchmark feed beside the checkout, else the copy the tests use
CAIRNS = next(p for p in (Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "gtfs" / "cairns_gtfs.zip",
                          Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "gtfs" / "cairns_gtfs.zip")
              if p.is_file())
OUR_DAY = dt.date(2024, 2, 12)
CAIRNS_DAY = dt.date(2014, 6, 10)  # a Tuesday
START, END = 6 * 3600, 23 * 3600


def verdict(value_ms: float, target_ms: float) -> str:
    return f"target < {target_ms:.0f} ms: {'met' if value_ms < target_ms else 'NOT met'}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def our_planner() -> JourneyPlanner:
    model = load_model(bundled_data_dir())
    return JourneyPlanner.for_model(model)


def cairns_planner() -> JourneyPlanner:
    params, _ = load_params(bundled_data_dir() / "network.yaml")
    return JourneyPlanner(read_feed(CAIRNS), params)


def random_queries(jp: JourneyPlanner, n: int, seed: int) -> list[tuple[str, str, int]]:
    rng = random.Random(seed)
    stops = sorted(s.id for s in jp.feed.stops.values() if s.location_type == 0)
    return [(rng.choice(stops), rng.choice(stops), rng.randrange(6 * 3600, 22 * 3600 + 1)) for _ in range(n)]


def single_queries(name: str, jp: JourneyPlanner, day: dt.date, n: int, seed: int, target_ms: float) -> None:
    options = Options()
    started = time.perf_counter()
    tt = jp.timetable(day, options)
    raptor.max_speed_m_s(tt)  # cached on the timetable: part of building it
    build_ms = (time.perf_counter() - started) * 1000
    print(f"{name}: {tt.n_stops} stops, {len(tt.patterns)} patterns, "
          f"{sum(len(p.trip_ids) for p in tt.patterns)} trips on {day}; timetable built in {build_ms:.0f} ms")
    rules = jp.rules(options)
    raptor_ms, planner_ms, found = [], [], 0
    for origin, dest, depart in random_queries(jp, n, seed):
        a, b = jp.resolve(origin), jp.resolve(dest)
        source, target = jp.endpoint(tt, a, b, rules), jp.endpoint(tt, b, a, rules)
        started = time.perf_counter()
        raptor.earliest_arrival(tt, source, target, depart)
        raptor_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        try:
            jp.journeys(a, b, day, depart, options)
            found += 1
        except NoJourney:
            pass
        planner_ms.append((time.perf_counter() - started) * 1000)
    for label, times in (("RAPTOR alone", raptor_ms), ("JourneyPlanner.journeys", planner_ms)):
        median = statistics.median(times)
        print(f"  {n} queries, {label:24s} median {median:6.2f} ms  p95 {percentile(times, 0.95):6.2f} ms  "
              f"max {max(times):6.2f} ms   median {verdict(median, target_ms)}")
    print(f"  ({found} of {n} queries found a journey within 4 h)")


def full_day(jp: JourneyPlanner) -> None:
    a, b = jp.resolve("dongjiao-memory"), jp.resolve("panda-south-gate")
    jp.timetable(OUR_DAY, Options())  # built already: timed above
    times = []
    for _ in range(3):
        started = time.perf_counter()
        _, source, journeys = jp.profile(a, b, OUR_DAY, START, END)
        minutes = transit_minutes(journeys, source, START, END)
        times.append((time.perf_counter() - started) * 1000)
    best = min(times)
    print(f"full-day profile dongjiao-memory -> panda-south-gate {OUR_DAY} 06:00-23:00 ({len(minutes)} minutes, "
          f"{len(journeys)} journeys): best of 3 {best:.0f} ms, first {times[0]:.0f} ms   {verdict(best, 300)}")
    started = time.perf_counter()
    jp.timetable(OUR_DAY, Options(with_shuttle=True))
    shuttle_build = (time.perf_counter() - started) * 1000
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        result = compare(jp, a, b, OUR_DAY, START, END, both_ways=True)
        runs.append((time.perf_counter() - started) * 1000)
    print(f"whole compare, both directions, transit + shuttle + taxi (4 profiles, {len(result.directions)} x "
          f"{len(result.directions[0].series['transit'])} minutes): {min(runs):.0f} ms "
          f"(timetable with the shuttle built once before, in {shuttle_build:.0f} ms)")


def memory(n: int, seed: int) -> None:
    gc.collect()
    tracemalloc.start()
    for jp, day in ((our_planner(), OUR_DAY), (cairns_planner(), CAIRNS_DAY)):
        tt = jp.timetable(day, Options())
        rules = jp.rules(Options())
        for origin, dest, depart in random_queries(jp, n // 4, seed):
            a, b = jp.resolve(origin), jp.resolve(dest)
            raptor.earliest_arrival(tt, jp.endpoint(tt, a, b, rules), jp.endpoint(tt, b, a, rules), depart)
        if day == OUR_DAY:
            a, b = jp.resolve("dongjiao-memory"), jp.resolve("panda-south-gate")
            compare(jp, a, b, day, START, END)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory, tracemalloc: {peak / 2**20:.1f} MiB (fresh: both feeds read, timetables built, "
          f"{n // 4} queries each, a whole compare)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    started = time.perf_counter()
    ours = our_planner()
    print(f"our model loaded in {(time.perf_counter() - started) * 1000:.0f} ms")
    single_queries("our feed", ours, OUR_DAY, args.queries, args.seed, 10)
    started = time.perf_counter()
    cairns = cairns_planner()
    print(f"Cairns feed read in {(time.perf_counter() - started) * 1000:.0f} ms")
    single_queries("Cairns", cairns, CAIRNS_DAY, args.queries, args.seed, 20)
    full_day(ours)
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(f"process max RSS so far (both feeds, timetables, queries, compare; no tracing): {maxrss_kb / 1024:.0f} MiB")
    memory(args.queries, args.seed)


if __name__ == "__main__":
    main()
