"""iCalendar: export then import gives back the same events; files from Google Calendar, Outlook
and Apple Calendar import or are rejected item by item with a reason; UIDs de-duplicate."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from planner.domain.model import TZ, Event
from planner.store.events import StoredEvent
from planner.store.ical import apply_import, export_calendar, import_calendar, plan_import, read_calendar

FILES = Path(__file__).parent / "files"
CASES_ICS = Path(__file__).parent.parent / "fixtures" / "ics"


def read(name: str, model, **kwargs):
    return read_calendar((FILES / name).read_bytes(), model.places, filename=name, **kwargs)


def by_title(parsed) -> dict[str, Event]:
    return {c.event.title_en: c.event for c in parsed.candidates}


def reasons(parsed) -> dict[str, str]:
    """Each rejected item's reasons, by its title ("VEVENT 3 ('Title', UID x)" -> "Title")."""
    titled = (re.search(r"\('(.+?)'(?:, UID .*)?\)$", r.item) for r in parsed.rejected)
    return {m.group(1) if m else r.item: "; ".join(r.reasons) for m, r in zip(titled, parsed.rejected)}


def test_export_then_import_gives_back_the_same_events(store, database, model):
    store.update("hello-su-dongpo-2024", {"description_en": 'Quotes "x", commas, semicolons; back\\slash\nnew line',
                                          "capacity": 120, "status": "sold_out"}, 1, "sally")
    exported = export_calendar(store.all(), model.places, name="Programme", lang="en")
    cal = Calendar.from_ical(exported)
    assert len(cal.events) == store.count() and cal.get("X-WR-TIMEZONE") == "Asia/Shanghai"
    assert any(c.name == "VTIMEZONE" and c["TZID"] == "Asia/Shanghai" for c in cal.walk())
    # into the same store: every event is known by its UID and unchanged
    report = import_calendar(store, exported, filename="export.ics", user="sally")
    assert (len(report.plan.unchanged), report.plan.new, report.plan.changed, report.plan.rejected) == \
           (store.count(), [], [], [])
    # into an empty store: the same records, UIDs and count
    from planner.store.db import downgrade, upgrade

    records = {s.id: (s.uid, s.record) for s in store.all()}
    downgrade(database.engine, "base")
    upgrade(database.engine)
    assert store.count() == 0
    report = import_calendar(store, exported, filename="export.ics", user="sally")
    assert len(report.created) == len(records) and not report.plan.rejected
    assert {s.id: (s.uid, s.record) for s in store.all()} == records


def test_google_calendar_export(model):
    parsed = read("google.ics", model)
    events = by_title(parsed)
    jazz = events["Friday jazz night"]
    assert jazz.venue_id == "dj-east-live-house" and jazz.rrule == "FREQ=WEEKLY;UNTIL=20240329T113000Z;BYDAY=FR;WKST=MO"
    # the EXDATE leaves the series; the moved and the cancelled session stay in it as overrides
    # (RFC 5545 3.8.4.4; they were separate events and exceptions before issue 11)
    assert sorted(d.day for d in jazz.exdates) == [15]
    assert [(o.start.day, o.start.hour, o.status) for o in jazz.occurrences_between(
        dt.datetime(2024, 3, 1, tzinfo=TZ), dt.datetime(2024, 4, 1, tzinfo=TZ))] == [
        (1, 19, "scheduled"), (8, 19, "cancelled"), (23, 20, "scheduled"), (29, 19, "scheduled")]
    moved = jazz.override_for(dt.datetime(2024, 3, 22, 19, 30, tzinfo=TZ))
    assert moved.start == dt.datetime(2024, 3, 23, 20, tzinfo=TZ) and moved.title_en == "Friday jazz night (on Saturday)"
    assert jazz.description_en == "Jazz quartets every Friday night.\nDoors 19:00, bar open. <b>Bring friends</b>"
    market = events["Spring market day"]  # all day
    assert (market.start, market.end) == (dt.datetime(2024, 3, 24, tzinfo=TZ), dt.datetime(2024, 3, 25, tzinfo=TZ))
    assert market.all_day
    talk = events["Panda keeper talk"]  # UTC times
    assert talk.start == dt.datetime(2024, 4, 2, 10, tzinfo=TZ) and talk.venue_id == "panda-museum"
    assert "names no place" in reasons(parsed)["Team dinner"]
    assert parsed.items == 6 and len(parsed.candidates) == 3
    accepted = read("google.ics", model, default_venue="dj-locomotive-square")
    assert by_title(accepted)["Team dinner"].venue_id == "dj-locomotive-square"


def test_outlook_export_with_windows_time_zones(model):
    parsed = read("outlook.ics", model)
    assert parsed.rejected == []
    events = {c.event.title_zh: c.event for c in parsed.candidates}
    opera = events["川剧变脸"]
    assert opera.start == dt.datetime(2024, 4, 5, 14, tzinfo=TZ) and opera.venue_id == "dj-chengdu-stage"
    assert opera.description_zh == "川剧变脸与吐火表演，每周五下午。\n" and opera.title_en == "川剧变脸"
    assert len(opera.occurrences_between(opera.start, dt.datetime(2024, 5, 1, tzinfo=TZ))) == 4
    tour = events["Curator's tour"]
    assert tour.start == dt.datetime(2024, 4, 12, 10, tzinfo=TZ) and tour.venue_id == "dj-lang-art-museum"
    three_body = events["三体 · 劳动节特别开放"]
    assert three_body.venue_id == "dj-three-body-hall"
    assert [o.start.day for o in three_body.occurrences_between(three_body.start, dt.datetime(2024, 6, 1, tzinfo=TZ))] \
        == [1, 3]


def test_apple_calendar_export(model):
    parsed = read("apple.ics", model)
    assert parsed.rejected == []
    events = by_title(parsed)
    assert events["Panda birthday party"].venue_id == "panda-museum"  # from X-APPLE-STRUCTURED-LOCATION
    assert events["Sunset sketching at Swan Lake"].venue_id == "panda-swan-lake"
    assert events["Sunset sketching at Swan Lake"].start == dt.datetime(2024, 4, 14, 17, tzinfo=TZ)
    assert events["Red panda feeding"].start == dt.datetime(2024, 4, 15, 9, 30, tzinfo=TZ)  # floating: local


def test_broken_items_are_rejected_one_by_one_with_reasons(model):
    parsed = read("broken.ics", model)
    # RDATE is read since issue 11 (it was refused)
    # and a date-time start without an end lasts 0 s (RFC 5545 3.6.1; it was refused)
    assert [c.event.title_en for c in parsed.candidates] == ["Open mic", "Extra dates", "No end"]
    no_end = by_title(parsed)["No end"]
    assert no_end.start == no_end.end == dt.datetime(2024, 3, 25, 20, tzinfo=TZ)
    assert [o.start.day for o in by_title(parsed)["Extra dates"].occurrences_between(
        dt.datetime(2024, 3, 1, tzinfo=TZ), dt.datetime(2024, 4, 1, tzinfo=TZ))] == [24, 30]
    why = reasons(parsed)
    assert why["No start at all"] == "DTSTART: missing, the event has no start (RFC 5545 3.6.1: DTSTART is REQUIRED)"
    assert "2024-13-45" in why["Thirteenth month"]
    assert why["Ends before it starts"] == "end: must be after start"
    assert "unknown time zone 'Mars/Olympus_Mons'" in why["Martian time"]
    assert why["Whenever"].startswith("RRULE:")
    assert "appears twice" in why["Open mic again (same UID)"]
    assert why["Buy strings"] == "a to-do (VTODO), not an event"
    assert parsed.items == 10 and len(parsed.rejected) == 7


def test_a_file_cut_short_keeps_its_whole_items(model):
    parsed = read("truncated.ics", model)
    assert sorted(c.event.title_en for c in parsed.candidates) == ["After the cut", "Whole event"]
    assert [(r.item, r.reasons) for r in parsed.rejected] == [
        ("VEVENT 2 ('Cut short')", ("no END:VEVENT: the item is cut short",))]


@pytest.mark.parametrize("data", [b"", b"hello, not a calendar", b"\xff\xfe\x00garbage", b"BEGIN:VCALENDAR\r\n"])
def test_what_is_not_a_calendar_is_one_rejection(model, data):
    parsed = read_calendar(data, model.places, filename="x.ics")
    assert parsed.candidates == [] and len(parsed.rejected) == 1


def test_a_gbk_encoded_file_is_read(model):
    text = (FILES / "outlook.ics").read_text(encoding="utf-8")
    parsed = read_calendar(text.encode("gb18030"), model.places, filename="gbk.ics")
    assert "川剧变脸" in {c.event.title_zh for c in parsed.candidates}


def test_import_twice_deduplicates_by_uid_and_updates_changed_events(store, model):
    data = (FILES / "google.ics").read_bytes()
    first = import_calendar(store, data, filename="google.ics", user="sally")
    assert len(first.created) == 3 and [r.item for r in first.plan.rejected] == [
        "VEVENT 6 ('Team dinner', UID 1a2b3c4d5e6f7g8h9i0j@google.com)"]
    count = store.count()
    second = import_calendar(store, data, filename="google.ics", user="sally")
    assert (second.created, second.updated, len(second.plan.unchanged)) == ([], [], 3) and store.count() == count
    changed = data.replace(b"SUMMARY:Panda keeper talk", b"SUMMARY:Panda keeper talk (new keeper)")
    dry = import_calendar(store, changed, filename="google.ics", user="sally", dry_run=True)
    assert dry.dry_run and len(dry.plan.changed) == 1 and dry.updated == []
    third = import_calendar(store, changed, filename="google.ics", user="sally")
    [event_id] = third.updated
    assert store.get(event_id).event.title_en == "Panda keeper talk (new keeper)"
    assert [(h.action, h.changed_by) for h in store.history(event_id)] == [("import", "sally"), ("import", "sally")]


def test_an_edit_between_preview_and_import_is_not_overwritten(store, model):
    import_calendar(store, (FILES / "apple.ics").read_bytes(), filename="apple.ics", user="sally")
    changed = (FILES / "apple.ics").read_bytes().replace(b"SUMMARY:Red panda feeding", b"SUMMARY:Red panda lunch")
    plan = plan_import(store, read_calendar(changed, model.places, filename="apple.ics"))
    [(candidate, existing, diff)] = plan.changed
    assert diff[0][0] == "title_zh"
    store.update(existing.id, {"capacity": 30}, existing.version, "ada")  # someone edits meanwhile
    report = apply_import(store, plan, "sally", note="test", expected_versions={existing.id: existing.version})
    assert report.updated == [] and "changed by ada" in report.conflicts[0].reasons[0]
    assert store.get(existing.id).event.capacity == 30 and store.get(existing.id).event.title_en == "Red panda feeding"


# --- any valid event survives export and import


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"), min_size=1,
                max_size=40).map(str.strip).filter(bool)
_times = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 1, 1)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=TZ))


@st.composite
def events(draw) -> Event:
    start = draw(_times)
    rule = draw(st.sampled_from([None, "FREQ=DAILY;COUNT=5", "FREQ=WEEKLY;UNTIL=20351231T155959Z;BYDAY=MO,FR",
                                 "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1,15"]))
    return Event(
        id=draw(st.from_regex(r"[a-z][a-z0-9-]{0,30}", fullmatch=True)), title_zh=draw(_text), title_en=draw(_text),
        description_zh=draw(st.one_of(st.just(""), _text)), description_en=draw(st.one_of(st.just(""), _text)),
        venue_id=draw(st.sampled_from(["dj-east-live-house", "panda-museum", "dj-chengdu-stage"])),
        start=start, end=start + dt.timedelta(minutes=draw(st.integers(1, 3000))), rrule=rule,
        exdates=tuple(start + dt.timedelta(days=d) for d in draw(st.sets(st.integers(1, 30), max_size=3)))
        if rule else (),
        status=draw(st.sampled_from(["scheduled", "cancelled", "sold_out"])),
        price_cny=draw(st.one_of(st.none(), st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 2)))),
        capacity=draw(st.one_of(st.none(), st.integers(1, 100000))),
        tags=tuple(draw(st.lists(st.from_regex(r"[a-z]{1,10}", fullmatch=True), max_size=3, unique=True))),
        source=draw(st.one_of(st.none(), _text)), assumption=draw(_text),
    )


@settings(max_examples=60, deadline=None)
@given(event=events())
def test_any_valid_event_round_trips(model, event):
    now = dt.datetime(2024, 1, 1, tzinfo=TZ)
    stored = StoredEvent(event, f"{event.id}@example.org", 3, now, "a", now, "b")
    parsed = read_calendar(export_calendar([stored], model.places, name="x"), model.places)
    assert parsed.rejected == []
    [candidate] = parsed.candidates
    assert candidate.uid == stored.uid and candidate.event == event


@pytest.mark.parametrize("value", ["\ufeff", "\ufeff\ufeffx", "\ufefftitle \ufeff"])
def test_leading_byte_order_marks_inside_values_survive_export(model, value):
    """icalendar drops a value's leading U+FEFF when writing (found by the round-trip property)."""
    start = dt.datetime(2024, 1, 1, 10, tzinfo=TZ)
    event = Event(id="bom", title_zh=value, title_en=value, description_en=value, venue_id="panda-museum",
                  start=start, end=start + dt.timedelta(hours=1), source=value, assumption=value)
    stored = StoredEvent(event, "bom@example.org", 1, start, "a", start, "b")
    [candidate] = read_calendar(export_calendar([stored], model.places, name="x"), model.places).candidates
    assert candidate.event == event


def _stable_lines(data: bytes) -> list[bytes]:
    """The feed's lines without what counts the store's own writes (DTSTAMP, CREATED, LAST-MODIFIED, SEQUENCE)."""
    unfolded = re.sub(rb"\r\n[ \t]", b"", data)
    return [line for line in unfolded.split(b"\r\n")
            if not re.match(rb"(DTSTAMP|CREATED|LAST-MODIFIED|SEQUENCE)[;:]", line)]


def test_export_import_export_keeps_series_overrides_and_sessions(store, database, model):
    """Issue 11: overrides as RECURRENCE-ID components, exceptions as EXDATE; export -> import into a fresh
    database -> export gives the same sessions and the same calendar apart from the write times."""
    series = "dj-new-year-music-season-2024"
    record = store.get(series).record
    record["exdates"] = ["2024-01-19T20:00:00+08:00"]
    record["rdates"] = ["2024-02-03T15:00:00+08:00", ["2024-02-04T15:00:00+08:00", "2024-02-04T16:30:00+08:00"]]
    record["overrides"] = [
        {"recurrence_id": "2024-01-12T20:00:00+08:00", "start": "2024-01-12T19:00:00+08:00",
         "end": "2024-01-12T21:00:00+08:00", "status": None, "title_zh": None, "title_en": None},
        {"recurrence_id": "2024-01-13T20:00:00+08:00", "start": None, "end": None, "status": "cancelled",
         "title_zh": None, "title_en": None},
        {"recurrence_id": "2024-01-20T20:00:00+08:00", "start": None, "end": None, "status": None,
         "title_zh": "特别场", "title_en": "Special night"}]
    store.update(series, record, 1, "sally")
    store.create({"id": "ny-stream", "title_zh": "直播", "title_en": "Stream", "venue": "dj-east-live-house",
                  "start": "2024-03-04T10:00:00-05:00", "end": "2024-03-04T11:00:00-05:00", "tzid": "America/New_York",
                  "rrule": "FREQ=WEEKLY;COUNT=3", "exdates": ["2024-03-11T10:00:00-04:00"], "assumption": "a test"},
                 "sally")
    store.create({"id": "market", "title_zh": "市集", "title_en": "Market", "venue": "dj-locomotive-square",
                  "start": "2024-03-24T00:00:00+08:00", "end": "2024-03-26T00:00:00+08:00", "all_day": True,
                  "assumption": "a test"}, "sally")
    window = (dt.datetime(2023, 6, 1, tzinfo=TZ), dt.datetime(2025, 6, 1, tzinfo=TZ))

    def sessions():
        return sorted((ev.id, o.start, o.end, o.status, ev.title_en, o.recurrence_id)
                      for ev, o in store.occurrences_between(*window))

    before, first = sessions(), export_calendar(store.all(), model.places, name="Programme")
    assert ("ny-stream", dt.datetime(2024, 3, 18, 22, tzinfo=TZ)) in [(s[0], s[1]) for s in before]
    assert b"RECURRENCE-ID;TZID=Asia/Shanghai:20240112T200000" in first
    assert b"EXDATE;TZID=Asia/Shanghai:20240119T" in first
    assert b"DTSTART;TZID=America/New_York:20240304T100000" in first and b"DTSTART;VALUE=DATE:20240324" in first
    from planner.store.db import downgrade, upgrade

    downgrade(database.engine, "base")
    upgrade(database.engine)
    report = import_calendar(store, first, filename="programme.ics", user="sally")
    assert not report.plan.rejected and sessions() == before
    assert _stable_lines(export_calendar(store.all(), model.places, name="Programme")) == _stable_lines(first)


def test_rscale_gregorian_is_the_plain_rule_and_other_calendars_are_refused(model):
    ics = (CASES_ICS / "recurrence-id-override.ics").read_bytes()
    gregorian = ics.replace(b"RRULE:FREQ=WEEKLY;COUNT=4", b"RRULE:RSCALE=GREGORIAN;FREQ=WEEKLY;COUNT=4;SKIP=OMIT", 1)
    [candidate] = read_calendar(gregorian, model.places).candidates
    assert candidate.event.rrule == "FREQ=WEEKLY;COUNT=4"
    chinese = ics.replace(b"RRULE:FREQ=WEEKLY;COUNT=4", b"RRULE:RSCALE=CHINESE;FREQ=YEARLY", 1)
    [rejected] = read_calendar(chinese, model.places).rejected
    assert "only the Gregorian calendar" in rejected.reasons[0]
