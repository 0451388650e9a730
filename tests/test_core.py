"""The core on its own: geometry, hours, events, the loaded model and graph."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from planner.domain import geo
from planner.domain.model import HoursRule, OpeningHours


def test_core_imports_no_flask():
    # import-linter (tests/test_architecture.py) sees imports inside functions too; this checks what loads
    core = "planner.composition, planner.domain.validation, planner.sources.datafiles, planner.sources.gtfs_build"
    core += ", planner.routing.compare, planner.routing.network, planner.itinerary.daytrip, planner.itinerary.ics"
    core += ", planner.store.ical, planner.store.live, planner.cli.main"
    code = f"import sys; import {core}; print('flask' in sys.modules, 'werkzeug' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("lat,lon", [(30.67097, 104.12652), (30.735095, 104.143645), (30.10, 103.0)])
def test_gcj02_round_trip(lat, lon):
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lat, lon))
    assert geo.distance_m((lat, lon), back) < 0.01


@pytest.mark.parametrize("radius_m", [5e-324, 1e-320, 1e-310, 1e-9, 0.0, -5.0, float("nan")])
def test_near_pairs_finds_none_within_a_radius_too_small_to_matter(radius_m):
    # 1e-320 m once made a zero grid cell (ZeroDivisionError), 1e-310 m one so small that the cell
    # numbers overflowed: no walk is that short, so no pairs, even for two nodes at one point
    nodes = [("a", 30.67097, 104.12652), ("b", 30.67097, 104.12652), ("c", 30.67100, 104.12652)]
    assert list(geo.near_pairs(nodes, radius_m)) == []


def test_near_pairs_from_the_smallest_radius_that_matters():
    nodes = [("a", 30.67097, 104.12652), ("b", 30.67097, 104.12652), ("c", 30.735095, 104.143645)]
    assert [(x[0], y[0]) for x, y in geo.near_pairs(nodes, geo.MIN_RADIUS_M)] == [("a", "b")]
    assert {frozenset((x[0], y[0])) for x, y in geo.near_pairs(nodes, 10_000)} == {
        frozenset(pair) for pair in (("a", "b"), ("a", "c"), ("b", "c"))}


def test_gcj02_offset_matches_facts():
    # FACTS.md: 东郊记忆 station GCJ-02 30.668562, 104.129048 is WGS84 about 30.67097, 104.12652
    wgs = geo.gcj02_to_wgs84(30.668562, 104.129048)
    assert geo.distance_m(wgs, (30.67097, 104.12652)) < 10
    assert 300 < geo.distance_m(wgs, (30.668562, 104.129048)) < 420


def test_hours_last_matching_rule_wins():
    hours = OpeningHours((
        HoursRule(open_s=27000, close_s=64800),
        HoursRule(months=frozenset({12, 1, 2}), open_s=28800, close_s=63000, last_entry_s=59400),
        HoursRule(weekdays=frozenset({0}), date_from=dt.date(2023, 12, 25), closed=True),
    ))
    assert hours.on(dt.date(2024, 2, 12)) is None  # a Monday after the closure began
    assert hours.on(dt.date(2023, 12, 18)).open_s == 28800  # a Monday before it
    winter = hours.on(dt.date(2024, 2, 13))
    assert (winter.open_s, winter.close_s, winter.last_entry_s) == (28800, 63000, 59400)
    assert hours.on(dt.date(2024, 5, 1)).close_s == 64800


def test_model_sites_and_required_places(model):
    assert set(model.sites) == {"panda-base", "dongjiao-memory"}
    for place_id in ("panda-south-gate", "panda-west-gate", "dj-chengdu-stage", "dj-chengdu-wall",
                     "dj-east-live-house", "dj-fanxing-theatre", "dj-lang-art-museum", "dj-locomotive-square"):
        assert place_id in model.places
    assert all(p.source or p.assumption for p in model.places.values())


def test_panda_base_winter_hours(model):
    gate = model.places["panda-south-gate"]
    winter, summer = gate.hours.on(dt.date(2024, 2, 12)), gate.hours.on(dt.date(2024, 7, 1))
    assert (winter.open_s, winter.close_s) == (8 * 3600, 17 * 3600 + 1800)
    assert (summer.open_s, summer.close_s) == (7 * 3600 + 1800, 18 * 3600)


def test_kindergarten_closed_on_mondays_from_trial(model):
    kindergarten = next(p for p in model.places.values() if "kindergarten" in p.id)
    assert kindergarten.hours.on(dt.date(2024, 2, 12)) is None  # Monday
    assert kindergarten.hours.on(dt.date(2024, 2, 13)) is not None


def test_events_on_2024_02_12(model):
    sessions = model.events_on(dt.date(2024, 2, 12))
    ids = {ev.id for ev, _ in sessions}
    assert len(ids) >= 4
    for ev, occ in sessions:
        assert occ.start.tzinfo is not None and occ.start < occ.end
        assert ev.venue_id in model.places
    assert any(model.places[ev.venue_id].site_id == "panda-base" for ev, _ in sessions)


def test_shuttle_connects_both_sites(model):
    shuttle = model.shuttle
    sites = {model.places[s.place_id].site_id for s in shuttle.stops}
    assert sites == {"panda-base", "dongjiao-memory"}
    assert shuttle.departures_s("outbound") and shuttle.departures_s("inbound")
    assert len(shuttle.path) >= 2
    assert all(geo.in_chengdu(lat, lon) for lat, lon in shuttle.path)
