"""Day plans off the page threads (issue 14 item 2): the pool's queue and deadline budgets answer 503 with
Retry-After naming the limit, and a plan from a worker process is the plan made in the app's process."""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace
from types import SimpleNamespace

import pytest

from planner.composition import Settings
from planner.composition.plan_pool import PlanPool, make_job, plan_job
from planner.composition.services import replace_shuttle
from planner.domain.errors import Busy
from planner.itinerary.daytrip import DayPlanner, DayRequest
from planner.itinerary.values import ValueModel
from planner.routing.journeys import JourneyPlanner
from tests.day_plan_record import REQUESTS, plan_record

DAY = dt.date(2024, 2, 12)
SHOW = "dj-standup-comedy-2024"


@pytest.fixture(scope="module")
def journeys(model):
    return JourneyPlanner.for_model(model)


#: what a stand-in plan answers: like a DayPlan, it says how long it took (the pool keeps recent times)
PLANNED = SimpleNamespace(seconds=0.01)


class Gate:
    """A plan that waits until the test lets it go, so a pool's workers stay busy on purpose; then
    ``then(job)`` plans it."""

    def __init__(self, then=lambda job: PLANNED) -> None:
        self.release = threading.Event()
        self.started = threading.Semaphore(0)
        self.then = then

    def __call__(self, job):
        self.started.release()
        assert self.release.wait(30), "the test never released the plan"
        return self.then(job)


def wait_for(pool: PlanPool, in_flight: int) -> None:
    for _ in range(3000):
        if pool.in_flight >= in_flight:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"never {in_flight} plans in the pool")


def _job(model, day=DAY, start="dongjiao-memory"):
    request = DayRequest(day, start, only=("panda-museum",))
    return make_job(request, model.events_on(day), model, ValueModel(), None)


def test_a_full_queue_is_refused_at_once_naming_the_limit(model):
    gate = Gate()
    pool = PlanPool(Settings(), "threads", workers=1, queue_max=1, deadline_s=60, local=gate)
    answers: list[object] = []
    waiting = [threading.Thread(target=lambda: answers.append(pool.plan(_job(model)))) for _ in range(2)]
    for thread in waiting:
        thread.start()
    assert gate.started.acquire(timeout=30)
    wait_for(pool, 2)  # one runs, one waits in the queue
    with pytest.raises(Busy) as refused:
        pool.plan(_job(model))
    assert refused.value.params["limit"] == "plan_queue_max" and refused.value.params["limit_value"] == 1
    assert refused.value.retry_after_s >= 1
    gate.release.set()
    for thread in waiting:
        thread.join(30)
    assert answers == [PLANNED, PLANNED] and pool.in_flight == 0
    assert pool.plan(_job(model)) is PLANNED  # room again
    pool.close()


def test_a_plan_past_the_deadline_is_busy_and_frees_its_place_when_done(model):
    gate = Gate()
    pool = PlanPool(Settings(), "threads", workers=1, queue_max=0, deadline_s=0.2, local=gate)
    with pytest.raises(Busy) as late:
        pool.plan(_job(model))
    assert late.value.params["limit"] == "plan_deadline_s"
    assert pool.in_flight == 1  # still running: it holds its worker until it ends
    with pytest.raises(Busy) as full:
        pool.plan(_job(model))
    assert full.value.params["limit"] == "plan_queue_max"
    gate.release.set()
    pool.close()


def test_the_web_answers_503_with_retry_after_when_the_plans_queue_is_full(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                      "IMPORT_DIR": str(tmp_path / "imports"), "PLAN_WORKERS": 1, "PLAN_QUEUE_MAX": 1})
    services = app.extensions["planner"]
    gate = Gate(lambda job: plan_job(job, services.model, services.journeys))
    app.extensions["plan_pool"] = PlanPool(services.settings, "threads", 1, 1, 60, local=gate)
    answers: list[int] = []

    def ask(day: str) -> None:
        with app.test_client() as client:  # distinct requests: the plan cache does not join them
            answers.append(client.post("/api/itineraries", json={"start": "dongjiao-memory", "date": day,
                                                                 "shuttle": "without"}).status_code)
    waiting = [threading.Thread(target=ask, args=(day,)) for day in ("2024-10-02", "2024-10-03")]
    for thread in waiting:
        thread.start()
    assert gate.started.acquire(timeout=30)
    wait_for(app.extensions["plan_pool"], 2)
    refused = app.test_client().post("/api/itineraries?lang=en", json={"start": "dongjiao-memory",
                                                                       "date": "2024-10-04", "shuttle": "without"})
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
    error = refused.get_json()["error"]
    assert error["code"] == "busy" and "plan_queue_max" in error["message"]
    gate.release.set()
    for thread in waiting:
        thread.join(30)
    assert answers == [200, 200]  # those admitted are planned once the pool has room


def test_the_web_answers_503_when_a_plan_runs_past_the_deadline(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                      "IMPORT_DIR": str(tmp_path / "imports")})
    gate = Gate()
    app.extensions["plan_pool"] = PlanPool(app.extensions["planner"].settings, "threads", 1, 4, 0.2, local=gate)
    late = app.test_client().post("/api/itineraries?lang=en", json={"start": "dongjiao-memory", "date": "2024-10-02",
                                                                    "shuttle": "without"})
    assert late.status_code == 503 and "Retry-After" in late.headers
    assert "plan_deadline_s" in late.get_json()["error"]["message"]
    page = app.test_client().get("/itinerary?start=dongjiao-memory&date=2024-10-02&shuttle=without&lang=en")
    assert page.status_code == 503 and "plan_deadline_s" in page.get_data(as_text=True)
    gate.release.set()


def test_plans_from_worker_processes_are_the_plans_made_here(model, journeys):
    """Spawned workers load the data themselves; the day's sessions go with the job, so a calendar edit
    (a cancelled show) reaches them."""
    pool = PlanPool(Settings(), "processes", workers=1, queue_max=4, deadline_s=120).start()
    try:
        for request in (REQUESTS[0], REQUESTS[3], REQUESTS[22]):
            job = make_job(request, model.events_on(request.day), model, ValueModel(), None)
            assert plan_record(pool.plan(job)) == plan_record(DayPlanner(model, journeys).plan(request))
        request = DayRequest(DAY, "dongjiao-memory", must=(SHOW,), only=("dj-chengdu-stage", SHOW))
        cancelled = [(replace(e, status="cancelled") if e.id == SHOW else e, o) for e, o in model.events_on(DAY)]
        plan = pool.plan(make_job(request, cancelled, model, ValueModel(), None))
        assert SHOW not in [s.item.ref for s in plan.steps]
        assert "event_cancelled" in [r.code for r in plan.infeasible]
        assert plan_record(plan) == plan_record(plan_job(make_job(request, cancelled, model, ValueModel(), None),
                                                         model, journeys))
        # another scenario's shuttle (a slower ride every hour) goes with the job
        slower = replace(model.shuttle, run_time_s_by_hour={h: s + 600 for h, s in model.shuttle.run_time_s_by_hour.items()})
        request = replace(REQUESTS[22], shuttle=True)
        job = make_job(request, model.events_on(request.day), model, ValueModel(), slower)
        assert job.shuttle == slower and job.shuttle_key
        here = DayPlanner(model, replace_shuttle(journeys, slower)).plan(request)
        assert plan_record(pool.plan(job)) == plan_record(here)
        assert plan_record(here) != plan_record(DayPlanner(model, journeys).plan(request))  # it did change the plan
    finally:
        pool.close()


def test_a_worker_that_dies_under_a_plan_is_busy_and_the_pool_starts_again(model):
    import os
    import signal

    pool = PlanPool(Settings(), "processes", workers=1, queue_max=4, deadline_s=120).start()
    try:
        request = DayRequest(DAY, "dongjiao-memory", only=("panda-museum",))
        job = make_job(request, model.events_on(DAY), model, ValueModel(), None)
        assert pool.plan(job).steps
        outcomes = []
        for _ in range(3):
            pool.start()  # workers now (after a Busy the broken ones are gone)
            for pid in list(pool._executor._processes):  # the test kills its own pool's worker
                os.kill(pid, signal.SIGKILL)
            try:  # noticed while waiting: Busy; at the next submit: planned on new workers
                outcomes.append(bool(pool.plan(job).steps))
            except Busy as died:
                assert died.params["limit"] == "plan_workers" and died.retry_after_s >= 1
                outcomes.append("busy")
        assert set(outcomes) <= {True, "busy"} and pool.in_flight == 0, outcomes
        assert pool.plan(job).steps  # new workers
    finally:
        pool.close()


def test_a_worker_searches_with_the_cyclic_collector_paused_and_turns_it_on_again(model, journeys, monkeypatch):
    """The search's short-lived labels would start collections that find nothing (a quarter of a worker's
    CPU); the collector is paused only while a plan is searched, and on again after, a failed plan too."""
    import gc

    from planner.composition import plan_pool

    enabled_while_planning = []

    def plan(job, model_, journeys_):
        enabled_while_planning.append(gc.isenabled())
        if len(enabled_while_planning) == 2:
            raise RuntimeError("a plan that fails")
        return "planned"

    monkeypatch.setattr(plan_pool, "_WORKER", SimpleNamespace(model=model, journeys_for=lambda job: journeys))
    monkeypatch.setattr(plan_pool, "plan_job", plan)
    assert gc.isenabled()
    assert plan_pool._run_in_worker(_job(model)) == "planned"
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        plan_pool._run_in_worker(_job(model))
    assert enabled_while_planning == [False, False] and gc.isenabled()
