"""Demand: the day-type profile equals its assumptions, shows add surges at their site's stop, draws are reproducible."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from planner.domain.model import TZ, Event, Occurrence, Place
from planner.domain.paths import bundled_data_dir
from planner.simulation.daytypes import day_type
from planner.simulation.demand import demand_profile, passenger_arrivals
from planner.simulation.scenario import Scenario
from planner.sources.datafiles import load_model

HOLIDAY = dt.date(2024, 10, 2)     # National Day week
WEEKDAY = dt.date(2024, 3, 5)      # a Tuesday
WEEKEND = dt.date(2024, 3, 9)      # a Saturday


@pytest.fixture(scope="module")
def places() -> dict[str, Place]:
    return load_model(bundled_data_dir()).places


def show(day: dt.date, end_hm: tuple[int, int] = (21, 30), capacity: int | None = 2000,
         venue: str = "dj-chengdu-stage", status: str = "scheduled", occ_status: str | None = None,
         event_id: str = "concert") -> tuple[Event, Occurrence]:
    start = dt.datetime.combine(day, dt.time(19, 30), TZ)
    end = dt.datetime.combine(day, dt.time(*end_hm), TZ)
    event = Event(id=event_id, title_zh="音乐会", title_en="Concert", venue_id=venue, start=start, end=end,
                  capacity=capacity, status=status)
    return event, Occurrence(event_id, start, end, status=occ_status)


def dj(scenario: Scenario) -> tuple[str, str]:
    return scenario.stops[0].id, "outbound"


def test_the_proposal_has_a_stop_at_each_site(scenario, places):
    sites = [places[s.place_id].site_id for s in scenario.stops]
    assert sites == ["dongjiao-memory", "panda-base"]


@pytest.mark.parametrize("day", [WEEKDAY, WEEKEND, HOLIDAY])
def test_expected_riders_are_the_assumptions(scenario, day):
    profile = demand_profile(scenario, day)
    kind = day_type(day)
    a = scenario.demand
    each_way = min(a.visitors_per_day[kind], a.dongjiao_visitors_per_day[kind]) * a.ride_share
    assert profile.day_type == kind
    assert profile.total_riders == pytest.approx(2 * each_way)
    for (stop, direction), curve in [((scenario.stops[0].id, "outbound"), a.outbound_curve),
                                     ((scenario.stops[-1].id, "inbound"), a.inbound_curve)]:
        minutes = np.asarray(profile.per_minute[(stop, direction)])
        assert minutes.sum() == pytest.approx(each_way)
        by_hour = minutes[:1440].reshape(24, 60).sum(axis=1)
        assert by_hour == pytest.approx(each_way * np.asarray(curve) / sum(curve))
    assert set(profile.notes_en) >= {"visitors_per_day", "dongjiao_visitors_per_day", "ride_share",
                                     "outbound_curve", "inbound_curve"}
    assert "show_ride_share" not in profile.notes_en      # no show: its assumptions are not used


def test_every_assumption_used_is_listed_with_its_text(scenario):
    texts = {f: f"Assumption: text of {f}" for f in ("visitors_per_day", "ride_share", "show_audience_default")}
    s = replace(scenario, demand=replace(scenario.demand, notes_en=texts, notes_zh={"ride_share": "假设"}))
    profile = demand_profile(s, HOLIDAY, [show(HOLIDAY, capacity=None)], {"dj-chengdu-stage": Place(
        id="dj-chengdu-stage", site_id="dongjiao-memory"), scenario.stops[0].place_id: Place(
        id=scenario.stops[0].place_id, site_id="dongjiao-memory")})
    assert profile.notes_en["ride_share"] == "Assumption: text of ride_share"
    assert profile.notes_en["show_audience_default"] == "Assumption: text of show_audience_default"
    assert profile.notes_zh["ride_share"] == "假设"
    # a field with no text is named as such, not left out
    assert profile.notes_en["surge_spread_s"] == "no source or assumption stated"


def test_a_show_ending_at_2130_raises_arrivals_at_dongjiao_over_the_spread(scenario, places):
    a = scenario.demand
    quiet = demand_profile(scenario, HOLIDAY, (), places)
    busy = demand_profile(scenario, HOLIDAY, [show(HOLIDAY)], places)
    extra = np.asarray(busy.per_minute[dj(scenario)]) - np.asarray(quiet.per_minute[dj(scenario)])
    start, minutes = (21 * 60 + 30), a.surge_spread_s // 60
    riders = 2000 * a.show_ride_share
    assert extra[start:start + minutes] == pytest.approx([riders / minutes] * minutes)
    assert np.abs(extra[:start]).max() == 0 and np.abs(extra[start + minutes:]).max() == 0
    assert busy.total_riders == pytest.approx(quiet.total_riders + riders)
    [surge] = busy.surges
    assert (surge.stop_id, surge.direction, surge.start_s, surge.end_s) == (
        scenario.stops[0].id, "outbound", 77400, 77400 + a.surge_spread_s)
    # the Panda Base side is untouched
    inbound = (scenario.stops[-1].id, "inbound")
    assert busy.per_minute[inbound] == quiet.per_minute[inbound]


def test_a_show_without_capacity_takes_the_default_audience(scenario, places):
    busy = demand_profile(scenario, HOLIDAY, [show(HOLIDAY, capacity=None)], places)
    assert busy.surges[0].riders == pytest.approx(scenario.demand.show_audience_default * scenario.demand.show_ride_share)
    assert "show_audience_default" in busy.notes_en


@pytest.mark.parametrize("session", [
    show(HOLIDAY, status="cancelled"),                 # the whole event cancelled
    show(HOLIDAY, occ_status="cancelled"),             # this session cancelled
    show(HOLIDAY, venue="panda-museum-nonexistent"),   # a venue we do not know
    show(HOLIDAY - dt.timedelta(days=1)),              # another day's session
])
def test_sessions_that_release_nobody_add_nothing(scenario, places, session):
    quiet = demand_profile(scenario, HOLIDAY, (), places)
    profile = demand_profile(scenario, HOLIDAY, [session], places)
    assert profile.surges == () and profile.per_minute == quiet.per_minute
    assert profile.total_riders == quiet.total_riders


def test_a_show_at_the_panda_base_rides_inbound(scenario, places):
    venue = next(p.id for p in places.values() if p.site_id == "panda-base" and p.kind != "gate")
    profile = demand_profile(scenario, HOLIDAY, [show(HOLIDAY, end_hm=(16, 0), venue=venue)], places)
    [surge] = profile.surges
    assert (surge.stop_id, surge.direction, surge.start_s) == (scenario.stops[-1].id, "inbound", 16 * 3600)


def test_a_show_past_midnight_extends_the_day(scenario, places):
    event, occ = show(HOLIDAY)
    late = Occurrence(occ.event_id, occ.start, dt.datetime.combine(HOLIDAY + dt.timedelta(days=1), dt.time(0, 10), TZ))
    profile = demand_profile(scenario, HOLIDAY, [(event, late)], places)
    key = dj(scenario)
    assert len(profile.per_minute[key]) == 24 * 60 + 10 + scenario.demand.surge_spread_s // 60
    assert sum(profile.per_minute[key][1450:]) == pytest.approx(2000 * scenario.demand.show_ride_share)


def test_same_seed_same_passengers_other_seed_others(scenario, places):
    profile = demand_profile(scenario, HOLIDAY, [show(HOLIDAY)], places)
    one = passenger_arrivals(profile, np.random.default_rng([7, 0]))
    assert one == passenger_arrivals(profile, np.random.default_rng([7, 0]))
    assert one != passenger_arrivals(profile, np.random.default_rng([8, 0]))
    assert [p.arrive_s for p in one] == sorted(p.arrive_s for p in one)


def test_drawn_passengers_follow_the_profile(scenario, places):
    profile = demand_profile(scenario, HOLIDAY, [show(HOLIDAY)], places)
    rng = np.random.default_rng(3)
    days = [passenger_arrivals(profile, rng) for _ in range(40)]
    counts = np.array([len(d) for d in days])
    # Poisson: the mean of 40 days is within 4 standard errors of the expected total
    assert abs(counts.mean() - profile.total_riders) < 4 * np.sqrt(profile.total_riders / 40)
    surge = [p for d in days for p in d if p.surge == "concert"]
    riders = 2000 * scenario.demand.show_ride_share
    assert abs(len(surge) / 40 - riders) < 4 * np.sqrt(riders / 40)
    assert all(77400 <= p.arrive_s < 77400 + scenario.demand.surge_spread_s for p in surge)
    assert {(p.stop_id, p.direction) for p in surge} == {dj(scenario)}
    # base riders arrive only in hours whose curve weight is positive
    curve = scenario.demand.outbound_curve
    base = [p for d in days for p in d if p.surge is None and p.direction == "outbound"]
    assert all(curve[p.arrive_s // 3600] > 0 for p in base)
    hours = np.bincount([p.arrive_s // 3600 for p in base], minlength=24) / 40
    expected = profile.per_minute[dj(scenario)]
    expected_hours = np.asarray(expected[:1440]).reshape(24, 60).sum(axis=1)
    busiest = int(np.argmax(curve))
    assert abs(hours[busiest] - expected_hours[busiest]) < 4 * np.sqrt(expected_hours[busiest] / 40)


def test_without_places_a_venue_that_is_a_stops_place_still_counts(scenario):
    profile = demand_profile(scenario, HOLIDAY, [show(HOLIDAY, venue=scenario.stops[0].place_id)])
    assert [s.stop_id for s in profile.surges] == [scenario.stops[0].id]
