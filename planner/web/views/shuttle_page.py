"""The public ``/shuttle`` page: the selected scenario's timetable both ways, as visitors read one.

First and last departures, the headway of each part of the day, the run time by hour and the fare,
for each day type (weekday, weekend, holiday; day types with the same timetable shown once), in
the visitor's language. ``?date=`` names a day: its day type is the one opened first.
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from planner.domain.daytypes import DAY_TYPES, day_type
from planner.web.i18n.core import current_lang
from planner.web.params import parse_date, today
from planner.web.presenters.shuttle_charts import timetable_csv, timetable_view
from planner.web.state import state
from planner.web.downloads import disposition

bp = Blueprint("shuttle_page", __name__)


def selected_scenario():
    """The scenario the comparison and the day plans use: the database's selection (the proposal of
    data/shuttle.yaml unless a planner selected another)."""
    return state().scenarios.selected()


@bp.get("/shuttle")
def shuttle():
    scenario = selected_scenario()
    day = parse_date(request.args.get("date"), default=today())
    lang = current_lang()
    return render_template("shuttle.html", scenario=scenario, day=day, day_type=day_type(day),
                           timetables=timetable_view(scenario, DAY_TYPES, lang),
                           hours=_run_time_hours(scenario), length_km=scenario.length_m() / 1000)


def _run_time_hours(scenario) -> list[dict]:
    """Every hour with a departure on any day type, either way: the mean and spread of the run."""
    hours = sorted({d // 3600 for t in DAY_TYPES for direction in ("outbound", "inbound")
                    for d in scenario.departures_s(t, direction)})
    return [{"hour": h, "mean_s": scenario.run_time_s(h * 3600 + 1800), "sd_s": scenario.run_time_sd_s(h * 3600 + 1800)}
            for h in hours]


@bp.get("/shuttle.csv")
def shuttle_csv():
    """Every departure of every day type, as the page shows them."""
    scenario = selected_scenario()
    return Response(timetable_csv(scenario, DAY_TYPES), mimetype="text/csv",
                    headers={"Content-Disposition": disposition(f"{scenario.id}-timetable.csv")})
