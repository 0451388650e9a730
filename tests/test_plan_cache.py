"""Day plans kept by request: equal requests hit, a calendar edit shows at once, the cache stays bounded."""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace

import pytest

from planner.itinerary.daytrip import DayPlanner, DayRequest
from planner.itinerary.plan_cache import CachedDayPlanner, PlanCache
from planner.routing.journeys import JourneyPlanner

DAY = dt.date(2024, 2, 12)
SHOW = "dj-standup-comedy-2024"


class Calendar:
    """The day's sessions as staff edit them (the app reads the database the same way)."""

    def __init__(self, model) -> None:
        self.model = model
        self.status: dict[str, str] = {}

    def events_on(self, day: dt.date):
        return [(replace(event, status=self.status.get(event.id, event.status)), occurrence)
                for event, occurrence in self.model.events_on(day)]


@pytest.fixture(scope="module")
def journeys(model):
    return JourneyPlanner.for_model(model)


def test_equal_requests_hit_and_the_plan_carries_the_request_as_asked(model, journeys, monkeypatch):
    searches: list[DayRequest] = []
    original = DayPlanner.plan
    monkeypatch.setattr(DayPlanner, "plan", lambda self, request: searches.append(request) or original(self, request))
    planner = CachedDayPlanner(PlanCache(8), model, journeys)
    request = DayRequest(DAY, "dongjiao-memory", interests=("pandas", "music"), only=("panda-museum", SHOW))
    first = planner.plan(request)
    assert planner.plan(request) is first
    same = replace(request, interests=("Music", "pandas", "music"))  # order, case and repeats do not matter
    again = planner.plan(same)
    assert again.request == same and again.steps == first.steps and len(searches) == 1
    planner.plan(replace(request, shuttle=True))  # a different request: searched
    assert len(searches) == 2 and len(planner.plans) == 2


def test_a_staff_edit_of_the_days_events_changes_the_plan_at_once(model, journeys):
    calendar = Calendar(model)
    planner = CachedDayPlanner(PlanCache(8), model, journeys, calendar.events_on)
    request = DayRequest(DAY, "dongjiao-memory", must=(SHOW,), only=("dj-chengdu-stage", SHOW))
    before = planner.plan(request)
    assert SHOW in [step.item.ref for step in before.steps]
    calendar.status[SHOW] = "cancelled"
    after = planner.plan(request)
    assert SHOW not in [step.item.ref for step in after.steps]
    assert any(reason.code == "event_cancelled" for reason in after.infeasible)
    calendar.status.clear()  # put back: the first plan is found again
    assert planner.plan(request) is before


def test_the_cache_stays_bounded_and_threads_asking_together_search_once(model, journeys, monkeypatch):
    searches: list[DayRequest] = []
    original = DayPlanner.plan
    monkeypatch.setattr(DayPlanner, "plan", lambda self, request: searches.append(request) or original(self, request))
    planner = CachedDayPlanner(PlanCache(2), model, journeys)
    requests = [DayRequest(DAY, "dongjiao-memory", start_s=(8 + i) * 3600, only=("panda-museum",)) for i in range(4)]
    for request in requests:
        planner.plan(request)
    assert len(planner.plans) == 2 and len(searches) == 4
    barrier = threading.Barrier(4)
    plans = []

    def ask() -> None:
        barrier.wait()
        plans.append(planner.plan(requests[0]))  # evicted above: searched again, once

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(searches) == 5 and all(plan is plans[0] for plan in plans)


def test_the_web_app_keeps_plans_by_request(app, client):
    plans = app.extensions["planner"].plans
    plans.clear()
    body = {"date": "2024-02-12", "start": "dongjiao-memory", "shuttle": "without", "interests": ["pandas"]}
    first = client.post("/api/itineraries", json=body)
    assert first.status_code == 200 and len(plans) == 1
    second = client.post("/api/itineraries", json=body)
    assert second.get_json()["plans"] == first.get_json()["plans"] and len(plans) == 1
    client.post("/api/itineraries", json={**body, "shuttle": "with"})
    assert len(plans) == 2


def test_a_cancellation_in_the_calendar_database_shows_in_the_next_api_plan(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                      "PLAN_CACHE_SIZE": 4})
    client = app.test_client()
    services = app.extensions["planner"]
    try:
        assert services.plans.maxsize == 4  # from the settings
        body = {"date": "2024-02-12", "start": "dongjiao-memory", "shuttle": "without", "must": [SHOW]}

        def shown() -> list[str]:
            steps = client.post("/api/itineraries", json=body).get_json()["plans"]["without"]["steps"]
            return [str(step) for step in steps]

        assert any(SHOW in step for step in shown()) and len(services.plans) == 1
        stored = services.calendar.get(SHOW)
        services.calendar.cancel(SHOW, stored.version, "staff")
        assert not any(SHOW in step for step in shown())  # at once: a new key, not the kept plan
        assert len(services.plans) == 2
    finally:
        services.close()
