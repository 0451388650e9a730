"""JSON endpoints: places, events on a date, the network as GeoJSON."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from planner.web.api_models import EventsQuery, NetworkQuery, PlacesQuery, parse_query
from planner.web.api_responses import EventsAnswer, FeatureCollection, PlacesAnswer
from planner.web.i18n.core import current_lang
from planner.web.openapi import documented
from planner.web.params import today
from planner.web.presenters import catalog
from planner.web.presenters.geojson import network_geojson
from planner.web.state import state

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/places")
@documented(PlacesAnswer, query=PlacesQuery)
def places():
    """The two sites and every place, with opening hours on a date."""
    model = state().model
    day = parse_query(PlacesQuery, request.args).date or today()
    lang = current_lang()
    return jsonify({
        "date": day.isoformat(),
        "sites": [{"id": s.id, "name": s.name(lang), "name_zh": s.name_zh, "name_en": s.name_en,
                   "lat": s.lat, "lon": s.lon, "price_cny": s.price_cny,
                   "source": s.source, "assumption": s.assumption} for s in model.sites.values()],
        "places": [catalog.place_info(model, p, day, lang) for p in model.places.values()],
    })


@bp.get("/events")
@documented(EventsAnswer, query=EventsQuery)
def events():
    """Every event session on a date, from the calendar database."""
    day = parse_query(EventsQuery, request.args).date
    return jsonify({"date": day.isoformat(), "events": catalog.events_on(state().model, day, current_lang())})


@bp.get("/network.geojson")
@documented(FeatureCollection, query=NetworkQuery, media=("application/geo+json",))
def network():
    """The whole model for maps, as GeoJSON.

    Each feature has a ``layer``: site, place, stop, line, shuttle or
    shuttle_stop (the selected shuttle scenario's path and stops). With
    ``date``, that day's events hang on their venues.
    """
    model, lang = state().model, current_lang()
    day = parse_query(NetworkQuery, request.args).date
    events = catalog.events_on(model, day, lang) if day else None
    # the shuttle the comparison and the day plans route: the selected scenario's
    response = jsonify(network_geojson(model, lang, events, shuttle=state().journeys.shuttle))
    response.mimetype = "application/geo+json"
    return response
