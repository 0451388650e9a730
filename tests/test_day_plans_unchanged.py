"""Faster day plans are the same day plans: the plans recorded before the speed work of issue 14
(item 2: shared travel tables, the plan pool) are planned again and compared, field by field."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from planner.itinerary.daytrip import DayPlanner, DayRequest
from planner.routing.journeys import JourneyPlanner
from tests.day_plan_record import FIXTURE, REQUESTS, plan_record, request_record

RECORDED = json.loads(FIXTURE.read_text())


@pytest.fixture(scope="module")
def planner(model):
    return DayPlanner(model, JourneyPlanner.for_model(model, timetable_cache_size=16))


def test_the_recorded_requests_are_the_requests_of_the_mix():
    assert [r["request"] for r in RECORDED] == [request_record(r) for r in REQUESTS]
    assert len({r.day for r in REQUESTS}) == 5 and any(r.taxi for r in REQUESTS) and any(r.must for r in REQUESTS)


@pytest.mark.parametrize("index", range(len(REQUESTS)))
def test_a_plan_is_as_recorded(planner, index):
    request = REQUESTS[index]
    assert plan_record(planner.plan(request)) == RECORDED[index]["plan"], request


def test_plans_asked_in_another_order_on_a_new_planner_are_as_recorded(model):
    """The shared tables (profiles, travel) must not make a plan depend on the plans before it."""
    planner = DayPlanner(model, JourneyPlanner.for_model(model, timetable_cache_size=16))
    for index in (22, 5, 0):
        assert plan_record(planner.plan(REQUESTS[index])) == RECORDED[index]["plan"]
