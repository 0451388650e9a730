"""Unique keys under races (issue 14, item 4): two writes of one key at once, on SQLite and PostgreSQL.

Two creates of one event id, two scenario creates of one id, two account creates of one name,
one ``.ics`` file imported twice: one wins, the other gets 409 (an import: its events reported
unchanged), never a 500, and nothing is lost or written twice.

To make the writes overlap for sure, each test holds both threads at a barrier placed after the
store's check that the key is free and before its INSERT: on PostgreSQL both pass the check and the
database's unique key refuses the second insert; on SQLite (one writer) the second waits for the
first, its barrier times out, and it finds the key taken. Then the same race through the web app.
"""
from __future__ import annotations

import re
import threading
from io import BytesIO

import pytest

from planner.store import Taken

PASSWORD = "correct horse battery"


class Meeting:
    """A point two threads reach before going on together (or one alone, after ``timeout_s``)."""

    def __init__(self, timeout_s: float = 2.0):
        self.barrier = threading.Barrier(2, timeout=timeout_s)
        self.met = 0

    def __call__(self):
        try:
            self.barrier.wait()
            self.met += 1
        except threading.BrokenBarrierError:
            pass


def both(first, second):
    """Run two calls in two threads at once; their results or raised errors, in order."""
    out: list = [None, None]

    def run(n, call):
        try:
            out[n] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at what each raised
            out[n] = exc

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def _pause_before_insert(monkeypatch, module, name: str, meeting: Meeting):
    """Wrap ``module.name`` (called between a store's free-key check and its INSERT) to meet first."""
    original = getattr(module, name)

    def paused(*args, **kwargs):
        meeting()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, paused)


def test_two_creates_of_one_event_id(store, monkeypatch, db_url):
    import planner.store.events as events_module

    record = {**store.all()[0].record, "id": "race-event"}
    meeting = Meeting()
    _pause_before_insert(monkeypatch, events_module, "_row_values", meeting)
    results = both(lambda: store.create(record, "a"), lambda: store.create(record, "b"))
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], Taken), results
    assert lost[0].problems[0].where in ("id", "uid")
    assert store.get("race-event").version == 1 and len(store.history("race-event")) == 1
    if db_url.startswith("postgresql"):
        assert meeting.met == 2  # both passed the check: the database's key decided


def test_two_scenario_creates_of_one_id(database, model, monkeypatch, db_url):
    import planner.store.scenarios as scenarios_module
    from planner.simulation.scenario import scenario_from_shuttle, scenario_to_record

    store = database.scenarios
    record = {**scenario_to_record(scenario_from_shuttle(model.shuttle)), "id": "race-scenario"}
    meeting = Meeting()
    _pause_before_insert(monkeypatch, scenarios_module, "scenario_to_record", meeting)
    results = both(lambda: store.create(record, "a"), lambda: store.create(record, "b"))
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(lost) == 1 and isinstance(lost[0], Taken), results
    assert store.get("race-scenario").version == 1
    if db_url.startswith("postgresql"):
        assert meeting.met == 2


def test_two_account_creates_of_one_name(accounts, monkeypatch, db_url):
    import planner.store.users as users_module

    from planner.domain.errors import BadRequest

    meeting = Meeting()

    class Secrets:
        @staticmethod
        def token_hex(n):
            meeting()
            return users_module.secrets_module.token_hex(n)

    monkeypatch.setattr(users_module, "secrets_module", users_module.secrets, raising=False)
    monkeypatch.setattr(users_module, "secrets", Secrets)
    results = both(lambda: accounts.create("twin", PASSWORD, "staff"), lambda: accounts.create("twin", PASSWORD, "admin"))
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(lost) == 1 and isinstance(lost[0], BadRequest) and lost[0].code == "account_exists", results
    assert [u.name for u in accounts.all()].count("twin") == 1
    if db_url.startswith("postgresql"):
        assert meeting.met == 2


ICS = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//race//EN\r\n" + b"".join(
    b"BEGIN:VEVENT\r\nUID:race-%d@example.org\r\nDTSTART:202403%02dT110000Z\r\nDTEND:202403%02dT120000Z\r\n"
    b"SUMMARY:Race %d\r\nEND:VEVENT\r\n" % (n, n + 1, n + 1, n) for n in range(5))
    + b"END:VCALENDAR\r\n")


def test_one_file_imported_twice_at_once(store, monkeypatch, db_url):
    import planner.store.events as events_module
    from planner.store.ical import apply_import, plan_import, read_calendar

    plans = [plan_import(store, read_calendar(ICS, store.places, filename="race.ics",
                                              default_venue="dj-east-live-house")) for _ in range(2)]
    assert all(len(p.new) == 5 for p in plans)
    before = len(store.all())
    meeting = Meeting()
    _pause_before_insert(monkeypatch, events_module, "prepared_rows", meeting)
    reports = both(*(lambda p=p: apply_import(store, p, "staff", note="race") for p in plans))
    assert not any(isinstance(r, Exception) for r in reports), reports
    created = sorted(len(r.created) for r in reports)
    assert created == [0, 5], [(r.created, r.conflicts) for r in reports]
    loser = next(r for r in reports if not r.created)
    assert len(loser.plan.unchanged) == 5 and not loser.conflicts, loser.summary()
    assert len(store.all()) == before + 5
    if db_url.startswith("postgresql"):
        assert meeting.met >= 2


# --- the same races through the web app: one 2xx (or 302), the other 409; the import says unchanged


def _browsers(app, browser_for, users_of, name="ada"):
    users_of(app)
    out = []
    for _ in range(2):
        b = browser_for(app)
        assert b.login(name, PASSWORD).status_code == 302
        out.append(b)
    return out


def test_web_two_creates_of_one_event_id_answer_one_409(cal_app, browser_for, users_of, monkeypatch):
    import planner.store.events as events_module

    a, b = _browsers(cal_app, browser_for, users_of)
    tokens = [x.csrf("/staff/events/new") for x in (a, b)]
    form = {"id": "web-race", "title_en": "Race", "title_zh": "赛", "venue": "dj-east-live-house",
            "start": "2024-03-05T10:00", "end": "2024-03-05T11:00", "status": "scheduled", "source": "t",
            "confirm": "1"}
    _pause_before_insert(monkeypatch, events_module, "_row_values", Meeting())
    answers = both(*(lambda x=x, t=t: x.client.post("/staff/events/new", data={**form, "csrf_token": t})
                     for x, t in zip((a, b), tokens)))
    assert sorted(r.status_code for r in answers) == [302, 409], [r.data[:300] for r in answers]
    assert cal_app.extensions["planner"].calendar.get("web-race").version == 1


def test_web_two_account_creates_answer_one_409(cal_app, browser_for, users_of):
    a, b = _browsers(cal_app, browser_for, users_of)
    tokens = [x.csrf("/admin/users") for x in (a, b)]
    answers = both(*(lambda x=x, t=t: x.client.post("/admin/users", data={
        "name": "twin", "password": PASSWORD, "role": "staff", "csrf_token": t}) for x, t in zip((a, b), tokens)))
    assert sorted(r.status_code for r in answers) == [302, 409], [r.status_code for r in answers]


def test_web_two_scenario_creates_answer_one_409(cal_app, browser_for, users_of):
    a, b = _browsers(cal_app, browser_for, users_of)
    page = a.get("/scenarios/new").get_data(as_text=True)
    from tests.fuzz_extremes import forms_of

    form = next(f for f in forms_of(page) if f["method"] == "POST")
    fields = {k: v for k, v in form["fields"].items() if v is not None}
    fields["id"] = "web-race-scenario"
    tokens = [x.csrf("/scenarios/new") for x in (a, b)]
    answers = both(*(lambda x=x, t=t: x.client.post("/scenarios/new", data={**fields, "csrf_token": t})
                     for x, t in zip((a, b), tokens)))
    assert sorted(r.status_code for r in answers) == [302, 409], [(r.status_code, r.data[:200]) for r in answers]


def test_web_one_file_imported_twice_at_once_reports_unchanged(cal_app, browser_for, users_of):
    a, b = _browsers(cal_app, browser_for, users_of)
    tokens = []
    for x in (a, b):
        page = x.client.post("/staff/import", data={"csrf_token": x.csrf("/staff/import"),
                                                    "default_venue": "dj-east-live-house",
                                                    "file": (BytesIO(ICS), "race.ics")},
                             content_type="multipart/form-data")
        assert page.status_code == 200, page.data[:300]
        tokens.append(re.search(r'action="/staff/import/([A-Za-z0-9_-]+)"', page.get_data(as_text=True)).group(1))
    answers = both(*(lambda x=x, t=t: x.client.post(f"/staff/import/{t}", data={"csrf_token": x.csrf("/staff/import")})
                     for x, t in zip((a, b), tokens)))
    assert [r.status_code for r in answers] == [200, 200], [r.data[:300] for r in answers]
    calendar = cal_app.extensions["planner"].calendar
    assert sum(1 for s in calendar.all() if s.uid.startswith("race-")) == 5
