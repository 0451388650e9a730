"""Shuttle scenarios for planners: list and compare, view, edit, simulate, sweep, GTFS out; and their API.

Everyone may read (the list, a scenario, its blocks, a simulated day); only the ``planner`` role
(or an admin) writes: new, edit, delete, restore, select as the shuttle, start a sweep. Forms
carry the CSRF token; an edit names the version it was made from, and a stale one shows what the
other planner saved beside what this one typed (nothing typed is lost).

Work per request is bounded (:data:`MAX_REPLICATIONS`, :data:`MAX_GRID`, :data:`MAX_GTFS_DAYS`);
a sweep runs on the job queue (:mod:`planner.composition.jobs`), the page polls its progress.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from flask import (Blueprint, Response, current_app, flash, jsonify, redirect, render_template, request, url_for)
from flask_login import current_user

from planner.domain.caches import SharedCache
from planner.domain.daytypes import DAY_TYPES, day_type
from planner.domain.errors import BadRequest, DataError, NotFound
from planner.domain.model import TZ
from planner.store import Conflict, Taken
from planner.web.api_models import (CompareQuery, RequestInvalid, ScenarioSimulateRequest, ScenariosQuery,
                                    ScenarioSweepRequest, SWEEP_GRID_MAX, REPLICATIONS_MAX, SWEEP_REPLICATIONS_MAX,
                                    parse_json, parse_query)
from planner.web.api_responses import JobAccepted, JobAnswer, ScenarioAnswer, ScenarioList, SimulationAnswer
from planner.web.downloads import disposition
from planner.web.i18n.core import _, current_lang
from planner.web.openapi import documented
from planner.web.params import parse_date, today
from planner.web.presenters import shuttle_charts as charts
from planner.web.presenters.forms import form_errors
from planner.web.presenters.problem_words import problem_words
from planner.web.presenters.scenario_forms import (FormReading, box_of, form_from_record, record_from_form,
                                                   service_box)
from planner.web.state import state
from planner.web.views.auth import requires

bp = Blueprint("scenarios", __name__)
PLANNER = "planner"
#: Replications of one simulated day at most (benchmarks/simulation.py: 30 take under 20 s).
MAX_REPLICATIONS = REPLICATIONS_MAX
#: Headways and fleets of a sweep at most, each (7 x 7 = 49 simulated plans).
MAX_GRID = SWEEP_GRID_MAX
#: Days a GTFS export covers at most (a year and a day: every day type and holiday of a year).
MAX_GTFS_DAYS = 366
#: Simulated days kept per app, so a chart's CSV does not simulate again (a day's result is ~1 MB).
RESULTS_KEPT = 16
COMPARE_REPLICATIONS_MAX = 20


def _store():
    return state().scenarios


def _jobs():
    return state().queue


def _results() -> SharedCache:
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy's method
    return app.extensions.setdefault("scenario_results", SharedCache(RESULTS_KEPT, build_once=True))


def _can_write() -> bool:
    return bool(current_user.is_authenticated and current_user.can(PLANNER))


@bp.app_context_processor
def _planner_flag() -> dict[str, Any]:
    return {"can_plan": _can_write()} if request.blueprint == "scenarios" else {}


# --- the list, and two side by side


@bp.get("/scenarios")
def index():
    store = _store()
    stored = store.all()
    selected = store.selected_id()
    rows = []
    for s in stored:
        plans = {t: _plan(s.scenario, t) for t in DAY_TYPES}
        rows.append({"stored": s, "selected": s.id == selected, "plans": plans,
                     "trips": {t: len(s.scenario.trips(t)) for t in DAY_TYPES}})
    ids = [s.id for s in stored]
    a, b = request.args.get("a") or None, request.args.get("b") or None
    comparison, errors = None, {}
    if a and b:
        try:
            day = parse_date(request.args.get("date"), default=today())
            reps = _int_arg("replications", 5, 1, COMPARE_REPLICATIONS_MAX)
            for name, value in (("a", a), ("b", b)):
                if value not in ids:
                    raise BadRequest(name, "not_one_of", value=value, choices=tuple(ids))
            comparison = {"day": day, "day_type": day_type(day), "replications": reps,
                          "a": _stored_by_id(stored, a), "b": _stored_by_id(stored, b),
                          "results": [_simulated(_stored_by_id(stored, x), day, reps, 1) for x in (a, b)]}
        except (BadRequest, RequestInvalid) as exc:
            errors = form_errors(exc, current_lang())
    picked = {"a": a or ids[0], "b": b or ids[min(1, len(ids) - 1)]}
    return render_template("scenarios/index.html", rows=rows, selected=selected, comparison=comparison,
                           errors=errors, args=request.args, today=today(), picked=picked), 400 if errors else 200


def _stored_by_id(stored, scenario_id):
    return next(s for s in stored if s.id == scenario_id)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name) or ""
    if not text:
        return default
    if not _digits(text) or not low <= int(text) <= high:
        raise BadRequest(name, "out_of_bounds", value=text[:20], low=str(low), high=str(high))
    return int(text)


def _digits(text: str) -> bool:
    """ASCII digits, few enough for int() and a database integer ('²' is a digit to str.isdigit, and
    int() refuses 4,301 digits or more)."""
    return text.isascii() and text.isdigit() and len(text) <= 12


# --- one scenario


def _plan(scenario, kind: str, fleet: int | None = None):
    from planner.simulation.blocks import vehicle_blocks

    return vehicle_blocks(scenario, kind, fleet)


def _day_type_arg() -> str:
    value = request.args.get("day_type") or DAY_TYPES[0]
    if value not in DAY_TYPES:
        raise BadRequest("day_type", "not_one_of", value=value, choices=DAY_TYPES)
    return value


@bp.get("/scenarios/<scenario_id>")
def view(scenario_id: str):
    store = _store()
    stored = store.get(scenario_id)
    scenario, lang = stored.scenario, current_lang()
    kind = _day_type_arg()
    plan = _plan(scenario, kind)
    return render_template("scenarios/view.html", stored=stored, scenario=scenario, day_type=kind,
                           selected=store.selected_id() == scenario_id,
                           timetables=charts.timetable_view(scenario, DAY_TYPES, lang), plan=plan,
                           blocks_chart=charts.blocks_chart(plan, lang),
                           min_fleets={t: _plan(scenario, t).min_fleet for t in DAY_TYPES},
                           history=store.history(scenario_id), record=stored.record)


@bp.get("/scenarios/<scenario_id>/blocks.csv")
def blocks_csv(scenario_id: str):
    stored = _store().get(scenario_id)
    kind = _day_type_arg()
    return _csv(charts.blocks_csv(_plan(stored.scenario, kind)), f"{scenario_id}-blocks-{kind}.csv")


@bp.get("/scenarios/<scenario_id>/gtfs.zip")
def gtfs(scenario_id: str):
    """The scenario's timetable as a GTFS feed from ``from`` (default today) to ``to`` (default a year on)."""
    from planner.simulation.gtfs_export import scenario_to_gtfs

    stored = _store().get(scenario_id)
    start = parse_date(request.args.get("from"), "from", default=today())
    end = parse_date(request.args.get("to"), "to", default=start + dt.timedelta(days=364))
    if end < start:
        raise BadRequest("to", "out_of_bounds", value=end.isoformat(), low=start.isoformat(),
                         high=(start + dt.timedelta(days=MAX_GTFS_DAYS - 1)).isoformat())
    if (end - start).days >= MAX_GTFS_DAYS:
        raise BadRequest("to", "out_of_bounds", value=end.isoformat(), low=start.isoformat(),
                         high=(start + dt.timedelta(days=MAX_GTFS_DAYS - 1)).isoformat())
    body = scenario_to_gtfs(stored.scenario, start, end)
    return Response(body, mimetype="application/zip",
                    headers={"Content-Disposition": disposition(f"{scenario_id}-gtfs.zip")})


# --- writing: new, edit, delete, restore, select


@bp.route("/scenarios/new", methods=["GET", "POST"])
@requires(PLANNER)
def new():
    store = _store()
    if request.method == "GET":
        source = store.get(request.args.get("from") or store.selected_id())
        record = {**source.record, "id": f"{source.id}-copy", "name_zh": f"{source.scenario.name_zh}（副本）",
                  "name_en": f"{source.scenario.name_en} (copy)"}
        return _form(None, form_from_record(record), base=source.id)
    base = store.get(request.form.get("base") or store.selected_id()).record
    reading = record_from_form(request.form, base)
    if reading.problems:
        return _form(None, request.form, reading, _checked(reading), base=request.form.get("base")), 422
    try:
        saved = store.create(reading.record, current_user.name)
    except DataError as exc:  # a Taken id (created by another request, perhaps at the same moment): 409
        return (_form(None, request.form, reading, exc.problems, base=request.form.get("base")),
                409 if isinstance(exc, Taken) else 422)
    flash(_("Saved (version %(v)s).", v=saved.version), "ok")
    return redirect(url_for(".view", scenario_id=saved.id))


@bp.route("/scenarios/<scenario_id>/edit", methods=["GET", "POST"])
@requires(PLANNER)
def edit(scenario_id: str):
    store = _store()
    stored = store.get(scenario_id)
    if request.method == "GET":
        return _form(stored, {**form_from_record(stored.record), "version": str(stored.version)})
    expected = _version(request.form.get("version"))
    reading = record_from_form(request.form, stored.record)
    reading.record["id"] = scenario_id
    if reading.problems:
        return _form(stored, request.form, reading, _checked(reading)), 422
    changes = {k: v for k, v in reading.record.items() if k != "id"}
    try:
        saved = store.update(scenario_id, changes, expected, current_user.name)
    except DataError as exc:
        return _form(stored, request.form, reading, exc.problems), 422
    except Conflict as exc:
        # someone saved meanwhile: this planner's text stays in the boxes, theirs is shown beside it;
        # the form now names their version, so saving again is a choice made having seen both
        values = {**request.form.to_dict(), "version": str(exc.current.version)}
        theirs = form_from_record(exc.current.record)
        mine = form_from_record(reading.record)
        differing = [name for name in theirs if name != "id" and theirs[name] != mine.get(name)]
        return _form(exc.current, values, reading, conflict={"current": exc.current, "theirs": theirs,
                                                                 "fields": differing}), 409
    flash(_("Saved (version %(v)s).", v=saved.version) if saved.version != expected else _("Nothing changed."), "ok")
    return redirect(url_for(".view", scenario_id=scenario_id))


def _checked(reading: FormReading) -> list:
    """The record's own faults in the boxes the form could read (a box with unreadable lines has its
    faults already): all of them at once, not only the form's."""
    try:
        _store().validate(reading.record)
    except DataError as exc:
        return [p for p in exc.problems if box_of(p.where, reading)[0] not in reading.problems]
    return []


def _form(stored, values, reading: FormReading | None = None, problems=None, conflict=None, base=None):
    errors: dict[str, list[str]] = {box: list(messages) for box, messages in (reading.problems if reading else {}).items()}
    lang = current_lang()  # the record's faults come in English: said again in the page's language
    for problem in problems or ():
        box, prefix = box_of(problem.where, reading)
        # a list item's own field names its unit (headway_s: seconds, where the box says minutes)
        leaf = problem.where.rsplit("].", 1)[1] if "]." in problem.where else ""
        errors.setdefault(box, []).append(prefix + (f"{leaf}: " if leaf else "") + problem_words(problem.message, lang))
    boxes = set(form_from_record({})) | {"id"}
    loose = {box: messages for box, messages in errors.items() if box not in boxes}
    return render_template("scenarios/form.html", stored=stored, values=values, errors=errors, loose=loose,
                           conflict=conflict, base=base, day_types=DAY_TYPES, service_box=service_box)


def _version(value: str | None) -> int:
    # a version is a row's integer column: 19 digits would overflow it (SQLite raised OverflowError)
    if not value or not value.isascii() or not value.isdigit() or len(value) > 9:
        raise BadRequest("version", "missing_version")
    return int(value)


@bp.post("/scenarios/<scenario_id>/select")
@requires(PLANNER)
def select(scenario_id: str):
    _store().select(scenario_id, current_user.name)  # the services follow it: their caches start again
    flash(_("Selected: the comparison, the day plans and the public timetable now use this scenario."), "ok")
    return redirect(url_for(".view", scenario_id=scenario_id))


@bp.post("/scenarios/<scenario_id>/delete")
@requires(PLANNER)
def delete(scenario_id: str):
    _store().delete(scenario_id, _version(request.form.get("version")), current_user.name)
    flash(_("Deleted. Its history is kept: it can be restored."), "ok")
    return redirect(url_for(".index"))


@bp.post("/scenarios/<scenario_id>/restore")
@requires(PLANNER)
def restore(scenario_id: str):
    saved = _store().restore(scenario_id, _version(request.form.get("restore")),
                             _version(request.form.get("version")), current_user.name)
    flash(_("Saved (version %(v)s).", v=saved.version), "ok")
    return redirect(url_for(".view", scenario_id=scenario_id))


# --- a simulated day


def _sessions(day: dt.date) -> tuple:
    """The calendar's sessions of ``day`` (cancelled ones too: demand leaves them out)."""
    midnight = dt.datetime.combine(day, dt.time(), TZ)
    return tuple(state().calendar.occurrences_between(midnight, midnight + dt.timedelta(days=1)))


def _transit_door_s(scenario, day: dt.date) -> dict[str, list[int | None]] | None:
    """Today's door-to-door transit time between the terminals, by departure minute, each way
    (from the comparison engine, cached per day); None when the comparison cannot be made."""
    from planner.web.views.journeys import comparison_of

    def end(stop) -> str:
        return stop.place_id or f"{stop.lat:.5f},{stop.lon:.5f}"

    try:
        query = CompareQuery.model_validate({"from": end(scenario.stops[0]), "to": end(scenario.stops[-1]),
                                             "date": day.isoformat(), "start": "05:00", "end": "24:00"})
        comparison = comparison_of(query)
    except Exception:  # noqa: BLE001 - a day without a comparison is simulated without minutes saved
        current_app.logger.warning("no transit comparison for %s on %s", scenario.id, day, exc_info=True)
        return None
    by_direction: dict[str, list[int | None]] = {}
    for name, direction in zip(("outbound", "inbound"), comparison.directions):
        minutes: list[int | None] = [None] * (30 * 60)
        for m in direction.series["transit"]:
            if 0 <= m.depart_s // 60 < len(minutes):
                minutes[m.depart_s // 60] = m.door_s
        by_direction[name] = minutes
    return by_direction


def _request(stored, day: dt.date, replications: int, seed: int):
    from planner.simulation.simulate import SimulationRequest

    return SimulationRequest(scenario=stored.scenario, day=day, replications=replications, seed=seed,
                             sessions=_sessions(day), transit_door_s=_transit_door_s(stored.scenario, day),
                             places=dict(state().model.places))


def _sessions_key(day: dt.date) -> str:
    """A digest of the day's sessions: a staff edit of that day makes a new result."""
    text = json.dumps([(e.id, e.status, o.start.isoformat(), o.end.isoformat(), e.capacity)
                       for e, o in _sessions(day)], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _simulated(stored, day: dt.date, replications: int, seed: int):
    """The simulated day, kept per scenario version, day, replications, seed and the day's sessions."""
    from planner.simulation.simulate import simulate

    key = (stored.key, day, replications, seed, _sessions_key(day))
    return _results().get_or_build(key, lambda: simulate(_request(stored, day, replications, seed)))


def _simulation_args() -> tuple[dt.date, int, int]:
    day = parse_date(request.args.get("date"), default=today())
    return day, _int_arg("replications", 10, 1, MAX_REPLICATIONS), _int_arg("seed", 1, 0, 2**31 - 1)


@bp.get("/scenarios/<scenario_id>/simulate")
def simulate_page(scenario_id: str):
    stored = _store().get(scenario_id)
    scenario = stored.scenario
    errors, result, args = {}, None, request.args
    if args.get("date"):
        try:
            day, reps, seed = _simulation_args()
            result = _simulated(stored, day, reps, seed)
        except BadRequest as exc:
            errors = form_errors(exc, current_lang())
    chartsets = None
    if result is not None:
        stops = [(s.name_en if current_lang() == "en" else s.name_zh, d) for s, d in _stop_distances(scenario)]
        chartsets = {"marey": charts.marey_chart(result.positions, scenario.length_m(), stops),
                     "load": charts.load_chart(result.trips, scenario.capacity_passengers),
                     "waits": charts.wait_histogram(result.waits_s)}
    day_value = args.get("date") or today().isoformat()
    return render_template("scenarios/simulate.html", stored=stored, scenario=scenario, result=result,
                           charts=chartsets, errors=errors, args=args, day_value=day_value,
                           max_replications=MAX_REPLICATIONS), 400 if errors else 200


def _stop_distances(scenario) -> list[tuple[Any, float]]:
    """Each stop and its distance from the first along the trip (the ends: 0 and the length)."""
    from planner.domain.geo import distance_m

    stops = list(scenario.stops)
    if len(stops) == 2:
        return [(stops[0], 0.0), (stops[1], scenario.length_m())]
    hops = [distance_m(a.position, b.position) for a, b in zip(stops, stops[1:])]
    total = sum(hops) or 1.0
    out, run = [(stops[0], 0.0)], 0.0
    for stop, hop in zip(stops[1:], hops):
        run += hop
        out.append((stop, run / total * scenario.length_m()))
    return out


CSV_CHARTS = ("metrics", "marey", "load", "waits")


@bp.get("/scenarios/<scenario_id>/simulate.csv")
def simulate_csv(scenario_id: str):
    stored = _store().get(scenario_id)
    chart = request.args.get("chart") or "metrics"
    if chart not in CSV_CHARTS:
        raise BadRequest("chart", "not_one_of", value=chart, choices=CSV_CHARTS)
    day, reps, seed = _simulation_args()
    result = _simulated(stored, day, reps, seed)
    body = {"metrics": lambda: charts.metrics_csv(result.metrics),
            "marey": lambda: charts.marey_csv(result.positions),
            "load": lambda: charts.load_csv(result.trips, stored.scenario.capacity_passengers),
            "waits": lambda: charts.waits_csv(result.waits_s)}[chart]()
    return _csv(body, f"{scenario_id}-{day}-{chart}.csv")


def _csv(body: str, name: str) -> Response:
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition(name)})


# --- the sweep


def _minutes_list(text: str, field: str, low: int, high: int) -> list[int]:
    values = []
    for part in (p for p in text.replace("，", ",").replace(" ", ",").split(",") if p):
        if not _digits(part) or not low <= int(part) <= high:
            raise BadRequest(field, "out_of_bounds", value=part[:20], low=str(low), high=str(high))
        values.append(int(part))
    if not values:
        raise BadRequest(field, "missing")
    if len(set(values)) > MAX_GRID:  # how many values: at most MAX_GRID
        raise BadRequest(field, "out_of_bounds", value=str(len(set(values))), low="1", high=str(MAX_GRID))
    return sorted(set(values))


SWEEP_FIELDS = ("date", "headways", "fleets", "replications", "wait_p95_min", "left_behind", "seed")


@bp.get("/scenarios/<scenario_id>/sweep")
def sweep_page(scenario_id: str):
    stored = _store().get(scenario_id)
    job_id = request.args.get("job")
    status, result, chart = None, None, None
    if job_id:
        status = _jobs().status(job_id)
        if status.state == "finished" and status.result:
            from planner.simulation.sweep import sweep_from_record

            result = sweep_from_record(status.result)
            chart = charts.sweep_chart(result)
    defaults = {"date": today().isoformat(), "headways": "10, 15, 20, 30", "fleets": "3, 4, 5, 6",
                "replications": "5", "wait_p95_min": "15", "left_behind": "0", "seed": "1"}
    defaults.update({name: request.args[name] for name in SWEEP_FIELDS if name in request.args})
    return render_template("scenarios/sweep.html", stored=stored, scenario=stored.scenario, status=status,
                           result=result, chart=chart, values=defaults, errors={}, job_id=job_id,
                           max_grid=MAX_GRID, max_replications=SWEEP_REPLICATIONS_MAX)


@bp.post("/scenarios/<scenario_id>/sweep")
@requires(PLANNER)
def start_sweep(scenario_id: str):
    stored = _store().get(scenario_id)
    form = request.form
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    checks = {
        "date": lambda: parse_date(form.get("date"), "date"),
        "headways": lambda: _minutes_list(form.get("headways", ""), "headways", 1, 120),
        "fleets": lambda: _minutes_list(form.get("fleets", ""), "fleets", 1, 200),
        "replications": lambda: _form_int(form, "replications", 1, SWEEP_REPLICATIONS_MAX),
        "wait_p95_min": lambda: _form_int(form, "wait_p95_min", 1, 240),
        "left_behind": lambda: _form_int(form, "left_behind", 0, 100000),
        "seed": lambda: _form_int(form, "seed", 0, 2**31 - 1),
    }
    for name, check in checks.items():  # every box checked: all its faults at once, each beside its box
        try:
            parsed[name] = check()
        except BadRequest as exc:
            errors.update(form_errors(exc, current_lang()))
    if errors:
        return render_template("scenarios/sweep.html", stored=stored, scenario=stored.scenario, status=None,
                               result=None, chart=None, values=form, errors=errors, job_id=None,
                               max_grid=MAX_GRID, max_replications=SWEEP_REPLICATIONS_MAX), 400
    job_id = _submit_sweep(stored, parsed["date"], [h * 60 for h in parsed["headways"]], parsed["fleets"],
                           parsed["replications"], parsed["seed"], parsed["wait_p95_min"] * 60, parsed["left_behind"])
    # the page of the job shows the form as it was sent (the next sweep starts from it)
    sent: dict[str, Any] = {name: form.get(name, "") for name in SWEEP_FIELDS}
    return redirect(url_for(".sweep_page", scenario_id=scenario_id, job=job_id, **sent))


def _form_int(form, name: str, low: int, high: int) -> int:
    text = (form.get(name) or "").strip()
    if not _digits(text) or not low <= int(text) <= high:
        raise BadRequest(name, "out_of_bounds", value=text[:20], low=str(low), high=str(high))
    return int(text)


def _submit_sweep(stored, day, headways_s, fleets, replications, seed, wait_p95_s, left_behind) -> str:
    from planner.simulation.sweep import Targets, sweep_tasks

    tasks = sweep_tasks(_request(stored, day, replications, seed), headways_s, fleets)
    return _jobs().submit_sweep(tasks, Targets(wait_p95_s=wait_p95_s, left_behind=left_behind))


@bp.get("/scenarios/<scenario_id>/sweep.csv")
def sweep_csv(scenario_id: str):
    from planner.simulation.sweep import sweep_from_record

    _store().get(scenario_id)
    status = _jobs().status(request.args.get("job") or "")
    if status.state != "finished" or not status.result:
        raise NotFound("no_page")  # no numbers behind a chart not drawn yet
    return _csv(charts.sweep_csv(sweep_from_record(status.result)), f"{scenario_id}-sweep.csv")


# --- the API


def _summary(stored, selected: str, lang: str) -> dict[str, Any]:
    s = stored.scenario
    return {"id": s.id, "name": s.name_en if lang == "en" else s.name_zh, "name_zh": s.name_zh, "name_en": s.name_en,
            "version": stored.version, "selected": s.id == selected, "updated_at": stored.updated_at.isoformat(),
            "updated_by": stored.updated_by, "fleet_size": s.fleet_size, "capacity_passengers": s.capacity_passengers,
            "stops": len(s.stops), "length_m": round(s.length_m()), "fare_cny": s.fare_cny,
            "trips": {t: len(s.trips(t)) for t in DAY_TYPES}}


@bp.get("/api/scenarios")
@documented(ScenarioList, query=ScenariosQuery)
def api_list():
    """Every shuttle scenario, the selected one marked (the shuttle of the comparison and day plans)."""
    parse_query(ScenariosQuery, request.args)
    store = _store()
    selected, lang = store.selected_id(), current_lang()
    return jsonify({"selected": selected, "scenarios": [_summary(s, selected, lang) for s in store.all()]})


@bp.get("/api/scenarios/<scenario_id>")
@documented(ScenarioAnswer, query=ScenariosQuery, errors=(400, 404))
def api_get(scenario_id: str):
    """One scenario: its record (every field, in the units it is kept in) and its vehicle blocks by day type.

    ``blocks``: for each day type the least fleet that runs the timetable and, with the scenario's
    fleet, the first trip no vehicle can run (null when every trip runs).
    """
    parse_query(ScenariosQuery, request.args)
    store = _store()
    stored = store.get(scenario_id)
    blocks = {}
    for kind in DAY_TYPES:
        plan = _plan(stored.scenario, kind)
        blocks[kind] = {"min_fleet": plan.min_fleet, "fleet_size": plan.fleet_size, "trips": len(stored.scenario.trips(kind)),
                        "uncovered": _trip_json(plan.uncovered) if plan.uncovered else None}
    return jsonify({**_summary(stored, store.selected_id(), current_lang()), "record": stored.record, "blocks": blocks})


def _trip_json(trip) -> dict[str, Any]:
    return {"trip_id": trip.trip_id, "direction": trip.direction, "depart_s": trip.depart_s,
            "arrive_s": trip.arrive_s, "depart": charts.clock(trip.depart_s), "arrive": charts.clock(trip.arrive_s)}


def _estimate(e) -> dict[str, Any]:
    return {"mean": _finite(e.mean), "low": _finite(e.low), "high": _finite(e.high), "n": e.n}


def _finite(value) -> float | None:
    return None if value is None or value != value or value in (float("inf"), float("-inf")) else float(value)


@bp.post("/api/scenarios/<scenario_id>/simulate")
@documented(SimulationAnswer, body=ScenarioSimulateRequest, errors=(400, 404, 413))
def api_simulate(scenario_id: str):
    """Simulate one day of the scenario: metrics with 95% confidence intervals and the trips of the first run.

    Buses follow the scenario's vehicle blocks; riders arrive from its demand assumptions and the
    calendar's shows of that day. At most 50 replications. Stores nothing.
    """
    body = parse_json(ScenarioSimulateRequest, request)
    stored = _store().get(scenario_id)
    day = body.date or today()
    result = _simulated(stored, day, body.replications, body.seed)
    return jsonify({"scenario": scenario_id, "version": stored.version, "date": day.isoformat(),
                    "day_type": result.day_type, "replications": result.replications, "seed": result.seed,
                    "metrics": {name: _estimate(e) for name, e in result.metrics.items()},
                    "trips": [{"trip_id": t.trip_id, "direction": t.direction, "vehicle": t.vehicle,
                               "planned_depart_s": t.planned_depart_s, "depart_s": t.depart_s, "arrive_s": t.arrive_s,
                               "boarded": t.boarded, "max_load": t.max_load, "left_behind": t.left_behind}
                              for t in result.trips]})


@bp.post("/api/scenarios/<scenario_id>/sweep")
@requires(PLANNER)
@documented(JobAccepted, body=ScenarioSweepRequest, errors=(400, 401, 403, 404, 413), status=202)
def api_sweep(scenario_id: str):
    """Start a sweep over headways and fleets on the job queue (planner role); poll the job it names.

    Each pair (headway, fleet) is one simulated plan with ``replications`` runs: at most 7 headways
    x 7 fleets, 20 replications. The result names the cheapest plan meeting the targets.
    """
    body = parse_json(ScenarioSweepRequest, request)
    stored = _store().get(scenario_id)
    day = body.date or today()
    job_id = _submit_sweep(stored, day, [h * 60 for h in body.headways_min], body.fleets, body.replications,
                           body.seed, body.targets.wait_p95_s, body.targets.left_behind)
    answer = jsonify({"job": job_id, "status_url": url_for(".api_job", job_id=job_id),
                      "page": url_for(".sweep_page", scenario_id=scenario_id, job=job_id),
                      "points": len(body.headways_min) * len(body.fleets)})
    return answer, 202, {"Location": url_for(".api_job", job_id=job_id)}


@bp.get("/api/jobs/<job_id>")
@documented(JobAnswer, errors=(400, 404))
def api_job(job_id: str):
    """A sweep's progress: state (queued, running, finished, failed), points done of all, and its result when finished."""
    if len(job_id) > 100:
        raise NotFound("no_job", id=job_id[:100])
    return jsonify(_jobs().status(job_id).to_dict())


def init_scenarios(app) -> None:
    """Register the pages and the API; the simulate endpoint stores nothing and takes no CSRF token
    (like /api/itineraries), the sweep endpoint is a planner's write and keeps it. The public
    /shuttle page comes with them."""
    from planner.web.views import shuttle_page

    app.register_blueprint(bp)
    app.register_blueprint(shuttle_page.bp)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(f"{__name__}.api_simulate")

