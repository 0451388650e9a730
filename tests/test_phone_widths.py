"""No page scrolls sideways on a phone: every GET page of the app, at 360, 390 and 414 px, in English
and in Chinese, in Debian's headless Chromium, as a visitor or logged in as staff, planner or admin.

The pages are ``benchmarks/pages.py``'s ``PAGES`` (a sample URL for every page route, with a date
that has events at both sites and a cancelled session); a GET route of the app that is neither there
nor in its ``NOT_PAGES`` fails the test, so a new page cannot be left out. Screenshots of the 390 px
pages go to ``$SHOTS_DIR`` when set.
"""
from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (360, 390, 414)


def _bench():
    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "benchmarks" / "pages.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


pages = _bench()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The sample app (an account per role, a cancelled session) served on a free port."""
    app = pages.sample_app(tmp_path_factory.mktemp("phone"))
    base, server = pages.serve(app)
    yield app, base
    server.shutdown()
    app.extensions["planner"].close()


@pytest.fixture(scope="module")
def logged_in(browser, site):
    """A browser context per visitor kind (None, staff, planner, admin), each logged in."""
    _, base = site
    contexts = pages.contexts(browser, base)
    yield contexts
    for context in contexts.values():
        context.close()


def _rule_of(path: str) -> str:
    return path.split("?")[0]


def test_every_get_route_is_a_sampled_page_or_answers_no_page(site):
    app, _ = site
    client = app.test_client()
    sampled = [_rule_of(path) for _, path in pages.PAGES]
    adapter = app.url_map.bind("localhost")
    matched = {adapter.match(path, method="GET")[0] for path in sampled}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        assert rule.endpoint in matched or rule.rule in pages.NOT_PAGES, f"{rule.rule}: no sample page"
    # what is left out is no page: a sample of each answers something other than HTML
    samples = {"/api/places": "", "/calendar.ics": "", "/shuttle.csv": "?date=2024-02-12",
               "/api/network.geojson": "", "/favicon.ico": "", "/sources/places.yaml": "",
               "/healthz": "", "/readyz": "", "/metrics": ""}
    for path, query in samples.items():
        answer = client.get(path + query, follow_redirects=True)  # /favicon.ico: to the SVG
        assert "text/html" not in answer.headers.get("Content-Type", ""), path


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_a_phone(logged_in, site, width, lang, tmp_path):
    _, base = site
    shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    wide, failed = [], []
    tabs = {who: context.new_page() for who, context in logged_in.items()}
    for who, path in pages.PAGES:
        page = tabs[who]
        page.set_viewport_size({"width": width, "height": 844})
        answer = page.goto(base + pages.with_lang(path, lang), wait_until="load")
        expected = 404 if path.startswith("/places/atlantis") else 200
        login_form = path != "/login" and page.locator("#password").count() > 0
        if answer is None or answer.status != expected or login_form:
            failed.append((who, path, answer and answer.status))  # not the page itself (a login form, an error)
            continue
        page.wait_for_timeout(50)  # scripts that draw after the load event (maps, charts)
        doc = page.evaluate("document.documentElement.scrollWidth")
        if doc > width:
            wide.append((path, doc))
        if width == 390 and os.environ.get("SHOTS_DIR"):
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            page.screenshot(path=str(shots / f"phone-{name[:60]}-{width}-{lang}.png"), full_page=True)
    for tab in tabs.values():
        tab.close()
    assert not failed, failed
    assert not wide, f"wider than {width} px: {wide}"


def test_a_cancelled_session_is_marked_on_the_visitor_and_staff_pages(logged_in, site):
    """The sample's cancelled 15:00 session of the east-stage buskers: struck through with a visible
    'Cancelled' / '已取消' mark on the home page, the place page, the staff week and the event's page
    opened from that day, in both languages."""
    _, base = site
    event = pages.CANCELLED_EVENT
    for lang, word in (("en", "Cancelled"), ("zh", "已取消")):
        for who, path in ((None, f"/?date={pages.DAY}"), (None, f"/places/dj-east-stage?date={pages.DAY}"),
                          ("staff", f"/staff/week?date={pages.DAY}")):
            page = logged_in[who].new_page()
            page.goto(base + pages.with_lang(path, lang))
            item = page.locator(f'li[data-event="{event}"]').first
            assert word in item.inner_text(), (path, lang)
            assert "line-through" in item.locator(".time").evaluate("e => getComputedStyle(e).textDecorationLine"), path
            others = page.locator(f'li[data-event]:not([data-event="{event}"])')
            assert word not in " ".join(others.all_inner_texts()), path  # scheduled sessions carry no mark
            page.close()
        page = logged_in[None].new_page()  # the event's page, opened from that day: its sessions from it on
        page.goto(base + pages.with_lang(f"/events/{event}?date={pages.DAY}", lang))
        first = page.locator(".sessions-list li").first
        assert f"{pages.DAY} 15:00" in first.inner_text() and word in first.inner_text(), lang
        assert word not in page.locator(".sessions-list li").nth(1).inner_text()  # the next day's is on
        page.close()


#: Pages whose every word is the app's own (messages, names with both languages in the data, staff
#: data marked as such): none may show a string in the other language's script. Pages that show the
#: data files' free texts (assumptions naming places only in Chinese) are measured by benchmarks/pages.py.
OWN_WORDS = [(who, path) for who, path in pages.PAGES
             if path.startswith(("/staff", "/admin", "/login", "/events/", "/shuttle", "/places/panda-kindergarten",
                                 "/scenarios/new", "/scenarios/dj-panda-shuttle/"))
             or path in ("/journeys", "/itinerary", "/scenarios")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_of_the_apps_own_words_are_all_in_the_pages_language(logged_in, site, lang):
    _, base = site
    found = {}
    for who, path in OWN_WORDS:
        page = logged_in[who].new_page()
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + pages.with_lang(path, lang))
        strings = [tuple(s) for s in page.evaluate(pages.STRINGS_JS, lang)]
        assert len(strings) > 10, path  # the page was read
        left = pages.untranslated(strings, lang)
        if left:
            found[path] = left
        page.close()
    assert len(OWN_WORDS) >= 18
    assert not found, found
