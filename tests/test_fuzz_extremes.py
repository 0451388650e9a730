"""Faults as answers (issue 14, item 4): no request, however odd, gets a server error.

The fuzzer (tests/fuzz_extremes.py) asks every route of the app, with its own
methods and wrong ones, anonymous and as staff, planner and admin, with dates at
the ends of the calendar, numbers at the ends of a double, NUL bytes, lone
surrogates, text of any script, JSON nested 1,000 deep, bad cookies and CSRF
tokens, on SQLite and on PostgreSQL (which refuses NUL in text). Every answer
must be below 500 and every ``/api/*`` answer JSON. Below it, the faults it
found, each pinned by a test of its own.
"""
from __future__ import annotations

import re

import pytest

from tests.fuzz_extremes import PASSWORD, Fuzzer, make_app


@pytest.fixture
def fuzz_app(db_url, tmp_path):
    app = make_app(db_url, tmp_path)
    yield app
    app.extensions["planner"].close()


def test_no_request_gets_a_server_error(fuzz_app):
    fuzzer = Fuzzer(fuzz_app, seed=14)
    fuzzer.setup()
    result = fuzzer.run(per_rule=2)
    assert not result.failures, f"{len(result.failures)} of {result.sent}:\n" + "\n".join(result.failures[:40])
    assert result.sent >= 1800, result.sent
    # the cases reach the views, not only the login form and the CSRF check
    assert result.by_status[200] >= 200 and result.by_status[400] >= 500 and result.by_status[422] >= 100, \
        result.by_status


def test_no_request_gets_a_server_error_over_http(tmp_path):
    """The same over real HTTP to waitress (headers as a WSGI server must send them, Latin-1; an unhandled
    error a 500 answer, not a raised exception), on SQLite, fewer cases."""
    from tests.fuzz_extremes import serve

    app = make_app(f"sqlite:///{tmp_path / 'http.db'}", tmp_path)
    app.testing = False
    server, address = serve(app)
    try:
        fuzzer = Fuzzer(app, seed=15)
        fuzzer.server = address
        fuzzer.setup()
        result = fuzzer.run(per_rule=1)
    finally:
        server.close()
        app.extensions["planner"].close()
    assert not result.failures, f"{len(result.failures)} of {result.sent}:\n" + "\n".join(result.failures[:40])
    assert result.sent >= 1000 and result.by_status[200] >= 100, (result.sent, result.by_status)


@pytest.fixture
def logged_in(fuzz_app):
    """Clients logged in as staff, planner and admin, each with its CSRF token."""
    fuzzer = Fuzzer(fuzz_app)
    fuzzer.setup(forms=False)
    return fuzzer


def test_a_nul_byte_in_a_path_query_or_form_is_400_naming_the_field(logged_in):
    api = logged_in.clients["planner"]
    answer = api.get("/api/scenarios/a%00b")
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "scenario_id", answer.data[:300]
    answer = api.get("/api/events?date=2024-02-12&lang=%00")
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "lang", answer.data[:300]
    staff = logged_in.clients["staff"]
    for page in ("/events/a%00b", "/events/a%00b.ics", "/staff/events/a%00b", "/staff/week?venue=%00"):
        assert staff.get(page).status_code == 400, page
    answer = staff.post("/staff/events/new", data={"csrf_token": logged_in.tokens["staff"], "title_en": "a\x00b",
                                                   "title_zh": "x", "venue": "dj-east-live-house"})
    assert answer.status_code == 400 and "title_en" in answer.get_data(as_text=True)
    # the login form too: the name is looked up in the database
    answer = logged_in.app.test_client().post("/login", data={"name": "\x00", "password": "x" * 12,
                                                              "csrf_token": logged_in.tokens[None]})
    assert answer.status_code == 400


def test_a_nul_in_an_imported_file_is_a_problem_of_its_event(logged_in):
    staff = logged_in.clients["staff"]
    ics = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:nul-1@example.org\r\n"
           b"DTSTART:20240212T100000Z\r\nDTEND:20240212T110000Z\r\nSUMMARY:a\x00b\r\nLOCATION:dongjiao-memory\r\n"
           b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    from io import BytesIO

    answer = staff.post("/staff/import", data={"csrf_token": logged_in.tokens["staff"],
                                               "default_venue": "dj-east-live-house",
                                               "file": (BytesIO(ics), "nul.ics")},
                        content_type="multipart/form-data")
    assert answer.status_code == 200, answer.data[:300]
    page = answer.get_data(as_text=True)
    # the preview names the event's field and offers nothing to import (its one event is refused)
    assert "title_en: contains a NUL byte" in page, page[:2000]
    assert not re.search(r'action="/staff/import/[A-Za-z0-9_-]+"', page)
    assert all("\x00" not in s.event.title_en for s in logged_in.app.extensions["planner"].calendar.all())


def test_an_ics_file_named_by_an_id_of_any_script_is_served(logged_in):
    """Ids are lower-case letters of any script; a header is Latin-1: the name goes in filename* (RFC 6266)."""
    answer = logged_in.app.test_client().get("/events/caf%C3%A9-%D0%B6%D0%B6.ics")
    assert answer.status_code == 200
    header = answer.headers["Content-Disposition"]
    assert header.startswith("inline; filename=\"") and "filename*=UTF-8''caf%C3%A9-%D0%B6%D0%B6.ics" in header


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01T00:00:00-12:00"])
def test_event_times_at_the_ends_of_the_calendar_are_refused_by_name(logged_in, value):
    staff = logged_in.clients["staff"]
    answer = staff.post("/staff/events/new", data={
        "csrf_token": logged_in.tokens["staff"], "title_en": "Edge", "title_zh": "边", "venue": "dj-east-live-house",
        "start": "2024-02-12T19:30", "end": value, "status": "scheduled", "source": "test"})
    assert answer.status_code == 422, answer.data[:300]
    assert "outside the years" in answer.get_data(as_text=True)


def test_a_session_at_the_ends_of_the_calendar_is_no_session(logged_in):
    staff = logged_in.clients["staff"]
    series = next(s for s in logged_in.app.extensions["planner"].calendar.all() if s.event.rrule)
    for value in ("0001-01-01T00:00:00-12:00", "9999-12-31T23:59:59+14:00"):
        answer = staff.post(f"/staff/events/{series.id}/sessions/cancel", data={
            "csrf_token": logged_in.tokens["staff"], "version": str(series.version), "session": value})
        assert answer.status_code == 400, answer.data[:300]


def test_the_fuzzers_own_accounts_log_in(logged_in):
    """The harness is honest: its role clients are logged in (a staff page answers 200, not the login form)."""
    assert logged_in.clients["staff"].get("/staff/week").status_code == 200
    assert logged_in.clients["admin"].get("/admin/users").status_code == 200
    assert logged_in.clients[None].get("/staff/week").status_code == 401
    assert PASSWORD


def test_a_uid_no_text_column_holds_is_a_problem_of_its_event(logged_in):
    """A NUL byte in a UID (PostgreSQL refuses it in text; bytes decode to no lone surrogate): that event
    is refused by its UID, the file's other events are kept (as for any other field)."""
    uid = b"abc\x00def@example.org"
    from planner.store.ical import read_calendar

    ics = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:" + uid + b"\r\n"
           b"DTSTART:20240212T100000Z\r\nDTEND:20240212T110000Z\r\nSUMMARY:bad\r\nLOCATION:East District Live House\r\n"
           b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:good-1@example.org\r\n"
           b"DTSTART:20240212T100000Z\r\nDTEND:20240212T110000Z\r\nSUMMARY:good\r\nLOCATION:East District Live House\r\n"
           b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    read = read_calendar(ics, logged_in.app.extensions["planner"].calendar.places, filename="uid.ics")
    assert [c.uid for c in read.candidates] == ["good-1@example.org"]
    assert any("UID: contains a NUL byte or a lone surrogate" in str(r) for r in read.rejected), read.rejected
