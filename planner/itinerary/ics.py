"""A day plan as an iCalendar file: one event per visit and per journey."""
from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Event

from planner.domain.model import TZ
from planner.routing.journeys import at
from planner.itinerary.daytrip import DayPlan


def _uid(plan: DayPlan, kind: str, index: int) -> str:
    seed = f"{plan.request}|{kind}|{index}".encode()
    return f"{hashlib.sha1(seed).hexdigest()[:16]}-{kind}-{index}@dongjiao-panda-planner"


def _leg_line(leg: dict) -> str:
    mode = leg["mode"]
    if "from" in leg and isinstance(leg["from"], dict):
        line = f" {leg['line']}" if leg.get("line") and mode not in ("walk", "taxi") else ""
        return f"{leg['departure'][11:16]}-{leg['arrival'][11:16]} {mode}{line}: {leg['from']['name']} -> {leg['to']['name']}"
    return f"{mode} {round(leg.get('duration_s', 0) / 60)} min"


def plan_to_ics(plan: DayPlan, link: str) -> bytes:
    """The plan's visits and journeys as VEVENTs (Asia/Shanghai times), with the link that made it.

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> from planner.routing.journeys import JourneyPlanner
    >>> from planner.itinerary.daytrip import DayPlanner, DayRequest
    >>> m = load_model(bundled_data_dir())
    >>> jp = JourneyPlanner.for_model(m)
    >>> plan = DayPlanner(m, jp).plan(DayRequest(dt.date(2024, 2, 12), "dongjiao-memory", 9 * 3600,
    ...                               13 * 3600, meal=False))
    >>> body = plan_to_ics(plan, "http://localhost/itinerary")
    >>> body.count(b"BEGIN:VEVENT") == 2 * len(plan.steps) + 1
    True
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Dongjiao Memory - Panda Base planner//day plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    day = plan.request.day
    stamp = dt.datetime.now(dt.timezone.utc)
    for index, step in enumerate(plan.steps):
        travel = Event()
        travel.add("uid", _uid(plan, "travel", index))
        travel.add("dtstamp", stamp)
        travel.add("dtstart", at(day, step.depart_s))
        travel.add("dtend", at(day, max(step.arrive_s, step.depart_s + 60)))
        travel.add("summary", f"→ {step.item.name_zh} / {step.item.name_en}")
        travel.add("description", "\n".join(_leg_line(leg) for leg in step.route["legs"]) + f"\n{link}")
        calendar.add_component(travel)
        visit = Event()
        visit.add("uid", _uid(plan, "visit", index))
        visit.add("dtstamp", stamp)
        visit.add("dtstart", at(day, step.start_s))
        visit.add("dtend", at(day, step.end_s))
        visit.add("summary", f"{step.item.name_zh} / {step.item.name_en}")
        visit.add("geo", (step.item.stop.point.lat, step.item.stop.point.lon))
        visit.add("location", step.item.stop.point.name_zh)
        visit.add("url", link)
        calendar.add_component(visit)
    home = Event()
    home.add("uid", _uid(plan, "home", len(plan.steps)))
    home.add("dtstamp", stamp)
    home.add("dtstart", dt.datetime.fromisoformat(plan.home_route["depart"]).astimezone(TZ))
    home.add("dtend", dt.datetime.fromisoformat(plan.home_route["arrive"]).astimezone(TZ))
    home.add("summary", "→ 返回 / back")
    home.add("description", "\n".join(_leg_line(leg) for leg in plan.home_route["legs"]) + f"\n{link}")
    calendar.add_component(home)
    calendar.add_missing_timezones()  # RFC 5545: every TZID used needs its VTIMEZONE
    return calendar.to_ical()
