"""The four shared iCalendar cases (tests/fixtures/ics/README.md) answer as RFC 5545 says, read from
the file and through the store (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.domain.model import TZ
from planner.domain.recurrence import max_sessions
from planner.store.ical import import_calendar, read_calendar

CASES = Path(__file__).parent.parent / "fixtures" / "ics"


def read(name: str, model):
    return read_calendar((CASES / name).read_bytes(), model.places, filename=name)


def sessions(event, first="2024-01-01", last="2025-01-01") -> list[str]:
    return [f"{o.start.astimezone(TZ):%m-%d %H:%M}" for o in event.occurrences_between(
        dt.datetime.fromisoformat(first).replace(tzinfo=TZ), dt.datetime.fromisoformat(last).replace(tzinfo=TZ))]


def test_a_fold_inside_a_chinese_character_is_joined_before_decoding(model):
    parsed = read("fold-split-multibyte.ics", model)
    [candidate] = parsed.candidates
    title = candidate.event.title_zh
    assert "（第二场）—— 嘉宾乐队" in title and "\ufffd" not in title and title.count("—") == 2


@pytest.mark.parametrize("line_end", [b"\r\n", b"\n", b"\r"])
def test_line_ends_crlf_lf_and_cr_alone_with_folds_at_any_byte(model, line_end):
    data = (CASES / "fold-split-multibyte.ics").read_bytes().replace(b"\r\n", line_end)
    [candidate] = read_calendar(data, model.places, filename="x.ics").candidates
    assert "（第二场）—— 嘉宾乐队" in candidate.event.title_zh


def test_rule_and_exception_are_evaluated_in_new_york_then_shown_in_shanghai(model):
    [candidate] = read("rrule-exdate-tzid-dst.ics", model).candidates
    assert sessions(candidate.event) == ["03-04 23:00", "03-18 22:00"]
    assert candidate.event.start.tzinfo.key == "America/New_York"


def test_a_moved_session_replaces_one_session_and_starts_no_series(model):
    parsed = read("recurrence-id-override.ics", model)
    [candidate] = parsed.candidates
    assert sessions(candidate.event) == ["02-13 19:30", "02-20 20:30", "02-27 19:30", "03-05 19:30"]
    [override] = candidate.event.overrides
    assert override.recurrence_id == dt.datetime(2024, 2, 20, 19, 30, tzinfo=TZ)
    assert override.title_en == "Jazz night (late start)"


def test_a_billion_session_rule_is_capped_at_import_naming_the_rule(model):
    [candidate] = read("huge-count.ics", model).candidates
    [note] = candidate.notes
    assert "FREQ=SECONDLY;COUNT=1000000000" in note and f"first {max_sessions()}" in note
    assert len(sessions(candidate.event)) == max_sessions()
    assert sessions(candidate.event, "2024-03-01", "2024-03-02") == []


def test_the_four_cases_through_the_store(store):
    created = {}
    for name in ("rrule-exdate-tzid-dst.ics", "recurrence-id-override.ics", "huge-count.ics",
                 "fold-split-multibyte.ics"):
        report = import_calendar(store, (CASES / name).read_bytes(), filename=name, user="sally")
        assert len(report.created) == 1 and not report.plan.rejected, name
        created[name] = report.created[0]

    def of(name, first="2024-01-01", last="2025-01-01"):
        return [f"{o.start:%m-%d %H:%M}" for ev, o in store.occurrences_between(
            dt.datetime.fromisoformat(first).replace(tzinfo=TZ), dt.datetime.fromisoformat(last).replace(tzinfo=TZ))
            if ev.id == created[name]]

    assert of("rrule-exdate-tzid-dst.ics") == ["03-04 23:00", "03-18 22:00"]
    assert of("recurrence-id-override.ics") == ["02-13 19:30", "02-20 20:30", "02-27 19:30", "03-05 19:30"]
    assert len(of("huge-count.ics")) == max_sessions() and of("huge-count.ics", "2024-02-13") == []
    assert "（第二场）—— 嘉宾乐队" in store.get(created["fold-split-multibyte.ics"]).event.title_zh
    moved = [o for ev, o in store.events_on(dt.date(2024, 2, 20)) if ev.id == created["recurrence-id-override.ics"]]
    assert [(o.start.hour, o.recurrence_id.hour) for o in moved] == [(20, 19)]
