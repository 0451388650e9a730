"""The top navigation: the public shuttle timetable for everyone in both languages, the planners' scenario
pages for accounts with the planner role (and admins, who may act in every role), not for visitors nor staff."""
from __future__ import annotations

import re

import pytest

from tests.calendar.conftest import Browser

FAST_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
PASSWORD = "correct horse battery"
PAGES = ("/", "/compare?date=2024-02-12&start=07:00&end=08:00", "/sources", "/shuttle")


@pytest.fixture
def web(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "PASSWORD_HASH_PARAMS": FAST_HASH,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "IMPORT_DIR": str(tmp_path / "imports")})
    accounts = app.extensions["planner"].accounts
    for name, role in (("sally", "staff"), ("pat", "planner"), ("ada", "admin")):
        accounts.create(name, PASSWORD, role)
    yield app
    app.extensions["planner"].close()


def nav_links(get, path: str, lang: str) -> dict[str, tuple[str, str]]:
    """The top navigation's links with an id: id -> (href, text)."""
    response = get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    assert response.status_code == 200, path
    nav = re.search(r"<nav>(.*?)</nav>", response.get_data(as_text=True), re.S).group(1)
    return {i: (href, text.strip()) for href, i, text in re.findall(r'<a href="([^"]+)" id="(nav-[a-z-]+)">([^<]+)</a>', nav)}


def test_everyone_finds_the_shuttle_timetable_in_both_languages(web):
    visitor = web.test_client()
    for path in PAGES:
        assert nav_links(visitor.get, path, "en")["nav-shuttle"] == ("/shuttle", "Shuttle timetable")
        assert nav_links(visitor.get, path, "zh")["nav-shuttle"] == ("/shuttle", "直通车时刻表")
    assert visitor.get("/shuttle?lang=en").status_code == 200


def test_only_planners_and_admins_see_the_scenarios_link(web):
    assert "nav-scenarios" not in nav_links(web.test_client().get, "/", "en")
    sally = Browser(web)
    assert sally.login("sally", PASSWORD).status_code == 302
    assert "nav-scenarios" not in nav_links(sally.get, "/", "en")  # staff read scenarios but do not plan
    for name in ("pat", "ada"):
        browser = Browser(web)
        assert browser.login(name, PASSWORD).status_code == 302
        for path in PAGES:
            assert nav_links(browser.get, path, "en")["nav-scenarios"] == ("/scenarios", "Shuttle scenarios"), (name, path)
        assert nav_links(browser.get, "/", "zh")["nav-scenarios"] == ("/scenarios", "直通车方案")
        assert browser.get("/scenarios?lang=en").status_code == 200
