"""The day plans' travel oracle: times from the shared range-RAPTOR profiles are the journey planner's own."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from planner.itinerary.travel import MAX_LEG_S, TravelOracle
from planner.routing.journeys import JourneyPlanner, Options

DAY = dt.date(2024, 12, 9)  # a winter Monday
HOTEL = "30.6540,104.0790"


def _direct_arrival_s(planner: JourneyPlanner, oracle: TravelOracle, a, b, depart_s: int) -> int | None:
    """Door to door from direct journey queries: every gate pair, walks and queues around a journey."""
    best = None
    for gate_out, walk_out in oracle._exits(a):
        for gate_in, walk_in in oracle._entries(b):
            raw = planner.fastest_raw(gate_out, gate_in, DAY, depart_s + walk_out, oracle.options)
            if raw is None or raw.arr_s - (depart_s + walk_out) > MAX_LEG_S:
                continue
            if best is None or raw.arr_s + walk_in < best:
                best = raw.arr_s + walk_in
    return best


@pytest.mark.parametrize("shuttle", [False, True])
def test_profiles_give_the_journey_planners_answer_at_sampled_minutes(model, shuttle):
    planner = JourneyPlanner.for_model(model)
    options = Options(with_shuttle=shuttle, max_rides=5)
    oracle = TravelOracle(planner, model.sites, model.places, model.params, DAY, options, window_s=(8 * 3600, 22 * 3600))
    specs = ["panda-museum", "panda-moon-nursery", "dj-chengdu-stage", "dongjiao-memory", HOTEL]
    rnd = random.Random(10)
    checked = 0
    for _ in range(40):
        a, b = (oracle.stop_of(s) for s in rnd.sample(specs, 2))
        if a.site_id is not None and a.site_id == b.site_id:
            continue
        depart_s = rnd.randrange(8 * 3600, 21 * 3600) + rnd.choice((0, 17))  # minutes and odd seconds
        assert oracle.arrival_s(a, b, depart_s) == _direct_arrival_s(planner, oracle, a, b, depart_s), \
            (a.point.id, b.point.id, depart_s)
        checked += 1
    assert checked >= 20


def test_a_second_request_reads_the_shared_profiles_and_rows_equal_single_answers(model):
    planner = JourneyPlanner.for_model(model)
    options = Options(max_rides=5)
    first = TravelOracle(planner, model.sites, model.places, model.params, DAY, options, window_s=(8 * 3600, 22 * 3600))
    stage, museum, hotel = (first.stop_of(s) for s in ("dj-chengdu-stage", "panda-museum", HOTEL))
    times = [first.travel_s(stage, museum, t) for t in range(9 * 3600, 12 * 3600, 600)]
    assert first.queries > 0
    second = TravelOracle(planner, model.sites, model.places, model.params, DAY, options, window_s=(8 * 3600, 22 * 3600))
    assert [second.travel_s(stage, museum, t) for t in range(9 * 3600, 12 * 3600, 600)] == times
    assert second.queries == 0  # every slice came from the journey planner's cache
    stops = {"stage": stage, "museum": museum, "hotel": hotel, "kitchen": first.stop_of("panda-kitchen")}
    matrix = second.matrix(stops)
    for depart_s in (9 * 3600, 13 * 3600 + 7, 17 * 3600 + 59):
        row = matrix.travel_row_s("stage", depart_s)
        assert row == {key: matrix.travel_s("stage", key, depart_s) for key in stops}
        for key in stops:
            travel = matrix.travel_s("stage", key, depart_s)
            assert travel is None or matrix.min_travel_s("stage", key) <= travel
    assert matrix.min_travel_s("museum", "kitchen") == matrix.travel_s("museum", "kitchen", 10 * 3600)  # a walk


def test_with_a_taxi_the_answer_is_never_later_and_the_lower_bound_holds(model):
    planner = JourneyPlanner.for_model(model)
    transit = TravelOracle(planner, model.sites, model.places, model.params, DAY, Options(max_rides=5))
    taxi = TravelOracle(planner, model.sites, model.places, model.params, DAY, Options(max_rides=5), taxi=True)
    stage, museum = transit.stop_of("dj-chengdu-stage"), transit.stop_of("panda-museum")
    for depart_s in range(7 * 3600, 23 * 3600, 1800):
        by_transit, by_taxi = transit.travel_s(stage, museum, depart_s), taxi.travel_s(stage, museum, depart_s)
        assert by_taxi is not None and (by_transit is None or by_taxi <= by_transit)
        assert taxi.min_travel_s(stage, museum) <= by_taxi
