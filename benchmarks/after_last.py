"""Journeys asked after the day's last vehicle: CPU seconds per query, the day's timetable warm.

Run: .venv/bin/python benchmarks/after_last.py [--date 2024-02-12] [--depart 23:00]

20 evening queries Dongjiao Memory -> Panda Base (and back), with and without the shuttle, at
distinct walks (700-1650 m by 50 m): each walk's timetable of the date is built first and timed
apart (that build is what ``journey_builds_max`` gates), then the query alone is timed, as a warm
server answers it. Before the shuttle ran on every service day of a timetable (it ran on the
query's day only), a query whose origin reaches only the shuttle after its last run searched
timetables of 4, 8 and 16 days (~2 s CPU each). Target: every query under 0.3 s CPU.
"""
from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from planner.domain.paths import bundled_data_dir  # noqa: E402
from planner.routing.journeys import JourneyPlanner, NoJourney, Options  # noqa: E402
from planner.sources.datafiles import load_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default="2024-02-12")
    parser.add_argument("--depart", default="23:00")
    args = parser.parse_args()
    day = dt.date.fromisoformat(args.date)
    hours, minutes = map(int, args.depart.split(":"))
    depart_s = hours * 3600 + minutes * 60
    jp = JourneyPlanner.for_model(load_model(bundled_data_dir()), timetable_cache_size=4)
    ends = [jp.resolve("dongjiao-memory"), jp.resolve("panda-base", "to")]
    for shuttle in (False, True):
        query_s, build_s, answers = [], [], {}
        for i in range(20):
            options = Options(with_shuttle=shuttle, max_walk_m=700 + 50 * (i // 2))
            origin, dest = ends if i % 2 == 0 else ends[::-1]
            start = time.process_time()
            jp.timetable(day, options)
            build_s.append(time.process_time() - start)
            start = time.process_time()
            try:
                answer = jp.journeys(origin, dest, day, depart_s, options)[0].dep.date().isoformat()
            except NoJourney as error:
                answer = error.reason
            query_s.append(time.process_time() - start)
            answers[answer] = answers.get(answer, 0) + 1
        print(f"shuttle={int(shuttle)}: query CPU median {statistics.median(query_s):.3f} s, max {max(query_s):.3f} s; "
              f"the date's timetable build median {statistics.median(build_s):.2f} s; answers {answers}")


if __name__ == "__main__":
    main()
