"""planner scenario list/export, simulate and sweep (locally and on RQ workers), and their bad options."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.main import main
from planner.simulation.scenario import PROPOSAL_ID, scenario_to_record

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path) -> list[str]:
    """The --database-url option of a fresh SQLite database (the commands migrate and seed it)."""
    return ["--database-url", f"sqlite:///{tmp_path / 'planner.db'}"]


def run(runner, *args: str, code: int = 0):
    result = runner.invoke(main, list(args))
    assert result.exit_code == code, result.output + (result.stderr if code == 0 else "")
    return result


def test_scenario_list_shows_the_proposal_selected(runner, db, scenario):
    rows = json.loads(run(runner, "scenario", "list", "--json", *db).stdout)["scenarios"]
    assert [r["id"] for r in rows] == [PROPOSAL_ID] and rows[0]["selected"] and rows[0]["version"] == 1
    assert rows[0]["departures"]["weekday"] == {d: len(scenario.departures_s("weekday", d))
                                                for d in ("outbound", "inbound")}
    text = run(runner, "scenario", "list", *db).stdout
    assert text.startswith(f"* {PROPOSAL_ID} v1") and f"fleet {scenario.fleet_size}" in text


def test_scenario_export_writes_a_feed_the_gtfs_reader_loads(runner, db, tmp_path, scenario):
    from planner.sources.gtfs import read_feed

    out = tmp_path / "shuttle.zip"
    result = run(runner, "scenario", "export", PROPOSAL_ID, "--gtfs", str(out), "--from", "2024-03-01",
                 "--to", "2024-03-31", *db)
    assert f"scenario {PROPOSAL_ID} version 1" in result.stdout
    feed = read_feed(out)
    per_day = sum(len(scenario.departures_s("weekday", d)) for d in ("outbound", "inbound"))
    weekday_trips = [t for t in feed.trips.values() if "weekday" in t.service_id]
    assert len(weekday_trips) == per_day and len(feed.stops) == len(scenario.stops)


def test_simulate_json_is_reproducible_and_shows_progress(runner, db):
    args = ("simulate", PROPOSAL_ID, "--date", "2024-02-12", "--replications", "3", "--seed", "7", "--json", *db)
    first = run(runner, *args)
    answer = json.loads(first.stdout)
    assert (answer["scenario"], answer["date"], answer["day_type"]) == (PROPOSAL_ID, "2024-02-12", "holiday")
    assert answer["replications"] == 3 and answer["seed"] == 7
    metrics = answer["metrics"]
    assert metrics["riders"]["n"] == 3 and metrics["riders"]["mean"] > 0
    assert metrics["riders"]["low"] <= metrics["riders"]["mean"] <= metrics["riders"]["high"]
    assert "person_minutes_saved" in metrics  # today's transit between the terminals was given
    assert "replications: 1/3" in first.stderr and "replications: 3/3" in first.stderr  # progress
    assert json.loads(run(runner, *args).stdout) == answer
    text = run(runner, "simulate", PROPOSAL_ID, "--date", "2024-02-12", "--replications", "2", *db).stdout
    assert "holiday" in text and "wait_p95_s" in text and "[" in text


def check_sweep(answer: dict, headways_min: list[int], fleets: list[int]) -> None:
    points = answer["points"]
    assert [(p["headway_s"], p["fleet"]) for p in points] == [(h * 60, f) for h in headways_min for f in fleets]
    target = answer["targets"]
    for p in points:
        m = p["metrics"]
        assert p["meets"] == (m["wait_p95_s"]["mean"] <= target["wait_p95_s"]
                              and m["left_behind"]["mean"] <= target["left_behind"]
                              and m["trips_not_run"]["mean"] == 0)
    meeting = [p for p in points if p["meets"]]
    cheapest = min(meeting, key=lambda p: (p["cost_cny"], p["metrics"]["wait_p95_s"]["mean"], p["fleet"],
                                           -p["headway_s"]), default=None)
    assert answer["best"] == ({"headway_s": cheapest["headway_s"], "fleet": cheapest["fleet"]} if cheapest else None)


def test_sweep_on_the_local_pool_with_a_progress_bar(runner, db, monkeypatch):
    monkeypatch.setenv("PLANNER_JOB_WORKERS", "2")
    monkeypatch.delenv("PLANNER_REDIS_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    result = run(runner, "sweep", PROPOSAL_ID, "--headways", "20,40", "--fleets", "4,8", "--date", "2024-03-05",
                 "--replications", "2", "--wait-p95-min", "40", "--json", *db)
    answer = json.loads(result.stdout)
    check_sweep(answer, [20, 40], [4, 8])
    assert answer["targets"] == {"wait_p95_s": 2400, "left_behind": 0}
    assert "sweep points: 4/4" in result.stderr  # progress (a bar on a terminal, lines elsewhere)
    text = run(runner, "sweep", PROPOSAL_ID, "--headways", "30", "--fleets", "6", "--date", "2024-03-05",
               "--replications", "1", *db).stdout
    assert "best:" in text and "   30 m     6" in text


def test_sweep_on_rq_workers(runner, db, redis_url, monkeypatch):
    monkeypatch.setenv("PLANNER_REDIS_URL", redis_url)
    worker = subprocess.Popen([sys.executable, "-c", "from planner.main import main; main()", "worker",
                               "--max-jobs", "4"], cwd=ROOT, env={**os.environ, "PLANNER_REDIS_URL": redis_url},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        result = run(runner, "sweep", PROPOSAL_ID, "--headways", "20,40", "--fleets", "4,8", "--date", "2024-03-05",
                     "--replications", "2", "--json", *db)
        output, _ = worker.communicate(timeout=120)  # it stops after the sweep's four points
        assert worker.returncode == 0, output
    finally:
        if worker.poll() is None:
            worker.kill()
    answer = json.loads(result.stdout)
    check_sweep(answer, [20, 40], [4, 8])
    assert answer["job"] and "sweep points: 4/4" in result.stderr


@pytest.mark.parametrize(("args", "option"), [
    (["simulate", PROPOSAL_ID, "--replications", "0"], "'--replications'"),
    (["simulate", PROPOSAL_ID, "--replications", "51"], "'--replications'"),
    (["simulate", PROPOSAL_ID, "--date", "2024-13-01"], "'--date'"),
    (["simulate", PROPOSAL_ID, "--seed", "-1"], "'--seed'"),
    (["simulate", "no-such-scenario"], "SCENARIO"),
    (["sweep", PROPOSAL_ID, "--headways", "10,x", "--fleets", "3"], "'--headways'"),
    (["sweep", PROPOSAL_ID, "--headways", "0", "--fleets", "3"], "'--headways'"),
    (["sweep", PROPOSAL_ID, "--headways", "10", "--fleets", "3,500"], "'--fleets'"),
    (["sweep", PROPOSAL_ID, "--headways", ",".join(str(m) for m in range(1, 12)), "--fleets", "3"], "'--headways'"),
    (["sweep", PROPOSAL_ID, "--fleets", "3"], "'--headways'"),
    (["scenario", "export", PROPOSAL_ID, "--gtfs", "x.zip", "--from", "2024-03-02", "--to", "2024-03-01"], "'--to'"),
    (["scenario", "export", PROPOSAL_ID, "--gtfs", "x.zip", "--from", "March"], "'--from'"),
    (["scenario", "export", "no-such-scenario", "--gtfs", "x.zip"], "SCENARIO"),
])
def test_bad_option_values_name_the_option_and_exit_2(runner, db, args, option):
    result = run(runner, *args, *db, code=2)
    assert option in result.output and "Error" in result.output
