"""A large .ics file read by worker processes gives what reading it in one process gives.

read_calendar cuts a large file into shares (every part of one UID together) for a pool of
worker processes; these tests force that path on small files (``parallel_from=1``) and compare
it with the one-process read: the same candidates (UID, event, label, notes), the same
rejections, the same number of items, and the series' sessions kept from the workers.
"""
from __future__ import annotations

from pathlib import Path

import icalendar
import pytest

from planner.domain.recurrence import all_sessions, is_series
from planner.store import ical
from planner.store.ical import read_calendar, set_import_workers

CASES = Path(__file__).parent.parent / "fixtures" / "ics"
CORPUS = Path(icalendar.__file__).parent / "tests" / "calendars"


@pytest.fixture
def both_ways(model):
    """A function reading data once in this process and once by two workers."""
    def read(data: bytes, **options):
        try:
            set_import_workers(1)
            alone = read_calendar(data, model.places, **options)
            set_import_workers(2, parallel_from=1)
            text = ical._unused_removed(ical._decode(data))
            damaged = bool(ical._blocks(text)[1])  # an item cut short: the file is read whole
            assert ical._shares(text) is not None or damaged or "BEGIN:VEVENT" not in text.upper(), "not shared"
            shared = read_calendar(data, model.places, **options)
        finally:
            set_import_workers(0, 1000)
        return alone, shared
    return read


def _key(parsed):
    candidates = sorted((c.uid, c.label, c.event, tuple(c.notes)) for c in parsed.candidates)
    rejected = sorted((r.item, r.reasons) for r in parsed.rejected)
    return candidates, rejected, parsed.items


MIXED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//parallel//EN
X-WR-TIMEZONE:America/New_York
BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:STANDARD
DTSTART:20071104T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20070311T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:series@x
SUMMARY:Weekly
DTSTAMP:20250101T000000Z
DTSTART;TZID=America/New_York:20250303T190000
DTEND;TZID=America/New_York:20250303T200000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=America/New_York:20250310T190000
BEGIN:VALARM
UID:alarm@x
ACTION:DISPLAY
TRIGGER:-PT15M
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:single@x
SUMMARY:Floating, in the calendar's zone
DTSTART:20250304T100000
DTEND:20250304T110000
END:VEVENT
BEGIN:VEVENT
UID:series@x
SUMMARY:Moved
DTSTART;TZID=America/New_York:20250318T210000
DTEND;TZID=America/New_York:20250318T220000
RECURRENCE-ID;TZID=America/New_York:20250317T190000
END:VEVENT
BEGIN:VTODO
UID:todo@x
SUMMARY:Not an event
END:VTODO
BEGIN:VEVENT
SUMMARY:No UID
DTSTART:20250305T100000Z
END:VEVENT
BEGIN:VEVENT
UID:twice@x
SUMMARY:First
DTSTART:20250306T100000Z
END:VEVENT
BEGIN:VEVENT
UID:broken@x
SUMMARY:No start
END:VEVENT
BEGIN:VEVENT
UID:twice@x
SUMMARY:Second
DTSTART:20250307T100000Z
END:VEVENT
BEGIN:VEVENT
UID:endless@x
SUMMARY:Every second
DTSTART:20250308T100000Z
RRULE:FREQ=SECONDLY
END:VEVENT
END:VCALENDAR
"""


def test_a_file_of_every_kind_of_item_reads_the_same_in_workers(both_ways):
    alone, shared = both_ways(MIXED.encode(), filename="mixed.ics", default_venue="dj-chengdu-stage")
    assert _key(shared) == _key(alone)
    assert len(alone.candidates) == 5 and len(alone.rejected) == 3, (alone.candidates, alone.rejected)
    [series] = [c.event for c in shared.candidates if c.uid == "series@x"]
    assert len(series.overrides) == 1 and len(all_sessions(series)[0]) == 5  # 6, less the EXDATE
    assert any("VEVENT 7" in r.item for r in shared.rejected)  # numbered as in the whole file


def test_the_series_sessions_come_back_from_the_workers(both_ways, monkeypatch):
    alone, shared = both_ways(MIXED.encode(), filename="mixed.ics", default_venue="dj-chengdu-stage")
    expected = {c.uid: all_sessions(c.event) for c in alone.candidates if is_series(c.event)}
    monkeypatch.setattr("planner.domain.recurrence._expand", lambda event: pytest.fail("expanded again"))
    for candidate in shared.candidates:
        if is_series(candidate.event):
            assert all_sessions(candidate.event) == expected[candidate.uid]


CLIENTS = Path(__file__).parent / "files"


@pytest.mark.parametrize("path", sorted(CASES.glob("*.ics")) + sorted(CLIENTS.glob("*.ics")) + [
    CORPUS / name for name in ("issue_722_missing_VTIMEZONE_custom.ics", "rfc_7529.ics", "parsing_error.ics",
                               "small_bathtub.ics", "recurrence_id_with_timezone.ics")
    if (CORPUS / name).exists()], ids=lambda p: p.name)
def test_shared_cases_and_corpus_files_read_the_same_in_workers(both_ways, path):
    alone, shared = both_ways(path.read_bytes(), filename=path.name, default_venue="dj-chengdu-stage")
    assert _key(shared) == _key(alone)


def test_unused_properties_are_left_out_before_parsing():
    assert "DTSTAMP" not in ical._unused_removed("DTSTAMP:20250101T000000Z\nUID:a\n")
    assert ical._unused_removed("UID:a\nDESCRIPTION:CREATED: by hand\n") == "UID:a\nDESCRIPTION:CREATED: by hand\n"
