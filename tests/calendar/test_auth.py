"""Accounts on the web: every write needs its role (walking the URL map), CSRF on every form,
cookie flags, login throttling, logout, and accounts made with `planner create-user`."""
from __future__ import annotations

import pytest

from planner.main import main

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC_WRITES = {"auth.login": "the login form itself: it is how one gets a role",
                 "itineraries.api_itineraries": "computes a day plan from the JSON it is sent; stores nothing",
                 "scenarios.api_simulate": "simulates a day of a stored scenario from the JSON it is sent; stores nothing"}
# who, for each required role, has another role (403) and who has it (admitted)
WRONG = {"staff": "pat", "admin": "sally", "planner": "sally"}
RIGHT = {"staff": "sally", "admin": "ada", "planner": "pat", "any": "pat"}
SAMPLE_ARGS = {"event_id": "hello-su-dongpo-2024", "name": "sally", "token": "t" * 32,
               "venue_id": "dj-lang-art-museum", "place_id": "dj-lang-art-museum", "scenario_id": "dj-panda-shuttle"}


def _write_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.methods & WRITES and rule.endpoint not in PUBLIC_WRITES]


def _url(app, rule) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: SAMPLE_ARGS[arg] for arg in rule.arguments})


def test_every_write_answers_401_to_anonymous_and_403_to_the_wrong_role(sqlite_app, users_of, browser_for):
    app = sqlite_app
    password = users_of(app)
    rules = _write_rules(app)
    assert {r.endpoint for r in rules} >= {"staff.edit_event", "staff.new_event", "staff.cancel_event",
                                            "staff.duplicate_event", "staff.restore_event", "staff.import_ics",
                                            "staff.apply_ics", "admin.create_user", "admin.update_user",
                                            "auth.logout"}
    checked = 0
    for rule in rules:
        role = getattr(app.view_functions[rule.endpoint], "required_role", None)
        assert role, f"{rule.rule} ({rule.endpoint}) writes without a role check"
        url = _url(app, rule)
        for method in sorted(rule.methods & WRITES):
            anonymous = browser_for(app)
            answer = anonymous.client.open(url, method=method, data={"csrf_token": anonymous.csrf()})
            assert answer.status_code == 401, (method, url, answer.status_code)
            if role in WRONG:
                wrong = browser_for(app)
                wrong.login(WRONG[role], password)
                answer = wrong.client.open(url, method=method, data={"csrf_token": wrong.csrf()})
                assert answer.status_code == 403, (method, url, WRONG[role], answer.status_code)
            right = browser_for(app)
            right.login(RIGHT[role], password)
            answer = right.client.open(url, method=method, data={"csrf_token": right.csrf()})
            assert answer.status_code not in (401, 403), (method, url, RIGHT[role], answer.status_code)
            checked += 1
    assert checked >= 10
    # nothing was written by the refused requests (the admitted ones lacked their form fields)
    assert app.extensions["planner"].calendar.get("hello-su-dongpo-2024").version == 1


def test_posts_open_to_anonymous_requests_store_nothing(sqlite_app, users_of, browser_for):
    app = sqlite_app
    password = users_of(app)
    planner = app.extensions["planner"]
    before = (planner.calendar.revision(), planner.accounts.all())
    public = [rule for rule in app.url_map.iter_rules() if rule.endpoint in PUBLIC_WRITES and rule.methods & WRITES]
    assert {rule.endpoint for rule in public} == set(PUBLIC_WRITES)
    for rule in public:
        anonymous = browser_for(app)
        for body in ({"json": {}}, {"data": {"name": "sally", "password": password, "csrf_token": anonymous.csrf()}}):
            answer = anonymous.client.post(_url(app, rule), **body)
            assert answer.status_code < 500, (rule.rule, answer.status_code)
    assert (planner.calendar.revision(), planner.accounts.all()) == before


@pytest.mark.parametrize("path", ["/staff/", "/staff/week", "/staff/month", "/staff/events/new",
                                  "/staff/events/hello-su-dongpo-2024", "/staff/events/hello-su-dongpo-2024/edit",
                                  "/staff/import", "/staff/export.ics", "/admin/users"])
def test_staff_pages_need_a_login(sqlite_app, browser_for, path):
    answer = browser_for(sqlite_app).get(path)
    assert answer.status_code == 401
    page = answer.get_data(as_text=True)
    assert 'name="password"' in page and 'name="csrf_token"' in page


def test_the_wrong_role_may_not_read_staff_pages(sqlite_app, users_of, browser_for):
    password = users_of(sqlite_app)
    planner = browser_for(sqlite_app)
    planner.login("pat", password)
    assert planner.get("/staff/week").status_code == 403
    staff = browser_for(sqlite_app)
    staff.login("sally", password)
    assert staff.get("/staff/week").status_code == 200 and staff.get("/admin/users").status_code == 403


def test_forms_without_a_csrf_token_are_refused(staff):
    answer = staff.client.post("/staff/events/hello-su-dongpo-2024/cancel", data={"version": "1"})
    assert answer.status_code == 400 and "CSRF" in answer.get_data(as_text=True)
    assert staff.app.extensions["planner"].calendar.get("hello-su-dongpo-2024").event.status == "scheduled"
    answer = staff.client.post("/staff/events/hello-su-dongpo-2024/cancel",
                               data={"version": "1", "csrf_token": "forged"})
    assert answer.status_code == 400
    assert staff.post("/staff/events/hello-su-dongpo-2024/cancel", {"version": "1"}).status_code == 302


def test_session_cookie_flags(sqlite_app, users_of, browser_for, make_app, tmp_path):
    password = users_of(sqlite_app)
    cookie = browser_for(sqlite_app).login("sally", password).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # tests run on http
    production = make_app(f"sqlite:///{tmp_path / 'production.db'}", TESTING=False)
    users_of(production)
    cookie = browser_for(production).login("sally", password).headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_redirects_only_within_the_site(sqlite_app, users_of, browser_for):
    password = users_of(sqlite_app)
    for target, expected in (("/staff/month", "/staff/month"), ("//evil.example/x", "/staff/week"),
                             ("https://evil.example/", "/staff/week"), ("/\\evil.example", "/staff/week")):
        browser = browser_for(sqlite_app)
        answer = browser.client.post("/login", data={"name": "sally", "password": password, "next": target,
                                                     "csrf_token": browser.csrf()})
        assert answer.status_code == 302 and answer.headers["Location"] == expected, target


def test_failed_logins_are_locked_out(sqlite_app, users_of, browser_for):
    password = users_of(sqlite_app)
    browser = browser_for(sqlite_app)
    browser.get("/login?lang=en")
    for _ in range(5):
        answer = browser.login("sally", "not the password")
        assert answer.status_code == 401 and "Wrong name or password" in answer.get_data(as_text=True)
    locked = browser.login("sally", password)
    assert locked.status_code == 429 and 0 < int(locked.headers["Retry-After"]) <= 300
    assert browser.get("/staff/week").status_code == 401


def test_logout_and_new_passwords_end_sessions(sqlite_app, users_of, browser_for):
    password = users_of(sqlite_app)
    first, second, admin = browser_for(sqlite_app), browser_for(sqlite_app), browser_for(sqlite_app)
    for browser, name in ((first, "sally"), (second, "sally"), (admin, "ada")):
        browser.login(name, password)
    assert first.post("/logout", token_from="/staff/week").status_code == 302
    # logging out ends every session of the account (issue 14): the other browser logs in again
    assert first.get("/staff/week").status_code == 401 and second.get("/staff/week").status_code == 401
    second.login("sally", password)
    assert second.get("/staff/week").status_code == 200
    answer = admin.post("/admin/users/sally", {"password": "a brand new password"}, token_from="/admin/users")
    assert answer.status_code == 302
    assert second.get("/staff/week").status_code == 401
    assert browser_for(sqlite_app).login("sally", "a brand new password").status_code == 302


def test_admin_creates_and_disables_accounts(sqlite_app, users_of, browser_for):
    password = users_of(sqlite_app)
    admin = browser_for(sqlite_app)
    admin.login("ada", password)
    short = admin.post("/admin/users", {"name": "newbie", "password": "short", "role": "staff"},
                       token_from="/admin/users")
    assert short.status_code == 422 and "至少 10 个字符" in short.get_data(as_text=True)  # the page is in Chinese
    made = admin.post("/admin/users", {"name": "newbie", "password": "long enough password", "role": "staff"},
                      token_from="/admin/users")
    assert made.status_code == 302
    newbie = browser_for(sqlite_app)
    assert newbie.login("newbie", "long enough password").status_code == 302
    assert newbie.get("/staff/week").status_code == 200
    admin.post("/admin/users/newbie", {"active": "0"}, token_from="/admin/users")
    assert newbie.get("/staff/week").status_code == 401
    assert browser_for(sqlite_app).login("newbie", "long enough password").status_code == 401


def test_create_user_command_prompts_for_the_password(runner, tmp_path, make_app, browser_for):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(main, ["create-user", "sally", "--role", "staff", "--database-url", url],
                           input="correct horse battery\ncorrect horse battery\n")
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "correct horse battery" not in result.output
    weak = runner.invoke(main, ["create-user", "bob", "--database-url", url], input="short\nshort\n")
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output
    again = runner.invoke(main, ["create-user", "sally", "--database-url", url],
                          input="correct horse battery\ncorrect horse battery\n")
    assert again.exit_code == 1 and "exists already" in again.output
    browser = browser_for(make_app(url))
    assert browser.login("sally", "correct horse battery").status_code == 302
    assert browser.get("/staff/week").status_code == 200
