"""The Chengdu model as one networkx graph.

Nodes are places (``place:<id>``), transit stops (``stop:<stop_id>``) and
shuttle stops (``shuttle:<id>``), each with a ``kind``. Each edge has a
``mode``: ``walk``, a ride mode from the GTFS routes (``metro``, ``tram``,
``bus``, ``rail``), ``transfer``, ``shuttle`` or ``taxi``; its key is the mode,
or ``mode:route_id`` for rides, so parallel lines stay apart. Every edge carries
``distance_m`` and ``travel_time_s``; events hang on their venue nodes as
``events`` (a list of event ids).

The graph describes what connects to what and how long it typically takes; the
time-dependent journey planner works on the timetable itself.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import TypeVar, cast

import networkx as nx

from planner.domain import geo
from planner.domain.fares import FareRules
from planner.domain.model import Event, Model, NetworkParams
from planner.domain.transit import Feed

_T = TypeVar("_T")

def place_node(place_id: str) -> str:
    return f"place:{place_id}"


def stop_node(stop_id: str) -> str:
    return f"stop:{stop_id}"


def shuttle_node(stop_id: str) -> str:
    return f"shuttle:{stop_id}"


def build_graph(model: Model) -> nx.MultiDiGraph[str]:
    """Build the graph of places, stops, the shuttle and the links between them.

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> graph = build_graph(load_model(bundled_data_dir()))
    >>> graph.nodes["place:panda-south-gate"]["kind"]
    'gate'
    >>> sorted({mode for _, _, mode in graph.edges(data="mode")})
    ['bus', 'metro', 'shuttle', 'taxi', 'tram', 'transfer', 'walk']
    """
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="chengdu")
    _add_places(graph, model)
    _add_stops(graph, model.feed)
    _add_rides(graph, model.feed, model.fares)
    _add_transfers(graph, model.feed, model.params)
    _add_shuttle(graph, model)
    _add_walks(graph, model.params, {f"place:{p.id}": (p.site_id, p.kind == "gate") for p in model.places.values()
                                     if p.site_id and any(g.site_id == p.site_id and g.kind == "gate"
                                                          for g in model.places.values())})
    _add_taxis(graph, model)
    return graph


def _add_places(graph: nx.MultiDiGraph[str], model: Model) -> None:
    for place in model.places.values():
        graph.add_node(place_node(place.id), kind=place.kind, site=place.site_id, lat=place.lat, lon=place.lon,
                       name_zh=place.name_zh, name_en=place.name_en)
    hang_events(graph, model.events.values())


def hang_events(graph: nx.MultiDiGraph[str], events: Iterable[Event]) -> None:
    """Set each place node's ``events`` (event ids, sorted) from ``events``: at build time,
    and again whenever the calendar changes.

    Examples
    --------
    >>> from planner.domain.model import Event
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("place:hall", kind="venue")
    >>> hang_events(g, [Event(id="b", venue_id="hall"), Event(id="a", venue_id="hall")])
    >>> g.nodes["place:hall"]["events"]
    ['a', 'b']
    """
    by_venue: dict[str, list[str]] = {}
    for event in events:
        by_venue.setdefault(place_node(event.venue_id), []).append(event.id)
    for node, kind in graph.nodes(data="kind"):
        if node.startswith("place:"):
            graph.nodes[node]["events"] = sorted(by_venue.get(node, []))


def _add_stops(graph: nx.MultiDiGraph[str], feed: Feed) -> None:
    for stop in feed.stops.values():
        if stop.location_type == 0:
            graph.add_node(stop_node(stop.id), kind="stop", lat=stop.lat, lon=stop.lon,
                           name_zh=stop.name, name_en=stop.name_en, routes=[])


def _add_rides(graph: nx.MultiDiGraph[str], feed: Feed, fares: FareRules | None = None) -> None:
    """One edge per route between consecutive stops, timed by its fastest trip; its ``distance_m``
    the track between them (straight line x the line's circuity, as fares charge it)."""
    best: dict[tuple[str, str, str], int] = {}
    for trip_id, times in feed.stop_times.items():
        route_id = feed.trips[trip_id].route_id
        for a, b in zip(times, times[1:]):
            key = (a.stop_id, b.stop_id, route_id)
            ride_s = b.arrival_s - a.departure_s
            if key not in best or ride_s < best[key]:
                best[key] = ride_s
    for (from_id, to_id, route_id), ride_s in best.items():
        route = feed.routes[route_id]
        u, v = stop_node(from_id), stop_node(to_id)
        graph.add_edge(
            u, v, key=f"{route.mode}:{route_id}", mode=route.mode, route_id=route_id,
            line=route.short_name or route.long_name, color=route.color,
            travel_time_s=ride_s,
            distance_m=round(fares.track_m(route_id, _straight_m(graph, u, v)) if fares else _straight_m(graph, u, v)),
        )
        for node in (u, v):
            if route_id not in graph.nodes[node]["routes"]:
                graph.nodes[node]["routes"].append(route_id)


def _add_transfers(graph: nx.MultiDiGraph[str], feed: Feed, params: NetworkParams) -> None:
    """Transfers between different stops; same-stop minimums become node attributes."""
    for (a, b), seconds in feed.transfers_s.items():
        u, v = stop_node(a), stop_node(b)
        if u not in graph or v not in graph:
            continue
        if a == b:
            graph.nodes[u]["min_transfer_s"] = seconds
        else:
            graph.add_edge(u, v, key="transfer", mode="transfer", travel_time_s=seconds,
                           distance_m=round(_straight_m(graph, u, v) * params.walk_circuity))


def _add_shuttle(graph: nx.MultiDiGraph[str], model: Model) -> None:
    shuttle = model.shuttle
    for stop in shuttle.stops:
        graph.add_node(shuttle_node(stop.id), kind="shuttle_stop", lat=stop.lat, lon=stop.lon,
                       name_zh=stop.name_zh, name_en=stop.name_en, place=stop.place_id)
    path_m = _path_length_m(shuttle.path)
    straight_total = sum(geo.distance_m(a.position, b.position) for a, b in _pairs(shuttle.stops)) or 1.0
    typical_s = sorted(shuttle.run_time_s_by_hour.values())[len(shuttle.run_time_s_by_hour) // 2]
    for a, b in _pairs(shuttle.stops):
        share = geo.distance_m(a.position, b.position) / straight_total
        for u, v in ((a, b), (b, a)):
            graph.add_edge(
                shuttle_node(u.id), shuttle_node(v.id), key="shuttle", mode="shuttle",
                route_id=shuttle.id, distance_m=round(path_m * share),
                travel_time_s=round(typical_s * share),
                run_time_share=share, fare_cny=shuttle.fare_cny,
            )


def _add_walks(graph: nx.MultiDiGraph[str], params: NetworkParams,
               fenced: dict[str, tuple[str, bool]] | None = None) -> None:
    """Walking links between every pair of nodes within the longest walk.

    ``fenced``: place node -> (its site, whether it is a gate), for sites with gates. A place inside
    such a site is walked to only from its own site: from another place of it or from one of its gates,
    at the park's pace (``park_walk_time_s``), and from a gate inwards after the gate's check
    (``site_entry_s``); the street reaches it through a gate.
    """
    fenced = fenced or {}
    nodes = [(n, d["lat"], d["lon"]) for n, d in graph.nodes(data=True)]
    limit_straight_m = params.max_walk_m / params.walk_circuity
    for (u, lat_u, lon_u), (v, lat_v, lon_v) in geo.near_pairs(nodes, limit_straight_m):
        straight_m = geo.distance_m((lat_u, lon_u), (lat_v, lon_v))
        if straight_m > limit_straight_m:
            continue
        (site_u, gate_u), (site_v, gate_v) = fenced.get(u, (None, False)), fenced.get(v, (None, False))
        inside_u, inside_v = site_u is not None and not gate_u, site_v is not None and not gate_v
        if not inside_u and not inside_v:
            walk = dict(mode="walk", distance_m=round(straight_m * params.walk_circuity),
                        travel_time_s=params.walk_time_s(straight_m))
            graph.add_edge(u, v, key="walk", **walk)
            graph.add_edge(v, u, key="walk", **walk)
            continue
        if site_u != site_v:
            continue  # into a site only through its gates
        metres, seconds = round(straight_m * params.walk_circuity_park), params.park_walk_time_s(straight_m)
        entry_s = params.site_entry_s.get(site_u or "", 0)
        graph.add_edge(u, v, key="walk", mode="walk", distance_m=metres, travel_time_s=seconds + (entry_s if gate_u else 0))
        graph.add_edge(v, u, key="walk", mode="walk", distance_m=metres, travel_time_s=seconds + (entry_s if gate_v else 0))


def _add_taxis(graph: nx.MultiDiGraph[str], model: Model) -> None:
    """Taxi links between the gates of different sites, timed by hour of day."""
    taxi = model.params.taxi
    gates = [p for p in model.places.values() if p.kind == "gate"]
    for a, b in combinations(gates, 2):
        if a.site_id == b.site_id:
            continue
        road_m = geo.distance_m(a.position, b.position) * taxi.circuity
        by_hour = {h: taxi.pickup_wait_s + round(road_m / (taxi.speed_kmh(h) / 3.6)) for h in range(24)}
        for u, v in ((a, b), (b, a)):
            graph.add_edge(
                place_node(u.id), place_node(v.id), key="taxi", mode="taxi",
                distance_m=round(road_m), travel_time_s=by_hour[12],
                travel_time_s_by_hour=by_hour, fare_cny=taxi.fare_cny(road_m),
            )


def _pairs(items: Sequence[_T]) -> list[tuple[_T, _T]]:
    return list(zip(items, items[1:]))


def _straight_m(graph: nx.MultiDiGraph[str], u: str, v: str) -> float:
    a, b = graph.nodes[u], graph.nodes[v]
    return geo.distance_m((a["lat"], a["lon"]), (b["lat"], b["lon"]))


def _path_length_m(points: Sequence[tuple[float, float]]) -> float:
    return sum(geo.distance_m(a, b) for a, b in _pairs(points))


def summary(graph: nx.MultiDiGraph[str]) -> dict[str, dict[str, int]]:
    """Counts of nodes by kind and edges by mode.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", kind="gate"); g.add_node("b", kind="stop")
    >>> _ = g.add_edge("a", "b", key="walk", mode="walk")
    >>> summary(g)
    {'nodes': {'gate': 1, 'stop': 1}, 'edges': {'walk': 1}}
    """
    nodes: dict[str, int] = {}
    for _, node_data in graph.nodes(data=True):
        kind = cast(str, node_data.get("kind"))  # every node has a kind
        nodes[kind] = nodes.get(kind, 0) + 1
    edges: dict[str, int] = {}
    for _, _, edge_data in graph.edges(data=True):
        mode = cast(str, edge_data.get("mode"))  # every edge has a mode
        edges[mode] = edges.get(mode, 0) + 1
    return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}
