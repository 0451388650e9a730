"""A scenario record's faults in the page's language: every kind of fault the record's check and the
scenario store make is said in Chinese (its values kept), the English stays as the check says it, and the
scenario form shows them in Chinese beside their boxes."""
from __future__ import annotations

import copy
import re

import pytest

from planner.domain.errors import DataError
from planner.simulation.scenario import PROPOSAL_ID, scenario_from_record, scenario_to_record
from planner.web.presenters.problem_words import _SHAPES, problem_words
from tests.calendar.conftest import Browser

CHINESE = re.compile(r"[\u4e00-\u9fff]")
FAST_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def _curve(record, key, value):
    record["demand"][key] = value


FAULTS = [  # each change to the proposal's record, and what it breaks
    lambda r: r.update(fleet_size=0, capacity_passengers="x", fare_cny="x", name_zh="", name_en="x" * 201,
                       id="Bad Id", colour="red"),
    lambda r: r["service"].update(weekday=[]),
    lambda r: r.update(path="x"),
    lambda r: r.update(path=[[1, 2, 3], [30.7, 104.1]]),
    lambda r: r.update(path=[[30.7, 104.1]]),
    lambda r: r.update(stops=r["stops"] * 11),
    lambda r: r.pop("run_times"),
    lambda r: r.update(run_times=r["run_times"] + r["run_times"][:1]),
    lambda r: _curve(r, "outbound_curve", [1] * 23),
    lambda r: _curve(r, "inbound_curve", [0] * 24),
    lambda r: r.update(notes_en="x"),
    lambda r: r.update(notes_en={f"n{i}": "x" for i in range(61)}),
    lambda r: r.update(notes_en={"": "x"}),
    lambda r: r.update(notes_zh={"fleet_size": "x" * 2001}),
    lambda r: r["stops"][1].update(id=r["stops"][0]["id"], place_id="atlantis"),
    lambda r: r["service"]["weekend"]["inbound"]["periods"][0].update(last_s=0),
    lambda r: r["service"]["holiday"]["inbound"].update(periods=[{"first_s": 0, "last_s": 30 * 3600, "headway_s": 60}]),
]


def record_messages(scenario) -> set[str]:
    messages = set()
    for change in FAULTS:
        record = copy.deepcopy(scenario_to_record(scenario))
        change(record)
        with pytest.raises(DataError) as caught:
            scenario_from_record(record, place_ids={"dj-south-gate", "panda-south-gate"})
        messages |= {p.message for p in caught.value.problems}
    return messages


def store_messages(store, scenario) -> set[str]:
    messages = set()
    for attempt in (lambda: store.create(scenario_to_record(scenario), "pat"),
                    lambda: store.update(PROPOSAL_ID, {"id": "another"}, 1, "pat"),
                    lambda: store.delete(PROPOSAL_ID, 1, "ada")):
        with pytest.raises(DataError) as caught:
            attempt()
        messages |= {p.message for p in caught.value.problems}
    return messages


def test_every_fault_the_check_and_the_store_make_is_said_in_chinese(scenario, web):
    messages = record_messages(scenario) | store_messages(web.extensions["planner"].scenarios, scenario)
    shapes_met = set()
    for message in messages:
        zh = problem_words(message, "zh")
        assert CHINESE.search(zh) and zh != message, message
        assert problem_words(message, "en") == message  # the English is the check's own words
        shapes_met |= {msgid for pattern, msgid in _SHAPES if pattern.fullmatch(message)}
    assert shapes_met == {msgid for _, msgid in _SHAPES}  # every shape known here is one the code makes


def test_values_are_kept_as_typed():
    assert problem_words("expected a whole number, got 'four'", "zh") == "应为整数，实为 'four'"
    assert problem_words("no place 'atlantis'", "zh") == "没有地点 'atlantis'"
    assert problem_words("hour 8 is listed twice", "zh") == "8 时列出了两次"
    assert problem_words("a fault of a kind not known here", "zh") == "a fault of a kind not known here"


@pytest.fixture
def web(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "PASSWORD_HASH_PARAMS": FAST_HASH,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "IMPORT_DIR": str(tmp_path / "imports")})
    app.extensions["planner"].accounts.create("pat", "correct horse battery", "planner")
    yield app
    app.extensions["planner"].close()


def form_of(page: str) -> dict[str, str]:
    import html

    values = {name: html.unescape(value) for name, value in re.findall(r'<input type="[a-z]+"[^>]* name="([^"]+)" value="([^"]*)"', page)}
    values.update({name: html.unescape(value) for name, value in
                   re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S)})
    return values


def box(page: str, name: str) -> str:
    """The field's block (its label, box, faults) on a form page, its text unescaped."""
    import html

    start = page.index(f'name="{name}"')
    begin = page.rfind('<div class="field', 0, start)
    return html.unescape(page[begin:page.index("</div>", start)])


@pytest.mark.parametrize("lang, fleet, place, headway", [
    ("zh", "0 超出 1..200 的范围", "没有地点 'atlantis'", "headway_s: 30 超出 60..7200 的范围"),
    ("en", "0 is outside 1..200", "no place 'atlantis'", "headway_s: 30 is outside 60..7200"),
])
def test_the_scenario_form_shows_the_records_faults_in_the_pages_language(web, lang, fleet, place, headway):
    pat = Browser(web)
    assert pat.login("pat", "correct horse battery").status_code == 302
    values = form_of(pat.get(f"/scenarios/{PROPOSAL_ID}/edit?lang={lang}").get_data(as_text=True))
    stops = values["stops"].splitlines()
    stops[1] = " | ".join(stops[1].split(" | ")[:5] + ["atlantis"])
    typed = {"fleet_size": "0", "stops": "\n".join(stops),
             "service.weekday.outbound": "07:00-09:40 / 20\n10:00-15:30 / 0.5"}  # a 30 s headway on line 2
    answer = pat.post(f"/scenarios/{PROPOSAL_ID}/edit?lang={lang}", {**values, **typed},
                      token_from=f"/scenarios/{PROPOSAL_ID}/edit")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert fleet in box(page, "fleet_size")
    assert place in box(page, "stops")
    assert headway in box(page, "service.weekday.outbound")
