"""Day plans: the form and result page, the JSON API and the .ics export."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from planner.domain.errors import BadRequest
from planner.itinerary.daytrip import PACE, DayPlan, DayPlanner, DayRequest, compare_shuttle
from planner.itinerary.ics import plan_to_ics
from planner.web.i18n.core import MESSAGES, current_lang
from planner.web.i18n.itinerary import ITINERARY_MESSAGES
from planner.web.params import parse_date, parse_flag, parse_time, today
from planner.web.state import state

bp = Blueprint("itineraries", __name__)
MESSAGES.update(ITINERARY_MESSAGES)


@bp.record_once
def _exempt_from_csrf(setup_state) -> None:
    csrf = setup_state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt("planner.web.views.itineraries.api_itineraries")

VARIANTS = {"without": False, "with": True}


def day_planner() -> DayPlanner:
    planner = state()
    events_on = getattr(planner, "events_on", None)  # the calendar database, where the app has one
    return DayPlanner(planner.model, planner.journeys, events_on)


def request_from(data, where: str) -> tuple[DayRequest, str]:
    """A DayRequest from JSON (``where="$"``: fields named by JSON path) or a query string.

    Returns the request and which plans are wanted: ``compare``, ``with`` or ``without``.
    """
    def name(field: str) -> str:
        return f"$.{field}" if where == "$" else field

    def listed(field: str) -> tuple[str, ...]:
        if where == "$":
            value = data.get(field, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise BadRequest(name(field), "expected a list of strings")
            return tuple(value)
        return tuple(v for v in data.getlist(field) if v)

    def text(field: str, default: str | None = None) -> str | None:
        value = data.get(field, default)
        if value is not None and not isinstance(value, str):
            raise BadRequest(name(field), f"expected a string, got {value!r}")
        return value or default

    def flag(field: str, default: bool) -> bool:
        value = data.get(field, default)
        if where == "$":
            if not isinstance(value, bool):
                raise BadRequest(name(field), f"expected true or false, got {value!r}")
            return value
        return parse_flag(value) if field in data else default

    # the form's typed coordinates, when given, take the place of the chosen place
    start = (text("start_latlon") if where != "$" else None) or text("start")
    if not start:
        raise BadRequest(name("start"), "required: a place id or 'lat,lon'")
    planner = state().journeys
    planner.resolve(start, name("start"))
    end = text("end") or None
    if end:
        planner.resolve(end, name("end"))
    pace = text("pace", "normal")
    if pace not in PACE:
        raise BadRequest(name("pace"), f"{pace!r} is not one of {', '.join(PACE)}")
    shuttle = data.get("shuttle", "compare")
    if where == "$" and isinstance(shuttle, bool):
        shuttle = "with" if shuttle else "without"
    if shuttle not in ("compare", "with", "without"):
        raise BadRequest(name("shuttle"), "expected compare, with or without (or true/false)")
    day_request = DayRequest(
        day=parse_date(text("date"), name("date"), default=today()),
        start=start, end=end,
        start_s=parse_time(text("start_time"), name("start_time"), default=8 * 3600),
        end_s=parse_time(text("end_time"), name("end_time"), default=22 * 3600),
        interests=listed("interests"), must=listed("must"),
        meal=flag("meal", where == "$"), taxi=flag("taxi", False), pace=pace,
    )
    if day_request.end_s <= day_request.start_s:
        raise BadRequest(name("end_time"), "must be after the start time")
    model = state().model
    for i, ref in enumerate(day_request.must):
        # an event without a session that day is the plan's to explain (it may have moved)
        if ref not in model.places and ref not in model.events:
            raise BadRequest(f"{name('must')}[{i}]", f"no place or event {ref!r}")
    return day_request, shuttle


def _plans(day_request: DayRequest, shuttle: str) -> dict[str, DayPlan]:
    planner = day_planner()
    if shuttle == "compare":
        return compare_shuttle(planner, day_request)
    return {shuttle: planner.plan(replace(day_request, shuttle=VARIANTS[shuttle]))}


def _query(day_request: DayRequest, shuttle: str) -> list[tuple[str, str]]:
    """The query string that reproduces a plan (for its link and the .ics)."""
    from planner.domain.model import format_clock

    pairs = [("date", day_request.day.isoformat()), ("start", day_request.start),
             ("start_time", format_clock(day_request.start_s)), ("end_time", format_clock(day_request.end_s)),
             ("pace", day_request.pace), ("shuttle", shuttle)]
    if day_request.end:
        pairs.append(("end", day_request.end))
    pairs += [("interests", t) for t in day_request.interests] + [("must", m) for m in day_request.must]
    pairs += [("meal", "1")] if day_request.meal else [("meal", "0")]
    pairs += [("taxi", "1")] if day_request.taxi else []
    return pairs


def changes(plans: dict[str, DayPlan]) -> dict | None:
    """What the shuttle changes about the day: visits gained and lost, time and value."""
    if set(plans) != {"with", "without"}:
        return None
    before = {s.item.id: s.item for s in plans["without"].steps}
    after = {s.item.id: s.item for s in plans["with"].steps}
    a, b = plans["without"].totals, plans["with"].totals
    return {
        "gained": [{"id": i.ref, "name_zh": i.name_zh, "name_en": i.name_en} for k, i in after.items() if k not in before],
        "lost": [{"id": i.ref, "name_zh": i.name_zh, "name_en": i.name_en} for k, i in before.items() if k not in after],
        "value": plans["with"].score - plans["without"].score,
        "ride_s": b["ride_s"] - a["ride_s"], "wait_s": b["wait_s"] - a["wait_s"],
        "walk_s": b["walk_s"] - a["walk_s"],
        "back_s": plans["with"].back_s - plans["without"].back_s,
    }


@bp.post("/api/itineraries")
def api_itineraries():
    """Compute day plans. POST as the issue asks, but it stores nothing, so no account and
    no CSRF token are needed (it is exempted where the app is created)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("$", "expected a JSON object (Content-Type: application/json)")
    day_request, shuttle = request_from(data, "$")
    plans = _plans(day_request, shuttle)
    query = _query(day_request, shuttle)
    return jsonify({
        "link": url_for("itineraries.itinerary_page", _external=True) + "?" + urlencode(query),
        "plans": {name: plan.to_dict(current_lang()) for name, plan in plans.items()},
        "shuttle_changes": changes(plans),
    })


@bp.get("/itinerary")
def itinerary_page():
    day = parse_date(request.args.get("date"), default=today())
    plans = day_request = shuttle = None
    if request.args.get("start"):
        day_request, shuttle = request_from(request.args, "form")
        plans = _plans(day_request, shuttle)
    model = state().model
    start = request.args.get("start_latlon") or request.args.get("start", "dongjiao-memory")
    typed = "," in start  # coordinates: shown in the box beside the place list
    return render_template(
        "itinerary.html", args=request.args, day=day, plans=plans, request_=day_request,
        start_choice="dongjiao-memory" if typed else start, start_latlon=start if typed else "",
        shuttle_changes=changes(plans) if plans else None,
        places=[(s.id, s.name_zh, s.name_en) for s in model.sites.values()]
        + [(p.id, p.name_zh, p.name_en) for p in model.places.values()],
        attractions=[p for p in model.places.values() if p.kind != "gate"],
        day_events=_unique_events(day), tags=sorted({t for p in model.places.values() for t in p.tags} - {"entrance"}),
        query=urlencode(_query(day_request, shuttle)) if day_request else "",
    )


def _unique_events(day: dt.date) -> list:
    seen, events = set(), []
    for event, _ in day_planner().events_on(day):
        if event.id not in seen and event.status == "scheduled":
            seen.add(event.id)
            events.append(event)
    return events


@bp.get("/itinerary.ics")
def itinerary_ics():
    day_request, shuttle = request_from(request.args, "form")
    variant = request.args.get("variant", "without" if shuttle == "compare" else shuttle)
    if variant not in VARIANTS:
        raise BadRequest("variant", "expected with or without")
    plan = day_planner().plan(replace(day_request, shuttle=VARIANTS[variant]))
    body = plan_to_ics(plan, url_for("itineraries.itinerary_page", _external=True) + "?" + request.query_string.decode())
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="day-{day_request.day}.ics"'})
