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


# --- importing: a shared file is written share by share as it is read, in one transaction

def _rows(store):
    """Every stored row of the import's three tables, without the times of writing."""
    import sqlalchemy as sa

    from planner.store.schema import event_sessions, event_versions, events

    with store.engine.connect() as conn:
        found = [conn.execute(sa.select(*[c for c in events.c if c.name not in ("created_at", "updated_at")])
                              .order_by(events.c.id)).all(),
                 conn.execute(sa.select(*[c for c in event_versions.c if c.name != "changed_at"])
                              .order_by(event_versions.c.event_id, event_versions.c.version)).all(),
                 conn.execute(sa.select(event_sessions).order_by(*event_sessions.primary_key.columns)).all()]
    return [[tuple(row) for row in table] for table in found]


def _emptied(store) -> None:
    import sqlalchemy as sa

    from planner.store.schema import event_sessions, event_versions, events

    with store.engine.begin() as conn:
        for table in (event_sessions, event_versions, events):
            conn.execute(sa.delete(table))


def _report(report, ordered: bool = True):
    """What a report says; ``ordered=False``: each list sorted (a shared read lists its items by share)."""
    plan = report.plan
    lists = ([c.uid for c in plan.new], [(c.uid, e.id, d) for c, e, d in plan.changed],
             [(c.uid, e.id) for c, e in plan.unchanged], [(r.item, r.reasons) for r in plan.rejected],
             report.created, report.updated, [(r.item, r.reasons) for r in report.conflicts])
    return report.summary(), plan.items, lists if ordered else [sorted(found) for found in lists]


# the second file: one event changed, one new, one as before, the rest left out
CHANGED = MIXED.replace("SUMMARY:Weekly\n", "SUMMARY:Weekly, renamed\n").replace(
    "DTEND:20250304T110000\n", "DTEND:20250304T113000\n").replace(
    "BEGIN:VTODO", "BEGIN:VEVENT\nUID:added@x\nSUMMARY:Added\nDTSTART:20250309T100000Z\nEND:VEVENT\nBEGIN:VTODO")


def _imports(store, files: list[str], workers: int, ordered: bool = False, whole: bool = False) -> tuple[list, list]:
    """Each file imported (a dry run first) by ``workers`` processes: the reports and the rows written.
    ``whole``: read, planned and applied as a whole file (:func:`plan_import` of :func:`read_calendar`)."""
    from planner.store.ical import ImportReport, apply_import, import_calendar, plan_import

    def imported(data: bytes, dry_run: bool):
        if not whole:
            return import_calendar(store, data, filename="mixed.ics", user="sally",
                                   default_venue="dj-chengdu-stage", dry_run=dry_run)
        plan = plan_import(store, read_calendar(data, store.places, filename="mixed.ics",
                                                default_venue="dj-chengdu-stage"))
        return ImportReport(plan, dry_run=True) if dry_run else \
            apply_import(store, plan, "sally", note="imported from mixed.ics")

    try:
        set_import_workers(workers, parallel_from=1)
        reports = [_report(imported(data.encode(), dry), ordered) for data in files for dry in (True, False)]
    finally:
        set_import_workers(0, 1000)
    return reports, _rows(store)


def test_a_shared_import_writes_what_a_one_process_import_writes(store):
    """Shares planned and written as they are read: the same reports (dry runs too), events, versions and
    sessions as reading the whole file, planning it and writing it, for a first import and a second one
    (new, changed, unchanged, rejected items), on SQLite and PostgreSQL."""
    files = [MIXED, CHANGED]
    _emptied(store)  # of the seeded programme too: each import starts from an empty store
    alone = _imports(store, files, 1)
    _emptied(store)
    assert _imports(store, files, 2) == alone
    _emptied(store)
    whole = _imports(store, files, 2, ordered=True, whole=True)
    _emptied(store)
    assert _imports(store, files, 2, ordered=True) == whole  # the lists in the same order too
    reports, (events, versions, sessions) = whole
    assert [r[0] for r in reports[1::2]] == [
        "9 item(s) read: 5 new, 0 changed, 0 unchanged, 3 rejected (saved); 5 were written",
        "10 item(s) read: 1 new, 2 changed, 3 unchanged, 3 rejected (saved); 3 were written"]
    assert len(events) == 6 and len(versions) == 8 and len(sessions) > 1000  # the endless series: capped


def test_a_shared_import_of_one_id_under_two_uids_is_planned_whole(store):
    """Two UIDs with one planner id (X-PLANNER-ID) fall into two shares: nothing is written share by share,
    the merged file is planned and applied, and the later of the two (in the order of the shares) is refused.

    (Which one is "later" is the shared read's order, shares one after the other; in one process it is
    the file's order, so there the other may be the one refused: the rows are compared with the merged
    read's, and with one process only as far as they do not depend on it.)"""
    twice = MIXED.replace("UID:single@x\n", "UID:single@x\nX-PLANNER-ID:same-id\nX-PLANNER-SOURCE:test\n").replace(
        "SUMMARY:First\n", "SUMMARY:First\nX-PLANNER-ID:same-id\nX-PLANNER-SOURCE:test\n")
    text = ical._unused_removed(twice)
    try:
        set_import_workers(2, parallel_from=1)
        shares = ical._shares(text)
    finally:
        set_import_workers(0, 1000)
    assert [s for s, _ in shares if "same-id" in s] and len([s for s, _ in shares if "same-id" in s]) == 2
    _emptied(store)
    alone = _imports(store, [twice], 1)
    _emptied(store)
    shared = _imports(store, [twice], 2)
    assert [(summary, items) for summary, items, _ in shared[0]] == [(summary, items) for summary, items, _ in alone[0]]
    _emptied(store)
    whole = _imports(store, [twice], 2, ordered=True, whole=True)
    _emptied(store)
    assert _imports(store, [twice], 2, ordered=True) == whole
    conflicts = whole[0][1][2][-1]
    assert [reasons for _, reasons in conflicts] == [("id: an event with id 'same-id' exists already",)]


def test_a_failed_write_of_a_shared_import_writes_nothing(store, monkeypatch):
    """One transaction: when writing a later share fails, the shares written before it are rolled back."""
    from planner.store.events import BatchWriter
    from planner.store.ical import import_calendar

    calls = []
    apply = BatchWriter.apply

    def failing(self, new, updates):
        calls.append(1)
        if len(calls) == 3:  # the second share's inserts
            raise RuntimeError("disk full")
        return apply(self, new, updates)

    monkeypatch.setattr(BatchWriter, "apply", failing)
    before = _rows(store)
    try:
        set_import_workers(2, parallel_from=1)
        with pytest.raises(RuntimeError, match="disk full"):
            import_calendar(store, MIXED.encode(), filename="mixed.ics", user="sally",
                            default_venue="dj-chengdu-stage")
    finally:
        set_import_workers(0, 1000)
    assert len(calls) == 3 and _rows(store) == before
