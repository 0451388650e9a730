"""All-day events (RFC 5545 DTSTART;VALUE=DATE): shown as "all day" on the visitor's pages and in
/api/events, and planned as a window over the venue's opening hours (issue 11, item 2)."""
from __future__ import annotations

import datetime as dt
import re

from planner.domain.model import TZ, Event, Occurrence
from planner.itinerary.daytrip import DayPlanner, DayRequest
from planner.routing.journeys import JourneyPlanner

DAY = dt.date(2024, 7, 13)  # a Saturday in summer: Dongjiao Memory open
VENUE = "dj-chengdu-stage"  # a venue of shows: a short session there must fit its hours exactly


def _fair(app, days: int = 1) -> None:
    start = dt.datetime.combine(DAY, dt.time(), TZ)
    app.extensions["planner"].calendar.create({
        "id": "craft-fair", "title_zh": "手作市集", "title_en": "Craft fair", "venue": VENUE,
        "start": start.isoformat(), "end": (start + dt.timedelta(days=days)).isoformat(), "all_day": True,
        "assumption": "a test"}, "sally")


def test_an_all_day_event_reads_all_day_on_the_pages_and_in_the_api(sqlite_app, users_of):
    users_of(sqlite_app)
    _fair(sqlite_app)
    client = sqlite_app.test_client()
    answer = client.get(f"/api/events?date={DAY}").get_json()
    fair = next(e for e in answer["events"] if e["id"] == "craft-fair")
    assert fair["all_day"] is True and fair["start"] == f"{DAY}T00:00:00+08:00"
    assert all(e["all_day"] is False for e in answer["events"] if e["id"] != "craft-fair")
    for url in (f"/?date={DAY}", f"/places/{VENUE}?date={DAY}", "/events/craft-fair", f"/itinerary?date={DAY}"):
        url += ("&" if "?" in url else "?") + "lang=en"
        page = client.get(url).get_data(as_text=True)
        item = re.search(r'data-event="craft-fair".*?</(li|label)>|<ol class="events sessions-list">.*?</ol>', page, re.S)
        text = item.group(0) if item else page
        assert "All day" in text, url
        assert "00:00" not in text and "24:00" not in text, url
    assert 'data-all-day="All day"' in client.get(f"/itinerary?date={DAY}&lang=en").get_data(as_text=True)  # forms.js
    assert "全天" in client.get(f"/?date={DAY}&lang=zh").get_data(as_text=True)


def test_staff_pages_show_an_all_day_event_as_all_day(sqlite_app, users_of):
    from tests.calendar.conftest import Browser

    password = users_of(sqlite_app)
    _fair(sqlite_app, days=3)
    staff = Browser(sqlite_app)
    assert staff.login("sally", password).status_code == 302
    # the month shows all three days; the week (Monday to Sunday) the Saturday and Sunday
    for url, days in ((f"/staff/month?month={DAY:%Y-%m}&lang=en", 3), (f"/staff/week?date={DAY}&lang=en", 2)):
        page = staff.get(url).get_data(as_text=True)
        items = re.findall(r'<li class="status-scheduled" data-event="craft-fair">.*?</li>', page, re.S)
        assert len(items) == days, url
        assert all("All day" in item and "00:00" not in item for item in items), url
    page = staff.get("/staff/events/craft-fair?lang=en").get_data(as_text=True)
    assert "2024-07-13 – 2024-07-15 All day" in page  # RFC 5545: DTEND;VALUE=DATE is the day after the last
    assert "00:00" not in page.split("<h2")[0]


def test_an_all_day_event_is_a_window_over_the_venues_hours(model):
    for days in (1, 3):  # on its only day, and on the middle day of three
        start = dt.datetime.combine(DAY - dt.timedelta(days=days // 2), dt.time(), TZ)
        fair = Event(id="craft-fair", title_zh="手作市集", title_en="Craft fair", venue_id=VENUE, start=start,
                     end=start + dt.timedelta(days=days), all_day=True, assumption="a test")
        sessions = [(fair, Occurrence("craft-fair", fair.start, fair.end))]
        planner = DayPlanner(model, JourneyPlanner.for_model(model), events_on=lambda day: sessions)
        plan = planner.plan(DayRequest(DAY, "dongjiao-memory", 10 * 3600, 21 * 3600, must=("craft-fair",), meal=False))
        hours = model.places[VENUE].hours_on(DAY)
        (step,) = [s for s in plan.steps if s.item.ref == "craft-fair"]
        assert hours.open_s <= step.start_s < step.end_s <= hours.close_s, (days, step)
        assert not [r for r in plan.infeasible if r.code == "session_outside_hours"], plan.infeasible
