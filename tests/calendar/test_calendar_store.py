"""The event store on SQLite and PostgreSQL: migrations, seeding, sessions by date, edits,
versions and conflicts (with concurrent writers), history and restore, accounts."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from planner.domain.errors import BadRequest, DataError, NotFound
from planner.domain.model import TZ
from planner.store import Conflict, LoginFailed, LoginLocked
from planner.store.db import current_revision, downgrade, head_revision, schema_differences, upgrade

EVENT = "hello-su-dongpo-2024"


def new_record(**changes) -> dict:
    record = {
        "id": "spring-jazz-2025", "title_zh": "春季爵士夜", "title_en": "Spring jazz night",
        "description_zh": "", "description_en": "", "venue": "dj-east-live-house",
        "start": "2025-03-07T20:00:00+08:00", "end": "2025-03-07T22:00:00+08:00",
        "rrule": "FREQ=WEEKLY;BYDAY=FR;COUNT=4", "exdates": ["2025-03-14T20:00:00+08:00"],
        "status": "scheduled", "price_cny": 80, "capacity": 300, "tags": ["music"],
        "source": "event staff", "assumption": None,
    }
    return {**record, **changes}


def test_migrations_build_the_schema_of_the_code_and_go_back(database):
    engine = database.engine
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == []
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert not sa.inspect(engine).has_table("events")
    upgrade(engine)
    assert schema_differences(engine) == []


def test_a_database_of_the_first_revision_with_events_upgrades_and_gets_its_sessions(database, model):
    """An installation made before recurring sessions were stored (revision 0001, events in it) upgrades:
    0002 once wrote the sessions with today's code, which named a column only 0003 adds."""
    engine = database.engine
    downgrade(engine, "0001_calendar")
    with engine.begin() as conn:  # an event as 0001 stored it
        conn.execute(sa.text(
            "INSERT INTO events (id, uid, version, title_zh, title_en, description_zh, description_en, venue_id, "
            "start_utc, end_utc, last_end, rrule, exdates, status, price_cny, capacity, tags, source, assumption, "
            "created_at, created_by, updated_at, updated_by) VALUES ('old-jazz', 'old-jazz@x', 1, '爵士', 'Jazz',"
            " '', '', 'dj-east-live-house', '2025-03-07 12:00:00', '2025-03-07 14:00:00', '2025-03-28 14:00:00', "
            "'FREQ=WEEKLY;COUNT=4', '[]', 'scheduled', NULL, NULL, '[]', 'staff', NULL, "
            "'2025-01-01 00:00:00', 'sally', '2025-01-01 00:00:00', 'sally')"))
    upgrade(engine)
    assert schema_differences(engine) == []
    with engine.connect() as conn:
        sessions = conn.execute(sa.text("SELECT count(*) FROM event_sessions WHERE event_id = 'old-jazz'")).scalar()
    assert sessions == 4


def test_seeding_twice_duplicates_nothing_and_keeps_staff_edits(database, model):
    store = database.events
    assert store.seed_from(model.events.values()) == len(model.events)
    edited = store.update(EVENT, {"title_en": "Edited by staff"}, 1, "sally")
    assert store.seed_from(model.events.values()) == 0
    assert store.count() == len(model.events)
    assert store.get(EVENT).event.title_en == "Edited by staff" and store.get(EVENT).version == edited.version


def test_sessions_by_date_match_the_model_every_day_of_2024(store, model):
    day = dt.date(2024, 1, 1)
    while day.year == 2024:
        expected = [(ev.id, occ) for ev, occ in model.events_on(day)]
        assert [(ev.id, occ) for ev, occ in store.events_on(day)] == expected, day
        day += dt.timedelta(days=1)


def test_create_validates_with_the_data_validator(store):
    saved = store.create(new_record(), "sally")
    assert saved.version == 1 and saved.uid == "spring-jazz-2025@dongjiao-panda-planner"
    assert saved.event.price_cny == 80.0 and saved.event.exdates == (dt.datetime(2025, 3, 14, 20, tzinfo=TZ),)
    sessions = store.occurrences_between(dt.datetime(2025, 3, 1, tzinfo=TZ), dt.datetime(2025, 4, 30, tzinfo=TZ))
    assert [occ.start.day for ev, occ in sessions if ev.id == saved.id] == [7, 21, 28]  # 14th excepted
    with pytest.raises(DataError) as caught:
        store.create(new_record(id="bad-one", end="2025-03-07T19:00:00+08:00", venue="nowhere",
                                rrule="FREQ=SOMETIMES", price_cny=-5), "sally")
    fields = {p.where for p in caught.value.problems}
    assert {"end", "venue", "rrule", "price_cny"} <= fields
    assert store.find("bad-one") is None
    with pytest.raises(DataError, match="exists already"):
        store.create(new_record(), "sally")


def test_create_makes_an_id_from_the_english_title(store):
    first = store.create(new_record(id=""), "sally")
    second = store.create(new_record(id=""), "sally")
    assert (first.id, second.id) == ("spring-jazz-night-2025", "spring-jazz-night-2025-2")


def test_stale_update_is_a_conflict_carrying_both_versions(store):
    store.update(EVENT, {"title_en": "Alice's title"}, 1, "alice")
    before = store.history(EVENT)
    with pytest.raises(Conflict) as caught:
        store.update(EVENT, {"title_en": "Bob's title"}, 1, "bob")
    conflict = caught.value
    assert conflict.current.version == 2 and conflict.current.event.title_en == "Alice's title"
    assert conflict.attempted["title_en"] == "Bob's title" and conflict.expected_version == 1
    assert conflict.base["title_en"].startswith('"Hello, Su Dongpo"')
    assert [d[0] for d in conflict.differences()] == ["title_en"]
    assert store.history(EVENT) == before and store.get(EVENT).event.title_en == "Alice's title"


def test_an_update_that_changes_nothing_writes_nothing(store):
    assert store.update(EVENT, {"status": "scheduled"}, 1, "sally").version == 1
    assert len(store.history(EVENT)) == 1


def test_the_id_cannot_change(store):
    with pytest.raises(DataError, match="cannot change"):
        store.update(EVENT, {"id": "another-id"}, 1, "sally")


def test_cancel_duplicate_history_and_restore(store):
    original = store.get(EVENT).record
    moved = store.update(EVENT, {"start": "2024-02-11T10:00:00+08:00", "end": "2024-02-11T17:00:00+08:00"},
                         1, "sally")
    cancelled = store.cancel(EVENT, moved.version, "sally")
    assert cancelled.event.status == "cancelled"
    assert any(ev.id == EVENT and ev.status == "cancelled" for ev, _ in store.events_on(dt.date(2024, 2, 12)))

    history = store.history(EVENT)
    assert [(h.version, h.action) for h in history] == [(1, "seed"), (2, "update"), (3, "cancel")]
    assert [field for field, _, _ in history[1].diff] == ["start", "end"]
    assert history[1].diff[0] == ("start", "2024-02-10T10:00:00+08:00", "2024-02-11T10:00:00+08:00")
    assert history[2].diff == [("status", "scheduled", "cancelled")] and history[2].changed_by == "sally"

    restored = store.restore(EVENT, 1, cancelled.version, "ada")
    assert restored.version == 4 and restored.record == original
    assert store.history(EVENT)[-1].action == "restore" and store.history(EVENT)[-1].note == "restored version 1"
    with pytest.raises(Conflict):
        store.restore(EVENT, 2, cancelled.version, "ada")  # made from version 3, now 4
    with pytest.raises(NotFound):
        store.restore(EVENT, 99, restored.version, "ada")

    copy = store.duplicate(EVENT, "sally")
    again = store.duplicate(EVENT, "sally")
    assert (copy.id, again.id) == (f"{EVENT}-copy", f"{EVENT}-copy-2")
    assert {**copy.record, "id": EVENT} == restored.record and copy.version == 1
    assert store.history(copy.id)[0].note == f"copy of {EVENT} version 4"


def test_warnings_for_hours_and_overlaps(store):
    night = store.validate(new_record(venue="dj-lang-art-museum", rrule=None, exdates=[],
                                      start="2025-03-07T20:00:00+08:00", end="2025-03-07T22:00:00+08:00"))
    [warning] = store.warnings(night)
    assert "outside the opening hours of Lang Art Museum" in warning and "open 10:00-18:00" in warning
    store.create(new_record(id="first-show", rrule=None, exdates=[]), "sally")
    clash = store.validate(new_record(id="second-show", rrule=None, exdates=[],
                                      start="2025-03-07T21:00:00+08:00", end="2025-03-07T23:00:00+08:00"))
    warnings = store.warnings(clash)
    assert len(warnings) == 1 and "overlaps 'Spring jazz night' (first-show)" in warnings[0]
    assert store.warnings(store.validate(new_record(id="later", rrule=None, exdates=[],
                                                    start="2025-03-07T22:00:00+08:00",
                                                    end="2025-03-07T23:30:00+08:00"))) == []


def test_a_never_ending_series_is_found_years_later(store):
    store.create(new_record(id="every-saturday", rrule="FREQ=WEEKLY;BYDAY=SA", exdates=[],
                            start="2025-01-04T20:00:00+08:00", end="2025-01-04T22:00:00+08:00"), "sally")
    assert [ev.id for ev, _ in store.events_on(dt.date(2031, 6, 7))] == ["every-saturday"]
    assert store.events_on(dt.date(2031, 6, 8)) == []
    assert store.next_event_date(dt.date(2031, 6, 8)) == dt.date(2031, 6, 14)


def test_until_given_as_a_local_date_means_through_that_day(store):
    saved = store.create(new_record(id="march-fridays", rrule="FREQ=WEEKLY;BYDAY=FR;UNTIL=20250328", exdates=[]),
                         "sally")
    assert saved.event.rrule == "FREQ=WEEKLY;UNTIL=20250328T155959Z;BYDAY=FR"
    days = [occ.start.day for ev, occ in store.occurrences_between(
        dt.datetime(2025, 3, 1, tzinfo=TZ), dt.datetime(2025, 5, 1, tzinfo=TZ)) if ev.id == saved.id]
    assert days == [7, 14, 21, 28]


def test_concurrent_writers_lose_no_accepted_change(store):
    """Writers race on one event, each retrying on conflicts: every change the store accepted is in
    the history exactly as saved, versions have no gaps, and the last accepted one is current."""
    writers, changes_each = 6, 5
    accepted: list[tuple[int, str]] = []
    conflicts = []
    lock = threading.Lock()
    start = threading.Barrier(writers)

    def write(writer: int) -> None:
        start.wait()
        done = 0
        while done < changes_each:
            current = store.get(EVENT)
            text = f"writer {writer} change {done}"
            try:
                saved = store.update(EVENT, {"description_en": text}, current.version, f"writer-{writer}")
            except Conflict:
                with lock:
                    conflicts.append(writer)
                continue
            with lock:
                accepted.append((saved.version, text))
            done += 1

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    history = store.history(EVENT)
    assert len(accepted) == writers * changes_each
    assert [h.version for h in history] == list(range(1, writers * changes_each + 2))
    saved_text = {h.version: h.record["description_en"] for h in history}
    for version, text in accepted:
        assert saved_text[version] == text
    last_version, last_text = max(accepted)
    assert store.get(EVENT).version == last_version and store.get(EVENT).event.description_en == last_text


def test_two_writers_from_the_same_version_one_wins(store):
    barrier = threading.Barrier(2)
    outcomes = []

    def write(name: str) -> None:
        barrier.wait()
        try:
            store.update(EVENT, {"title_en": f"{name}'s title"}, 1, name)
            outcomes.append("saved")
        except Conflict as conflict:
            outcomes.append(("conflict", conflict.current.version))

    threads = [threading.Thread(target=write, args=(name,)) for name in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str) == sorted(["saved", ("conflict", 2)], key=str)
    assert len(store.history(EVENT)) == 2


# --- accounts


def test_accounts_roles_and_passwords(accounts):
    sally = accounts.create("sally", "correct horse battery", "staff")
    assert sally.can("staff") and not sally.can("admin") and not sally.can("planner")
    ada = accounts.create("ada", "correct horse battery", "admin")
    assert ada.can("staff") and ada.can("planner") and ada.can("admin")
    for name, password, role, field in (("sally", "correct horse battery", "staff", "name"),
                                        ("x", "correct horse battery", "staff", "name"),
                                        ("bob", "short", "staff", "password"),
                                        ("bob", "correct horse battery", "owner", "role")):
        with pytest.raises(BadRequest) as caught:
            accounts.create(name, password, role)
        assert caught.value.field == field
    with accounts.engine.connect() as conn:
        stored_hash = conn.execute(sa.text("select password_hash from users where name='sally'")).scalar()
    assert stored_hash.startswith("$argon2id$")


def test_login_failures_lock_the_account_from_that_address(accounts):
    accounts.create("sally", "correct horse battery", "staff")
    assert accounts.authenticate("sally", "correct horse battery", "10.0.0.1").name == "sally"
    for _ in range(5):
        with pytest.raises(LoginFailed):
            accounts.authenticate("sally", "wrong password!", "10.0.0.1")
    with pytest.raises(LoginLocked) as caught:
        accounts.authenticate("sally", "correct horse battery", "10.0.0.1")  # even the right password
    assert 200 < caught.value.retry_after_s <= 300
    assert accounts.authenticate("sally", "correct horse battery", "10.0.0.2").name == "sally"
    with accounts.engine.begin() as conn:  # five minutes pass
        conn.execute(sa.text("update login_failures set at = :at"),
                     {"at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(minutes=6)})
    assert accounts.authenticate("sally", "correct horse battery", "10.0.0.1").name == "sally"
    with pytest.raises(LoginFailed):
        accounts.authenticate("nobody", "correct horse battery", "10.0.0.3")


def test_new_password_or_disabling_ends_sessions(accounts):
    sally = accounts.create("sally", "correct horse battery", "staff")
    assert accounts.by_session_token(sally.session_token) == sally
    renewed = accounts.set_password("sally", "another good password")
    assert accounts.by_session_token(sally.session_token) is None
    with pytest.raises(LoginFailed):
        accounts.authenticate("sally", "correct horse battery", "10.0.0.1")
    disabled = accounts.set_active("sally", False)
    assert accounts.by_session_token(renewed.session_token) is None and not disabled.can("staff")
    with pytest.raises(LoginFailed):
        accounts.authenticate("sally", "another good password", "10.0.0.1")


def test_refresh_sessions_command_rebuilds_stored_sessions_under_the_setting(store, db_url, runner, monkeypatch):
    """On SQLite and PostgreSQL: `planner events refresh-sessions` rebuilds the sessions stored
    under an earlier PLANNER_MAX_SESSIONS_PER_SERIES (saved with 30, refreshed with 10, then back)."""
    from planner.domain.recurrence import max_sessions, set_max_sessions
    from planner.main import main
    from planner.store.schema import event_sessions

    store.create(new_record(id="daily-talk", rrule="FREQ=DAILY;COUNT=30", exdates=[]), "sally")
    events, series = store.count(), sum(1 for s in store.all() if s.event.rrule or s.event.rdates)

    def stored() -> int:
        with store.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(event_sessions)
                                .where(event_sessions.c.event_id == "daily-talk")).scalar_one()

    assert stored() == 30
    before = max_sessions()
    try:
        monkeypatch.setenv("PLANNER_MAX_SESSIONS_PER_SERIES", "10")
        result = runner.invoke(main, ["events", "refresh-sessions", "--database-url", db_url])
        assert result.exit_code == 0, result.output
        assert f"Rebuilt the sessions of {events} event(s), {series} of them series" in result.output
        assert "(at most 10 sessions per series)" in result.output
        assert stored() == 10
        last = dt.datetime(2025, 3, 16, 22, tzinfo=TZ)  # the 10th day's end: the last stored session
        assert [o.end for ev, o in store.occurrences_between(last - dt.timedelta(hours=2), last + dt.timedelta(
            days=30)) if ev.id == "daily-talk"] == [last]
        monkeypatch.delenv("PLANNER_MAX_SESSIONS_PER_SERIES")
        again = runner.invoke(main, ["events", "refresh-sessions", "--database-url", db_url])
        assert again.exit_code == 0 and "(at most 1000 sessions per series)" in again.output
        assert stored() == 30
    finally:
        set_max_sessions(before)
