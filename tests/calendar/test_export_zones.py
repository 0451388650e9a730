"""Export of events in UTC: X-WR-TIMEZONE (Asia/Shanghai) would make readers take "Z" times as
Shanghai's before expanding, so it is written only when no time is in UTC (issue 11)."""
from __future__ import annotations

import datetime as dt

import recurring_ical_events
from icalendar import Calendar

from planner.domain.model import TZ
from planner.store.ical import export_calendar

UTC = dt.timezone.utc


def test_a_weekly_utc_series_expands_in_the_library_as_it_does_here(store, model):
    # Mondays 23:00 UTC: Tuesdays 07:00 in Shanghai; read as Shanghai wall times it would be Mondays 23:00 there
    saved = store.create({"id": "utc-talk", "title_zh": "讲座", "title_en": "Talk", "venue": "dj-east-live-house",
                          "start": "2024-03-04T23:00:00+00:00", "end": "2024-03-05T00:00:00+00:00", "tzid": "UTC",
                          "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=6", "exdates": ["2024-03-18T23:00:00+00:00"],
                          "assumption": "a test"}, "sally")
    window = (dt.datetime(2024, 1, 1, tzinfo=TZ), dt.datetime(2025, 1, 1, tzinfo=TZ))
    ours = sorted((o.start, o.end) for ev, o in store.occurrences_between(*window) if ev.id == "utc-talk")
    assert len(ours) == 5 and all(start.astimezone(TZ).hour == 7 and start.weekday() == 1 for start, _ in ours)
    exported = export_calendar([saved], model.places, name="x", lang="en")
    assert b"X-WR-TIMEZONE" not in exported and b"DTSTART:20240304T230000Z" in exported
    theirs = sorted((c["DTSTART"].dt, c["DTEND"].dt)
                    for c in recurring_ical_events.of(Calendar.from_ical(exported)).between(*window))
    assert theirs == ours


def test_shanghai_events_keep_x_wr_timezone(store, model):
    exported = export_calendar(store.all(), model.places, name="x")
    assert b"X-WR-TIMEZONE:Asia/Shanghai" in exported
