"""Fixtures of the calendar tests: a fresh database per test, on SQLite and on PostgreSQL.

``db_url`` (tests/conftest.py, shared with the scenario store's tests) runs a test once per
database: SQLite, and PostgreSQL from ``TEST_DATABASE_URL`` or a throwaway server.
"""
from __future__ import annotations

import re
import threading

import pytest

FAST_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture(autouse=True)
def _no_instance_secret(monkeypatch):
    """Apps made outside TESTING (the CLI's) keep their session key in the instance folder unless
    PLANNER_SECRET_KEY is set: set it, so tests leave the checkout's instance folder alone."""
    monkeypatch.setenv("PLANNER_SECRET_KEY", "test-" + "k" * 59)


@pytest.fixture
def database(db_url, model):
    from argon2 import PasswordHasher

    from planner.store import open_database

    db = open_database(db_url, model.places, hasher=PasswordHasher(**FAST_HASH))
    yield db
    db.close()


@pytest.fixture
def store(database, model):
    """The event calendar over a fresh database, seeded from data/events.yaml."""
    database.events.seed_from(model.events.values())
    return database.events


@pytest.fixture
def accounts(database):
    return database.users


@pytest.fixture
def make_app(tmp_path):
    """Apps over a database URL (default: a fresh SQLite file), closed after the test."""
    from planner.web import create_app

    made = []

    def make(url: str | None = None, **config):
        settings = {"TESTING": True, "TILE_URL": "", "PASSWORD_HASH_PARAMS": FAST_HASH,
                    "DATABASE_URL": url or f"sqlite:///{tmp_path / 'app.db'}",
                    "IMPORT_DIR": str(tmp_path / "imports"), **config}
        app = create_app(settings)
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["planner"].close()


@pytest.fixture
def cal_app(make_app, db_url):
    """An app over a fresh database (each test runs on SQLite and on PostgreSQL)."""
    return make_app(db_url)


@pytest.fixture
def sqlite_app(make_app):
    return make_app()


class Browser:
    """A test client that logs in and posts forms with their CSRF token, as a browser would."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()

    def csrf(self, path: str = "/login") -> str:
        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, name: str, password: str):
        return self.client.post("/login", data={"name": name, "password": password, "csrf_token": self.csrf()})

    def post(self, path: str, data: dict | None = None, token_from: str = "/login", **kwargs):
        return self.client.post(path, data={**(data or {}), "csrf_token": self.csrf(token_from)}, **kwargs)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)


@pytest.fixture
def users_of():
    """Accounts for an app: users_of(app) creates staff 'sally', planner 'pat', admin 'ada'."""
    password = "correct horse battery"

    def create(app):
        accounts = app.extensions["planner"].accounts
        for name, role in (("sally", "staff"), ("pat", "planner"), ("ada", "admin")):
            accounts.create(name, password, role)
        return password

    return create


@pytest.fixture
def staff(sqlite_app, users_of):
    """A browser logged in as staff on a fresh SQLite app."""
    browser = Browser(sqlite_app)
    response = browser.login("sally", users_of(sqlite_app))
    assert response.status_code == 302
    return browser


@pytest.fixture
def browser_for():
    return Browser


