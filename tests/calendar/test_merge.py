"""Three-way merges of event records (planner/store/merge.py): what one side changed is kept,
what both changed differently is a clash with both values, and a merged save keeps everything."""
from __future__ import annotations

from planner.store.merge import Clash, merge_records, same

BASE = {"id": "jazz", "title_zh": "爵士夜", "title_en": "Jazz", "venue": "dj-east-live-house",
        "start": "2025-03-07T20:00:00+08:00", "end": "2025-03-07T22:00:00+08:00",
        "rrule": "FREQ=WEEKLY;BYDAY=FR;COUNT=6", "exdates": [], "status": "scheduled", "price_cny": 80,
        "capacity": 300, "tags": ["music"], "source": "staff", "assumption": None}


def test_fields_only_one_side_changed_merge_both_ways():
    theirs = {**BASE, "title_en": "Jazz night", "capacity": 250}
    mine = {**BASE, "price_cny": 95, "tags": ["music", "jazz"]}
    merge = merge_records(BASE, theirs, mine)
    assert merge.clean
    assert merge.record == {**BASE, "title_en": "Jazz night", "capacity": 250, "price_cny": 95,
                            "tags": ["music", "jazz"]}
    assert merge.mine == ("price_cny", "tags") and merge.theirs == ("title_en", "capacity")


def test_the_same_change_on_both_sides_is_no_clash_and_spelling_is_no_change():
    theirs = {**BASE, "status": "cancelled"}
    # mine writes the same start in UTC and the price as a float: not a change
    mine = {**BASE, "status": "cancelled", "start": "2025-03-07T12:00:00+00:00", "price_cny": 80.0,
            "assumption": ""}
    merge = merge_records(BASE, theirs, mine)
    assert merge.clean and merge.mine == () and merge.record == theirs


def test_both_changing_one_field_is_a_clash_that_keeps_theirs_until_chosen():
    theirs = {**BASE, "title_en": "Sally's jazz", "price_cny": 100}
    mine = {**BASE, "title_en": "<b>Ada's</b> jazz", "capacity": 200}
    merge = merge_records(BASE, theirs, mine)
    assert merge.clashes == (Clash("title_en", "Jazz", "Sally's jazz", "<b>Ada's</b> jazz"),)
    assert merge.record["title_en"] == "Sally's jazz"  # nothing saved is dropped before a choice
    assert merge.record["price_cny"] == 100 and merge.record["capacity"] == 200
    assert merge.choose({"title_en": "mine"})["title_en"] == "<b>Ada's</b> jazz"
    assert merge.choose({})["title_en"] == "Sally's jazz"
    assert merge.choose({"title_en": "mine"})["price_cny"] == 100  # their other change stays


def test_sessions_left_out_by_each_side_are_all_kept():
    theirs = {**BASE, "exdates": ["2025-03-14T20:00:00+08:00"]}
    mine = {**BASE, "exdates": ["2025-03-21T12:00:00+00:00"]}
    merge = merge_records(BASE, theirs, mine)
    assert merge.clean
    assert [same(a, b) for a, b in zip(merge.record["exdates"],
                                       ["2025-03-14T20:00:00+08:00", "2025-03-21T20:00:00+08:00"])] == [True, True]
    # one side puts a session back that the other left alone: it comes back
    base = {**BASE, "exdates": ["2025-03-14T20:00:00+08:00"]}
    back = merge_records(base, {**base, "title_en": "x"}, {**base, "exdates": []})
    assert back.clean and back.record["exdates"] == [] and back.record["title_en"] == "x"


def test_overrides_merge_by_session_and_clash_only_on_the_same_session():
    one = {"recurrence_id": "2025-03-14T20:00:00+08:00", "status": "cancelled"}
    two = {"recurrence_id": "2025-03-21T20:00:00+08:00", "start": "2025-03-21T21:00:00+08:00",
           "end": "2025-03-21T23:00:00+08:00"}
    base = {**BASE, "overrides": []}
    merge = merge_records(base, {**base, "overrides": [one]}, {**base, "overrides": [two]})
    assert merge.clean and merge.record["overrides"] == [one, two]
    moved = {**one, "status": None, "start": "2025-03-14T21:00:00+08:00", "end": "2025-03-14T23:00:00+08:00"}
    clash = merge_records(base, {**base, "overrides": [one]}, {**base, "overrides": [moved]})
    assert [c.field for c in clash.clashes] == ["overrides"] and clash.record["overrides"] == [one]


def test_without_the_base_every_difference_is_a_clash():
    merge = merge_records(None, {**BASE, "title_en": "A"}, {**BASE, "price_cny": 1})
    assert {c.field for c in merge.clashes} == {"title_en", "price_cny"}
    assert merge.record["title_en"] == "A" and merge.record["price_cny"] == 80
