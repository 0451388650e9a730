"""Every day plan is feasible against the data it was given (issue 10, point 7).

Hypothesis draws days (dates across the seasons, the Spring Festival among them), subsets of the
places and events, extra sessions of its own at random venues and hours (some cancelled), start
times, ends, interests, must-sees and paces. The plans run on the real network (the journey
planner is shared, so its profiles are computed once per date); each plan is then checked step by
step against that data: opening hours and date ranges, sessions and their times, one stop per place,
no programme venue without a session, must-sees present or explained, and every leg equal to the
travel oracle's answer at that departure.
"""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.model import TZ, Event, Occurrence
from planner.itinerary.daytrip import DayPlanner, DayRequest
from planner.itinerary.travel import TravelOracle
from planner.routing.journeys import JourneyPlanner, Options

DATES = (dt.date(2024, 2, 12), dt.date(2024, 7, 13), dt.date(2024, 12, 9))
HOTEL = "30.6540,104.0790"


@pytest.fixture(scope="module")
def journeys(model):
    return JourneyPlanner.for_model(model)


@st.composite
def days(draw, model):
    """A request and the sessions of its day (the model's, a subset, and some drawn here)."""
    day = draw(st.sampled_from(DATES))
    places = sorted(p for p in model.places if model.places[p].kind != "gate")
    venues = sorted(model.places)
    chosen = draw(st.lists(st.sampled_from(places), min_size=1, max_size=6, unique=True))
    sessions = [pair for pair in model.events_on(day) if draw(st.booleans())]
    extra = []
    for k in range(draw(st.integers(0, 3))):
        start_h = draw(st.integers(7, 21))
        length_min = draw(st.sampled_from((30, 60, 90, 180, 300)))
        start = dt.datetime.combine(day, dt.time(start_h), TZ)
        event = Event(id=f"drawn-{k}", title_zh=f"活动{k}", title_en=f"Drawn {k}",
                      venue_id=draw(st.sampled_from(venues)), start=start,
                      end=start + dt.timedelta(minutes=length_min),
                      status=draw(st.sampled_from(("scheduled", "scheduled", "cancelled", "sold_out"))),
                      tags=tuple(draw(st.lists(st.sampled_from(("pandas", "music", "art", "kids")), max_size=2))))
        extra.append((event, Occurrence(event.id, event.start, event.end)))
    sessions = sorted(sessions + extra, key=lambda pair: (pair[1].start, pair[0].id))
    events = sorted({event.id for event, _ in sessions})
    only = tuple(chosen) + tuple(draw(st.lists(st.sampled_from(events), max_size=3, unique=True)) if events else ())
    must = tuple(draw(st.lists(st.sampled_from(only), max_size=2, unique=True)))
    start_s = draw(st.integers(7 * 60, 16 * 60)) * 60
    end_s = min(start_s + draw(st.integers(3 * 60, 14 * 60)) * 60, 23 * 3600 + 59 * 60)
    request = DayRequest(day, draw(st.sampled_from((HOTEL, "dongjiao-memory", "panda-base"))), start_s, end_s,
                         interests=tuple(draw(st.lists(st.sampled_from(("pandas", "art", "music", "kids")),
                                                       max_size=2, unique=True))),
                         must=must, meal=draw(st.booleans()), pace=draw(st.sampled_from(("relaxed", "normal", "brisk"))),
                         only=only)
    return request, sessions


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_plan_is_feasible_against_its_data(model, journeys, data):
    request, sessions = data.draw(days(model))
    plan = DayPlanner(model, journeys, events_on=lambda day: sessions).plan(request)
    by_event = {}
    for event, occurrence in sessions:
        by_event.setdefault(event.id, []).append((event, occurrence))
    midnight = dt.datetime.combine(request.day, dt.time(), TZ)
    oracle = TravelOracle(journeys, model.sites, model.places, model.params, request.day,
                          Options(with_shuttle=request.shuttle, max_rides=5), taxi=request.taxi,
                          window_s=(request.start_s, request.end_s))
    here, clock = oracle.stop_of(request.start), request.start_s
    seen: set[str] = set()
    for step in plan.steps:
        item = step.item
        assert clock <= step.depart_s <= step.arrive_s <= step.start_s < step.end_s
        # the leg is the travel oracle's answer at that departure
        assert step.arrive_s == oracle.arrival_s(here, item.stop, step.depart_s), item.id
        if item.kind in ("place", "event"):
            place = model.places[item.place_id]
            hours = place.hours_on(request.day)
            assert hours is not None, (item.id, "closed that day or outside its dates")
            assert hours.open_s <= step.start_s <= hours.last_entry_s and step.end_s <= hours.close_s, item.id
            assert item.place_id not in seen, ("one stop per place", item.place_id)
            seen.add(item.place_id)
        if item.kind == "place":
            assert place.programme is None, ("a programme venue only through its sessions", place.id)
        if item.kind == "event":
            found = [(e, o) for e, o in by_event.get(item.ref, ())
                     if (int((o.start - midnight).total_seconds()), int((o.end - midnight).total_seconds()))
                     == item.session]
            assert found, ("a session of that day", item.id)
            event, _ = found[0]
            assert event.status == "scheduled" and event.venue_id == item.place_id
            first, last = item.session
            if place.programme == "shows" and last - first < 150 * 60:
                assert (step.start_s, step.end_s) == (first, last)  # a show, whole
            else:
                assert first <= step.start_s and step.end_s <= last  # a window, joined inside it
        here, clock = item.stop, step.end_s
    if plan.steps:
        assert plan.home.depart_s == clock and plan.back_s == oracle.arrival_s(here, oracle.stop_of(request.end or request.start), clock)
        assert plan.back_s <= request.end_s
    visited = {s.item.ref for s in plan.steps} | {s.item.place_id for s in plan.steps}
    explained = {value for reason in plan.infeasible for value in _ids(reason.params)}
    for ref in request.must:
        assert ref in visited or ref in explained, (ref, plan.infeasible)


def _ids(params):
    for value in params.values():
        if isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, str))
        elif isinstance(value, str):
            yield value
