"""GeoJSON views of the model for maps: places, stops, lines, the shuttle.

Coordinates are WGS84 in GeoJSON order (lon, lat), as RFC 7946 requires.
"""
from __future__ import annotations

from planner.sources.gtfs import Feed
from planner.domain.model import Model, Shuttle
from planner.messages import word


def _feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _point(lat: float, lon: float) -> dict:
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def _line(points) -> dict:
    return {"type": "LineString", "coordinates": [[round(lon, 6), round(lat, 6)] for lat, lon in points]}


def route_paths(feed: Feed) -> dict[str, list[str]]:
    """The longest stop sequence of each route: enough to draw it on a map."""
    paths: dict[str, list[str]] = {}
    for trip_id, times in feed.stop_times.items():
        route_id = feed.trips[trip_id].route_id
        if len(times) > len(paths.get(route_id, [])):
            paths[route_id] = [t.stop_id for t in times]
    return paths


def network_geojson(model: Model, lang: str = "zh", events: list[dict] | None = None,
                    shuttle: Shuttle | None = None) -> dict:
    """A FeatureCollection of the whole model, each feature with a ``layer``.

    Layers: ``site``, ``place``, ``stop``, ``line`` (metro, tram and bus
    routes), ``shuttle`` (the shuttle's path) and ``shuttle_stop``.
    ``events`` (sessions as :func:`planner.catalog.events_on` gives them) hang
    on their venues' features as ``events``, each with its ``status`` and that
    status in ``lang`` (``status_text``: a map marks a cancelled session so). ``shuttle`` is the one drawn: the
    selected scenario's (the web passes it), else the data's proposal.

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> fc = network_geojson(load_model(bundled_data_dir()), "en")
    >>> sorted({f["properties"]["layer"] for f in fc["features"]})
    ['line', 'place', 'shuttle', 'shuttle_stop', 'site', 'stop']
    """
    feed: Feed = model.feed
    features = [
        _feature(_point(s.lat, s.lon), layer="site", id=s.id, name=s.name(lang))
        for s in model.sites.values()
    ]
    by_venue: dict[str, list[dict]] = {}
    for event in events or []:
        by_venue.setdefault(event["venue"], []).append(
            {"id": event["id"], "title": event["title"], "start": event["start"], "end": event["end"],
             "status": event["status"], "status_text": word("event status", event["status"], lang)})
    features += [
        _feature(_point(p.lat, p.lon), layer="place", id=p.id, kind=p.kind, site=p.site_id,
                 name=p.name(lang), tags=list(p.tags), events=by_venue.get(p.id, []))
        for p in model.places.values()
    ]
    used_stops = {sid for times in feed.stop_times.values() for sid in (t.stop_id for t in times)}
    features += [
        _feature(_point(s.lat, s.lon), layer="stop", id=s.id, name=s.name_en if lang == "en" else s.name)
        for s in feed.stops.values() if s.id in used_stops
    ]
    for route_id, stop_ids in sorted(route_paths(feed).items()):
        route = feed.routes[route_id]
        points = [(feed.stops[s].lat, feed.stops[s].lon) for s in stop_ids]
        features.append(_feature(
            _line(points), layer="line", id=route_id, mode=route.mode,
            name=route.long_name or route.short_name, short_name=route.short_name,
            color=f"#{route.color}" if route.color else "#555555",
        ))
    shuttle = shuttle or model.shuttle
    features.append(_feature(_line(shuttle.path), layer="shuttle", id=shuttle.id, name=shuttle.name(lang)))
    features += [
        _feature(_point(s.lat, s.lon), layer="shuttle_stop", id=s.id, name=s.name(lang), place=s.place_id)
        for s in shuttle.stops
    ]
    return {"type": "FeatureCollection", "features": features}
