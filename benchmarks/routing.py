"""Routing speed and memory: single queries, real feeds against pyraptor, a full-day profile, the comparison.

Run: .venv/bin/python benchmarks/routing.py [--queries 200] [--seed 1] [--pyraptor-queries 20] [--pyraptor-rounds 5]

On our feed (2024-02-12): the timetable is built once and timed apart; then
single queries between random stops at random times 06:00-22:00 (seeded),
timed as RAPTOR alone and as a whole JourneyPlanner.journeys call (endpoints,
RAPTOR, legs and fares).

Then one line per real feed of ../shared/benchmarks/gtfs (the Google sample
feed and Cairns; the copies in tests/fixtures/gtfs when ../shared is not
there): its load (read + the timetable of a weekday) and JourneyPlanner.journeys
over random stops at any time of day, evenings included, with no time limit
(a journey may arrive the next day). Then pyraptor 1.3.10 (the optional extra:
pip install -e '.[bench]') on the first of the same queries: its structures are
built from our timetable of that date (one station per stop, no footpaths, no
change time, each run one trip; see to_pyraptor), so both answer the same
question, and the answers are compared; both searches run the same rounds.
pyraptor copies every round's labels, so its queries take seconds on Cairns:
keep --pyraptor-queries small.

Then one full-day profile (06:00-23:00, every minute) for Dongjiao Memory ->
Panda Base South Gate, as the comparison asks it (JourneyPlanner.profile at
minute resolution + compare.transit_minutes), and the whole ``compare``
(transit, transit with the shuttle and taxi, both directions). Last, peak
memory: tracemalloc's peak over a build and the queries (in a separate pass,
since tracing slows everything), and the process's maximum resident set.

Targets on a 2-core machine: single-query median under 10 ms on our feed; on
the real feeds a median at least 10 times faster than pyraptor's on the same
queries; the full-day profile under 150 ms.
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
from typing import Any  # noqa: E402

from planner.routing.compare import compare, transit_minutes  # noqa: E402
from planner.sources.gtfs import read_feed  # noqa: E402
from planner.sources.datafiles import load_model, load_params  # noqa: E402
from planner.domain.paths import bundled_data_dir  # noqa: E402
from planner.routing import raptor  # noqa: E402
from planner.routing.journeys import JourneyPlanner, NoJourney, Options  # noqa: E402
from planner.routing.timetable import Timetable, WalkRules, build_timetable  # noqa: E402

SHARED_GTFS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "gtfs"
FIXTURE_GTFS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "gtfs"


def real_feed(name: str) -> Path:
    """The shared benchmark feed beside the checkout, else the copy the tests use."""
    return next(p for p in (SHARED_GTFS / name, FIXTURE_GTFS / name) if p.is_file())


#: The real feeds and the weekday each is measured on.
REAL_FEEDS = {"sample_gtfs.zip": dt.date(2008, 6, 2), "cairns_gtfs.zip": dt.date(2014, 6, 10)}  # Mon, Tue
CAIRNS = real_feed("cairns_gtfs.zip")
OUR_DAY = dt.date(2024, 2, 12)
CAIRNS_DAY = REAL_FEEDS["cairns_gtfs.zip"]
START, END = 6 * 3600, 23 * 3600
PROFILE_TARGET_MS = 150
PYRAPTOR_TARGET = 10  # ours at least this many times faster (median)
PYRAPTOR_NEVER = 2 ** 31 - 1  # pyraptor's "not reached"


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


def random_queries(jp: JourneyPlanner, n: int, seed: int, hours: tuple[int, int] = (6, 22)) -> list[tuple[str, str, int]]:
    """``n`` seeded queries between two different stops, leaving within ``hours``."""
    rng = random.Random(seed)
    stops = sorted(s.id for s in jp.feed.stops.values() if s.location_type == 0)
    found: list[tuple[str, str, int]] = []
    while len(found) < n:
        origin, dest = rng.choice(stops), rng.choice(stops)
        if origin != dest:
            found.append((origin, dest, rng.randrange(hours[0] * 3600, hours[1] * 3600 + 1)))
    return found


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
    print(f"  ({found} of {n} queries found a journey; no time limit)")


def real_feed_line(name: str, n: int, seed: int, pyraptor_n: int, rounds: int) -> None:
    """Load, then ``n`` no-limit queries through JourneyPlanner.journeys; then pyraptor on the first ones."""
    day = REAL_FEEDS[name]
    params, _ = load_params(bundled_data_dir() / "network.yaml")
    started = time.perf_counter()
    jp = JourneyPlanner(read_feed(real_feed(name)), params)
    read_ms = (time.perf_counter() - started) * 1000
    tt = jp.timetable(day, Options())
    raptor.max_speed_m_s(tt)  # cached on the timetable: part of building it
    load_ms = (time.perf_counter() - started) * 1000
    queries = random_queries(jp, n, seed, hours=(0, 24))  # evenings too: answers may come the next day
    times, found, later = [], 0, 0
    for origin, dest, depart in queries:
        a, b = jp.resolve(origin), jp.resolve(dest)
        started = time.perf_counter()
        try:
            journey = jp.journeys(a, b, day, depart)[0]
            found += 1
            later += journey.arr.date() > day
        except NoJourney:
            pass
        times.append((time.perf_counter() - started) * 1000)
    print(f"{name} ({day}, {tt.n_stops} stops, {sum(len(p.trip_ids) for p in tt.patterns)} runs): loaded in "
          f"{load_ms:.0f} ms (read {read_ms:.0f} ms, timetable {load_ms - read_ms:.0f} ms); {n} queries at any hour, "
          f"no time limit: median {statistics.median(times):.2f} ms, p95 {percentile(times, 0.95):.2f} ms "
          f"({found} found a journey, {later} arriving on a later date)")
    pyraptor_line(jp, day, queries[:pyraptor_n], rounds)


def pyraptor_line(jp: JourneyPlanner, day: dt.date, queries: list[tuple[str, str, int]], rounds: int) -> None:
    """pyraptor 1.3.10 and our RAPTOR on the same queries over the same timetable: speed and answers."""
    try:
        from loguru import logger
        from pyraptor.model.raptor import RaptorAlgorithm
    except ImportError:
        print("  pyraptor: not installed (.venv/bin/pip install -e '.[bench]'), so the ratio was not measured")
        return
    logger.remove()  # pyraptor logs every round: keep that out of the timing
    tt = build_timetable(jp.feed, day, WalkRules(max_walk_m=0, min_transfer_s=0))
    started = time.perf_counter()
    theirs_tt, their_stop, cut = to_pyraptor(tt)
    build_ms = (time.perf_counter() - started) * 1000
    algorithm = RaptorAlgorithm(theirs_tt)
    ours_ms, theirs_ms, same = [], [], 0
    for origin, dest, depart in queries:
        a, b = tt.index[origin], tt.index[dest]
        source = raptor.Endpoint(((a, 0, 0),), tt.stop_lat[a], tt.stop_lon[a])
        target = raptor.Endpoint(((b, 0, 0),), tt.stop_lat[b], tt.stop_lon[b])
        started = time.perf_counter()
        found = raptor.earliest_arrival(tt, source, target, depart, max_rides=rounds)
        ours_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        algorithm.run([their_stop[a]], depart, rounds)
        theirs_ms.append((time.perf_counter() - started) * 1000)
        # read bag_star: run() leaves the last round's bags empty when the rounds stop early (a pyraptor bug)
        theirs = algorithm.bag_star[their_stop[b]].earliest_arrival_time
        same += (found[-1].arr_s if found else None) == (theirs if theirs < PYRAPTOR_NEVER else None)
    ours, their = statistics.median(ours_ms), statistics.median(theirs_ms)
    ratio = their / ours
    verdict_text = "met" if ratio >= PYRAPTOR_TARGET else "NOT met"
    print(f"  pyraptor 1.3.10 on the same first {len(queries)} queries (no walking, no change time, {rounds} rounds, "
          f"structures from this timetable in {build_ms:.0f} ms{f', {cut} looping runs cut in pieces' if cut else ''}): "
          f"median {their:.1f} ms against our RAPTOR's {ours:.2f} ms -> ours {ratio:.0f}x faster "
          f"(target >= {PYRAPTOR_TARGET}x: {verdict_text}); same answers {same}/{len(queries)}")


def _pieces(stops: tuple[int, ...]) -> list[tuple[int, int]]:
    """[lo, hi) position ranges with no stop twice, each starting where the one before ended: pyraptor
    indexes a trip's stop times by stop, so a run that loops back goes in pieces."""
    pieces, lo, seen = [], 0, set()
    for pos, stop in enumerate(stops):
        if stop in seen:
            pieces.append((lo, pos))
            lo, seen = pos - 1, {stops[pos - 1]}
        seen.add(stop)
    return pieces + [(lo, len(stops))]


def to_pyraptor(tt: Timetable) -> tuple[Any, list[Any], int]:
    """Our timetable of a date as pyraptor's structures: one station per stop (so no footpaths and no
    change time), one trip per run (pieces of a looping one). Returns the timetable, its stop of each of
    ours, and how many runs were cut in pieces."""
    from pyraptor.model.structures import (Routes, Station, Stations, Stop, Stops, Timetable as TheirTimetable,
                                           Transfers, Trip, Trips, TripStopTime, TripStopTimes)

    stations, stops, trips, stop_times, routes = Stations(), Stops(), Trips(), TripStopTimes(), Routes()
    their_stop = []
    for stop_id in tt.stop_ids:
        station = stations.add(Station(stop_id, stop_id))
        stop = stops.add(Stop(stop_id, stop_id, station, "?"))
        station.add_stop(stop)
        their_stop.append(stop)
    cut = 0
    for pattern in tt.patterns:
        pieces = _pieces(pattern.stops)
        cut += (len(pieces) > 1) * len(pattern.trip_ids)
        for arrivals, departures in zip(pattern.arrivals, pattern.departures):
            for lo, hi in pieces:
                trip = Trip()
                for pos in range(lo, hi):
                    trip.add_stop_time(TripStopTime(trip, pos - lo, their_stop[pattern.stops[pos]], arrivals[pos],
                                                    departures[pos], 0))
                trips.add(trip)  # gives the trip its id (its hash): index its stop times after, else O(n^2)
                for stop_time in trip.stop_times:
                    stop_times.add(stop_time)
    for trip in trips:
        routes.add(trip)
    return TheirTimetable(stations, stops, trips, stop_times, routes, Transfers()), their_stop, cut


def full_day(jp: JourneyPlanner) -> None:
    a, b = jp.resolve("dongjiao-memory"), jp.resolve("panda-south-gate")
    jp.timetable(OUR_DAY, Options())  # built already: timed above
    times = []
    for _ in range(3):
        started = time.perf_counter()
        _, source, journeys = jp.profile(a, b, OUR_DAY, START, END, resolution_s=60)  # as compare asks it
        minutes = transit_minutes(journeys, source, START, END)
        times.append((time.perf_counter() - started) * 1000)
    best = min(times)
    print(f"full-day profile dongjiao-memory -> panda-south-gate {OUR_DAY} 06:00-23:00 ({len(minutes)} minutes, "
          f"{len(journeys)} journeys): best of 3 {best:.0f} ms, first {times[0]:.0f} ms   "
          f"{verdict(best, PROFILE_TARGET_MS)}")
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
    parser.add_argument("--pyraptor-queries", type=int, default=20, help="pyraptor takes seconds a query on Cairns")
    parser.add_argument("--pyraptor-rounds", type=int, default=5, help="rounds (vehicles) of both searches")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    started = time.perf_counter()
    ours = our_planner()
    print(f"our model loaded in {(time.perf_counter() - started) * 1000:.0f} ms")
    single_queries("our feed", ours, OUR_DAY, args.queries, args.seed, 10)
    for name in REAL_FEEDS:
        real_feed_line(name, args.queries, args.seed, args.pyraptor_queries, args.pyraptor_rounds)
    full_day(ours)
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(f"process max RSS so far (both feeds, timetables, queries, compare; no tracing): {maxrss_kb / 1024:.0f} MiB")
    memory(args.queries, args.seed)


if __name__ == "__main__":
    main()
