"""RECURRENCE-ID;RANGE=THISANDFUTURE on import (RFC 5545 3.2.13, 3.8.4.4): the override's changes hold for
that session and all later ones; the series is split as staff's "this and following" does (issue 11)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from planner.domain.model import TZ
from planner.store.ical import read_calendar

NY = "America/New_York"
FILE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:talks@example.com
DTSTAMP:20240101T000000Z
DTSTART;TZID=America/New_York:20240304T190000
DTEND;TZID=America/New_York:20240304T200000
RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6
EXDATE;TZID=America/New_York:20240401T190000
SUMMARY:Keeper talk
LOCATION:Dongjiao East Live House
END:VEVENT
BEGIN:VEVENT
UID:talks@example.com
DTSTAMP:20240101T000000Z
RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=America/New_York:20240318T190000
DTSTART;TZID=America/New_York:20240319T203000
DTEND;TZID=America/New_York:20240319T220000
SUMMARY:Keeper talk (Tuesdays)
LOCATION:Dongjiao East Live House
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")


def sessions(events, window):
    return sorted((o.start, o.end, ev.title_en) for ev in events for o in ev.occurrences_between(*window))


def test_this_and_future_moves_and_renames_every_later_session(model):
    parsed = read_calendar(FILE, model.places, filename="talks.ics", default_venue="dj-east-live-house")
    assert not parsed.rejected, parsed.rejected
    events = [c.event for c in parsed.candidates]
    assert len(events) == 2  # the series up to the session, and its continuation
    window = (dt.datetime(2024, 1, 1, tzinfo=TZ), dt.datetime(2025, 1, 1, tzinfo=TZ))
    ours = sessions(events, window)
    ny = dt.timezone(dt.timedelta(hours=-4))  # EDT from 10 March; 4 March is EST
    expected = [(dt.datetime(2024, 3, 4, 19, tzinfo=dt.timezone(dt.timedelta(hours=-5))), "Keeper talk"),
                (dt.datetime(2024, 3, 11, 19, tzinfo=ny), "Keeper talk"),
                (dt.datetime(2024, 3, 19, 20, 30, tzinfo=ny), "Keeper talk (Tuesdays)"),
                (dt.datetime(2024, 3, 26, 20, 30, tzinfo=ny), "Keeper talk (Tuesdays)"),
                # 1 April's session was excluded (EXDATE): so is its moved successor, 2 April
                (dt.datetime(2024, 4, 9, 20, 30, tzinfo=ny), "Keeper talk (Tuesdays)")]
    assert [(s, t) for s, _, t in ours] == expected
    assert all(e - s == dt.timedelta(hours=1 if t == "Keeper talk" else 1.5) for s, e, t in ours)
    # the library's own expansion of the file gives the same sessions
    theirs = sorted((c["DTSTART"].dt, c["DTEND"].dt, str(c["SUMMARY"]))
                    for c in recurring_ical_events.of(Calendar.from_ical(FILE)).between(*window))
    assert [(s, e) for s, e, _ in ours] == [(s, e) for s, e, _ in theirs]
    assert [t for *_, t in ours] == [t for *_, t in theirs]


def test_this_and_future_from_the_first_session_changes_the_whole_series(model):
    first = FILE.replace("RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=America/New_York:20240318T190000",
                         "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=America/New_York:20240304T190000") \
                .replace("20240319T2", "20240305T2")
    parsed = read_calendar(first, model.places, filename="talks.ics", default_venue="dj-east-live-house")
    (candidate,) = parsed.candidates
    window = (dt.datetime(2024, 1, 1, tzinfo=TZ), dt.datetime(2025, 1, 1, tzinfo=TZ))
    starts = [o.start.astimezone(ZoneInfo(NY)) for o in candidate.event.occurrences_between(*window)]
    assert len(starts) == 5 and all((s.weekday(), s.hour, s.minute) == (1, 20, 30) for s in starts)  # Tuesdays
    assert candidate.event.title_en == "Keeper talk (Tuesdays)"


def test_the_split_series_round_trips_through_export(store, model):
    from planner.store.ical import export_calendar, import_calendar

    import_calendar(store, FILE, filename="talks.ics", user="sally", default_venue="dj-east-live-house")
    window = (dt.datetime(2024, 1, 1, tzinfo=TZ), dt.datetime(2025, 1, 1, tzinfo=TZ))
    ours = sorted((o.start, o.end, ev.title_en) for ev, o in store.occurrences_between(*window)
                  if ev.title_en.startswith("Keeper talk"))
    assert len(ours) == 5
    exported = export_calendar([s for s in store.all() if s.event.title_en.startswith("Keeper talk")],
                               model.places, name="x", lang="en")
    again = read_calendar(exported, model.places, filename="again.ics")
    assert not again.rejected and sessions([c.event for c in again.candidates], window) == ours
