"""Journey and day-plan pages on a 390 px phone in headless Chromium, offline, in English and Chinese.

Each map has the home map's backdrop (the app is tested with no tiles: the metro lines), a start and an
end marker labelled in the page's language, tooltips in that language, and the page does not scroll
sideways; an estimate's reason opens on a tap. Screenshots go to /tmp/i13/shots/ (or ``SHOTS_DIR``).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/i13/shots"))
HAN = re.compile(r"[\u4e00-\u9fff]")
WORDS = {"en": ("Start", "End"), "zh": ("起点", "终点")}
JOURNEY = "/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&time=08:10&time_is=depart&shuttle=1"
PLAN = ("/itinerary?date=2024-02-12&start=&start_latlon=30.6540,104.0790&start_time=08:00&end_time=22:00"
        "&interests=pandas&must=hello-su-dongpo-2024&meal=1&pace=normal&shuttle=compare")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"


def _check_map(page, map_id: str, lang: str) -> None:
    """Backdrop lines, one start and one end label in ``lang``, tooltips in ``lang``."""
    el = page.locator(f"#{map_id}")
    page.wait_for_selector(f"#{map_id}[data-ready]", timeout=20000)
    assert el.get_attribute("data-backdrop") in ("tiles", "lines")
    assert int(el.get_attribute("data-backdrop-lines")) >= 10  # the metro and feeders, from the app's data
    assert el.locator("path.backdrop-line").count() >= 10
    start, end = WORDS[lang]
    labels = el.locator(".end-label").all_inner_texts()
    assert any(label.startswith(start) for label in labels), labels
    assert any(end in label for label in labels), labels
    assert el.locator("path.end-marker").count() >= 1
    zoom_in = el.locator("a.leaflet-control-zoom-in").get_attribute("title")
    assert zoom_in == ("Zoom in" if lang == "en" else "放大")  # Leaflet's own words too
    for label in labels:
        name = label.split(":", 1)[1]
        if lang == "en":
            assert not HAN.search(name), f"Chinese on an English map: {label!r}"
        elif not re.fullmatch(r"\s*[\d.,]+\s*", name):  # typed coordinates have no name of either language
            assert HAN.search(name), f"no Chinese on a Chinese map: {label!r}"
    # a leg's tooltip, hovered (the map's own hover; on a phone Leaflet opens it on tap)
    leg = el.locator("path.leg-line").first
    leg.dispatch_event("mouseover")
    tips = [t for t in el.locator(".leaflet-tooltip:not(.end-label)").all_inner_texts() if t.strip()]
    assert tips, "no tooltip on a leg"
    for tip in tips:
        assert (not HAN.search(tip)) if lang == "en" else HAN.search(tip), tip


def _tap_an_estimate(page, lang: str) -> None:
    mark = page.locator("details.estimate").first
    mark.scroll_into_view_if_needed()
    assert not mark.locator(".estimate-reason").is_visible()
    target = mark.locator("summary").bounding_box()
    assert target["height"] >= 24 and target["width"] >= 24, target  # a thumb can hit it
    mark.locator("summary").tap()
    reason = mark.locator(".estimate-reason")
    assert reason.is_visible()
    text = reason.inner_text()
    assert len(text) > 20
    box = reason.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box  # the reason stays on screen
    word = "估算" if lang == "zh" else "estimate"
    assert page.locator("details.estimate summary", has_text=word).count() >= 1


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_journey_on_a_phone(phone, live_server, lang):
    phone.goto(f"{live_server}{JOURNEY}&lang={lang}")
    _check_map(phone, "journey-map", lang)
    _no_sideways_scroll(phone)
    assert phone.locator("details.estimate").count() >= 3  # the journeys' times, fares, headways
    _tap_an_estimate(phone, lang)
    _no_sideways_scroll(phone)  # an open reason wraps inside the screen
    _shot(phone, f"journey-{lang}-390.png")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_day_plan_on_a_phone(phone, live_server, lang):
    phone.goto(f"{live_server}{PLAN}&lang={lang}")
    for variant in ("without", "with"):
        _check_map(phone, f"map-{variant}", lang)
    _no_sideways_scroll(phone)
    assert phone.locator("#plan-without details.estimate").count() >= 4
    _tap_an_estimate(phone, lang)
    _no_sideways_scroll(phone)
    _shot(phone, f"plan-{lang}-390.png")


def test_already_there_on_a_phone(phone, live_server):
    phone.goto(f"{live_server}/journeys?from=dongjiao-memory&to=dongjiao-memory&date=2024-02-12&time=10:00&lang=zh")
    assert "您已经在这里了" in phone.locator(".already-there").inner_text()
    assert phone.locator("article.journey").count() == 0  # no 5-minute taxi
    phone.wait_for_selector("#journey-map[data-ready]", timeout=20000)
    assert phone.locator("#journey-map .end-label").all_inner_texts() == ["起点: 东郊记忆"]
    _no_sideways_scroll(phone)
    _shot(phone, "already-there-zh-390.png")


@pytest.mark.parametrize("lang, word", [("en", "Cancelled"), ("zh", "已取消")])
def test_a_cancelled_session_reads_cancelled_in_the_home_maps_popup(browser, tmp_path, lang, word):
    """Its own app: cancelling a session in the shared one would change the other tests' days."""
    import threading

    from werkzeug.serving import make_server

    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                      "IMPORT_DIR": str(tmp_path / "imports")})
    calendar = app.extensions["planner"].calendar
    calendar.cancel("dj-standup-comedy-2024", calendar.get("dj-standup-comedy-2024").version, "sally")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/?date=2024-02-12&lang={lang}")
        page.wait_for_selector("#map[data-loaded]", timeout=15000)
        # the theatre's marker: open its popup as a tap would
        page.evaluate("""() => window.plannerLayer.eachLayer(l => {
            if (l.feature && l.feature.properties.id === 'dj-fanxing-theatre') { l.openPopup(); } })""")
        line = page.locator(".leaflet-popup .popup-event.status-cancelled")
        assert line.count() >= 1
        assert word in line.first.inner_text()
        assert "line-through" in line.first.locator("span").first.evaluate("e => getComputedStyle(e).textDecorationLine")
        assert page.locator(".leaflet-popup .popup-event.status-scheduled .badge").count() == 0
        _shot(page, f"home-popup-cancelled-{lang}-390.png")
    finally:
        context.close()
        server.shutdown()
