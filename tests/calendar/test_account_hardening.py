"""Accounts under attack: logout ends every session of the account (a copied cookie too), the login
lockout is counted atomically, the last admin stays an admin, anti-framing and no-store headers, and
absolute links that never come from the Host header."""
from __future__ import annotations

import threading

import pytest

from planner.store import LastAdmin, LoginFailed, LoginLocked


def _copy_of(browser, browser_for):
    """A second browser holding a copy of ``browser``'s session cookie."""
    copy = browser_for(browser.app)
    copy.client.set_cookie("session", browser.client.get_cookie("session").value)
    return copy


def _cancel(browser, token_from="/staff/week"):
    return browser.post("/staff/events/hello-su-dongpo-2024/cancel", {"version": "1"}, token_from=token_from)


def test_a_copied_session_cookie_no_longer_writes_after_logout(sqlite_app, users_of, browser_for):
    password = users_of(sqlite_app)
    sally = browser_for(sqlite_app)
    assert sally.login("sally", password).status_code == 302
    copy = _copy_of(sally, browser_for)
    token = copy.csrf("/staff/week")  # the copy could write now
    assert sally.post("/logout", token_from="/staff/week").status_code == 302
    assert copy.get("/staff/week").status_code == 401
    answer = copy.client.post("/staff/events/hello-su-dongpo-2024/cancel", data={"version": "1", "csrf_token": token})
    assert answer.status_code in (400, 401)
    assert sqlite_app.extensions["planner"].calendar.get("hello-su-dongpo-2024").event.status == "scheduled"
    assert browser_for(sqlite_app).login("sally", password).status_code == 302  # a new login works


def test_password_change_and_disabling_end_copied_sessions(sqlite_app, users_of, browser_for):
    password = users_of(sqlite_app)
    accounts = sqlite_app.extensions["planner"].accounts
    sally = browser_for(sqlite_app)
    sally.login("sally", password)
    copy = _copy_of(sally, browser_for)
    accounts.set_password("sally", "another long password")
    assert sally.get("/staff/week").status_code == 401 and copy.get("/staff/week").status_code == 401
    pat = browser_for(sqlite_app)
    pat.login("pat", password)
    copy = _copy_of(pat, browser_for)
    accounts.set_active("pat", False)
    assert copy.get("/scenarios/new").status_code == 401


def test_forty_simultaneous_wrong_passwords_check_at_most_five(database):
    accounts = database.users
    accounts.create("sally", "correct horse battery", "staff")
    checked = []
    hasher = accounts.hasher

    class Counting:  # the hasher, counting the passwords it checks
        def __getattr__(self, name):
            return getattr(hasher, name)

        def verify(self, stored, password):
            checked.append(password)
            return hasher.verify(stored, password)

    accounts.hasher = Counting()
    start = threading.Barrier(40)
    outcomes: list[str] = []

    def guess(i):
        start.wait()
        try:
            accounts.authenticate("sally", f"wrong guess {i}", "203.0.113.9")
        except LoginLocked:
            outcomes.append("locked")
        except LoginFailed:
            outcomes.append("failed")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= 5 and outcomes.count("failed") <= 5, (len(checked), outcomes.count("failed"))
    assert outcomes.count("locked") >= 35
    with pytest.raises(LoginLocked):  # the right password too, until the window passes
        accounts.authenticate("sally", "correct horse battery", "203.0.113.9")
    assert accounts.authenticate("sally", "correct horse battery", "198.51.100.1").name == "sally"


def test_the_last_admin_stays_an_admin(sqlite_app, users_of, browser_for):
    password = users_of(sqlite_app)
    ada = browser_for(sqlite_app)
    ada.login("ada", password)
    ada.get("/admin/users?lang=en")
    for change in ({"role": "staff"}, {"active": "0"}):
        answer = ada.post("/admin/users/ada", change, token_from="/admin/users")
        assert answer.status_code == 409, change
        assert "the last active admin" in answer.get_data(as_text=True)
    ada.get("/admin/users?lang=zh")
    answer = ada.post("/admin/users/ada", {"role": "planner"}, token_from="/admin/users")
    assert answer.status_code == 409 and "最后一个有效的管理员" in answer.get_data(as_text=True)
    accounts = sqlite_app.extensions["planner"].accounts
    assert accounts.get("ada").role == "admin" and accounts.get("ada").active
    accounts.create("alan", password, "admin")
    assert ada.post("/admin/users/alan", {"role": "staff"}, token_from="/admin/users").status_code == 302
    with pytest.raises(LastAdmin):
        accounts.set_active("ada", False)
    accounts.set_role("sally", "staff")  # other accounts change as before


def test_two_admins_demoting_each_other_at_once_leave_one_admin(database):
    accounts = database.users
    for round_ in range(5):
        first, second = f"ada{round_}", f"alan{round_}"
        accounts.create(first, "correct horse battery", "admin")
        accounts.create(second, "correct horse battery", "admin")
        for user in accounts.all():  # only these two are admins this round
            if user.role == "admin" and user.name not in (first, second):
                accounts.set_role(user.name, "staff")
        start = threading.Barrier(2)
        refused = []

        def demote(name):
            start.wait()
            try:
                accounts.set_role(name, "planner")
            except LastAdmin:
                refused.append(name)

        threads = [threading.Thread(target=demote, args=(name,)) for name in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        admins = [user.name for user in accounts.all() if user.role == "admin" and user.active]
        assert len(admins) == 1 and len(refused) == 1, (admins, refused)


def test_every_page_refuses_framing_and_account_pages_are_not_stored(sqlite_app, users_of, browser_for):
    password = users_of(sqlite_app)
    ada = browser_for(sqlite_app)
    for path in ("/", "/login", "/api/places"):
        answer = ada.get(path)
        assert answer.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"], path
    ada.login("ada", password)
    for path in ("/staff/week", "/admin/users", "/scenarios", "/login"):
        answer = ada.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "no-store", path
        assert answer.headers["X-Frame-Options"] == "DENY", path
    assert "no-store" not in ada.get("/").headers.get("Cache-Control", "")


def test_absolute_links_come_from_the_configured_base(make_app, tmp_path):
    app = make_app(BASE_URL="https://planner.example.org")
    client = app.test_client()
    home = client.get("/?lang=en", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "webcal://planner.example.org/" in home and "evil.example" not in home
    feed = client.get("/calendar.ics", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "https://planner.example.org/events/" in feed and "evil.example" not in feed


def test_without_a_base_the_host_header_is_trusted_only_on_loopback(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'production.db'}", TESTING=False)
    client = app.test_client()
    home = client.get("/?lang=en", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in home and "webcal://" in home
    local = client.get("/?lang=en", headers={"Host": "127.0.0.1:5000"}).get_data(as_text=True)
    assert "webcal://127.0.0.1:5000/" in local


def test_a_base_url_must_be_an_origin(make_app):
    with pytest.raises(ValueError):
        make_app(BASE_URL="javascript:alert(1)")
