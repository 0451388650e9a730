"""Day plans: the form and result page, the JSON API and the .ics export."""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from planner.composition.plan_pool import PlanPool, make_job, make_pool, plan_job, pool_mode
from planner.domain.errors import BadRequest
from planner.itinerary.daytrip import DayPlan, DayPlanner, DayRequest
from planner.itinerary.plan_cache import CachedDayPlanner
from planner.web.i18n.core import _, current_lang
from planner.web.api_models import ItineraryRequest, QueryModel, RequestInvalid, parse_json, parse_query
from planner.web.api_responses import ItineraryAnswer
from planner.web.openapi import documented
from planner.web.params import parse_date, today
from planner.web.presenters import catalog
from planner.web.presenters.forms import form_errors
from planner.web.presenters.estimates import Estimates
from planner.web.presenters.lines import line_namer
from planner.web.views.journeys import typed_coordinates
from planner.web.presenters.itinerary import changes, end_points, plan_ics, plan_json
from planner.web.state import settings, state
from planner.web.downloads import disposition

bp = Blueprint("itineraries", __name__)


@bp.record_once
def _exempt_from_csrf(setup_state) -> None:
    csrf = setup_state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt("planner.web.views.itineraries.api_itineraries")


@bp.before_app_request
def _start_plan_pool() -> None:
    """The plan workers start at this process's first request of any kind (a load balancer's /readyz):
    they load the data while no visitor waits for a plan. Not earlier: a forking server builds the app
    before its processes exist, and each process needs a pool of its own."""
    if "plan_pool" not in current_app.extensions:
        plan_pool()


VARIANTS = {"without": False, "with": True}


def day_planner() -> DayPlanner:
    """The app's day planner: plans kept by request and that day's events (the model's events are the
    calendar database's); a plan not kept is searched by the plan pool, off this thread."""
    services = state()
    values = services.settings.value_model()
    journeys, plans = services.journeys_and_plans()  # one selection's: never a plan under another shuttle
    pool = plan_pool()

    def search(request: DayRequest, sessions: list) -> DayPlan:
        return pool.plan(make_job(request, sessions, services.model, values, journeys.shuttle))

    return CachedDayPlanner(plans, services.model, journeys, values=values, search=search)


_POOL_LOCK = threading.Lock()


def plan_pool() -> PlanPool:
    """This app's pool of plan workers, made at the first plan (so a forking server makes one per process)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    pool = app.extensions.get("plan_pool")
    if pool is None:
        with _POOL_LOCK:
            pool = app.extensions.get("plan_pool")
            if pool is None:
                services = state()
                mode = pool_mode(services.settings, app.testing)
                pool = app.extensions["plan_pool"] = make_pool(
                    services.settings, mode, local=lambda job: plan_job(job, services.model, services.journeys))
                pool.start()
    return pool


def request_from(wanted: ItineraryRequest, json_body: bool) -> tuple[DayRequest, str]:
    """A DayRequest from a parsed request, once the places and events it names are known.

    ``json_body``: faults are named by JSON path (``$.must[1]``), else by form field.
    Returns the request and which plans are wanted: ``compare``, ``with`` or ``without``.
    """
    def name(field: str) -> str:
        return f"$.{field}" if json_body else field

    planner = state().journeys
    planner.resolve(wanted.start, name("start"))
    if wanted.end:
        planner.resolve(wanted.end, name("end"))
    model = state().model
    for i, ref in enumerate(wanted.must):
        # an event without a session that day is the plan's to explain (it may have moved)
        if ref not in model.places and ref not in model.events:
            raise BadRequest(f"{name('must')}[{i}]", "unknown_place_or_event", value=ref)
    day_request = DayRequest(
        day=wanted.date or today(), start=wanted.start, end=wanted.end,
        start_s=wanted.start_time, end_s=wanted.end_time,
        interests=tuple(wanted.interests), must=tuple(wanted.must),
        meal=wanted.meal, taxi=wanted.taxi, pace=wanted.pace,
    )
    return day_request, wanted.shuttle


def _plans(day_request: DayRequest, shuttle: str) -> dict[str, DayPlan]:
    planner = day_planner()
    if shuttle == "compare":  # the two plans at once, on two workers of the pool
        with ThreadPoolExecutor(1, thread_name_prefix="plan-with") as beside:
            with_shuttle = beside.submit(planner.plan, replace(day_request, shuttle=True))
            without = planner.plan(replace(day_request, shuttle=False))
            return {"without": without, "with": with_shuttle.result()}
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


@bp.post("/api/itineraries")
@documented(ItineraryAnswer, query=QueryModel, body=ItineraryRequest, errors=(400, 413, 422))
def api_itineraries():
    """Day plans, with and without the proposed shuttle.

    The best day from the start (and back, or to the end) within the times
    given: visits, event sessions and lunch, valued by the interests, each
    journey at the actual time. Nothing is stored, so no account is needed.
    """
    # POST as the issue asks; it stores nothing, so no CSRF token is needed (exempted above)
    parse_query(QueryModel, request.args)  # ?lang= only
    day_request, shuttle = request_from(parse_json(ItineraryRequest, request), json_body=True)
    plans = _plans(day_request, shuttle)
    query = _query(day_request, shuttle)
    return jsonify({
        "link": url_for("itineraries.itinerary_page", _external=True) + "?" + urlencode(query),
        "plans": {name: plan_json(plan, current_lang(), state().model) for name, plan in plans.items()},
        "shuttle_changes": changes(plans),
    })


@bp.get("/itinerary")
def itinerary_page():
    """The day-plan form, and the plans once it names a start; a fault is shown beside its field."""
    lang = current_lang()
    errors: dict[str, str] = {}
    try:
        day = parse_date(request.args.get("date"), default=today())
    except BadRequest as exc:
        errors, day = form_errors(exc, lang), today()  # the lists show today; the box keeps what was typed
    day_request: DayRequest | None = None
    plans: dict[str, DayPlan] | None = None
    query = ""
    if (request.args.get("start") or request.args.get("start_latlon")) and not errors:
        try:
            args = typed_coordinates(request.args, ("start", "end"))  # a full-width comma is no fault
            day_request, shuttle = request_from(ItineraryRequest.from_form(args), json_body=False)
        except (RequestInvalid, BadRequest) as exc:
            errors = form_errors(exc, lang)
        else:
            plans = _plans(day_request, shuttle)
            query = urlencode(_query(day_request, shuttle))
    model = state().model
    start = request.args.get("start_latlon") or request.args.get("start", "dongjiao-memory")
    typed = "," in start or bool(request.args.get("start_latlon"))  # coordinates: shown in the box beside the list
    ends = end_points(state().journeys, day_request) if day_request else None  # the maps' start and end markers
    page = render_template(
        "itinerary.html", args=request.args, day=day, request_=day_request, errors=errors,
        date_value=request.args.get("date") or day.isoformat(),
        plans={name: {**plan_json(plan, lang, model), "ends": ends} for name, plan in plans.items()} if plans else None,
        est=Estimates(model, settings().data_dir, lang),
        network_url=url_for("api.network", lang=lang, date=day.isoformat()),
        tile_url=settings().tile_url, tile_attribution=settings().tile_attribution,
        line_name=line_namer(settings().data_dir, state().journeys.shuttle),
        start_choice=request.args.get("start", "dongjiao-memory") if typed else start,
        start_latlon=start if typed else "",
        shuttle_changes=changes(plans) if plans else None,
        places=[(s.id, s.name_zh, s.name_en) for s in model.sites.values()]
        + [(p.id, p.name_zh, p.name_en) for p in model.places.values()],
        attractions=[(p, catalog.hours_on(p, day)) for p in model.places.values() if p.kind != "gate"],
        day_events=catalog.events_by_id(catalog.events_on(model, day, lang), all_day=_("All day")),
        tags=sorted({t for p in model.places.values() for t in p.tags} - {"entrance"}),
        query=query,
    )
    return page, 400 if errors else 200


@bp.get("/itinerary.ics")
def itinerary_ics():
    day_request, shuttle = request_from(ItineraryRequest.from_form(request.args), json_body=False)
    variant = request.args.get("variant", "without" if shuttle == "compare" else shuttle)
    if variant not in VARIANTS:
        raise BadRequest("variant", "expected_variant")
    plan = day_planner().plan(replace(day_request, shuttle=VARIANTS[variant]))
    link = url_for("itineraries.itinerary_page", _external=True) + "?" + request.query_string.decode()
    body = plan_ics(plan, link, current_lang())
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": disposition(f"day-{day_request.day}.ics")})
