"""The sweep: a tiny line whose best plan is known by hand, picklable tasks in a spawned pool, records."""
from __future__ import annotations

import datetime as dt
import json
import pickle

import pytest

from planner.domain.model import DemandAssumptions
from planner.simulation.scenario import DirectionService, HeadwayPeriod, RunTime, Scenario, ScenarioStop
from planner.simulation.simulate import SimulationRequest, simulate
from planner.simulation.sweep import (
    Targets, run_sweep, run_sweep_task, simulation_result_from_record, simulation_result_to_record, sweep_from_record,
    sweep_result, sweep_tasks, sweep_to_record,
)

WEEKDAY = dt.date(2024, 3, 5)
DAYS = ("weekday", "weekend", "holiday")


def tiny() -> Scenario:
    """Outbound only, 08:00-10:00, 30 min each way, 8 min layover; about 100 riders between 08:00 and 10:00."""
    hours = tuple(1.0 if h in (8, 9) else 0.0 for h in range(24))
    demand = DemandAssumptions({d: 1000 for d in DAYS}, {d: 1000 for d in DAYS}, 0.1, hours, (0.0,) * 24, 0, 0.0, 600)
    service = {"outbound": DirectionService((HeadwayPeriod(8 * 3600, 10 * 3600, 1200),)),
               "inbound": DirectionService()}
    return Scenario("tiny", "小", "Tiny", (ScenarioStop("a", "甲", "A", 30.0, 104.0), ScenarioStop("b", "乙", "B", 30.05, 104.0)),
                    (), {d: service for d in DAYS}, (RunTime(12, 1800, 0),), 4, 75, 480, 10, 2.0, 2.0, 90.0, 3.5, demand)


def test_the_cheapest_plan_meeting_the_targets_is_found():
    request = SimulationRequest(tiny(), WEEKDAY, replications=5, seed=1)
    points = [run_sweep_task(task) for task in sweep_tasks(request, [600, 1200, 2400], [7, 8, 9])]
    result = sweep_result(points, Targets(wait_p95_s=900, left_behind=0))
    by = {(p.headway_s, p.fleet): p for p in result.points}
    # Every 10 min, a bus is back at A 30 + 8 + 30 + 8 = 76 min after leaving, so it leaves again
    # after 80 min: the buses of 08:00..09:10 run twice at most -> 8 buses; 7 cannot run the timetable.
    assert {p.min_fleet for p in result.points if p.headway_s == 600} == {8}
    assert by[(600, 7)].metrics["trips_not_run"].mean >= 1 and not by[(600, 7)].meets
    # waits are uniform up to the headway: the p95 is about 0.95 x headway, so only 10 min meets 15 min
    assert 500 < by[(600, 8)].metrics["wait_p95_s"].mean < 600 and by[(600, 8)].meets
    assert 1000 < by[(1200, 8)].metrics["wait_p95_s"].mean and not by[(1200, 8)].meets
    assert by[(600, 9)].cost_cny == by[(600, 8)].cost_cny      # a ninth bus is not used
    assert (result.best.headway_s, result.best.fleet) == (600, 8)
    # and less waiting costs more
    assert by[(600, 8)].cost_cny > by[(1200, 8)].cost_cny > by[(2400, 8)].cost_cny


def test_no_plan_meets_impossible_targets():
    request = SimulationRequest(tiny(), WEEKDAY, replications=2, seed=1)
    points = [run_sweep_task(task) for task in sweep_tasks(request, [600], [8])]
    assert sweep_result(points, Targets(wait_p95_s=60)).best is None
    assert sweep_result(points, Targets(wait_p95_s=60)).points[0].meets is False


def test_tasks_pickle_and_run_in_spawned_processes():
    request = SimulationRequest(tiny(), WEEKDAY, replications=2, seed=1)
    tasks = sweep_tasks(request, [1200, 2400], [4])
    assert pickle.loads(pickle.dumps(tasks)) == tasks
    progress: list[tuple[int, int]] = []
    pooled = run_sweep(request, [1200, 2400], [4], workers=2, progress=lambda d, t: progress.append((d, t)))
    inline = run_sweep(request, [1200, 2400], [4], workers=0)
    assert pooled == inline                       # the same seeds give the same points anywhere
    assert progress == [(1, 2), (2, 2)]


def test_records_are_json_and_read_back():
    request = SimulationRequest(tiny(), WEEKDAY, replications=2, seed=1)
    result = sweep_result([run_sweep_task(t) for t in sweep_tasks(request, [600, 1200], [8])], Targets())
    record = json.loads(json.dumps(sweep_to_record(result)))
    assert sweep_from_record(record) == result
    assert record["best"] == {"headway_s": 600, "fleet": 8}
    simulated = simulate(request)
    again = simulation_result_from_record(json.loads(json.dumps(simulation_result_to_record(simulated))))
    assert again == simulated
    assert json.loads(json.dumps(simulation_result_to_record(simulated)))["metrics"]["riders"]["n"] == 2


@pytest.mark.parametrize("targets", [Targets(), Targets(wait_p95_s=2400, left_behind=5)])
def test_the_best_point_is_the_cheapest_meeting(targets):
    request = SimulationRequest(tiny(), WEEKDAY, replications=2, seed=2)
    result = sweep_result([run_sweep_task(t) for t in sweep_tasks(request, [600, 1200, 2400], [4, 8])], targets)
    meeting = [p for p in result.points if p.meets]
    assert meeting and result.best in meeting
    assert result.best.cost_cny == min(p.cost_cny for p in meeting)
