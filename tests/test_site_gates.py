"""Journeys into and out of a site pass one of its gates: the entry check on the way in
(NetworkParams.site_entry_s), and the park's walking pace inside (walk_speed_park_m_s, walk_circuity_park).

The slip these tests guard: journeys to places inside the Panda Base walked straight from the bus stop
at street pace and skipped the ticket check, arriving about 13 minutes early.
"""
from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.geo import distance_m
from planner.domain.paths import bundled_data_dir
from planner.routing.journeys import JourneyPlanner, Options
from planner.sources.datafiles import load_model

DAY = dt.date(2024, 2, 13)


@pytest.fixture(scope="module")
def model():
    return load_model(bundled_data_dir())


@pytest.fixture(scope="module")
def planner(model):
    return JourneyPlanner.for_model(model)


def inside(model, site_id):
    return sorted(p.id for p in model.places.values() if p.site_id == site_id and p.kind != "gate")


def gates(model, site_id):
    return {p.id for p in model.places.values() if p.site_id == site_id and p.kind == "gate"}


def park_walk_s(model, a, b):
    straight = distance_m(model.places[a].position, model.places[b].position)
    return round(straight * model.params.walk_circuity_park / model.params.walk_speed_park_m_s)


@pytest.mark.parametrize("shuttle", [False, True])
def test_every_journey_into_the_panda_base_queues_at_a_gate_then_walks_at_park_pace(model, planner, shuttle):
    entry_s = model.params.site_entry_s["panda-base"]
    assert entry_s == 600  # network.yaml: the real-name ticket check, 10 min assumed
    for place in inside(model, "panda-base"):
        for journey in planner.journeys(planner.resolve("dongjiao-memory"), planner.resolve(place), DAY, 9 * 3600,
                                        Options(with_shuttle=shuttle)):
            *_, before, check, walk_in = journey.legs
            assert (check.mode, check.to_id) == ("wait", check.from_id), place
            assert check.from_id in gates(model, "panda-base") and check.duration_s == entry_s
            # reached from the street: a walk to the gate, or a stop at it (the west gate's shuttle stop)
            gate = model.places[check.from_id].position
            assert before.to_id == check.from_id or distance_m(before.path[-1], gate) < 60, (place, before.to_id)
            assert (walk_in.mode, walk_in.from_id, walk_in.to_id) == ("walk", check.to_id, place)
            assert walk_in.duration_s == park_walk_s(model, check.to_id, place)
            assert check.dep == before.arr and walk_in.dep == check.arr


def test_arriving_inside_is_the_gate_arrival_plus_check_plus_park_walk(model, planner):
    # the journey to the place is no earlier than the best journey to one of its gates, then the check
    # and the walk in; and exactly that through the gate it used
    entry_s = model.params.site_entry_s["panda-base"]
    origin = planner.resolve("dongjiao-memory")
    for place in ("panda-museum", "panda-villa-1", "panda-tower", "panda-moon-nursery"):
        journey = planner.journeys(origin, planner.resolve(place), DAY, 9 * 3600)[0]
        best = min(planner.journeys(origin, planner.resolve(g), DAY, 9 * 3600)[0].arr.timestamp()
                   + entry_s + park_walk_s(model, g, place) for g in gates(model, "panda-base"))
        assert journey.arr.timestamp() == pytest.approx(best, abs=60), place


def test_leaving_the_panda_base_walks_out_at_park_pace_without_a_check(model, planner):
    for place in ("panda-museum", "panda-tower", "panda-villa-5"):
        journey = planner.journeys(planner.resolve(place), planner.resolve("dongjiao-memory"), DAY, 14 * 3600)[0]
        out = journey.legs[0]
        assert (out.mode, out.from_id) == ("walk", place) and out.to_id in gates(model, "panda-base")
        assert out.duration_s == park_walk_s(model, place, out.to_id)
        assert "wait" not in [leg.mode for leg in journey.legs]


def test_inside_one_site_a_walk_at_park_pace_and_no_gate(model, planner):
    journey = planner.journeys(planner.resolve("panda-museum"), planner.resolve("panda-villa-1"), DAY, 10 * 3600)[0]
    assert [leg.mode for leg in journey.legs] == ["walk"]
    assert journey.duration_s == park_walk_s(model, "panda-museum", "panda-villa-1")


def test_a_free_park_has_no_check_but_its_paths_are_walked_at_park_pace(model, planner):
    assert model.params.site_entry_s.get("dongjiao-memory", 0) == 0
    journey = planner.journeys(planner.resolve("panda-south-gate"), planner.resolve("dj-chengdu-stage"), DAY, 10 * 3600)[0]
    last = journey.legs[-1]
    assert "wait" not in [leg.mode for leg in journey.legs[1:]]
    assert last.from_id in gates(model, "dongjiao-memory") and last.to_id == "dj-chengdu-stage"
    assert last.duration_s == park_walk_s(model, last.from_id, "dj-chengdu-stage")


def test_the_check_and_park_walk_make_panda_base_arrivals_later_by_about_13_minutes(model, planner):
    # what the slip took away: the gate's 10 min and the slower, longer walk inside
    origin = planner.resolve("dongjiao-memory")
    later = []
    for place in inside(model, "panda-base"):
        journey = planner.journeys(origin, planner.resolve(place), DAY, 9 * 3600)[0]
        *_, before, check, walk_in = journey.legs
        street_s = round(distance_m(model.places[check.from_id].position, model.places[place].position)
                         * model.params.walk_circuity / model.params.walk_speed_m_s)
        later.append(check.duration_s + walk_in.duration_s - street_s)
    assert 11 * 60 < sum(later) / len(later) < 15 * 60
