"""Day plans as data, to show that making plans faster changes none of them.

``python -m tests.day_plan_record`` (from the checkout) writes the plans of :data:`REQUESTS` to
``tests/fixtures/day_plans/recorded.json``; ``tests/test_day_plans_unchanged.py`` plans them again
and compares. Recorded before the speed work of issue 14 item 2; record again only when a change of
the plans is meant (and say so in the commit).
"""
from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from planner.itinerary.daytrip import DayPlan, DayRequest, SiteLeg

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "day_plans" / "recorded.json"
H = 3600
DATES = (dt.date(2024, 10, 1), dt.date(2024, 10, 2), dt.date(2024, 12, 9), dt.date(2024, 7, 13),
         dt.date(2024, 2, 10))  # National Day (a holiday), its next day, a winter Monday, a summer Saturday, Spring Festival
STARTS = ("dongjiao-memory", "panda-base", "30.6540,104.0790", "30.6600,104.0400", "panda-museum", "dj-chengdu-stage")
INTERESTS = ((), ("pandas",), ("music", "art"), ("pandas", "kids"), ("theatre", "photo"), ("pandas", "music"))
MUSTS = ((), ("panda-moon-nursery",), ("dj-standup-comedy-2024",), ("hello-su-dongpo-2024", "panda-museum"))


def mix(n: int, seed: int = 1) -> list[DayRequest]:
    """``n`` requests over the five dates in turn: starts at sites, places and hotels, interests, must-sees,
    lunch or not, shuttle and taxi or not, every pace (the benchmarks' mix too)."""
    r = random.Random(seed)
    return [DayRequest(DATES[i % len(DATES)], r.choice(STARTS), r.choice([8 * H, 9 * H, 10 * H, 13 * H]),
                       r.choice([18 * H, 20 * H, 22 * H]), interests=r.choice(INTERESTS), must=r.choice(MUSTS),
                       meal=r.random() < 0.8, shuttle=r.random() < 0.5, taxi=r.random() < 0.25,
                       pace=r.choice(["normal", "relaxed", "brisk"]))
            for i in range(n)]


#: The recorded requests: the mix, and a few ends of the ranges (a short day, another end, a shortlist).
REQUESTS: list[DayRequest] = mix(20) + [
    DayRequest(DATES[0], "dongjiao-memory", 9 * H, 12 * H, interests=("music",)),
    DayRequest(DATES[2], "panda-base", 8 * H, 22 * H, end="dongjiao-memory", interests=("pandas", "art"),
               taxi=True, shuttle=True),
    DayRequest(DATES[4], "30.6540,104.0790", 8 * H, 18 * H, interests=("pandas",), shuttle=True,
               only=("panda-museum", "panda-villa-1", "panda-moon-nursery", "dj-chengdu-wall")),
]


def request_record(request: DayRequest) -> dict[str, Any]:
    return {"day": request.day.isoformat(), "start": request.start, "start_s": request.start_s,
            "end_s": request.end_s, "end": request.end, "interests": list(request.interests),
            "must": list(request.must), "meal": request.meal, "shuttle": request.shuttle, "taxi": request.taxi,
            "pace": request.pace, "only": None if request.only is None else list(request.only)}


def _way(way: Any) -> dict[str, Any]:
    legs = []
    for leg in way.legs:
        if isinstance(leg, SiteLeg):
            legs.append([leg.mode, leg.duration_s, leg.gate.id if leg.gate else None, leg.side])
        else:
            legs.append([leg.mode, leg.line, leg.from_id, leg.to_id, leg.dep.isoformat(), leg.arr.isoformat(),
                         leg.distance_m, leg.fare_cny, leg.headway_s, len(leg.path)])
    return {"kind": way.kind, "depart_s": way.depart_s, "arrive_s": way.arrive_s, "fare_cny": way.fare_cny,
            "legs": legs}


def plan_record(plan: DayPlan) -> dict[str, Any]:
    """What a visitor sees of ``plan`` (not how long it took nor how many travel times it asked)."""
    return {
        "steps": [{"item": s.item.id, "depart_s": s.depart_s, "arrive_s": s.arrive_s, "start_s": s.start_s,
                   "end_s": s.end_s, "way": _way(s.route)} for s in plan.steps],
        "home": _way(plan.home), "leave_s": plan.leave_s, "back_s": plan.back_s, "score": plan.score,
        "optimal": plan.optimal, "candidates": plan.candidates,
        "infeasible": [[r.code, repr(sorted(r.params.items()))] for r in plan.infeasible],
        "notes": [[r.code, repr(sorted(r.params.items()))] for r in plan.notes],
        "totals": repr(plan.totals),
    }


def main() -> None:
    from planner.domain.paths import bundled_data_dir
    from planner.itinerary.daytrip import DayPlanner
    from planner.routing.journeys import JourneyPlanner
    from planner.sources.datafiles import load_model

    model = load_model(bundled_data_dir())
    planner = DayPlanner(model, JourneyPlanner.for_model(model, timetable_cache_size=16))
    records = [{"request": request_record(r), "plan": plan_record(planner.plan(r))} for r in REQUESTS]
    FIXTURE.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(records)} plans written to {FIXTURE}")


if __name__ == "__main__":
    main()
