"""A day plan as an iCalendar file: one event per visit and per journey.

The file's structure and times come from the typed plan; its words (a leg in
a line, the way back's title) come from the caller, in the visitor's language.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from icalendar import Calendar, Event

from planner.routing.journeys import at
from planner.itinerary.daytrip import DayPlan, Item, PlanLeg, Way


@dataclass(frozen=True)
class IcsWords:
    """How the export says things: ``item`` names a visit, ``leg`` writes one leg of a way as a
    line, ``back`` titles the way back."""

    item: Callable[[Item], str]
    leg: Callable[[PlanLeg], str]
    back: str


def _uid(plan: DayPlan, kind: str, index: int) -> str:
    seed = f"{plan.request}|{kind}|{index}".encode()
    return f"{hashlib.sha1(seed).hexdigest()[:16]}-{kind}-{index}@dongjiao-panda-planner"


def _travel(plan: DayPlan, way: Way, index: int, kind: str, summary: str, link: str,
            words: IcsWords, stamp: dt.datetime) -> Event:
    day = plan.request.day
    travel = Event()
    travel.add("uid", _uid(plan, kind, index))
    travel.add("dtstamp", stamp)
    travel.add("dtstart", at(day, way.depart_s))
    travel.add("dtend", at(day, max(way.arrive_s, way.depart_s + 60)))  # a calendar shows no empty event
    travel.add("summary", summary)
    travel.add("description", "\n".join(words.leg(leg) for leg in way.legs) + f"\n{link}")
    return travel


def plan_to_ics(plan: DayPlan, link: str, words: IcsWords) -> bytes:
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
    >>> words = IcsWords(lambda item: item.name_en, lambda leg: leg.mode, "back")
    >>> body = plan_to_ics(plan, "http://localhost/itinerary", words)
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
        names = words.item(step.item)
        calendar.add_component(_travel(plan, step.route, index, "travel", f"→ {names}", link, words, stamp))
        visit = Event()
        visit.add("uid", _uid(plan, "visit", index))
        visit.add("dtstamp", stamp)
        visit.add("dtstart", at(day, step.start_s))
        visit.add("dtend", at(day, step.end_s))
        visit.add("summary", names)
        visit.add("geo", (step.item.stop.point.lat, step.item.stop.point.lon))
        visit.add("location", step.item.stop.point.name_zh)
        visit.add("url", link)
        calendar.add_component(visit)
    calendar.add_component(_travel(plan, plan.home, len(plan.steps), "home", f"→ {words.back}", link, words, stamp))
    calendar.add_missing_timezones()  # RFC 5545: every TZID used needs its VTIMEZONE
    return bytes(calendar.to_ical())
