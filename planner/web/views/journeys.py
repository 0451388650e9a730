"""Journeys and the shuttle comparison: pages and JSON."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from planner.routing.compare import Comparison, compare
from planner.domain.model import format_clock
from planner.routing.journeys import NoJourney, Options, check_in_chengdu
from planner.web.presenters.charts import comparison_chart
from planner.messages import describe
from planner.web.i18n.core import current_lang
from planner.web.api_models import CompareQuery, JourneyQuery, parse_query
from planner.web.api_responses import ComparisonAnswer, JourneysAnswer
from planner.web.links import url_with_query
from planner.web.openapi import documented
from planner.web.params import parse_date, today
from planner.web.state import state

bp = Blueprint("journeys", __name__)



def _points(origin_spec: str, dest_spec: str):
    planner = state().journeys
    origin = planner.resolve(origin_spec, "from")
    dest = planner.resolve(dest_spec, "to")
    check_in_chengdu(origin, "from")
    check_in_chengdu(dest, "to")
    return origin, dest


def plan_from_args(args) -> dict:
    """Parse a journey request, plan it, and say what was found or why nothing was."""
    planner = state().journeys
    query = parse_query(JourneyQuery, args)
    origin, dest = _points(query.origin, query.destination)  # typed coordinates first
    day = query.date or today()
    options = Options(with_shuttle=query.shuttle, max_walk_m=query.max_walk_m, min_transfer_s=query.min_transfer_s)
    arrive_by = query.arrive_by is not None
    when_s = query.when_s
    result = {"from": origin.__dict__, "to": dest.__dict__, "date": day.isoformat(),
              "with_shuttle": options.with_shuttle, "arrive_by" if arrive_by else "depart": format_clock(when_s),
              "journeys": [], "reason": None}
    try:
        if arrive_by:
            journeys = [planner.arrive_by(origin, dest, day, when_s, options)]
        else:
            journeys = planner.journeys(origin, dest, day, when_s, options)
        result["journeys"] = [j.to_dict() for j in journeys]
    except NoJourney as exc:
        result["reason"] = describe(exc, current_lang())  # the core says why as a code; words here
    taxi = planner.taxi_arriving_by(origin, dest, day, when_s) if arrive_by else planner.taxi(origin, dest, day, when_s)
    result["taxi"] = taxi.to_dict()
    return result


@bp.get("/api/journeys")
@documented(JourneysAnswer, query=JourneyQuery)
def api_journeys():
    """Journeys between two points: the fastest, the fewest transfers, and a taxi.

    When nothing goes, ``journeys`` is empty and ``reason`` says why (after
    the last departure, too far to walk, no service that day ...).
    """
    return jsonify(plan_from_args(request.args))


@bp.get("/journeys")
def journeys_page():
    planner = state().journeys
    result = plan_from_args(request.args) if request.args.get("from") and request.args.get("to") else None
    return render_template("journeys.html", result=result, args=request.args, places=_choices(planner),
                           day=parse_date(request.args.get("date"), default=today()))


def _choices(planner) -> list[tuple[str, str, str]]:
    """(id, name_zh, name_en) of the sites and places, for the form."""
    sites = [(s.id, s.name_zh, s.name_en) for s in planner.sites.values()]
    return sites + [(p.id, p.name_zh, p.name_en) for p in planner.places.values()]


def comparison_from_args(args) -> Comparison:
    """The comparison a query string asks for (the /compare page's and the API's)."""
    return comparison_of(parse_query(CompareQuery, args))


def comparison_of(query: CompareQuery) -> Comparison:
    """Every departure minute of the query's window, both directions (kept per app)."""
    origin, dest = _points(query.from_, query.to)
    day, start_s, end_s = query.date or today(), query.start, query.end
    key = (origin.id, dest.id, day, start_s, end_s)
    services = state()  # per app: two apps may hold different data
    return services.comparisons.get_or_build(key, lambda: compare(services.journeys, origin, dest, day, start_s, end_s))


@bp.get("/api/compare")
@documented(ComparisonAnswer, query=CompareQuery, media=("application/json",), extra_media={
    "text/csv": {"schema": {"type": "string", "description": "format=csv: one row per direction and minute."}}})
def api_compare():
    """The proposed shuttle against today's transit and a taxi, minute by minute.

    For each direction: door-to-door time at every departure minute of the
    window via today's transit, with the shuttle, and by taxi; summaries per
    series and what the shuttle saves.
    """
    query = parse_query(CompareQuery, request.args)
    result = comparison_of(query)
    if query.format == "csv":
        name = f"compare-{result.date.isoformat()}.csv"
        return Response(result.to_csv(), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return jsonify(result.to_dict())


@bp.get("/compare")
def compare_page():
    result = comparison_from_args(request.args)
    query = {k: v for k, v in request.args.items() if k in ("from", "to", "date", "start", "end")}
    query.setdefault("date", result.date.isoformat())
    return render_template(
        "compare.html", result=result, charts=[comparison_chart(d, result.start_s, result.end_s) for d in result.directions],
        csv_url=url_with_query("journeys.api_compare", {"format": "csv", **query}),
        json_url=url_with_query("journeys.api_compare", query),
        places=_choices(state().journeys), args=request.args,
    )
