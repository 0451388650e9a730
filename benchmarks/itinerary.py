"""Time to answer a full-day itinerary request, including its travel times.

Run: .venv/bin/python benchmarks/itinerary.py [--repeat N]

The request is the issue's visitor: 2024-02-12, a hotel near Chunxi Road,
08:00-22:00, pandas, "Hello, Su Dongpo" and the evening show, lunch, over
every place of both sites and that day's events. Target: under 1 s on a
2-core machine. Printed apart: building the date's timetable (once per date
and app, before any request), a cold request (no travel time known yet: every
range-RAPTOR slice it needs is computed inside the request) and warm ones.
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and benchmarks/calendar.py (the
# name the calendar issue gives it) would stand in for the standard library's calendar.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import datetime as dt
import statistics
import time
import tracemalloc

from planner.itinerary.daytrip import DayPlanner, DayRequest
from planner.sources.datafiles import load_model
from planner.domain.paths import bundled_data_dir
from planner.routing.journeys import JourneyPlanner, Options

DAY = dt.date(2024, 2, 12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    model = load_model(bundled_data_dir())
    for shuttle in (False, True):
        journeys = JourneyPlanner.for_model(model)
        started = time.perf_counter()
        journeys.timetable(DAY, Options(with_shuttle=shuttle))
        build_s = time.perf_counter() - started
        planner = DayPlanner(model, journeys)
        request = DayRequest(DAY, "30.6540,104.0790", 8 * 3600, 22 * 3600, interests=("pandas",),
                             must=("hello-su-dongpo-2024", "dj-standup-comedy-2024"), shuttle=shuttle)
        started = time.perf_counter()
        cold = planner.plan(request)
        cold_s = time.perf_counter() - started
        peak = _peak_memory(model, request)
        warm = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            plan = planner.plan(request)
            warm.append(time.perf_counter() - started)
        label = "with the shuttle" if shuttle else "today's transport"
        print(f"{label}: {cold.candidates} candidates, {len(cold.steps)} visits, value {cold.score:g}, "
              f"{'proven optimal' if cold.optimal else 'heuristic'}")
        print(f"  timetable of the date (once per app and date): {build_s * 1000:6.0f} ms")
        print(f"  cold request, travel times included:           {cold_s * 1000:6.0f} ms  "
              f"({cold.transit_queries} range-RAPTOR slices, {cold.travel_calls} travel calls, "
              f"peak {peak / 1e6:.1f} MB)  target < 1000 ms: {'met' if cold_s < 1 else 'NOT met'}")
        print(f"  warm requests (slices kept), median of {args.repeat}:       {statistics.median(warm) * 1000:6.0f} ms  "
              f"value {plan.score:g}")


def _peak_memory(model, request: DayRequest) -> int:
    """Peak memory of a cold request, measured apart: tracing slows Python several times."""
    journeys = JourneyPlanner.for_model(model)
    journeys.timetable(DAY, Options(with_shuttle=request.shuttle))
    tracemalloc.start()
    DayPlanner(model, journeys).plan(request)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


if __name__ == "__main__":
    main()
