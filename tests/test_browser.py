"""The home page in headless Chromium, offline: both sites and the shuttle on the map."""
from __future__ import annotations

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
    page.fill("#depart", "08:10")
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
    assert page.locator("text=直通车更快的时段占比").count() == 2
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
