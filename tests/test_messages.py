"""Words at the edge: the core answers in codes and numbers, one gettext catalogue says them.

The catalogue is complete (every message the code and the templates use is in
it, with its Chinese), its compiled ``.mo`` is the committed ``.po``, every code
the core raises has a message, no string the core makes is Chinese, and the
command line says reasons in English or Chinese.
"""
from __future__ import annotations

import ast
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from planner.domain.errors import BadRequest, DataError, NotFound, PlannerError, Problem, Reason
from planner.domain.model import EVENT_STATUSES
from planner.itinerary.daytrip import DayPlanner, DayRequest, SiteLeg
from planner.main import main
from planner.messages import TEMPLATES, TRANSLATIONS_DIR, describe, describe_reason
from planner.messages.words import TABLES
from planner.routing.journeys import JourneyPlanner, NoJourney

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = TRANSLATIONS_DIR / "zh" / "LC_MESSAGES"
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
KEYWORDS = {"_": None, "gettext": None, "N_": None, "pgettext": ((1, "c"), 2)}
DAY = dt.date(2024, 2, 12)


@pytest.fixture(scope="module")
def catalogue():
    with open(CATALOGUE / "messages.po", "rb") as po:
        return read_po(po)


def _used_messages() -> set[tuple[str | None, str]]:
    """Every (context, msgid) the package's Python and the templates ask for, and the word tables."""
    found = set()
    method_map = [("planner/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
    for filename, _, message, _, context in extract_from_dir(str(ROOT), method_map, options, keywords=KEYWORDS):
        if not filename.startswith("planner/web/static"):
            found.add((context, message if isinstance(message, str) else message[0]))
    return found | {(context, msgid) for context, table in TABLES.items() for msgid in table.values()}


def test_the_committed_mo_is_the_compiled_po(catalogue):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    assert compiled.getvalue() == (CATALOGUE / "messages.mo").read_bytes(), \
        "run: pybabel compile -d planner/messages/translations -D messages"


def test_every_message_has_its_chinese_with_the_same_placeholders(catalogue):
    for message in catalogue:
        if not message.id:
            continue  # the header
        assert message.string, f"no Chinese for {message.id!r}"
        assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(message.id)), message.id
        names = {name: "x" for name in PLACEHOLDER.findall(message.id)}
        message.string % names  # a stray % would fail at the visitor's request, not here


def test_every_message_used_is_in_the_catalogue_and_none_is_stale(catalogue):
    used = _used_messages()
    known = {(message.context, message.id) for message in catalogue if message.id}
    assert used - known == set(), "missing from messages.po"
    assert known - used == set(), "in messages.po but used nowhere"


def _codes_raised() -> set[str]:
    """Literal codes given to the domain errors and reasons anywhere in the package."""
    first_arg = {"NotFound", "NoJourney", "Reason", "PlannerError", "LoginFailed"}
    codes = set()
    for path in (ROOT / "planner").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            position = 1 if name == "BadRequest" else 0 if name in first_arg else None
            if position is not None and len(node.args) > position:
                arg = node.args[position]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    codes.add(arg.value)
                elif isinstance(arg, ast.JoinedStr):  # a code made at run time must name its family
                    head = arg.values[0]
                    codes.add(head.value + "*" if isinstance(head, ast.Constant) else ast.unparse(arg))
    return codes


def test_every_code_the_core_raises_has_a_message():
    codes = _codes_raised() - {"event_*"} | {f"event_{status}" for status in EVENT_STATUSES if status != "scheduled"}
    codes |= {"login_locked", "invalid_data", "edit_conflict"}  # codes set by the classes themselves
    assert len(codes) > 40
    assert {code for code in codes if re.fullmatch(r"[a-z][a-z0-9_]*", code)} - set(TEMPLATES) == set()
    assert {code for code in codes if not re.fullmatch(r"[a-z][a-z0-9_]*", code)} == set(), \
        "free text given where a code belongs"


def test_describe_says_every_kind_of_domain_error_in_both_languages():
    errors = [BadRequest("depart", "not_a_time", value="25:99"), NotFound("no_place", id="x"),
              NoJourney("none_arrives_by", date="2024-02-12", arrive_by_at="2024-02-12T06:00:00+08:00",
                        first_arrival_at="2024-02-12T06:40:00+08:00"),
              DataError([Problem("places.yaml:3 places[0].lat", "expected a number, got 'x'")])]
    for error in errors:
        english, chinese = describe(error, "en"), describe(error, "zh")
        assert english and not CHINESE.search(english), english
        assert CHINESE.search(chinese), chinese
    assert describe(errors[0], "en") == "not a time HH:MM: '25:99'"
    assert describe(errors[2], "zh") == "2024-02-12 06:00 前无法到达：最早 2024-02-12 06:40 到达"
    assert describe(errors[3], "en").startswith("1 problem(s) in the data: places.yaml:3 places[0].lat: expected")
    # free text from a library (a GTFS reader's message) is shown as it is
    assert describe(PlannerError("feed.zip: not a zip file"), "zh") == "feed.zip: not a zip file"


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (tuple, list)):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def _no_chinese(reason: Reason, where: str) -> None:
    made = [reason.code, str(reason), *_strings(dict(reason.params))]
    assert not [s for s in made if CHINESE.search(s)], (where, made)
    for key, value in reason.params.items():  # numbers stay numbers: seconds and metres
        if key.endswith(("_s", "_m")):
            assert value is None or isinstance(value, int), (key, value)


def test_the_core_makes_no_chinese_strings_only_codes_and_numbers(model):
    """Reasons and errors of routing and day plans: codes, ids, ISO dates and integers; names are data."""
    journeys = JourneyPlanner.for_model(model)
    gate, museum = journeys.resolve("dongjiao-memory"), journeys.resolve("panda-south-gate")
    failures = []
    # routing has no time limit: on a day of the calendar a late query finds tomorrow's first journey,
    # so "nothing leaves" and "nothing arrives" are asked on the calendar's last and first days
    last_day, first_day = dt.date(2027, 12, 31), dt.date(2024, 1, 1)
    for origin, day, depart_s in ((gate, last_day, 23 * 3600 + 55 * 60), (gate, last_day, 21 * 3600 + 30 * 60),
                                  (journeys.resolve("30.5,104.3"), DAY, 10 * 3600),
                                  (gate, dt.date(2031, 1, 1), 10 * 3600)):
        with pytest.raises(NoJourney) as caught:
            journeys.journeys(origin, museum, day, depart_s)
        failures.append(caught.value)
    with pytest.raises(NoJourney) as caught:
        journeys.arrive_by(gate, museum, first_day, 5 * 3600)
    failures.append(caught.value)
    for spec in ("atlantis", "95,200"):
        with pytest.raises(BadRequest) as bad:
            journeys.resolve(spec)
        failures.append(bad.value)
    assert {f.code for f in failures} >= {"after_last_departure", "none_before_feed_end", "too_far_to_walk",
                                          "no_service_on_date", "none_arrives_by", "unknown_endpoint"}
    for failure in failures:
        assert not CHINESE.search(str(failure)), str(failure)
        _no_chinese(failure.as_reason(), "routing")
    planner = DayPlanner(model, journeys)
    plans = [planner.plan(DayRequest(DAY, "dongjiao-memory", 16 * 3600 + 50 * 60, 22 * 3600, meal=True,
                                     must=("panda-moon-nursery", "panda-kindergarten",
                                           "dj-new-year-music-season-2024")))]
    reasons = [reason for plan in plans for reason in plan.infeasible + plan.notes]
    assert {"closes_before_arrival", "place_closed", "no_session"} <= {r.code for r in reasons}
    for reason in reasons:
        _no_chinese(reason, "day plan")
    for plan in plans:
        ways = [step.route for step in plan.steps] + [plan.home]
        made = [way.kind for way in ways] + [leg.mode for way in ways for leg in way.legs if isinstance(leg, SiteLeg)]
        assert not [s for s in made if CHINESE.search(s)]


def test_no_chinese_literal_in_routing_or_itinerary_code():
    """Words were the core's once (``say(en, zh)``); now no string literal of theirs is Chinese."""
    found = []
    for layer in ("routing", "itinerary"):
        for path in (ROOT / "planner" / layer).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                          if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                          and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
            found += [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
                      if isinstance(node, ast.Constant) and isinstance(node.value, str)
                      and id(node) not in docstrings and CHINESE.search(node.value)]
    assert found == []


def test_the_cli_says_why_in_english_and_in_chinese(runner):
    # the calendar's last day: on any other, 23:55 finds tomorrow's first journey (no time limit)
    late = ["route", "--from", "dongjiao-memory", "--to", "panda-south-gate", "--date", "2027-12-31",
            "--depart", "23:55:00"]
    english = runner.invoke(main, late)
    assert english.exit_code == 1
    assert "No journey: after the last departure: nothing leaves near Dongjiao Memory" in english.output
    assert "after 2027-12-31 23:55; the last left at 2027-12-31 23:" in english.output
    chinese = runner.invoke(main, [*late, "--lang", "zh"])
    assert chinese.exit_code == 1
    assert "没有可行路线：末班车已过：2027-12-31 23:55 之后 东郊记忆 附近没有车次；末班车 2027-12-31 23:" in chinese.output
    bad = runner.invoke(main, [*late[:-1], "25:99", "--json"])
    assert '"code": "not_a_gtfs_time"' in bad.output and "depart: not a time HH:MM:SS: '25:99'" in bad.output
