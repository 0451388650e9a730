"""Sweeps on the job queue: RQ on a real redis-server with real `planner worker` processes, and the
local process pool; the same points and result as computing them here, progress counts, a failing
point reported with its error."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from planner.composition.jobs import JobStatus, LocalJobQueue, RqJobQueue, make_queue
from planner.domain.errors import NotFound
from planner.simulation.simulate import SimulationRequest
from planner.simulation.sweep import SweepTask, Targets, run_sweep_task, sweep_result, sweep_tasks, sweep_to_record

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2024, 3, 5)  # a Tuesday: a weekday
TARGETS = Targets(wait_p95_s=1800, left_behind=0)


@pytest.fixture(scope="module")
def request_(scenario) -> SimulationRequest:
    return SimulationRequest(scenario, DAY, replications=2, seed=3)


@pytest.fixture(scope="module")
def tasks(request_) -> list[SweepTask]:
    return sweep_tasks(request_, [600, 1200, 1800], [4, 6], TARGETS)


@pytest.fixture(scope="module")
def expected(tasks) -> dict:
    """The sweep computed here, point by point: what any queue must answer."""
    return sweep_to_record(sweep_result([run_sweep_task(t) for t in tasks], TARGETS))


def failing(request_) -> SweepTask:
    """A point the simulation refuses (no replication): run_sweep_task raises ValueError."""
    return SweepTask(replace(request_, replications=0), 900, 5, TARGETS)


def workers(redis_url: str, *args: str) -> subprocess.Popen:
    """A `planner worker` process on ``redis_url``."""
    env = {**os.environ, "PLANNER_REDIS_URL": redis_url}
    return subprocess.Popen([sys.executable, "-c", "from planner.main import main; main()", "worker", *args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output
    return output


def wait_until_done(queue, sweep_id: str, timeout_s: float = 300) -> list[JobStatus]:
    seen = [queue.status(sweep_id)]
    deadline = time.monotonic() + timeout_s
    while seen[-1].state not in ("finished", "failed"):
        assert time.monotonic() < deadline, seen[-1]
        time.sleep(0.1)
        seen.append(queue.status(sweep_id))
    return seen


def test_rq_sweep_one_job_per_point_shared_by_workers_with_progress(redis_url, tasks, expected):
    import redis
    from rq.group import Group
    from rq.job import Job

    queue = make_queue(redis_url, 0)
    assert isinstance(queue, RqJobQueue)
    sweep_id = queue.submit_sweep(tasks, TARGETS)
    connection = redis.Redis.from_url(redis_url)
    group_jobs = Group(connection, sweep_id).get_jobs()
    assert sorted(job.id for job in group_jobs) == sorted(f"{sweep_id}-{i}" for i in range(len(tasks)))
    assert queue.status(sweep_id) == JobStatus(sweep_id, "queued", 0, len(tasks))

    finish(workers(redis_url, "--burst", "--max-jobs", "2"))  # a worker that stops after two points
    partial = queue.status(sweep_id)
    assert (partial.state, partial.done, partial.total, partial.result) == ("running", 2, 6, None)

    first, second = workers(redis_url, "--burst"), workers(redis_url, "--burst")  # two share the rest
    finish(first), finish(second)
    done = queue.status(sweep_id)
    assert (done.state, done.done, done.total, done.error) == ("finished", 6, 6, None)
    assert done.result == expected
    names = {Job.fetch(f"{sweep_id}-{i}", connection).worker_name for i in range(len(tasks))}
    assert len(names) >= 2 and None not in names  # the first worker's two points and the others'


def test_rq_a_failing_point_fails_the_sweep_with_its_error(redis_url, request_, tasks):
    queue = make_queue(redis_url, 0)
    sweep_id = queue.submit_sweep([tasks[0], failing(request_)], TARGETS)
    finish(workers(redis_url, "--burst"))
    status = queue.status(sweep_id)
    assert (status.state, status.done, status.total, status.result) == ("failed", 2, 2, None)
    assert status.error == "headway 900 s, fleet 5: ValueError: replications must be at least 1"


def test_rq_unknown_sweep_is_not_found(redis_url):
    with pytest.raises(NotFound):
        make_queue(redis_url, 0).status("no-such-sweep")


def test_the_worker_command_needs_redis(runner, monkeypatch):
    from planner.main import main

    monkeypatch.delenv("PLANNER_REDIS_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    result = runner.invoke(main, ["worker", "--burst"])
    assert result.exit_code == 2 and "PLANNER_REDIS_URL" in result.output


def test_local_pool_same_result_progress_and_a_failing_point(request_, tasks, expected):
    queue = make_queue(None, 2)
    assert isinstance(queue, LocalJobQueue)
    try:
        sweep_id = queue.submit_sweep(tasks, TARGETS)
        seen = wait_until_done(queue, sweep_id)
        assert seen[0].state in ("queued", "running") and seen[0].done < len(tasks)
        assert [s.done for s in seen] == sorted(s.done for s in seen)  # progress only grows
        assert (seen[-1].state, seen[-1].done, seen[-1].total) == ("finished", 6, 6)
        assert seen[-1].result == expected

        bad = queue.submit_sweep([tasks[0], failing(request_)], TARGETS)
        status = wait_until_done(queue, bad)[-1]
        assert (status.state, status.total, status.result) == ("failed", 2, None)
        assert status.error == "headway 900 s, fleet 5: ValueError: replications must be at least 1"
        with pytest.raises(NotFound):
            queue.status("no-such-sweep")
    finally:
        queue.close()


def test_settings_choose_the_queue(monkeypatch, redis_url):
    from planner.composition import Settings

    monkeypatch.delenv("PLANNER_REDIS_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", redis_url)  # as hosting platforms name it
    settings = Settings()
    assert settings.redis_url == redis_url
    assert isinstance(make_queue(settings.redis_url, settings.job_workers), RqJobQueue)
    monkeypatch.setenv("PLANNER_JOB_WORKERS", "3")
    monkeypatch.delenv("REDIS_URL")
    settings = Settings()
    local = make_queue(settings.redis_url, settings.job_workers)
    assert isinstance(local, LocalJobQueue) and local.workers == 3
