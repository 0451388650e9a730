"""The pages in headless Chromium, offline: the map, journeys, the comparison, day plans."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def _open_map(browser, live_server, query: str):
    page = browser.new_page(viewport={"width": 412, "height": 860})  # a phone
    page.goto(f"{live_server}/{query}")
    page.wait_for_selector("#map[data-loaded]", timeout=15000)
    return page


def test_map_shows_both_sites_and_the_shuttle(browser, live_server, tmp_path):
    page = _open_map(browser, live_server, "?date=2024-02-12&lang=en")
    labels = page.locator(".site-label").all_inner_texts()
    assert "Chengdu Research Base of Giant Panda Breeding" in labels
    assert any("Dongjiao" in label for label in labels)
    assert page.locator("path.layer-shuttle").count() == 1
    assert page.locator("path.layer-line").count() >= 17
    assert page.locator("path.layer-place").count() >= 20
    assert page.locator("path.layer-place.has-events").count() >= 4  # the day's events on their venues
    page.screenshot(path=str(tmp_path / "home-en.png"))
    page.close()


def test_map_in_chinese_and_events_listed(browser, live_server):
    page = _open_map(browser, live_server, "?date=2024-02-12&lang=zh")
    labels = page.locator(".site-label").all_inner_texts()
    assert "成都大熊猫繁育研究基地" in labels
    assert page.locator("li.event").count() >= 4
    page.close()


def test_journey_form_plans_and_draws_the_route(browser, live_server, tmp_path):
    page = browser.new_page(viewport={"width": 412, "height": 860})
    page.goto(f"{live_server}/journeys?lang=en")
    page.select_option("#from", "dongjiao-memory")
    page.select_option("#to", "panda-south-gate")
    page.fill("#date", "2024-02-12")
    page.check("input[name=time_is][value=depart]")
    page.fill("#time", "08:10")
    page.check("input[name=shuttle]")
    page.click("button[type=submit]")
    page.wait_for_selector("#journey-map[data-legs]", timeout=15000)
    assert page.locator("article.journey[data-label=fastest] li.leg").count() >= 2
    assert page.locator("path.leg-line").count() >= 2
    page.screenshot(path=str(tmp_path / "journey.png"), full_page=True)
    page.close()


def test_comparison_page_chart(browser, live_server, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server}/compare?date=2024-02-12&lang=zh")
    assert page.locator("svg.chart").count() == 2
    assert page.locator("polyline.series-shuttle").count() >= 2
    assert page.locator("text=其中直通车更快").count() == 2
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    page.close()


def test_day_plan_typed_into_the_form(browser, live_server, tmp_path):
    """The issue's visitor, as a new user would type it: a plan to follow, with and without the shuttle."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server}/itinerary?date=2024-02-12&lang=en")
    page.fill("input[name=start_latlon]", "30.6540,104.0790")  # a hotel near Chunxi Road
    page.fill("#start_time", "08:00")
    page.fill("#end_time", "22:00")
    page.check("input[name=interests][value=pandas]")
    page.check("input[name=must][value=hello-su-dongpo-2024]")
    page.check("input[name=must][value=dj-standup-comedy-2024]")
    page.click("form.itinerary-form button[type=submit]")
    page.wait_for_selector("#map-with[data-drawn]", timeout=30000)
    for variant in ("without", "with"):
        plan = page.locator(f"#plan-{variant}")
        assert plan.locator("li.tl-visit[data-id=hello-su-dongpo-2024]").count() == 1
        assert plan.locator("li.tl-visit[data-id=dj-standup-comedy-2024]").count() == 1
        assert "19:30" in plan.locator("li.tl-visit[data-id=dj-standup-comedy-2024]").inner_text()
        assert plan.locator("path.leg-line").count() >= 3
    assert page.locator("#shuttle-changes").count() == 1
    assert "itinerary.ics" in page.locator("#plan-with a.button").get_attribute("href")
    page.screenshot(path=str(tmp_path / "day-plan.png"), full_page=True)
    page.close()


def test_map_popup_keeps_the_date_and_phone_compare_table_scrolls(browser, live_server):
    page = _open_map(browser, live_server, "?date=2024-02-12&lang=en")
    page.evaluate("""() => { let found; window.plannerLayer.eachLayer(l => {
        if (!found && l.feature && l.feature.properties.layer === 'place') { found = l; } }); found.openPopup(); }""")
    assert page.locator(".leaflet-popup-content a").first.get_attribute("href").endswith("?date=2024-02-12")
    page.goto(f"{live_server}/compare?date=2024-02-12&lang=zh")
    box = page.locator("#direction-1 .table-scroll").first
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # the table scrolls inside its box ...
    assert page.evaluate("document.documentElement.scrollWidth") <= 412  # ... not the page
    first_cell = page.locator("#direction-1 tr.summary-transit td").first
    assert first_cell.evaluate("e => e.getBoundingClientRect().height") < 40  # one line, not a character a line
    page.close()


def _shots(tmp_path) -> Path:
    """Where screenshots go: PLANNER_SHOTS when set (to look at them), else the test's folder."""
    folder = Path(os.environ.get("PLANNER_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _event_titles(page) -> list[str]:
    return page.locator(".must-events label.chip .title").all_inner_texts()


def _day_titles(client_page, live_server, day: str) -> list[str]:
    """That day's scheduled events as /api/events lists them, one per event, in order of first session."""
    answer = client_page.request.get(f"{live_server}/api/events?date={day}&lang=en").json()
    titles: list[str] = []
    for event in answer["events"]:
        if event["status"] == "scheduled" and event["title"] not in titles:
            titles.append(event["title"])
    return titles


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_the_day_plan_form_follows_the_date_then_shows_its_working_state_and_the_plan(
        browser, live_server, tmp_path, width, height):
    """Done means: a family picks 9 December 2024 then 12 February 2024, sees that day's events appear
    without submitting, submits, sees the working state, then the plans."""
    shots = _shots(tmp_path)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{live_server}/itinerary?date=2024-07-09&lang=en")
    address = page.url
    hours = lambda place: page.locator(f"label[data-place={place}] .hours").text_content()  # noqa: E731
    assert (hours("panda-museum"), hours("panda-kindergarten")) == ("07:30–18:00", "07:30–18:00")  # July
    for day in ("2024-12-09", "2024-02-12"):
        expected = _day_titles(page, live_server, day)
        page.fill("#date", day)
        page.wait_for_function("day => document.querySelector('form.itinerary-form').dataset.shownDate === day", arg=day)
        assert _event_titles(page) == expected, day
        assert page.locator(".must-events .day-date").inner_text() == day
        assert page.url == address  # nothing was submitted
        # winter hours, and the kindergarten villa closed: both dates are Mondays
        assert (hours("panda-museum"), hours("panda-kindergarten")) == ("08:00–17:30", "Closed"), day
        assert page.locator("label[data-place=panda-kindergarten]").get_attribute("class") == "chip closed"
    assert "Hello, Su Dongpo" in " ".join(_event_titles(page))  # 12 February's events, not 9 December's
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # never wider than the screen
    page.fill("input[name=start_latlon]", "30.6540,104.0790")  # a hotel near Chunxi Road
    page.check("input[name=interests][value=pandas]")
    page.check("input[name=interests][value=kids]")
    page.locator("label.chip", has_text="Hello, Su Dongpo").locator("input").check()
    page.screenshot(path=str(shots / f"day-form-{width}.png"), full_page=True)

    # the working state, seen on a submit the test stops from leaving the page (a screenshot waits for
    # a navigation under way), then undone as the browser's back button would
    page.evaluate("""() => document.querySelector('form.itinerary-form').addEventListener(
        'submit', event => event.preventDefault(), {once: true})""")
    page.click("form.itinerary-form button[type=submit]")
    page.wait_for_selector("form.itinerary-form .working", state="visible")
    assert page.locator("form.itinerary-form button[type=submit]").is_disabled()
    page.screenshot(path=str(shots / f"day-working-{width}.png"))
    page.evaluate("""() => { const form = document.querySelector('form.itinerary-form');
        form.querySelector('.working').hidden = true; form.querySelector('button[type=submit]').disabled = false; }""")
    # the page records its own state just after the submit (the next page would wipe it); the plan's
    # request is held meanwhile, so the working state is seen however fast the plan comes
    page.evaluate("""() => document.querySelector('form.itinerary-form').addEventListener('submit', () =>
        setTimeout(() => { const form = document.querySelector('form.itinerary-form');
                           const working = form.querySelector('.working');
                           sessionStorage.setItem('working', JSON.stringify({
                               shown: !working.hidden && working.offsetParent !== null, text: working.innerText.trim(),
                               disabled: form.querySelector('button[type=submit]').disabled})); }, 50))""")
    held = []
    asks_plan = lambda url: "/itinerary?" in url and "start=" in url  # noqa: E731
    page.route(asks_plan, lambda route: held.append(route))
    page.click("form.itinerary-form button[type=submit]", no_wait_after=True)
    for _ in range(250):
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "the form was not submitted"
    page.wait_for_timeout(100)
    held[0].continue_()
    page.unroute(asks_plan)
    page.wait_for_selector("#map-with[data-drawn]", timeout=30000)
    working = page.evaluate("JSON.parse(sessionStorage.getItem('working'))")
    assert working == {"shown": True, "text": "Planning your day…", "disabled": True}
    assert page.locator("input[name=must][value=hello-su-dongpo-2024]").is_checked()  # the form as submitted
    assert page.locator("form.itinerary-form .working").is_hidden()
    for variant in ("without", "with"):
        visits = page.locator(f"#plan-{variant} li.tl-visit").evaluate_all("items => items.map(i => i.dataset.id)")
        assert "hello-su-dongpo-2024" in visits, (variant, visits)
        assert len(visits) == len(set(visits)), (variant, visits)  # no place twice
        starts = page.locator(f"#plan-{variant} li.tl-visit .time").all_inner_texts()
        assert any(v.startswith("panda-") and t < "12:00" for v, t in zip(visits, starts)), (variant, visits, starts)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(shots / f"day-plan-{width}.png"), full_page=True)
    page.close()


def test_a_fault_is_shown_beside_its_field_with_the_form_kept(browser, live_server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server}/itinerary?date=2024-02-12&lang=en")
    page.fill("input[name=start_latlon]", "30.65,1o4.07")  # a typo in a coordinate
    page.check("input[name=interests][value=pandas]")
    page.click("form.itinerary-form button[type=submit]")
    page.wait_for_selector("#start-error")
    assert "not a place, stop or" in page.locator("#start-error").inner_text()
    assert page.locator("input[name=start_latlon]").input_value() == "30.65,1o4.07"
    assert page.locator("input[name=interests][value=pandas]").is_checked()
    assert page.locator("#date").input_value() == "2024-02-12"
    # the error sits beside its field: under the start box, not at the top of the page
    box = page.locator("input[name=start_latlon]").bounding_box()
    error = page.locator("#start-error").bounding_box()
    assert 0 <= error["y"] - (box["y"] + box["height"]) < 60
    page.close()
