"""Journeys and the shuttle comparison: pages and JSON."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from planner.routing.compare import WHOLE_DAY_S, Comparison, compare, service_window, window_of
from planner.domain.errors import BadRequest
from planner.domain.model import format_clock
from planner.domain.opening import arrival_note_at, hours_of
from planner.routing.journeys import NoJourney, Options, already_there, check_in_chengdu
from planner.web.presenters.charts import comparison_chart
from planner.web.presenters.forms import form_errors, note_json
from planner.messages import describe, gettext
from planner.web.presenters.estimates import Estimates
from planner.web.presenters.lines import line_namer
from planner.web.i18n.core import current_lang
from planner.web.api_models import CompareQuery, JourneyQuery, RequestInvalid, parse_query
from planner.web.budgets import check_window, gate
from planner.web.api_responses import ComparisonAnswer, JourneysAnswer
from planner.web.links import url_with_query
from planner.web.openapi import documented
from planner.web.params import parse_date, today
from planner.web.state import settings, state
from planner.web.downloads import disposition

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
    options = Options(with_shuttle=query.shuttle, max_walk_m=query.max_walk_m, min_transfer_s=query.min_transfer_s,
                      max_days=settings().journey_reach_days)
    arrive_by = query.arrive_by is not None
    when_s = query.when_s
    result = {"from": origin.__dict__, "to": dest.__dict__, "date": day.isoformat(),
              "with_shuttle": options.with_shuttle, "arrive_by" if arrive_by else "depart": format_clock(when_s),
              "journeys": [], "reason": None, "already_there": already_there(origin, dest)}
    if result["already_there"]:  # nothing to ride, not even a taxi round the block
        lang = current_lang()
        result.update(taxi=None, reason=gettext("You are already there: %(from)s and %(to)s are the same place.", lang,
                                                **{"from": origin.name(lang), "to": dest.name(lang)}))
        return result
    try:
        # a timetable not kept yet is built (0.5-2 s, one at a time): a few distinct ones at once, more answer 503
        with gate("journeys", "journey_builds_max").enter(None if planner.timetable_kept(day, options)
                                                           else (day, planner.rules(options), options.with_shuttle)):
            if arrive_by:
                journeys = [planner.arrive_by(origin, dest, day, when_s, options)]
            else:
                journeys = planner.journeys(origin, dest, day, when_s, options)
        result["journeys"] = [j.to_dict() for j in journeys]
    except NoJourney as exc:
        result["reason"] = describe(exc, current_lang())  # the core says why as a code; words here
    taxi = planner.taxi_arriving_by(origin, dest, day, when_s) if arrive_by else planner.taxi(origin, dest, day, when_s)
    result["taxi"] = taxi.to_dict()
    _note_arrivals(result, dest.id if dest.kind in ("place", "site") else None)
    return result


def _note_arrivals(result: dict, dest_id: str | None) -> None:
    """Each journey's ``arrival_note``: the destination closed or not yet open at its arrival (or None)."""
    opening = hours_of(state().model, dest_id) if dest_id else None
    lang = current_lang()
    for journey in [*result["journeys"], result["taxi"]]:
        note = arrival_note_at(opening, dt.datetime.fromisoformat(journey["arrival"])) if opening else None
        journey["arrival_note"] = note_json(note, lang)


@bp.get("/api/journeys")
@documented(JourneysAnswer, query=JourneyQuery)
def api_journeys():
    """Journeys between two points: the fastest, the fewest transfers, and a taxi.

    When nothing goes, ``journeys`` is empty and ``reason`` says why (after
    the last departure, too far to walk, no service that day ...). From a
    place to itself (or within 25 m of it), ``already_there`` is true,
    ``journeys`` empty, ``taxi`` null and ``reason`` says so.
    """
    return jsonify(plan_from_args(request.args))


#: The form's one time field and its choice, as the query parameters the API takes.
TIME_CHOICES = ("depart", "arrive_by")


def form_args(args: MultiDict) -> MultiDict:
    """The journey form's ``time_is`` (depart or arrive_by) and ``time`` as ``depart`` or ``arrive_by``.

    Links made before the form had one time field give ``depart`` or ``arrive_by`` themselves:
    they are kept as they are when ``time`` is absent. An end whose list says "the coordinates typed
    below" (an empty value) is the coordinates typed beside it.
    """
    out = typed_coordinates(args, ("from", "to"))
    for end in ("from", "to"):  # the list's "coordinates typed below": the coordinates are the end
        if not args.get(end) and args.get(f"{end}_latlon"):
            out[end] = args[f"{end}_latlon"]
    if not args.get("time"):
        return out
    choice = args.get("time_is") if args.get("time_is") in TIME_CHOICES else "depart"
    out = MultiDict([(k, v) for k, v in out.items(multi=True) if k not in (*TIME_CHOICES, "time", "time_is")])
    out[choice] = args["time"]
    return out


#: what a phone's Chinese keyboard types for the comma between latitude and longitude
_WIDE_COMMAS = str.maketrans({"，": ",", "、": ",", "．": ".", "。": "."})


def typed_coordinates(args: MultiDict, ends: tuple[str, ...]) -> MultiDict:
    """The form's arguments with each ``<end>_latlon`` as a program reads it: a Chinese keyboard's
    full-width comma or stop made ASCII, spaces around them dropped (the box keeps what was typed).

    Examples
    --------
    >>> typed_coordinates(MultiDict({"from_latlon": " 30.67 ， 104.12 "}), ("from",))["from_latlon"]
    '30.67,104.12'
    """
    out = MultiDict(args)
    for end in ends:
        typed = args.get(f"{end}_latlon")
        if typed:
            out[f"{end}_latlon"] = ",".join(part.strip() for part in typed.translate(_WIDE_COMMAS).split(","))
    return out


def form_time(args: MultiDict) -> tuple[str, str]:
    """Which choice and time the form shows: the one time field, or an old link's depart/arrive_by."""
    if args.get("time"):
        choice = args.get("time_is", "")
        return (choice if choice in TIME_CHOICES else "depart"), str(args["time"])
    if args.get("arrive_by"):
        return "arrive_by", str(args["arrive_by"])
    return "depart", str(args.get("depart", "08:10"))


@bp.get("/journeys")
def journeys_page():
    planner = state().journeys
    args = form_args(request.args)
    lang = current_lang()
    result, errors, status = None, {}, 200
    try:
        day = parse_date(args.get("date"), default=today())
        # a place chosen, or coordinates typed beside the list (its option then reads so)
        if (args.get("from") or args.get("from_latlon")) and (args.get("to") or args.get("to_latlon")):
            result = plan_from_args(args)
    except (RequestInvalid, BadRequest) as exc:  # shown beside its field, the form as typed
        errors, status = form_errors(exc, current_lang(), {"depart": "time", "arrive_by": "time"}), 400
        day = None
    time_is, time = form_time(request.args)
    return render_template("journeys.html", result=result, args=request.args, places=_choices(planner),
                           day=day, date_value=request.args.get("date") or (day or today()).isoformat(),
                           time_is=time_is, time=time, errors=errors,
                           est=Estimates(state().model, settings().data_dir, lang),
                           network_url=url_for("api.network", lang=lang, date=(day or today()).isoformat()),
                           tile_url=settings().tile_url, tile_attribution=settings().tile_attribution,
                           line_name=line_namer(settings().data_dir, state().journeys.shuttle)), status


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
    services = state()  # per app: two apps may hold different data
    planner = services.journeys  # its shuttle is the selected scenario's
    day = query.date or today()
    start_s, end_s = window_of(query.start, query.end, planner.shuttle, day)
    check_window(start_s, end_s)  # also a window one end of which is the default
    key = (origin.id, dest.id, day, start_s, end_s)
    kept = services.comparisons.get(key)
    if kept is not None:
        return kept
    # computed at once: a few comparisons, each also one of the few builds journeys wait for (it builds the
    # day's timetables, one build at a time with theirs); one more answers 503 rather than queue for seconds
    with gate("comparisons", "compare_builds_max").enter(key), gate("journeys", "journey_builds_max").enter(key):
        return services.comparisons.get_or_build(key, lambda: compare(planner, origin, dest, day, start_s, end_s))


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
                        headers={"Content-Disposition": disposition(name)})
    return jsonify(result.to_dict())


@bp.get("/compare")
def compare_page():
    result = comparison_from_args(request.args)
    query = {k: v for k, v in request.args.items() if k in ("from", "to", "date", "start", "end")}
    query.setdefault("date", result.date.isoformat())
    service = service_window(state().journeys.shuttle, result.date)
    windows = [(kind, window, url_with_query("journeys.compare_page", {
        **{k: v for k, v in query.items() if k not in ("start", "end")},
        "start": format_clock(window[0]), "end": format_clock(window[1])}))
        for kind, window in (("service", service), ("whole_day", WHOLE_DAY_S)) if window is not None]
    return render_template(
        "compare.html", result=result, charts=[comparison_chart(d, result.start_s, result.end_s) for d in result.directions],
        csv_url=url_with_query("journeys.api_compare", {"format": "csv", **query}),
        json_url=url_with_query("journeys.api_compare", query),
        places=_choices(state().journeys), args=request.args, windows=windows, service_window=service,
        est=Estimates(state().model, settings().data_dir, current_lang()),  # why each series is an estimate
    )
