"""The client and library test calendars that icalendar ships (Google, Thunderbird, Etar, Apple and Outlook
exports, RFC examples, fuzzed files), imported with a default venue.

The corpus is read from the installed icalendar package (``icalendar/tests/calendars``), so it is the
library's own and needs no network. Every VEVENT that has a DTSTART and is not an override of another
is an event of ours, except the kinds of fault this test lists by file with the reason we give: a file
whose line cannot be parsed at all, or a rule in a calendar system other than the Gregorian (RFC 7529).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from planner.store.ical import UNTITLED, read_calendar

CORPUS = Path(icalendar.__file__).parent / "tests" / "calendars"

#: Files where an event with a DTSTART is refused, and the words of the reason (what is wrong with it).
REFUSED = {
    "issue_165_missing_event.ics": "RRULE",  # 'BYDAY= TU': a weekday with a space
    "issue_168_input.ics": "could not be parsed",  # a content line without ':'
    "timezone_rdate.ics": "could not be parsed",
    "multiple_calendar_components.ics": "could not be parsed",  # names and values on separate lines, unfolded
    "issue_722_missing_VTIMEZONE_custom.ics": "unknown time zone",
    "multiple_timezones.ics": "RDATE",  # RDATE of times without a date
    "pacific_fiji.ics": "DTSTART",  # a DTSTART list
    "parsing_error.ics": "EXDATE",  # a broken EXDATE
    "rfc_7529.ics": "RSCALE",  # the Chinese and Hebrew calendars
    "america_new_york_forward_reference.ics": "DTSTART",  # DTSTART given twice
    "issue_1081_invalid_rrule_freq.ics": "RRULE",  # FREQ=INVALID_TYPE_CAUSES_ERROR
    "invalid_duration.ics": "DURATION: ",  # P999999999999999999W: refused naming DURATION
    "broken_dtstart.ics": "DTSTART",  # a DTSTART that is not a date-time (the library keeps it as text)
    "issue_1081_invalid_start_and_end.ics": "DTSTART",
    "issue_1081_invalid_start_valid_end.ics": "DTSTART",  # a DURATION that is not one (the message is not yet the RFC's)
}


def _has_start(vevent) -> bool:
    """A DTSTART the library reads as a date or date-time (not text it could not parse)."""
    try:
        return isinstance(vevent.decoded("DTSTART"), (dt.date, list))
    except Exception:  # noqa: BLE001 - no DTSTART, or one the library cannot read
        return False


def _files() -> list[Path]:
    return sorted(CORPUS.glob("*.ics"))


def test_the_corpus_is_there():
    assert len(_files()) >= 80, CORPUS  # the test would prove nothing on an empty folder


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_every_event_with_a_start_is_kept(path, model):
    data = path.read_bytes()
    parsed = read_calendar(data, model.places, filename=path.name, default_venue="dj-chengdu-stage")
    try:
        events = [c for cal in icalendar.Calendar.from_ical(data, multiple=True) for c in cal.walk("VEVENT")]
    except Exception:  # noqa: BLE001 - the library cannot read it either: nothing to compare
        return
    masters = [v for v in events if _has_start(v) and v.get("RECURRENCE-ID") is None]
    refused = [r for r in parsed.rejected if "VEVENT" in r.item
               and not any("DTSTART: missing" in reason for reason in r.reasons)]
    if path.name in REFUSED:
        assert any(REFUSED[path.name] in reason for r in parsed.rejected for reason in r.reasons), parsed.rejected
        return
    assert refused == [], refused
    assert len(parsed.candidates) >= len(masters)  # (a THISANDFUTURE override adds a continuation)


def test_an_event_without_summary_is_kept_with_a_placeholder_title(model):
    """RFC 5545 3.6.1: SUMMARY is OPTIONAL in a VEVENT."""
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:a@x\r\n"
           "DTSTAMP:20240101T000000Z\r\nDTSTART:20240301T100000Z\r\nDTEND:20240301T110000Z\r\nEND:VEVENT\r\n"
           "END:VCALENDAR\r\n")
    parsed = read_calendar(ics, model.places, default_venue="dj-chengdu-stage")
    assert parsed.rejected == []
    [candidate] = parsed.candidates
    assert (candidate.event.title_zh, candidate.event.title_en) == UNTITLED
    assert "no SUMMARY" in (candidate.event.assumption or "")


@pytest.mark.parametrize("value", ["1H", "P1X", "soon"])
def test_a_duration_that_is_not_one_is_refused_in_the_rfcs_words(model, value):
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:A\r\n"
           f"DTSTAMP:20240101T000000Z\r\nDTSTART:20240301T100000Z\r\nDURATION:{value}\r\nEND:VEVENT\r\n"
           "BEGIN:VEVENT\r\nUID:b@x\r\nSUMMARY:B\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240302T100000Z\r\n"
           "DURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    parsed = read_calendar(ics, model.places, default_venue="dj-chengdu-stage")
    [rejected] = parsed.rejected
    assert any(reason.startswith("DURATION") and "unsupported operand" not in reason
               for reason in rejected.reasons), rejected.reasons
    assert [c.uid for c in parsed.candidates] == ["b@x"]  # the rest of the file still imports
