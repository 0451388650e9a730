"""The graph built from the model."""
from __future__ import annotations

import networkx as nx

from planner.domain import geo
from planner.routing.network import place_node, shuttle_node, stop_node, summary


def test_node_kinds(graph, model):
    kinds = summary(graph)["nodes"]
    assert kinds["gate"] >= 4 and kinds["attraction"] >= 10 and kinds["shuttle_stop"] >= 2
    assert kinds["stop"] >= 353
    assert all(graph.nodes[place_node(p)]["kind"] == model.places[p].kind for p in model.places)


def test_edges_carry_units(graph):
    for _, _, key, data in graph.edges(keys=True, data=True):
        assert key.split(":")[0] == data["mode"]
        assert isinstance(data["travel_time_s"], int) and data["travel_time_s"] >= 0
        assert data["distance_m"] >= 0


def test_walk_edges_follow_the_stated_rule(graph, model):
    """On the street: walk_speed_m_s and walk_circuity. Into a site: through a gate, waiting its check
    (site_entry_s), then at the park's pace; between places of one site: the park's pace."""
    params = model.params

    def inside(node):
        place = model.places.get(node.removeprefix("place:")) if node.startswith("place:") else None
        return place if place is not None and place.kind != "gate" else None

    def site(node):
        place = model.places.get(node.removeprefix("place:")) if node.startswith("place:") else None
        return place.site_id if place is not None else None

    entered = 0
    for u, v, data in graph.edges(data=True):
        if data["mode"] != "walk":
            continue
        a, b = graph.nodes[u], graph.nodes[v]
        straight = geo.distance_m((a["lat"], a["lon"]), (b["lat"], b["lon"]))
        assert data["distance_m"] <= params.max_walk_m * params.walk_circuity_park / params.walk_circuity + 1
        if inside(u) is None and inside(v) is None:
            assert abs(data["travel_time_s"] - straight * params.walk_circuity / params.walk_speed_m_s) <= 1
            continue
        assert site(u) == site(v), (u, v)  # never from the street straight to a place inside
        park_s = straight * params.walk_circuity_park / params.walk_speed_park_m_s
        entry_s = params.site_entry_s.get(site(v), 0) if inside(u) is None else 0  # u is then a gate
        entered += entry_s > 0
        assert abs(data["travel_time_s"] - park_s - entry_s) <= 1, (u, v)
    assert entered > 0  # the Panda Base's gates check tickets on the way in


def test_metro_connects_the_two_sites(graph):
    """Over metro, feeder and walking edges alone, Dongjiao Memory reaches the Panda Base gates."""
    transit = nx.subgraph_view(graph, filter_edge=lambda u, v, k: k.split(":")[0] in ("walk", "metro", "bus", "transfer"))
    assert nx.has_path(transit, place_node("dj-south-gate"), place_node("panda-south-gate"))
    assert nx.has_path(transit, place_node("panda-south-gate"), place_node("dj-south-gate"))


def test_shuttle_and_taxi_links(graph, model):
    stops = model.shuttle.stops
    assert graph.has_edge(shuttle_node(stops[0].id), shuttle_node(stops[1].id), key="shuttle")
    taxi = graph.get_edge_data(place_node("dj-south-gate"), place_node("panda-south-gate"), key="taxi")
    assert taxi["distance_m"] > geo.distance_m(model.places["dj-south-gate"].position,
                                               model.places["panda-south-gate"].position)
    assert set(taxi["travel_time_s_by_hour"]) == set(range(24))
    assert taxi["fare_cny"] > 0


def test_events_hang_on_venues(graph, model):
    for event in model.events.values():
        assert event.id in graph.nodes[place_node(event.venue_id)]["events"]


def test_ride_edges_between_consecutive_stations(graph, model):
    feed = model.feed
    station = next(s for s in feed.stops.values() if s.name == "东郊记忆")
    rides = [d for _, _, d in graph.out_edges(stop_node(station.id), data=True) if d["mode"] == "metro"]
    assert {d["line"] for d in rides} == {"8"}
    assert all(30 <= d["travel_time_s"] <= 300 for d in rides)
