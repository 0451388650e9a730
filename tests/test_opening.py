"""Open when you arrive (planner.domain.opening): each arrival against the hours that decide it."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, strategies as st

from planner.domain.errors import Name
from planner.domain.model import TZ, HoursRule, OpeningHours
from planner.domain.opening import arrival_note, arrival_note_at, hours_of
from planner.messages import describe_reason

#: The Panda Base as data/places.yaml has it: 07:30-18:00 (last entry 17:00), Dec-Feb 08:00-17:30 (16:30).
BASE = OpeningHours((HoursRule(open_s=27000, close_s=64800, last_entry_s=61200),
                     HoursRule(months=frozenset({12, 1, 2}), open_s=28800, close_s=63000, last_entry_s=59400)))
WINTER_MONDAY = dt.date(2024, 12, 9)


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


def test_a_winter_shuttle_at_0733_waits_27_minutes_for_the_gates():
    note = arrival_note(BASE, WINTER_MONDAY, hm("07:33"), "panda-base", Name("基地", "the Panda Base"))
    assert note.code == "opens_later"
    assert note.params == {"place": "panda-base", "opens_s": hm("08:00"), "arrival_s": hm("07:33"),
                           "wait_s": 27 * 60, "season": "winter"}
    assert describe_reason(note, "en") == "the Panda Base opens at 08:00 in winter: 27 min to wait"
    assert describe_reason(note, "zh") == "基地 冬季 08:00 开门：需等候 27 分钟"
    # the same minute in May: the base opened at 07:30, nothing to say
    assert arrival_note(BASE, dt.date(2024, 5, 6), hm("07:33")) is None


def test_a_2130_arrival_finds_the_base_closed_since_1730_and_says_when_it_opens():
    note = arrival_note(BASE, WINTER_MONDAY, hm("21:30"), "panda-base", Name("基地", "the Panda Base"))
    assert note.code == "closed_at_arrival"
    assert note.params["closes_s"] == hm("17:30") and note.params["arrival_s"] == hm("21:30")
    assert note.params["next_date"] == "2024-12-10" and note.params["next_opens_s"] == hm("08:00")
    assert describe_reason(note, "en") == "the Panda Base closed at 17:30; it opens again at 08:00 on 2024-12-10"


def test_after_the_last_entry_and_before_closing():
    note = arrival_note(BASE, WINTER_MONDAY, hm("16:45"))
    assert note.code == "last_entry_passed"
    assert (note.params["last_entry_s"], note.params["closes_s"]) == (hm("16:30"), hm("17:30"))
    assert arrival_note(BASE, WINTER_MONDAY, hm("16:30")) is None  # the last entry itself still gets in
    assert arrival_note(BASE, WINTER_MONDAY, hm("17:30")).code == "closed_at_arrival"  # closing is closed


def test_closed_all_day_names_the_next_opening_within_a_week():
    mondays_off = OpeningHours(BASE.rules + (HoursRule(weekdays=frozenset({0}), closed=True),))
    note = arrival_note(mondays_off, WINTER_MONDAY, hm("10:00"), "v", Name("别墅", "the villa"))
    assert note.code == "closed_all_day"
    assert note.params == {"place": "v", "date": "2024-12-09", "next_date": "2024-12-10", "next_opens_s": hm("08:00")}
    assert describe_reason(note, "en") == "the villa is closed on 2024-12-09 (Monday); it opens at 08:00 on 2024-12-10"
    never = OpeningHours((HoursRule(closed=True),))
    note = arrival_note(never, WINTER_MONDAY, hm("10:00"), "v", Name("别墅", "the villa"))
    assert "next_date" not in note.params
    assert describe_reason(note, "en") == "the villa is closed on 2024-12-09 (Monday)"


def test_arrivals_past_midnight_count_on_the_next_date_and_late_hours_cover_them():
    # a journey that arrives at 25:10 arrives at 01:10 the next day
    note = arrival_note(BASE, WINTER_MONDAY, hm("25:10"))
    assert note.code == "opens_later" and note.params["arrival_s"] == hm("01:10")
    live_house = OpeningHours((HoursRule(open_s=hm("19:00"), close_s=hm("26:00")),))
    assert arrival_note(live_house, WINTER_MONDAY, hm("25:30")) is None  # Monday night's show still on
    assert arrival_note(live_house, WINTER_MONDAY, hm("26:30")).code == "opens_later"


def test_an_aware_arrival_is_read_in_chengdu(model):
    base = hours_of(model, "panda-base")
    utc = dt.datetime(2024, 12, 9, 13, 30, tzinfo=dt.timezone.utc)  # 21:30 in Chengdu
    assert arrival_note_at(base, utc).code == "closed_at_arrival"
    assert arrival_note_at(base, dt.datetime(2024, 12, 9, 10, tzinfo=TZ)) is None


def test_which_hours_apply_a_sites_unless_the_place_has_its_own(model):
    gate = hours_of(model, "panda-south-gate")
    assert gate.id == "panda-base" and gate.hours.on(WINTER_MONDAY) == model.sites["panda-base"].hours.on(WINTER_MONDAY)
    assert hours_of(model, "panda-base").name.en == model.sites["panda-base"].name_en
    # the kindergarten keeps its own list: closed on Mondays though the base is open
    villa = hours_of(model, "panda-kindergarten")
    assert villa.id == "panda-kindergarten"
    assert arrival_note_at(villa, dt.datetime(2024, 12, 9, 10, tzinfo=TZ)).code == "closed_all_day"
    assert arrival_note_at(hours_of(model, "panda-base"), dt.datetime(2024, 12, 9, 10, tzinfo=TZ)) is None
    # a place that lists no hours (the Moon Nursery) has its site's: closed at 21:30 as the base is
    nursery = hours_of(model, "panda-moon-nursery")
    assert nursery.hours == model.sites["panda-base"].hours
    assert arrival_note_at(nursery, dt.datetime(2024, 12, 9, 21, 30, tzinfo=TZ)).params["closes_s"] == hm("17:30")
    assert hours_of(model, "30.65,104.07") is None and hours_of(model, "no-such-stop") is None


@given(open_s=st.integers(0, 20 * 3600), length_s=st.integers(60, 12 * 3600), entry_back_s=st.integers(0, 3600),
       arrival_s=st.integers(0, 86399))
def test_a_note_exactly_when_the_arrival_is_outside_open_to_last_entry(open_s, length_s, entry_back_s, arrival_s):
    close_s = min(open_s + length_s, 86400)
    last_entry_s = max(open_s, close_s - entry_back_s)
    hours = OpeningHours((HoursRule(open_s=open_s, close_s=close_s, last_entry_s=last_entry_s),))
    note = arrival_note(hours, WINTER_MONDAY, arrival_s)
    assert (note is None) == (open_s <= arrival_s <= last_entry_s and arrival_s < close_s)
    if note is not None and note.code == "opens_later":
        assert note.params["wait_s"] == open_s - arrival_s > 0 and note.params["season"] == ""
