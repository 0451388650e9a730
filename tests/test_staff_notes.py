"""Staff notes and the calendar's warnings are stored in English; a Chinese page says each of them."""
from __future__ import annotations

import re

import pytest

from planner.messages.staff_notes import SHAPES, say_note

#: one note of each shape, as planner/store/events.py, scenarios.py and the staff views write them
NOTES = [
    "cancelled the session of 2024-02-12 15:00",
    "moved the session of 2024-02-12 15:00 to 2024-02-12 16:00–22:00",
    "this and following: the whole series",
    "this and following: continues as jazz-2 from 2024-02-14 20:00",
    "continues jazz from 2024-02-14 20:00",
    "copy of jazz version 3",
    "restored version 2",
    "merged with version 4 by ada",
    "imported from programme.ics",
    "from data/shuttle.yaml",
    "outside the opening hours of East Stage on 2024-02-12: 23:00-23:30, the venue is open 10:00-22:00",
    "outside the opening hours of Lang Art Museum on 2024-02-19: 10:00-18:00, the venue is closed (and 2 more sessions)",
    "overlaps 'Guochao buskers' (guochao-buskers-east-stage-2024) at the same venue on 2024-02-12 15:00-21:00 (and 1 more)",
    "UID abc@x appears twice in the file (first: VEVENT 1 ('Jazz'))",
    "a changed session of UID abc@x, which was rejected",
    "no END:VEVENT: the item is cut short",
    "no END:VCALENDAR: the file is cut short",
    "not valid iCalendar: Content line could not be parsed",
    "not an iCalendar file: 2 VEVENT(s) begin, 0 read",
    "could not be read: bad date",
    "LOCATION 'Office' names no place of the planner (choose a venue for such events)",
    "no LOCATION names no place of the planner (choose a venue for such events)",
    "more than one recurrence rule in one event is not supported",
    "missing, the event has no start (RFC 5545 3.6.1: DTSTART is REQUIRED)",
    "unknown time zone 'Mars/Base' (no VTIMEZONE for it in the file)",
    "not a date or date-time: '2024-13-40'",
    "P1X is not a duration (RFC 5545 3.3.6: dur-value, e.g. PT1H30M or P1D)",
    "RRULE FREQ=DAILY: more than 1000 sessions (the maximum per series, setting PLANNER_MAX_SESSIONS_PER_SERIES); "
    "only the first 1000 are kept, the last on 2026-11-30 20:00",
]
LATIN_WORD = re.compile(r"\b[a-z]{3,}\b")


@pytest.mark.parametrize("note", NOTES)
def test_every_stored_note_reads_in_chinese_with_its_values(note):
    said = say_note(note, "zh")
    values = re.findall(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}", note)
    assert all(v in said for v in values), said  # dates and times kept as written
    words = set(LATIN_WORD.findall(said)) - set(LATIN_WORD.findall(" ".join(re.findall(r"'[^']*'|\S+\.\S+|\S+-\S+", note))))
    # no English word left but the values the note quotes (a parser's own reason stays as it said it)
    quoted = set(LATIN_WORD.findall(note.split(": ", 1)[1])) if note.startswith(("not valid", "not an", "could")) else set()
    assert not words - quoted - {"ada", "jazz", "abc", "max", "sessions", "per", "series"}, said
    assert say_note(note, "en") == note


def test_every_shape_is_met_and_unknown_words_stay_as_typed():
    met = {msgid for note in NOTES for pattern, msgid in SHAPES if pattern.match(note)}
    assert met == {msgid for _, msgid in SHAPES}
    assert say_note("new poster from the venue", "zh") == "new poster from the venue"


def test_the_calendars_own_warnings_are_said_in_chinese(app):
    """Warnings made by the event store for an overlapping session, shown on the zh staff form."""
    from dataclasses import replace

    calendar = app.extensions["planner"].calendar
    existing = calendar.get("guochao-buskers-east-stage-2024").event
    clash = replace(existing, id="late-clash", title_en="Late clash", rrule=None, exdates=())
    warnings = calendar.warnings(clash)
    assert warnings and all(w.startswith(("overlaps", "outside")) for w in warnings)
    for warning in warnings:
        said = say_note(warning, "zh")
        assert said != warning and ("重叠" in said or "开放时间" in said), said
