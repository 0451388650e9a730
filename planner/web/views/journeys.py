"""Journeys and the shuttle comparison: pages and JSON."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from planner.routing.compare import Comparison, compare
from planner.domain.errors import BadRequest, in_lang
from planner.domain.model import format_clock
from planner.routing.journeys import NoJourney, Options, check_in_chengdu
from planner.web.presenters.charts import comparison_chart
from planner.web.i18n.core import current_lang
from planner.web.params import parse_date, parse_flag, parse_number, parse_time, today
from planner.web.state import state

bp = Blueprint("journeys", __name__)



def _points(args):
    planner = state().journeys
    # typed coordinates, when given, take the place of the chosen place
    origin = planner.resolve(args.get("from_latlon") or args.get("from", ""), "from")
    dest = planner.resolve(args.get("to_latlon") or args.get("to", ""), "to")
    check_in_chengdu(origin, "from")
    check_in_chengdu(dest, "to")
    return origin, dest


def plan_from_args(args) -> dict:
    """Parse a journey request, plan it, and say what was found or why nothing was."""
    planner = state().journeys
    origin, dest = _points(args)
    day = parse_date(args.get("date"), default=today())
    options = Options(
        with_shuttle=parse_flag(args.get("shuttle")),
        max_walk_m=parse_number(args.get("max_walk_m"), "max_walk_m", 0, 5000),
        min_transfer_s=_whole(parse_number(args.get("min_transfer_s"), "min_transfer_s", 0, 3600)),
    )
    arrive_by = bool(args.get("arrive_by"))
    when_s = parse_time(args.get("arrive_by"), "arrive_by") if arrive_by else parse_time(args.get("depart"), "depart")
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
        result["reason"] = in_lang(exc.args[0], current_lang())
    taxi = planner.taxi_arriving_by(origin, dest, day, when_s) if arrive_by else planner.taxi(origin, dest, day, when_s)
    result["taxi"] = taxi.to_dict()
    return result


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


@bp.get("/api/journeys")
def api_journeys():
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
    origin, dest = _points({"from": args.get("from") or "dongjiao-memory", "to": args.get("to") or "panda-south-gate"})
    day = parse_date(args.get("date"), default=today())
    start_s = parse_time(args.get("start"), "start", default=6 * 3600)
    end_s = parse_time(args.get("end"), "end", default=23 * 3600)
    if end_s <= start_s:
        raise BadRequest("end", "must be after start")
    key = (origin.id, dest.id, day, start_s, end_s)
    services = state()  # per app: two apps may hold different data
    with services.comparisons_lock:
        found = services.comparisons.get(key)
    if found is None:
        found = compare(services.journeys, origin, dest, day, start_s, end_s)
        with services.comparisons_lock:
            services.comparisons[key] = found
    return found


@bp.get("/api/compare")
def api_compare():
    result = comparison_from_args(request.args)
    if request.args.get("format") == "csv":
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
        csv_url=url_for("journeys.api_compare", format="csv", **query), json_url=url_for("journeys.api_compare", **query),
        places=_choices(state().journeys), args=request.args,
    )
