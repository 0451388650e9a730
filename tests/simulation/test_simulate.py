"""The simulated day: cases checked by hand, reproducible seeds, intervals, conservation; the t table."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from planner.domain.model import TZ, DemandAssumptions, Event, Occurrence
from planner.domain.paths import bundled_data_dir
from planner.simulation.demand import Passenger
from planner.simulation.scenario import DirectionService, RunTime, Scenario, ScenarioStop
from planner.simulation.simulate import SimulationRequest, simulate, simulate_passengers
from planner.simulation.stats import T_975, estimate, t_critical_95
from planner.sources.datafiles import load_model

WEEKDAY = dt.date(2024, 3, 5)
HOLIDAY = dt.date(2024, 10, 2)
DAYS = ("weekday", "weekend", "holiday")
NOBODY = DemandAssumptions({d: 0 for d in DAYS}, {d: 0 for d in DAYS}, 0.0, (0.0,) * 24, (0.0,) * 24, 0, 0.0, 600)


def hm(h: int, m: int = 0, s: int = 0) -> int:
    return h * 3600 + m * 60 + s


def line(outbound=(hm(8),), inbound=(), run_s=1800, sd_s=0, fleet=1, capacity=75, layover_s=480,
         dwell_base_s=10, dwell_per_boarding_s=2.0, stops=2) -> Scenario:
    """A straight line north along a meridian, stops 5.5 km apart, the same timetable every day."""
    service = {"outbound": DirectionService(departures_s=tuple(outbound)),
               "inbound": DirectionService(departures_s=tuple(inbound))}
    return Scenario(
        "t", "测", "Test", tuple(ScenarioStop("abc"[i], "站", "Stop", 30.0 + 0.05 * i, 104.0) for i in range(stops)),
        (), {d: service for d in DAYS}, (RunTime(12, run_s, sd_s),), fleet, capacity, layover_s, dwell_base_s,
        dwell_per_boarding_s, 2.0, 90.0, 3.5, NOBODY)


def riders(*times: int, stop: str = "a", direction: str = "outbound") -> list[Passenger]:
    return [Passenger(t, stop, direction, None) for t in times]


def test_one_bus_known_arrivals_exact_waits_and_load():
    s = line()
    # the bus stands at a from 07:52 (08:00 less the layover); it leaves at 08:00, arrives 08:30
    result = simulate_passengers(s, WEEKDAY, riders(hm(7, 50), hm(7, 55), hm(7, 59), hm(8), hm(8, 0, 30)))
    [trip] = result.trips
    assert (trip.depart_s, trip.arrive_s, trip.boarded, trip.max_load, trip.left_behind) == (hm(8), hm(8, 30), 4, 4, 0)
    assert sorted(result.waits_s) == [0, 60, 300, 600]
    m = {k: v.mean for k, v in result.metrics.items()}
    assert (m["arrived"], m["riders"], m["left_behind"], m["denied_boarding"]) == (5, 4, 1, 0)   # 08:00:30 missed it
    assert m["wait_mean_s"] == 240 and m["peak_load_factor"] == 4 / 75 and m["mean_load"] == 4
    # 08:00-08:30, then empty back to a (its depot): 1 hour, twice the length
    assert m["vehicle_hours"] == 1.0 and m["vehicle_km"] == pytest.approx(2 * s.length_m() / 1000)
    assert m["cost_cny"] == pytest.approx(1.0 * 90 + 2 * s.length_m() / 1000 * 3.5)
    assert m["cost_per_passenger_cny"] == pytest.approx(m["cost_cny"] / 4)
    assert result.positions == ((1, hm(8), 0.0), (1, hm(8, 30), pytest.approx(s.length_m())),
                                (1, hm(8, 30), pytest.approx(s.length_m())), (1, hm(9), 0.0))
    assert "person_minutes_saved" not in result.metrics      # no transit times given


def test_doors_stay_open_while_boarding_and_late_comers_board():
    s = line(dwell_per_boarding_s=10.0)
    # 60 board at 08:00: 10 + 600 s of dwell from 07:52 -> 08:02:10; the 08:01 rider boards too (08:02:20)
    result = simulate_passengers(s, WEEKDAY, riders(*[hm(7, 40)] * 60, hm(8, 1), hm(8, 2, 30)))
    [trip] = result.trips
    assert (trip.depart_s, trip.arrive_s, trip.boarded) == (hm(8, 2, 20), hm(8, 32, 20), 61)
    assert sorted(result.waits_s) == [80] + [1340] * 60
    assert result.metrics["left_behind"].mean == 1       # 08:02:30: the doors had closed


def test_capacity_one_leaves_people_behind_for_the_next_bus():
    s = line(outbound=(hm(8), hm(8, 20)), fleet=2, capacity=1)
    result = simulate_passengers(s, WEEKDAY, riders(hm(7, 50), hm(7, 51), hm(8, 25)))
    first, second = result.trips
    assert (first.boarded, first.left_behind, second.boarded, second.left_behind) == (1, 1, 1, 0)
    assert sorted(result.waits_s) == [600, hm(8, 20) - hm(7, 51)]
    m = {k: v.mean for k, v in result.metrics.items()}
    assert (m["riders"], m["denied_boarding"], m["left_behind"], m["peak_load_factor"]) == (2, 1, 1, 1.0)


def test_a_bus_holds_at_a_middle_stop_until_its_timetable():
    s = line(stops=3, sd_s=900, outbound=tuple(hm(7) + 600 * i for i in range(12)), fleet=12)
    middle = s.length_m() / 2
    for seed in range(5):
        result = simulate_passengers(s, WEEKDAY, riders(hm(8, 10), stop="b"), seed=seed)
        for trip in result.trips:
            at_b = [t for v, t, d in result.positions if v == trip.vehicle and abs(d - middle) < 50
                    and trip.depart_s <= t <= trip.arrive_s]
            assert trip.depart_s >= trip.planned_depart_s
            assert max(at_b) >= trip.planned_depart_s + 900      # left b no earlier than planned
        assert result.metrics["riders"].mean == 1


def test_a_rider_at_a_middle_stop_waits_for_the_bus_and_its_dwell():
    s = line(stops=3)
    result = simulate_passengers(s, WEEKDAY, riders(hm(8, 10), stop="b"))
    # 08:15 at b (half the run), 10 + 2 s of dwell, then the other half
    assert result.waits_s == (312,)
    assert result.trips[0].arrive_s == hm(8, 30, 12)


def test_standard_deviation_zero_gives_the_timetable_exactly(scenario):
    s = replace(scenario, run_times=tuple(replace(r, sd_s=0) for r in scenario.run_times))
    result = simulate(SimulationRequest(s, HOLIDAY, replications=2, seed=3))
    planned = {t.trip_id: t for t in s.trips("holiday")}
    assert result.metrics["riders"].mean > 1000
    assert len(result.trips) == len(planned) - int(result.metrics["trips_not_run"].mean)
    for trip in result.trips:
        assert (trip.depart_s, trip.arrive_s) == (planned[trip.trip_id].depart_s, planned[trip.trip_id].arrive_s)
    assert result.metrics["headway_cv"].mean == 0


def test_run_times_are_lognormal_with_the_hours_mean_and_sd():
    s = line(outbound=tuple(hm(8) + 600 * i for i in range(40)), run_s=1800, sd_s=600, fleet=40)
    durations = [t.arrive_s - t.depart_s for seed in range(20)
                 for t in simulate_passengers(s, WEEKDAY, [], seed=seed).trips]
    assert len(durations) == 800
    assert abs(np.mean(durations) - 1800) < 4 * 600 / math.sqrt(800)
    assert np.std(durations) == pytest.approx(600, rel=0.15)
    assert min(durations) > 0 and np.median(durations) < np.mean(durations)   # right-skewed


def test_a_fleet_too_small_runs_fewer_trips():
    s = line(outbound=(hm(8), hm(8, 10)), fleet=1)
    result = simulate_passengers(s, WEEKDAY, riders(hm(8, 5)))
    assert len(result.trips) == 1 and result.metrics["trips_not_run"].mean == 1


def test_person_minutes_saved_against_transit_by_departure_minute():
    s = line()
    door: list[int | None] = [None] * 1440
    door[470], door[479] = 3600, 2000        # 07:50 and 07:59 have a transit journey; 07:55 none
    result = simulate_passengers(s, WEEKDAY, riders(hm(7, 50), hm(7, 55), hm(7, 59)),
                                 transit_door_s={"outbound": door, "inbound": [None] * 1440})
    # 3600 - (600 + 1800) and 2000 - (60 + 1800) seconds
    assert result.metrics["person_minutes_saved"].mean == pytest.approx((1200 + 140) / 60)


def test_same_seed_same_result_other_seed_differs(scenario):
    one = simulate(SimulationRequest(scenario, HOLIDAY, replications=3, seed=5))
    assert one == simulate(SimulationRequest(scenario, HOLIDAY, replications=3, seed=5))
    other = simulate(SimulationRequest(scenario, HOLIDAY, replications=3, seed=6))
    assert other.metrics["wait_mean_s"] != one.metrics["wait_mean_s"] and other.waits_s != one.waits_s


def test_replication_k_does_not_depend_on_how_many_there_are(scenario):
    few = simulate(SimulationRequest(scenario, HOLIDAY, replications=1, seed=5))
    many = simulate(SimulationRequest(scenario, HOLIDAY, replications=4, seed=5))
    assert few.trips == many.trips and few.waits_s == many.waits_s


def test_intervals_shrink_with_more_replications(scenario):
    def width(n: int) -> float:
        e = simulate(SimulationRequest(scenario, HOLIDAY, replications=n, seed=1)).metrics["wait_mean_s"]
        assert e.low <= e.mean <= e.high and e.n == n
        return e.high - e.low
    assert width(40) < 0.6 * width(5)


@pytest.fixture(scope="module")
def places():
    return load_model(bundled_data_dir()).places


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_passenger_is_carried_or_left_behind(scenario, places, seed):
    start = dt.datetime.combine(HOLIDAY, dt.time(19, 30), TZ)
    end = dt.datetime.combine(HOLIDAY, dt.time(21, 30), TZ)
    concert = (Event(id="concert", venue_id="dj-chengdu-stage", start=start, end=end, capacity=2000),
               Occurrence("concert", start, end))
    crowded = replace(scenario, capacity_passengers=30)
    result = simulate(SimulationRequest(crowded, HOLIDAY, replications=1, seed=seed, sessions=(concert,),
                                        places=places))
    m = {k: v.mean for k, v in result.metrics.items()}
    assert m["riders"] + m["left_behind"] == m["arrived"]
    assert len(result.waits_s) == m["riders"] == sum(t.boarded for t in result.trips)
    assert all(t.max_load <= 30 for t in result.trips) and m["peak_load_factor"] == 1.0
    assert 0 < m["denied_boarding"] and m["left_behind"] > 0   # the concert ends after the last bus
    assert result.surges and result.surges[0].event_id == "concert"
    assert all(w >= 0 for w in result.waits_s)


def test_progress_is_reported_per_replication(scenario):
    calls: list[tuple[int, int]] = []
    simulate(SimulationRequest(scenario, WEEKDAY, replications=3), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_replications_must_be_positive(scenario):
    with pytest.raises(ValueError, match="replications"):
        simulate(SimulationRequest(scenario, WEEKDAY, replications=0))


# ------------------------------------------------------------------------------------------------ stats


def _t_cdf_minus_half(t: float, df: int, steps: int = 20000) -> float:
    """P(0 < T < t) for Student's t, by Simpson's rule on its density (no SciPy)."""
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    h = t / steps
    f = [c * (1 + (i * h) ** 2 / df) ** (-(df + 1) / 2) for i in range(steps + 1)]
    return h / 3 * (f[0] + f[-1] + 4 * sum(f[1:-1:2]) + 2 * sum(f[2:-1:2]))


@pytest.mark.parametrize("df", [d for d in T_975 if d != math.inf])
def test_the_t_table_gives_the_975_quantile(df):
    assert _t_cdf_minus_half(T_975[df], df) == pytest.approx(0.475, abs=2e-5)


@pytest.mark.parametrize("df", [35, 45, 70, 90, 110, 200, 1000])
def test_interpolated_t_values_are_close(df):
    assert _t_cdf_minus_half(t_critical_95(df), df) == pytest.approx(0.475, abs=1e-4)


def test_an_estimate_of_equal_values_has_no_width_and_covers_the_mean():
    assert estimate([3.0, 3.0, 3.0]) == estimate([3.0, 3.0, 3.0]).__class__(3.0, 3.0, 3.0, 3)
    rng = np.random.default_rng(0)
    # 95% intervals of samples of 10 from N(5, 2): about 95 of 100 cover 5
    covered = sum(e.low <= 5 <= e.high for e in (estimate(rng.normal(5, 2, 10)) for _ in range(400)))
    assert 360 <= covered <= 395


# ------------------------------------------------------------------------------------- against a reference


def reference_waits(scenario: Scenario, passengers: list[Passenger]) -> tuple[list[int], int]:
    """Buses on time, no dwell, everyone to the end: at each departure the first ``capacity`` of those
    who have come board. (waits, never carried) by brute force."""
    waits, left = [], 0
    for direction in ("outbound", "inbound"):
        first = scenario.stops[0].id if direction == "outbound" else scenario.stops[-1].id
        queue = sorted(p.arrive_s for p in passengers if p.direction == direction and p.stop_id == first)
        for depart in scenario.departures_s("weekday", direction):
            came = [t for t in queue if t <= depart][:scenario.capacity_passengers]
            waits += [depart - t for t in came]
            queue = queue[len(came):]
        left += len(queue)
    return sorted(waits), left


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_on_time_buses_without_dwell_match_a_brute_force_queue(data):
    hours = st.integers(hm(6), hm(20))
    outbound = data.draw(st.lists(hours, min_size=1, max_size=6, unique=True))
    inbound = data.draw(st.lists(hours, max_size=6, unique=True))
    capacity = data.draw(st.integers(1, 5))
    s = line(outbound=sorted(outbound), inbound=sorted(inbound), fleet=12, capacity=capacity, dwell_base_s=0,
             dwell_per_boarding_s=0.0)
    passengers = data.draw(st.lists(st.builds(Passenger, st.integers(hm(5), hm(21)), st.just("a"), st.just("outbound"),
                                              st.none()), max_size=25))
    passengers += data.draw(st.lists(st.builds(Passenger, st.integers(hm(5), hm(21)), st.just("b"), st.just("inbound"),
                                               st.none()), max_size=25))
    result = simulate_passengers(s, WEEKDAY, passengers)
    assert result.metrics["trips_not_run"].mean == 0
    waits, left = reference_waits(s, passengers)
    assert sorted(result.waits_s) == waits
    assert result.metrics["left_behind"].mean == left
    assert all(t.depart_s == t.planned_depart_s and t.max_load <= capacity for t in result.trips)
