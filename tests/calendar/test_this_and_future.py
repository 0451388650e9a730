"""RECURRENCE-ID;RANGE=THISANDFUTURE on import (RFC 5545 3.2.13, 3.8.4.4): the override's changes hold for
that session and all later ones; the series is split as staff's "this and following" does (issue 11)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from dateutil.rrule import rrulestr
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


MONTHLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:{uid}
DTSTAMP:20240101T000000Z
DTSTART;TZID=America/New_York:{start}
DTEND;TZID=America/New_York:{end}
RRULE:{rule}
EXDATE;TZID=America/New_York:{exdate}
SUMMARY:Members' night
LOCATION:Dongjiao East Live House
END:VEVENT
BEGIN:VEVENT
UID:{uid}
DTSTAMP:20240101T000000Z
RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=America/New_York:{moved_from}
DTSTART;TZID=America/New_York:{moved_to}
DTEND;TZID=America/New_York:{moved_end}
SUMMARY:Members' night (later)
LOCATION:Dongjiao East Live House
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.parametrize("rule, start, exdate, moved_from, moved_to", [
    # the 15th of each month: moved a day and an hour later from April (across the clock change in March)
    ("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=8", "20240115T190000", "20240615T190000", "20240415T190000", "20240416T200000"),
    # the second Saturday: moved to the Sunday after from March
    ("FREQ=MONTHLY;BYDAY=2SA;COUNT=7", "20240113T190000", "20240511T190000", "20240309T190000", "20240310T190000"),
    # at 10:00 and 15:00 daily (BYHOUR), no end: moved half an hour later from a day's last session
    ("FREQ=DAILY;BYHOUR=10,15", "20240301T100000", "20240302T150000", "20240303T150000", "20240303T153000"),
])
def test_a_shift_the_rule_cannot_carry_continues_as_dates_like_the_library(model, rule, start, exdate,
                                                                          moved_from, moved_to):
    """RFC 5545 3.8.4.4: every later session moves by the override's shift; where the rule's parts would
    put them back (BYMONTHDAY, an ordinal BYDAY, BYHOUR) the continuation lists its sessions (RDATE)."""
    fmt = "%Y%m%dT%H%M%S"
    plus_hour = lambda text: (dt.datetime.strptime(text, fmt) + dt.timedelta(hours=1)).strftime(fmt)  # noqa: E731
    ics = MONTHLY.format(uid="night@example.com", rule=rule, start=start, end=plus_hour(start), exdate=exdate,
                         moved_from=moved_from, moved_to=moved_to, moved_end=plus_hour(moved_to)).replace("\n", "\r\n")
    parsed = read_calendar(ics, model.places, filename="night.ics", default_venue="dj-east-live-house")
    assert not parsed.rejected, parsed.rejected
    window = (dt.datetime(2024, 1, 1, tzinfo=TZ), dt.datetime(2024, 4, 1, tzinfo=TZ) + dt.timedelta(days=300))
    ours = sessions([c.event for c in parsed.candidates], window)
    # brute force, in the RFC's words: the rule's sessions in New York time, less the EXDATE; from the
    # RECURRENCE-ID on, each moved by the override's wall-clock shift and titled as the override
    ny = ZoneInfo(NY)
    local = lambda text: dt.datetime.strptime(text, fmt).replace(tzinfo=ny)  # noqa: E731
    shift = dt.datetime.strptime(moved_to, fmt) - dt.datetime.strptime(moved_from, fmt)
    expected = []
    for s in rrulestr(rule, dtstart=local(start)):
        if s >= window[1] + dt.timedelta(days=2) or s == local(exdate):
            if s >= window[1] + dt.timedelta(days=2):
                break
            continue
        later = s >= local(moved_from)
        s = (s.replace(tzinfo=None) + shift).replace(tzinfo=ny) if later else s
        if window[0] <= s < window[1]:
            expected.append((s, s + dt.timedelta(hours=1), "Members' night (later)" if later else "Members' night"))
    assert len(ours) > 5
    assert ours == expected
    if "BYHOUR" not in rule:  # the library agrees where a day has one session (it matches a RECURRENCE-ID by
        # its date too, and so would also replace the 10:00 session of the day the override names)
        theirs = sorted((c["DTSTART"].dt, c["DTEND"].dt, str(c["SUMMARY"]))
                        for c in recurring_ical_events.of(Calendar.from_ical(ics)).between(*window))
        assert ours == theirs
