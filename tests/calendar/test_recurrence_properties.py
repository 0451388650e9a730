"""Property: the sessions the store keeps for a series are the library's expansion of the exported file.

Series are generated with rules, extra dates, exceptions and changed sessions (moved, cancelled, retitled),
in zones with and without clock changes, starting around the changes; each is saved through the store
(SQLite and PostgreSQL), exported, and the exported file expanded by recurring-ical-events directly.
"""
from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import recurring_ical_events
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from planner.domain.model import TZ
from planner.store.ical import export_calendar

# UTC too: the export leaves out X-WR-TIMEZONE when a time is in UTC ("Z"), which readers would otherwise
# take as Asia/Shanghai's before expanding (tests/calendar/test_export_zones.py).
ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Sydney", "UTC"]
# DTSTART is always one of the rule's own sessions here: when it is not (a Friday start of a MO,SA rule),
# RFC 5545 counts it in COUNT while dateutil and the library add it beside COUNT: not what this test is about.
RULES = ["FREQ=DAILY;COUNT={n}", "FREQ=WEEKLY;COUNT={n}", "FREQ=WEEKLY;INTERVAL=2;BYDAY={day},SA;COUNT={n}",
         "FREQ=MONTHLY;COUNT={n}", "FREQ=HOURLY;INTERVAL=7;COUNT={n}", "FREQ=WEEKLY;BYDAY={day}"]
# around the clock changes of 2024: New York 10 Mar / 3 Nov, London 31 Mar / 27 Oct, Sydney 7 Apr / 6 Oct
STARTS = [dt.datetime(2024, 3, 8), dt.datetime(2024, 3, 29), dt.datetime(2024, 10, 25), dt.datetime(2024, 11, 1),
          dt.datetime(2024, 4, 5), dt.datetime(2024, 10, 4)]
_ids = itertools.count()


@st.composite
def series(draw) -> dict:
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    start = (draw(st.sampled_from(STARTS)) + dt.timedelta(hours=draw(st.integers(0, 23)),
                                                          minutes=draw(st.sampled_from([0, 30])))).replace(tzinfo=zone)
    count = draw(st.integers(2, 12))
    day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start.weekday()]
    rule = draw(st.sampled_from(RULES)).format(n=count, day=day)
    length = dt.timedelta(minutes=draw(st.sampled_from([30, 90, 24 * 60])))
    # candidate sessions: the first days of a daily or weekly pattern (exceptions of a non-session do nothing)
    nominal = [start + dt.timedelta(days=d) for d in range(0, 15)]
    exdates = draw(st.lists(st.sampled_from(nominal), max_size=3, unique=True))
    rdates = draw(st.lists(st.sampled_from([start + dt.timedelta(days=d, hours=3) for d in range(1, 30)]),
                           max_size=2, unique=True))
    overrides = []
    for rid in draw(st.lists(st.sampled_from(nominal[:8]), max_size=3, unique=True)):
        kind = draw(st.sampled_from(["move", "cancel", "title"]))
        moved = rid + dt.timedelta(hours=draw(st.integers(-30, 30)))
        overrides.append({"recurrence_id": rid.isoformat(),
                          "start": moved.isoformat() if kind == "move" else None,
                          "end": (moved + length).isoformat() if kind == "move" else None,
                          "status": "cancelled" if kind == "cancel" else None,
                          "title_zh": "改" if kind == "title" else None, "title_en": "Changed" if kind == "title" else None})
    return {"id": f"prop-{next(_ids)}", "title_zh": "系列", "title_en": "Series", "venue": "dj-east-live-house",
            "start": start.isoformat(), "end": (start + length).isoformat(), "tzid": zone.key, "rrule": rule,
            "exdates": [d.isoformat() for d in exdates], "rdates": [d.isoformat() for d in rdates],
            "overrides": overrides, "assumption": "generated"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=series())
# found by this test: the first session moved onto the second's time; RFC 5545 keeps both instances
@example(record={"id": "moved-onto-the-next", "title_zh": "系列", "title_en": "Series", "venue": "dj-east-live-house",
                 "start": "2024-03-08T00:00:00+08:00", "end": "2024-03-08T00:30:00+08:00", "tzid": "Asia/Shanghai",
                 "rrule": "FREQ=DAILY;COUNT=2", "exdates": [], "rdates": [],
                 "overrides": [{"recurrence_id": "2024-03-08T00:00:00+08:00", "start": "2024-03-09T00:00:00+08:00",
                                "end": "2024-03-09T00:30:00+08:00", "status": None, "title_zh": None,
                                "title_en": None}], "assumption": "generated"})
def test_stored_sessions_are_the_library_expansion_of_the_export(store, model, record):
    saved = store.create(record, "sally")
    window = (dt.datetime(2024, 1, 1, tzinfo=TZ), dt.datetime(2026, 1, 1, tzinfo=TZ))
    ours = sorted((o.start, o.end, o.status, ev.title_en) for ev, o in store.occurrences_between(*window)
                  if ev.id == saved.id)
    # in the event's zone: the library evaluates a UTC ("Z") start in the zone of the window it is given
    own_window = tuple(t.astimezone(ZoneInfo(record["tzid"])) for t in window)
    exported = Calendar.from_ical(export_calendar([saved], model.places, name="x", lang="en"))
    theirs = sorted((c["DTSTART"].dt.astimezone(TZ), c["DTEND"].dt.astimezone(TZ),
                     "cancelled" if str(c.get("STATUS")) == "CANCELLED" else "scheduled", str(c["SUMMARY"]))
                    for c in recurring_ical_events.of(exported).between(*own_window))
    assert ours == theirs, repr(record)
    assert ours or record["exdates"], repr(record)  # empty only when the exceptions took every session
