"""Day plans as the API's JSON, the page's context and the .ics export's words.

The plan stays typed (:class:`planner.itinerary.daytrip.DayPlan`: seconds,
metres, yuan, reasons as codes) until here; this module gives it the shape
the README documents (``leave``, ``back``, ``steps`` with ``depart``,
``arrive``, ``start``, ``end``, ``wait_s``, ``route.legs``, ``totals``,
``score``, ``optimal``, ``infeasible``) and its words in the visitor's language.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from planner.domain.errors import Reason
from planner.domain.model import Model
from planner.domain.opening import arrival_note, hours_of
from planner.itinerary.daytrip import DayPlan, DayRequest, Item, PlanLeg, SiteLeg, Step, Way
from planner.itinerary.ics import IcsWords, plan_to_ics
from planner.messages import clock, describe_reason, gettext, meal_name, minutes, rest_name, word
from planner.routing.journeys import JourneyPlanner, Leg, at
from planner.web.presenters.forms import note_json


def plan_json(plan: DayPlan, lang: str, model: Model | None = None) -> dict[str, Any]:
    """A plan as ``POST /api/itineraries`` answers it (times ISO 8601 with +08:00, reasons in ``lang``).

    With the ``model``, each visit to a place carries ``arrival_note``: the place not yet open (or
    closed) when the step arrives, from its opening hours (:mod:`planner.domain.opening`); else null.
    """
    day = plan.request.day
    return {
        "date": day.isoformat(), "shuttle": plan.request.shuttle, "taxi": plan.request.taxi,
        "leave": at(day, plan.leave_s).isoformat(), "back": at(day, plan.back_s).isoformat(),
        "score": plan.score, "optimal": plan.optimal,
        "infeasible": [describe_reason(reason, lang) for reason in plan.infeasible],
        "notes": [describe_reason(reason, lang) for reason in plan.notes],
        "seconds": round(plan.seconds, 3), "candidates": plan.candidates,
        "totals": {**asdict(plan.totals), "total_cny": plan.totals.total_cny},
        "steps": [{**_step_json(step, day), "arrival_note": note_json(_arrival_note(step, day, model), lang)}
                  for step in plan.steps],
        "home": way_json(plan.home, day),
    }


def end_points(planner: JourneyPlanner, request: DayRequest) -> dict[str, dict[str, Any]]:
    """Where a plan starts and ends (its end: the start again unless the request names one), for its map.

    Examples
    --------
    >>> import datetime as dt
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> planner = JourneyPlanner.for_model(load_model(bundled_data_dir()))
    >>> ends = end_points(planner, DayRequest(day=dt.date(2024, 2, 12), start="30.654,104.079"))
    >>> ends["start"]["lat"], ends["end"] == ends["start"]
    (30.654, True)
    """
    def shown(spec: str) -> dict[str, Any]:
        point = planner.resolve(spec)
        return {"id": point.id, "name_zh": point.name_zh, "name_en": point.name_en, "lat": point.lat, "lon": point.lon}

    return {"start": shown(request.start), "end": shown(request.end or request.start)}


def _step_json(step: Step, day: dt.date) -> dict[str, Any]:
    item = step.item
    name_zh, name_en = item_name(item, "zh"), item_name(item, "en")
    return {
        "id": item.ref, "kind": item.kind, "name_zh": name_zh, "name_en": name_en,
        "site": item.site_id, "lat": item.stop.point.lat, "lon": item.stop.point.lon,
        "depart": at(day, step.depart_s).isoformat(), "arrive": at(day, step.arrive_s).isoformat(),
        "start": at(day, step.start_s).isoformat(), "end": at(day, step.end_s).isoformat(),
        "wait_s": step.wait_s, "price_cny": item.price_cny, "route": way_json(step.route, day),
    }


def _arrival_note(step: Step, day: dt.date, model: Model | None) -> Reason | None:
    """A place's opening hours against the step's arrival (events keep their sessions' own times)."""
    if model is None or step.item.kind != "place":
        return None
    opening = hours_of(model, step.item.ref)
    return arrival_note(opening.hours, day, step.arrive_s, opening.id, opening.name) if opening else None


def item_name(item: Item, lang: str) -> str:
    """What a step is called: a place's or event's own name, or lunch at a site."""
    name = item.name_en if lang == "en" else item.name_zh
    if item.kind == "meal":
        return meal_name(name, lang)
    return rest_name(name, lang) if item.kind == "rest" else name


def way_json(way: Way, day: dt.date) -> dict[str, Any]:
    """The way between two stops: kind, times, fare and legs."""
    return {"kind": way.kind, "depart": at(day, way.depart_s).isoformat(),
            "arrive": at(day, way.arrive_s).isoformat(), "fare_cny": way.fare_cny,
            "legs": [leg_json(leg) for leg in way.legs]}


def leg_json(leg: PlanLeg) -> dict[str, Any]:
    """A journey's leg as the journeys API gives it; a walk or queue at a gate with the gate's names."""
    if isinstance(leg, Leg):
        return leg.to_dict()
    shown: dict[str, Any] = {"mode": leg.mode, "duration_s": leg.duration_s}
    if leg.gate is not None and leg.side:
        shown.update({leg.side: leg.gate.name_zh, f"{leg.side}_en": leg.gate.name_en})
    return shown


def leg_line(leg: PlanLeg, lang: str) -> str:
    """One leg in a line, as the .ics export describes a journey ("08:10-08:25 Metro 8: A -> B")."""
    if isinstance(leg, SiteLeg):
        what = gettext("Queue at the gate", lang) if leg.mode == "queue" else word("travel mode", "walk", lang)
        return f"{what} {minutes(leg.duration_s)} {gettext('min', lang)}"
    mode = word("travel mode", leg.mode, lang)
    line = f" {leg.line}" if leg.line and leg.mode not in ("walk", "taxi", "wait") else ""
    start, end = (leg.from_name_en or leg.from_name, leg.to_name_en or leg.to_name) if lang == "en" \
        else (leg.from_name, leg.to_name)
    return f"{_hhmm(leg.dep)}-{_hhmm(leg.arr)} {mode}{line}: {start} -> {end}"


def _hhmm(moment: dt.datetime) -> str:
    return clock(moment.hour * 3600 + moment.minute * 60)


def plan_ics(plan: DayPlan, link: str, lang: str) -> bytes:
    """The plan as an iCalendar file, its words in ``lang`` and its visits named in both languages."""
    words = IcsWords(item=lambda item: f"{item_name(item, 'zh')} / {item_name(item, 'en')}",
                     leg=lambda leg: leg_line(leg, lang), back=gettext("Way back", lang))
    return plan_to_ics(plan, link, words)


def changes(plans: dict[str, DayPlan]) -> dict[str, Any] | None:
    """What the shuttle changes about the day: visits gained and lost, time and value."""
    if set(plans) != {"with", "without"}:
        return None
    before = {s.item.stop_key: s.item for s in plans["without"].steps}  # one place, one stop: an event there is the place
    after = {s.item.stop_key: s.item for s in plans["with"].steps}
    a, b = plans["without"].totals, plans["with"].totals

    def named(item: Item) -> dict[str, str]:
        return {"id": item.ref, "name_zh": item_name(item, "zh"), "name_en": item_name(item, "en")}

    return {
        "gained": [named(i) for k, i in after.items() if k not in before],
        "lost": [named(i) for k, i in before.items() if k not in after],
        "value": plans["with"].score - plans["without"].score,
        "ride_s": b.ride_s - a.ride_s, "wait_s": b.wait_s - a.wait_s, "walk_s": b.walk_s - a.walk_s,
        "back_s": plans["with"].back_s - plans["without"].back_s,
    }
