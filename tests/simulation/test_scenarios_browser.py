"""In headless Chromium (Debian's): a planner builds a scenario, finds the fleet it needs, simulates a
holiday with a concert ending at 21:30, runs a sweep watching its progress, downloads the GTFS feed
and selects the scenario; a visitor then sees its timetable on /shuttle and journeys use it.

The pages must be readable on a phone: at 390 px nothing is wider than the screen, in English and
in Chinese. Screenshots go to ``$SHOTS_DIR`` when set (else the test's temporary folder).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
FAST_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
PASSWORD = "correct horse battery"
HOLIDAY = "2024-10-01"  # National Day


@pytest.fixture
def planner_app(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "PASSWORD_HASH_PARAMS": FAST_HASH, "JOB_WORKERS": 2,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "IMPORT_DIR": str(tmp_path / "imports")})
    services = app.extensions["planner"]
    services.accounts.create("pat", PASSWORD, "planner")
    services.calendar.create({  # the evening's concert, as event staff would enter it
        "id": "national-day-concert", "title_zh": "国庆音乐会", "title_en": "National Day concert",
        "venue": "dj-east-stage", "start": f"{HOLIDAY}T19:30:00+08:00", "end": f"{HOLIDAY}T21:30:00+08:00",
        "status": "scheduled", "capacity": 2000, "source": "test: a concert ending at 21:30"}, "sally")
    yield app
    services.close()


def shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def no_wider_than_the_screen(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_a_planner_builds_simulates_sweeps_and_exports_a_scenario(browser, planner_app, serve, tmp_path):
    base = serve(planner_app)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/login?next=/scenarios%3Flang%3Den")
    page.fill("#name", "pat")
    page.fill("#password", PASSWORD)
    page.click("#login")
    assert page.url.endswith("/scenarios?lang=en")

    # builds a scenario: a copy of the proposal with late buses on holidays, and too few of them
    page.click("#new-scenario")
    page.fill("#f-id", "concert-night")
    page.fill("#f-name_en", "Concert night")
    page.fill("#f-name_zh", "演出夜场")
    page.fill("#f-fleet_size", "2")
    page.fill("#f-service-holiday-outbound", "07:00-09:40 / 20\n10:00-15:30 / 30\n21:40-22:20 / 20")
    page.click("#save")
    assert page.locator("#scenario-name").inner_text().startswith("Concert night")
    # finds the fleet it needs: the holiday blocks say 2 are too few, and how many it takes
    page.select_option("#day_type", "holiday")
    page.click("#blocks button[type=submit]")
    verdict = page.locator("#fleet-verdict")
    assert "2 buses are too few" in verdict.inner_text()
    least = int(re.search(r"the timetable needs (\d+)", verdict.inner_text()).group(1))
    assert least > 2
    page.click("#edit")
    page.fill("#f-fleet_size", str(least))
    page.click("#save")
    assert "Saved (version 2)" in page.locator(".flash").inner_text()
    page.select_option("#day_type", "holiday")
    page.click("#blocks button[type=submit]")
    assert page.locator("#fleet-verdict").inner_text().startswith(f"{least} buses run every trip")
    assert page.locator(".blocks-chart").is_visible()
    assert page.locator("#blocks-table tbody tr").count() == least
    shot(page, tmp_path, "browser-scenario-1280-en")

    # simulates the holiday: the concert's riders are there
    page.click("#go-simulate")
    page.fill("#date", HOLIDAY)
    page.fill("#replications", "3")
    page.click("#run")
    page.wait_for_selector("#metrics")
    surges = page.locator("#surges").inner_text()
    assert "National Day concert" in surges and "ends 21:30" in surges
    assert page.locator('#metrics tr[data-metric="wait_p95_s"] td.ci').inner_text()
    for chart in (".marey-chart", ".load-chart", ".wait-chart"):
        assert page.locator(chart).is_visible(), chart
    shot(page, tmp_path, "browser-simulate-1280-en")

    # a sweep: progress while it runs, then the cheapest plan meeting the targets
    page.goto(f"{base}/scenarios/concert-night/sweep?lang=en")
    page.fill("#date", HOLIDAY)
    page.fill("#headways", "20, 30")
    page.fill("#fleets", f"{least}, {least + 1}")
    page.fill("#replications", "1")
    page.fill("#wait_p95_min", "60")
    page.fill("#left_behind", "100000")
    page.click("#start-sweep")
    assert page.locator("#sweep-progress").count() == 1  # the workers are still starting
    assert re.fullmatch(r"\d+ of 4 plans simulated", page.locator("#sweep-progress-text").inner_text())
    shot(page, tmp_path, "browser-sweep-progress-1280-en")
    page.wait_for_selector("#best-plan", timeout=240_000)
    assert "Cheapest plan meeting the targets" in page.locator("#best-plan").inner_text()
    assert 1 <= page.locator(".sweep-chart circle.dot").count() <= 4  # plans of equal cost and wait share a dot
    assert page.locator("#sweep-table tbody tr").count() == 4
    assert page.locator("#sweep-table tbody tr.best").count() == 1
    shot(page, tmp_path, "browser-sweep-1280-en")

    # the GTFS feed downloads and reads back with the holiday's late buses
    page.goto(f"{base}/scenarios/concert-night?lang=en")
    with page.expect_download() as download:
        page.click("#gtfs")
    feed_path = tmp_path / "concert-night.zip"
    download.value.save_as(feed_path)
    from planner.sources.gtfs import read_feed

    feed = read_feed(feed_path)
    assert len(feed.trips) > 0 and {"shuttle-dj", "shuttle-panda-south"} <= set(feed.stops)

    # selected, it is the shuttle visitors see, and journeys ride its late bus
    page.click("#select")
    assert page.locator("#selected-badge").count() == 1
    context.close()

    visitor = browser.new_context(viewport={"width": 390, "height": 844})
    view = visitor.new_page()
    view.goto(f"{base}/shuttle?date={HOLIDAY}&lang=zh")
    assert view.locator("#shuttle-name").inner_text() == "演出夜场"
    holiday = view.locator('.timetable.today [data-direction="outbound"] .last')
    assert holiday.inner_text() == "22:20"
    no_wider_than_the_screen(view, 390)
    shot(view, tmp_path, "browser-shuttle-390-zh")
    journeys = view.request.get(f"{base}/api/journeys?from=dj-south-gate&to=panda-south-gate&date={HOLIDAY}"
                                "&depart=21:30&shuttle=1").json()
    modes = [(leg["mode"], leg["departure"][11:16]) for leg in journeys["journeys"][0]["legs"]]
    assert ("shuttle", "21:40") in modes, modes
    visitor.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_shuttle_pages_fit_a_phone(browser, planner_app, serve, tmp_path, lang):
    base = serve(planner_app)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for name, path in (("shuttle", f"/shuttle?date={HOLIDAY}"), ("list", "/scenarios"),
                       ("scenario", "/scenarios/dj-panda-shuttle?day_type=holiday"),
                       ("simulate", f"/scenarios/dj-panda-shuttle/simulate?date={HOLIDAY}&replications=2"),
                       ("compare-two", f"/scenarios?a=dj-panda-shuttle&b=dj-panda-shuttle&date={HOLIDAY}&replications=2")):
        answer = page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert answer is not None and answer.status == 200, (path, answer and answer.status)
        assert page.locator("h1").count() >= 1 and page.locator(".field-error").count() == 0
        no_wider_than_the_screen(page, 390)
        shot(page, tmp_path, f"phone-{name}-390-{lang}")
    context.close()
