"""HTML pages: the map home page, place details, data sources."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from planner.domain.opening import closed_all_day
from planner.web.presenters import catalog
from planner.web.presenters import sources as data_sources
from planner.web.presenters.forms import note_json
from planner.domain.errors import NotFound
from planner.web.i18n.core import current_lang
from planner.web.params import parse_date, today
from planner.web.state import settings, state

bp = Blueprint("pages", __name__)

SOURCE_FILES = data_sources.SOURCE_FILES


@bp.get("/")
def home():
    model = state().model
    day = parse_date(request.args.get("date"), default=today())
    lang = current_lang()
    events = [{**e, "assumption": catalog.data_text(e["assumption"], lang)} for e in catalog.events_on(model, day, lang)]
    places_by_site = {
        site.id: [catalog.place_info(model, p, day, lang) for p in model.places_of(site.id)]
        for site in model.sites.values()
    }
    shuttle = state().journeys.shuttle  # the one the comparison and the day plans route: the selected scenario's
    return render_template(
        "home.html", day=day, events=events, sites=list(model.sites.values()),
        places_by_site=places_by_site, shuttle=shuttle,
        marks=catalog.place_marks(settings().data_dir, list(model.places.values()), day, lang),  # estimates
        next_date=None if events else state().calendar.next_event_date(day),
        tile_url=settings().tile_url, tile_attribution=settings().tile_attribution,
    )


@bp.get("/places/<place_id>")
def place(place_id: str):
    planner = state()
    found = planner.model.places.get(place_id)
    if found is None:
        raise NotFound("no_place", id=place_id)
    day = parse_date(request.args.get("date"), default=today())
    lang = current_lang()
    events = [e for e in catalog.events_on(planner.model, day, lang) if e["venue"] == place_id]
    return render_template(
        "place.html", day=day, place=catalog.place_info(planner.model, found, day, lang),
        rules=[catalog.describe_rule(r, lang) for r in found.hours.rules], events=events,
        programme=catalog.programme_at(planner.model, place_id, day, lang),
        closed_note=note_json(closed_all_day(planner.model, place_id, day), lang),
        dates=(found.date_from, found.date_until),
        stops=catalog.nearby_stops(planner.graph, place_id),
        marks=catalog.place_marks(settings().data_dir, [found], day, lang)[place_id],  # estimates
        source=catalog.data_text(found.source, lang), assumption=catalog.data_text(found.assumption, lang),
    )


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico where a page names none (feeds, JSON): the vendored SVG."""
    return redirect(url_for("static", filename="img/favicon.svg"), code=301)


@bp.get("/sources")
def sources():
    """Each data file as tables (sourced and assumed told apart), the calendar from the database."""
    data_dir, lang = Path(settings().data_dir), current_lang()
    services = state()
    return render_template(
        "sources.html", files=data_sources.data_files(data_dir, lang),
        calendar=data_sources.calendar_rows(services.calendar.all(), services.model.places, lang),
        raw_files=[name for name in SOURCE_FILES if (data_dir / name).is_file()])


@bp.get("/sources/<name>")
def source_file(name: str):
    """A data file as it is (plain text), for whoever wants the comments beside each number."""
    path = Path(settings().data_dir) / name
    if name not in SOURCE_FILES or not path.is_file():
        abort(404)
    return Response(path.read_text(encoding="utf-8"), mimetype="text/plain")
