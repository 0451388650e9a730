"""JSON endpoints: places, events on a date, the network as GeoJSON."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from planner.web.presenters import catalog
from planner.web.presenters.geojson import network_geojson
from planner.web.i18n.core import current_lang
from planner.web.params import parse_date, today
from planner.web.state import state

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/places")
def places():
    model = state().model
    day = parse_date(request.args.get("date"), default=today())
    lang = current_lang()
    return jsonify({
        "date": day.isoformat(),
        "sites": [{"id": s.id, "name": s.name(lang), "name_zh": s.name_zh, "name_en": s.name_en,
                   "lat": s.lat, "lon": s.lon, "price_cny": s.price_cny,
                   "source": s.source, "assumption": s.assumption} for s in model.sites.values()],
        "places": [catalog.place_info(model, p, day, lang) for p in model.places.values()],
    })


@bp.get("/events")
def events():
    day = parse_date(request.args.get("date"))
    return jsonify({"date": day.isoformat(), "events": catalog.events_on(state().model, day, current_lang())})


@bp.get("/network.geojson")
def network():
    """The whole model for maps; with ``?date=``, that day's events on their venues."""
    model, lang = state().model, current_lang()
    day = request.args.get("date")
    events = catalog.events_on(model, parse_date(day), lang) if day else None
    response = jsonify(network_geojson(model, lang, events))
    response.mimetype = "application/geo+json"
    return response
