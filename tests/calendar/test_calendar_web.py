"""The staff calendar through the app: a change is seen at once by the visitor pages, the API, the
feeds and the model the engines read; conflicts show both versions; import, export, CLI."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from planner.main import main
from planner.web.presenters.event_forms import form_from_record

FILES = Path(__file__).parent / "files"
EVENT = "hello-su-dongpo-2024"
DAY = "2024-02-12"


def edit_form(browser, event_id: str = EVENT) -> dict:
    """The edit form's fields as the browser would submit them."""
    page = browser.get(f"/staff/events/{event_id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    record = browser.app.extensions["planner"].calendar.get(event_id).record
    return {**form_from_record(record), "version": version}


def test_a_staff_edit_is_seen_everywhere_at_once(cal_app, users_of, browser_for):
    """On SQLite and PostgreSQL: the visitor's pages, /api/events, the feeds and the model that
    itineraries are planned on all show the new title, without a restart."""
    password = users_of(cal_app)
    staff, visitor = browser_for(cal_app), browser_for(cal_app)
    staff.login("sally", password)
    etag = visitor.get("/calendar.ics").headers["ETag"]
    form = edit_form(staff)
    answer = staff.post(f"/staff/events/{EVENT}/edit", {**form, "title_en": "Su Dongpo, extended", "price_cny": "88"},
                        token_from=f"/staff/events/{EVENT}/edit")
    assert answer.status_code == 302 and answer.headers["Location"] == f"/staff/events/{EVENT}"
    assert "Su Dongpo, extended" in visitor.get(f"/events/{EVENT}?lang=en").get_data(as_text=True)
    assert "Su Dongpo, extended" in visitor.get(f"/?date={DAY}&lang=en").get_data(as_text=True)
    api = visitor.get(f"/api/events?date={DAY}&lang=en").get_json()["events"]
    assert {(e["title"], e["price_cny"]) for e in api if e["id"] == EVENT} == {("Su Dongpo, extended", 88.0)}
    feed = visitor.get("/calendar.ics?lang=en")
    assert feed.mimetype == "text/calendar" and feed.headers["ETag"] != etag
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(feed.data).events}
    assert "Su Dongpo, extended" in summaries
    venue_feed = Calendar.from_ical(visitor.get("/calendar/dj-lang-art-museum.ics?lang=en").data).events
    assert "Su Dongpo, extended" in {str(e["SUMMARY"]) for e in venue_feed}
    assert {str(e["X-PLANNER-VENUE"]) for e in venue_feed} == {"dj-lang-art-museum"}
    model = cal_app.extensions["planner"].model  # what journeys and itineraries are given
    assert {ev.title_en for ev, _ in model.events_on(dt.date(2024, 2, 12))} >= {"Su Dongpo, extended"}
    assert model.events[EVENT].price_cny == 88.0
    history = staff.get(f"/staff/events/{EVENT}").get_data(as_text=True)
    assert "Su Dongpo, extended" in history and "sally" in history and 'id="version-2"' in history


def hidden_fields(page: str) -> dict:
    """The conflict page's form as the browser would submit it (radios: the checked ones)."""
    import html

    fields = {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([a-z_-]+)" value="([^"]*)"', page)}
    fields.update(re.findall(r'<input type="radio" name="(keep-[a-z_]+)" value="([a-z]+)" id="[^"]+" checked>', page))
    fields.pop("csrf_token", None)
    return fields


def _two_editors(app, users_of, browser_for):
    """Sally and Ada logged in, each with the edit form of version 1 open: (sally, ada, her form, his form,
    the edit path)."""
    password = users_of(app)
    sally, ada = browser_for(app), browser_for(app)
    sally.login("sally", password)
    ada.login("ada", password)
    return sally, ada, edit_form(sally), edit_form(ada), f"/staff/events/{EVENT}/edit"


def test_two_editors_changing_different_fields_both_keep_their_changes(sqlite_app, users_of, browser_for):
    """Point 5: Sally changes the title, Ada (from the same version) the price and the tags: Ada's save
    merges, nothing of Sally's is reverted, and the history names the merge."""
    sally, ada, sally_form, ada_form, token = _two_editors(sqlite_app, users_of, browser_for)
    assert sally.post(token, {**sally_form, "title_en": "Sally's title"}, token_from=token).status_code == 302
    merged = ada.post(f"{token}?lang=en", {**ada_form, "price_cny": "66", "tags": "art, calligraphy"},
                      token_from=token)
    assert merged.status_code == 302 and merged.headers["Location"] == f"/staff/events/{EVENT}"
    calendar = sqlite_app.extensions["planner"].calendar
    now = calendar.get(EVENT)
    assert (now.version, now.event.title_en, now.event.price_cny, now.event.tags) == (
        3, "Sally's title", 66.0, ("art", "calligraphy"))
    last = calendar.history(EVENT)[-1]
    assert last.changed_by == "ada" and last.note == "merged with version 2 by sally"
    assert {field for field, _, _ in last.diff} == {"price_cny", "tags"}
    page = ada.get(f"/staff/events/{EVENT}?lang=en").get_data(as_text=True)
    assert "merged with the changes sally saved meanwhile: theirs kept for Title (English); yours for " \
           "Price (CNY), Tags" in page


def test_two_editors_of_one_field_choose_per_field_and_nothing_else_is_lost(sqlite_app, users_of, browser_for):
    sally, ada, sally_form, ada_form, token = _two_editors(sqlite_app, users_of, browser_for)
    assert sally.post(token, {**sally_form, "title_en": "Sally's title", "capacity": "80", "price_cny": "50"},
                      token_from=token).status_code == 302
    clash = ada.post(f"{token}?lang=en", {**ada_form, "title_en": "<b>Ada's</b> title", "price_cny": "70",
                                          "tags": "ink"}, token_from=token)
    assert clash.status_code == 409
    calendar = sqlite_app.extensions["planner"].calendar
    assert calendar.get(EVENT).event.title_en == "Sally's title" and calendar.get(EVENT).version == 2
    page = clash.get_data(as_text=True)
    # both values per field, escaped; a choice for each; the button says what it keeps
    for field, theirs, mine in (("title_en", "Sally&#39;s title", "&lt;b&gt;Ada&#39;s&lt;/b&gt; title"),
                                ("price_cny", "50", "70")):
        row = re.search(rf'<tr data-field="{field}".*?</tr>', page, re.S).group(0)
        assert re.search(rf'class="theirs">.*value="theirs".*{re.escape(theirs)}', row, re.S), field
        assert re.search(rf'class="yours">.*value="mine".*{re.escape(mine)}', row, re.S), field
    assert "<b>Ada" not in page
    assert 'data-field="capacity"' not in page and 'data-field="tags"' not in page  # one side only: merged
    assert re.search(r'id="merged-theirs">[^<]*Capacity', page) and re.search(r'id="merged-mine">[^<]*Tags', page)
    button = re.search(r'<button type="submit" id="save-merge"[^>]*>([^<]*)</button>', page).group(1)
    assert button.strip() == "Save, keeping mine for Title (English), Price (CNY)"
    # Ada keeps her title and Sally's price: Sally's capacity and Ada's tags stay too
    fields = {**hidden_fields(page), "keep-price_cny": "theirs"}
    assert fields["version"] == "2"
    assert ada.post(token, fields, token_from=token).status_code == 302
    now = calendar.get(EVENT).event
    assert (now.title_en, now.price_cny, now.capacity, now.tags) == ("<b>Ada's</b> title", 50.0, 80, ("ink",))
    titles = [h.record["title_en"] for h in calendar.history(EVENT)]
    assert titles[1:] == ["Sally's title", "<b>Ada's</b> title"]


def test_validation_names_each_field_and_keeps_what_was_typed(staff):
    form = edit_form(staff)
    answer = staff.post(f"/staff/events/{EVENT}/edit", {**form, "end": "2024-02-10T09:00", "price_cny": "cheap",
                                                        "rrule": "FREQ=SOMETIMES", "title_en": "Kept text"},
                        token_from=f"/staff/events/{EVENT}/edit")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    for field, message in (("end", "must be after start"), ("price_cny", "expected a number"),
                           ("rrule", "not a valid RRULE")):
        assert re.search(rf'id="error-{field}">[^<]*{message}', page), field
    assert 'value="Kept text"' in page
    assert staff.app.extensions["planner"].calendar.get(EVENT).version == 1


def test_a_session_outside_opening_hours_needs_confirmation(staff):
    form = edit_form(staff)
    late = {**form, "start": "2024-02-10T19:00", "end": "2024-02-10T21:00"}  # the museum closes at 18:00
    token = f"/staff/events/{EVENT}/edit"
    warned = staff.post(token, late, token_from=token)
    page = warned.get_data(as_text=True)
    assert warned.status_code == 200 and "超出 浪美术馆 在 2024-02-10 的开放时间" in page  # zh, the default
    assert 'name="confirm"' in page and staff.app.extensions["planner"].calendar.get(EVENT).version == 1
    assert staff.post(token, {**late, "confirm": "1"}, token_from=token).status_code == 302
    assert staff.app.extensions["planner"].calendar.get(EVENT).event.start.hour == 19


def test_the_calendar_home_goes_to_the_week_with_its_query(staff):
    answer = staff.get("/staff/?date=2025-03-19&venue=dj-east-live-house")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/staff/week?date=2025-03-19&venue=dj-east-live-house"
    # url_for's own keywords are no query of ours: _method=POST failed the redirect (500)
    answer = staff.get("/staff/?_method=POST&_scheme=ftp&_external=1&date=2025-03-19")
    assert answer.status_code == 302 and answer.headers["Location"] == "/staff/week?date=2025-03-19"


def test_create_then_see_it_in_the_week_and_month_views(staff):
    form = {"id": "", "title_zh": "春季爵士夜", "title_en": "Spring jazz night", "description_zh": "",
            "description_en": "Jazz.", "venue": "dj-east-live-house", "start": "2025-03-07T20:00",
            "end": "2025-03-07T22:00", "rrule": "FREQ=WEEKLY;BYDAY=FR;COUNT=3", "exdates": "", "status": "scheduled",
            "price_cny": "80", "capacity": "300", "tags": "music, jazz", "source": "event staff (sally)",
            "assumption": ""}
    answer = staff.post("/staff/events/new", form, token_from="/staff/events/new")
    assert answer.status_code == 302 and answer.headers["Location"] == "/staff/events/spring-jazz-night-2025"
    week = staff.get("/staff/week?date=2025-03-19&lang=en").get_data(as_text=True)
    assert 'data-event="spring-jazz-night-2025"' in week and "20:00–22:00" in week
    month = staff.get("/staff/month?month=2025-03").get_data(as_text=True)
    assert month.count('data-event="spring-jazz-night-2025"') == 3
    assert staff.get("/staff/month?month=2025-3x").status_code == 400
    filtered = staff.get("/staff/month?month=2025-03&venue=dj-lang-art-museum").get_data(as_text=True)
    assert "spring-jazz-night-2025" not in filtered
    api = staff.get("/api/events?date=2025-03-14").get_json()["events"]
    assert "spring-jazz-night-2025" in [e["id"] for e in api]


def test_cancel_duplicate_and_restore_from_the_event_page(staff):
    calendar = staff.app.extensions["planner"].calendar
    page = f"/staff/events/{EVENT}"
    assert staff.post(f"{page}/cancel", {"version": "1"}, token_from=page).status_code == 302
    assert calendar.get(EVENT).event.status == "cancelled"
    visitor_day = staff.get(f"/?date={DAY}&lang=en").get_data(as_text=True)
    assert f'class="event status-cancelled" data-event="{EVENT}"' in visitor_day
    copy = staff.post(f"{page}/duplicate", token_from=page)
    assert copy.headers["Location"] == f"/staff/events/{EVENT}-copy/edit"
    assert staff.post(f"{page}/restore", {"restore": "1", "version": "2"}, token_from=page).status_code == 302
    assert calendar.get(EVENT).event.status == "scheduled" and calendar.get(EVENT).version == 3
    stale = staff.post(f"{page}/cancel", {"version": "1"}, token_from=page)
    assert stale.status_code == 409 and calendar.get(EVENT).event.status == "scheduled"


def test_import_with_preview_report_and_deduplication(staff, model):
    calendar = staff.app.extensions["planner"].calendar
    count = calendar.count()
    upload = {"file": ((FILES / "google.ics").open("rb"), "google.ics"), "default_venue": ""}
    preview = staff.post("/staff/import", upload, token_from="/staff/import", content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Team dinner" in page and "不对应规划中的任何地点" in page  # zh, the default
    assert calendar.count() == count  # a preview saves nothing
    token = re.search(r'action="/staff/import/([^"]+)"', page).group(1)
    done = staff.post(f"/staff/import/{token}", token_from="/staff/import")
    assert done.status_code == 200 and 'id="import-done"' in done.get_data(as_text=True)
    assert calendar.count() == count + 3  # the moved session is an override of its series (issue 11), not an event
    assert staff.post(f"/staff/import/{token}", token_from="/staff/import").status_code == 400  # used up
    again = staff.post("/staff/import", {"file": ((FILES / "google.ics").open("rb"), "google.ics")},
                       token_from="/staff/import", content_type="multipart/form-data").get_data(as_text=True)
    assert "apply-import" not in again and calendar.count() == count + 3
    garbage = staff.post("/staff/import", {"file": (open(__file__, "rb"), "notes.ics")},
                         token_from="/staff/import", content_type="multipart/form-data")
    assert garbage.status_code == 200 and "不是 iCalendar 文件" in garbage.get_data(as_text=True)  # zh, the default


def test_feeds_are_cached_until_the_calendar_changes(staff):
    feed = staff.get("/calendar.ics")
    assert staff.get("/calendar.ics", headers={"If-None-Match": feed.headers["ETag"]}).status_code == 304
    assert staff.get("/calendar/nowhere.ics").status_code == 404
    single = Calendar.from_ical(staff.get(f"/events/{EVENT}.ics").data)
    assert [str(e["UID"]) for e in single.events] == [f"{EVENT}@dongjiao-panda-planner"]
    assert staff.get("/events/no-such-event").status_code == 404
    staff.post(f"/staff/events/{EVENT}/cancel", {"version": "1"}, token_from=f"/staff/events/{EVENT}")
    assert staff.get("/calendar.ics", headers={"If-None-Match": feed.headers["ETag"]}).status_code == 200


def test_user_text_is_escaped_in_every_page(staff):
    form = edit_form(staff)
    token = f"/staff/events/{EVENT}/edit"
    staff.post(token, {**form, "title_en": "<script>alert(1)</script>", "confirm": "1"}, token_from=token)
    for path in (f"/events/{EVENT}?lang=en", f"/?date={DAY}&lang=en", f"/staff/events/{EVENT}?lang=en",
                 "/staff/week?date=2024-02-12&lang=en"):
        page = staff.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page, path


def test_restart_seeds_nothing_twice_and_keeps_edits(make_app, tmp_path, model):
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    first = make_app(url)
    calendar = first.extensions["planner"].calendar
    calendar.update(EVENT, {"title_en": "Edited before the restart"}, 1, "sally")
    second = make_app(url)
    again = second.extensions["planner"].calendar
    assert again.count() == len(model.events)
    assert again.get(EVENT).event.title_en == "Edited before the restart"


def test_events_commands_export_and_import(runner, tmp_path, model):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    out = tmp_path / "all.ics"
    result = runner.invoke(main, ["events", "export", str(out), "--database-url", url])
    assert result.exit_code == 0 and f"{len(model.events)} event(s) written" in result.output
    stdout = runner.invoke(main, ["events", "export", "--database-url", url, "--lang", "en"])
    assert stdout.output.startswith("BEGIN:VCALENDAR") and "SUMMARY;LANGUAGE=en:" in stdout.output
    same = runner.invoke(main, ["events", "import", str(out), "--database-url", url])
    assert same.exit_code == 0 and f"{len(model.events)} unchanged" in same.output
    google = str(FILES / "google.ics")
    dry = runner.invoke(main, ["events", "import", google, "--dry-run", "--database-url", url])
    assert dry.exit_code == 1 and "3 new" in dry.output and "dry run, nothing saved" in dry.output
    assert "rejected: VEVENT 6 ('Team dinner'" in dry.output and "names no place" in dry.output
    real = runner.invoke(main, ["events", "import", google, "--venue", "dj-locomotive-square", "--database-url", url])
    assert real.exit_code == 0 and "4 new" in real.output
    twice = runner.invoke(main, ["events", "import", google, "--venue", "dj-locomotive-square", "--database-url", url])
    assert twice.exit_code == 0 and "0 new, 0 changed, 4 unchanged" in twice.output
    bad_venue = runner.invoke(main, ["events", "import", google, "--venue", "nowhere", "--database-url", url])
    assert bad_venue.exit_code == 2


# --- one session of a series (issue 11 point 4)

SERIES = "dj-new-year-music-season-2024"  # Fri/Sat 20:00-22:00 at the East Live House, January 2024
SESSION = "2024-01-12T20:00:00+08:00"
SERIES_PAGE = f"/staff/events/{SERIES}?from=2024-01-10"


def overrides_stored() -> bool:
    """Whether the store keeps session overrides (K1's model); before it, a cancelled session is an EXDATE."""
    from planner.store.schema import events

    return "overrides" in events.c


def day_plan(client, day: str = "2024-01-12") -> list[tuple[str, str, str]]:
    body = {"date": day, "start": "dj-east-live-house", "start_time": "17:00", "end_time": "23:30",
            "must": [SERIES], "shuttle": "without", "meal": False}
    plan = client.client.post("/api/itineraries?lang=en", json=body).get_json()["plans"]["without"]
    return [(s["id"], s["start"][11:16], s["end"][11:16]) for s in plan["steps"] if s["id"] == SERIES]


def series_on(client, day: str = "2024-01-12") -> list[tuple[str, str, str]]:
    events = client.get(f"/api/events?date={day}&lang=en").get_json()["events"]
    return [(e["start"][11:16], e["end"][11:16], e["status"]) for e in events if e["id"] == SERIES]


def test_the_staff_event_page_lists_each_session_with_its_actions(staff):
    page = staff.get(SERIES_PAGE + "&lang=en").get_data(as_text=True)
    sessions = re.findall(r'<li data-session="([^"]+)"', page)
    assert sessions[:3] == ["2024-01-12T20:00:00+08:00", "2024-01-13T20:00:00+08:00", "2024-01-19T20:00:00+08:00"]
    first = page[page.index(f'data-session="{SESSION}"'):page.index('data-session="2024-01-13T20:00:00+08:00"')]
    for words in ("Move / re-time this session", "Cancel this session", "Change this and following"):
        assert words in first
    assert 'name="start" value="2024-01-12T20:00"' in first and 'name="csrf_token"' in first


def test_session_actions_need_the_staff_role_and_a_csrf_token(sqlite_app, users_of, browser_for):
    password = users_of(sqlite_app)
    pat, visitor, sally = browser_for(sqlite_app), browser_for(sqlite_app), browser_for(sqlite_app)
    pat.login("pat", password)
    sally.login("sally", password)
    form = {"version": "1", "session": SESSION, "start": "2024-01-12T19:00", "end": "2024-01-12T21:00"}
    for action in ("cancel", "move", "split"):
        path = f"/staff/events/{SERIES}/sessions/{action}"
        assert visitor.post(path, form).status_code in (302, 401), action
        assert pat.post(path, form).status_code == 403, action
        assert sally.client.post(path, data=form).status_code == 400, action  # no CSRF token
    assert sqlite_app.extensions["planner"].calendar.get(SERIES).version == 1
    wrong = sally.post(f"/staff/events/{SERIES}/sessions/cancel", {**form, "session": "2024-01-12T21:00:00+08:00"},
                       token_from=SERIES_PAGE)
    assert wrong.status_code == 400 and sqlite_app.extensions["planner"].calendar.get(SERIES).version == 1


def test_cancel_one_session_shows_it_cancelled_to_visitors_and_in_the_history(staff):
    calendar = staff.app.extensions["planner"].calendar
    assert series_on(staff) == [("20:00", "22:00", "scheduled")] and day_plan(staff) == [(SERIES, "20:00", "22:00")]
    done = staff.post(f"/staff/events/{SERIES}/sessions/cancel", {"version": "1", "session": SESSION},
                      token_from=SERIES_PAGE)
    assert done.status_code == 302
    assert calendar.get(SERIES).version == 2
    last = calendar.history(SERIES)[-1]
    assert last.changed_by == "sally" and last.note == "cancelled the session of 2024-01-12 20:00"
    if overrides_stored():  # a session override: listed, marked cancelled
        assert series_on(staff) == [("20:00", "22:00", "cancelled")]
    else:  # before overrides: an EXDATE
        assert series_on(staff) == [] and calendar.get(SERIES).record["exdates"] == [SESSION]
    assert day_plan(staff) == []  # the day plan has no cancelled concert
    assert series_on(staff, "2024-01-13") == [("20:00", "22:00", "scheduled")]  # the others stay


@pytest.mark.skipif(not overrides_stored(), reason="needs Event.overrides (K1's model)")
def test_move_one_session_shows_the_new_time_to_visitors_and_day_plans(staff):
    calendar = staff.app.extensions["planner"].calendar
    moved = staff.post(f"/staff/events/{SERIES}/sessions/move",
                       {"version": "1", "session": SESSION, "start": "2024-01-12T19:00", "end": "2024-01-12T21:00"},
                       token_from=SERIES_PAGE)
    assert moved.status_code == 302
    assert series_on(staff) == [("19:00", "21:00", "scheduled")]
    assert day_plan(staff) == [(SERIES, "19:00", "21:00")]
    assert series_on(staff, "2024-01-13") == [("20:00", "22:00", "scheduled")]
    assert calendar.history(SERIES)[-1].note == "moved the session of 2024-01-12 20:00 to 2024-01-12 19:00–21:00"
    page = staff.get(SERIES_PAGE + "&lang=en").get_data(as_text=True)
    assert "moved from 2024-01-12 20:00" in page
    # a move to another day: gone from the 12th, on the 14th
    staff.post(f"/staff/events/{SERIES}/sessions/move",
               {"version": "2", "session": SESSION, "start": "2024-01-14T18:00", "end": "2024-01-14T19:30"},
               token_from=SERIES_PAGE)
    assert series_on(staff) == [] and series_on(staff, "2024-01-14") == [("18:00", "19:30", "scheduled")]


def test_this_and_following_splits_the_series_into_two_versioned_events(staff):
    calendar = staff.app.extensions["planner"].calendar
    split = staff.post(f"/staff/events/{SERIES}/sessions/split",
                       {"version": "1", "session": "2024-01-19T20:00:00+08:00", "start": "2024-01-19T19:00",
                        "end": "2024-01-19T21:30"}, token_from=SERIES_PAGE)
    new_id = f"{SERIES}-from-20240119"
    assert split.status_code == 302 and split.headers["Location"].startswith(f"/staff/events/{new_id}")
    original, continuation = calendar.get(SERIES), calendar.get(new_id)
    assert original.version == 2 and "UNTIL=20240119T115959Z" in original.event.rrule
    assert calendar.history(SERIES)[-1].note == f"this and following: continues as {new_id} from 2024-01-19 20:00"
    assert continuation.version == 1 and "UNTIL=20240131T155959Z" in continuation.event.rrule
    assert series_on(staff, "2024-01-13") == [("20:00", "22:00", "scheduled")]  # before: untouched
    for day in ("2024-01-19", "2024-01-20", "2024-01-27"):
        events = staff.get(f"/api/events?date={day}").get_json()["events"]
        assert [(e["id"], e["start"][11:16], e["end"][11:16]) for e in events if e["id"].startswith(SERIES)] == [
            (new_id, "19:00", "21:30")], day
    assert staff.get("/api/events?date=2024-02-02").get_json()["events"] == [] or all(
        not e["id"].startswith(SERIES) for e in staff.get("/api/events?date=2024-02-02").get_json()["events"])
    # stale: the page showed version 1, the series is at 2 now
    stale = staff.post(f"/staff/events/{SERIES}/sessions/split",
                       {"version": "1", "session": "2024-01-13T20:00:00+08:00", "start": "2024-01-13T19:00",
                        "end": "2024-01-13T21:00"}, token_from=SERIES_PAGE)
    assert stale.status_code == 409 and calendar.get(SERIES).version == 2


def _series_state(client) -> tuple:
    """What a failed split must leave as it was: the series' version, rule, history and sessions."""
    calendar = client.app.extensions["planner"].calendar
    stored = calendar.get(SERIES)
    days = ("2024-01-13", "2024-01-19", "2024-01-20", "2024-01-27")
    return (stored.version, stored.event.rrule, len(calendar.history(SERIES)),
            [series_on(client, day) for day in days])


def test_this_and_following_writes_both_events_or_neither(cal_app, users_of, browser_for, monkeypatch):
    """On SQLite and PostgreSQL: when writing the continuing event fails after the series was cut,
    the series keeps its version, rule, history and sessions, and no new event exists."""
    from planner.store.events import EventStore

    browser = browser_for(cal_app)
    browser.login("sally", users_of(cal_app))
    calendar = cal_app.extensions["planner"].calendar
    before = _series_state(browser)
    assert before[0] == 1 and before[3][1] == [("20:00", "22:00", "scheduled")]

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(EventStore, "_insert", fail)
    data = {"version": "1", "session": "2024-01-19T20:00:00+08:00", "start": "2024-01-19T19:00",
            "end": "2024-01-19T21:30"}
    with pytest.raises(RuntimeError):
        browser.post(f"/staff/events/{SERIES}/sessions/split", data, token_from=SERIES_PAGE)
    monkeypatch.undo()
    assert _series_state(browser) == before
    assert calendar.find(f"{SERIES}-from-20240119") is None
    # and it works once writing works
    browser.post(f"/staff/events/{SERIES}/sessions/split", data, token_from=SERIES_PAGE)
    new_id = f"{SERIES}-from-20240119"
    assert calendar.get(SERIES).version == 2 and calendar.get(new_id).version == 1
    assert calendar.history(new_id)[-1].note == f"continues {SERIES} from 2024-01-19 20:00"


def test_a_split_whose_new_id_is_taken_changes_nothing(store):
    """On SQLite and PostgreSQL: the store's split refuses a continuation whose id exists (taken
    between the page's check and the save) and leaves the series as it was."""
    from planner.domain.errors import DataError
    from planner.store.series_edits import split_series

    taken = store.duplicate(SERIES, "sally", new_id="taken").id
    stored = store.get(SERIES)
    rid = dt.datetime.fromisoformat("2024-01-19T20:00:00+08:00")
    original, continuation = split_series(stored.record, rid, rid, rid + dt.timedelta(hours=2), taken, 2)
    on_the_20th = lambda: [o.start for ev, o in store.events_on(dt.date(2024, 1, 20)) if ev.id == SERIES]  # noqa: E731
    sessions = on_the_20th()
    assert sessions
    with pytest.raises(DataError):
        store.split(SERIES, original, stored.version, continuation, "sally", at=rid)
    after = store.get(SERIES)
    assert (after.version, after.event.rrule, len(store.history(SERIES))) == (
        stored.version, stored.event.rrule, len(store.history(SERIES)))
    assert on_the_20th() == sessions
    assert store.get(taken).version == 1
