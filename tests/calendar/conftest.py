"""Fixtures of the calendar tests: a fresh database per test, on SQLite and on PostgreSQL.

``db_url`` runs a test once per database. PostgreSQL comes from
``TEST_DATABASE_URL`` (scripts/test.sh starts Debian's server and sets it);
without it a throwaway server is started here from the PostgreSQL binaries
when they are installed. In CI (``CI`` set) a missing or unreachable server
fails the PostgreSQL tests; elsewhere, without any server, they are deselected
and the run says so at its end. Each PostgreSQL test gets its own schema.
"""
from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

FAST_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
DATABASES = ("sqlite", "postgresql")
_deselected_postgres: list[str] = []


def _initdb() -> str | None:
    found = shutil.which("initdb") or sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return found if isinstance(found, str) else (found[-1] if found else None)


def _postgres_possible() -> bool:
    return bool(os.environ.get("TEST_DATABASE_URL")) or _initdb() is not None


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CI") or _postgres_possible():
        return
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        (drop if params.get("db_url") == "postgresql" else keep).append(item)
    if drop:
        _deselected_postgres.extend(item.nodeid for item in drop)
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter):
    if _deselected_postgres:
        terminalreporter.write_line(
            f"{len(_deselected_postgres)} PostgreSQL test(s) DESELECTED: no TEST_DATABASE_URL and no PostgreSQL "
            "installed (run `bash scripts/test.sh` as root, or set TEST_DATABASE_URL). In CI they fail instead.",
            yellow=True, bold=True)


class _ThrowawayPostgres:
    """A PostgreSQL server in a temporary folder, on a Unix socket only, for this test run."""

    def __init__(self, initdb: str):
        self.bindir = Path(initdb).parent
        self.folder = Path(tempfile.mkdtemp(prefix="planner-pg-"))
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self._run("pg_ctl", "-D", str(data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-k {self.folder} -c listen_addresses='' -p 5439 -c fsync=off -c full_page_writes=off", "start")
        return f"postgresql+psycopg://postgres@/postgres?host={self.folder}&port=5439"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_instance_secret(monkeypatch):
    """Apps made outside TESTING (the CLI's) keep their session key in the instance folder unless
    PLANNER_SECRET_KEY is set: set it, so tests leave the checkout's instance folder alone."""
    monkeypatch.setenv("PLANNER_SECRET_KEY", "test-" + "k" * 59)


@pytest.fixture(scope="session")
def postgres_url():
    """The URL of a reachable PostgreSQL server: TEST_DATABASE_URL, else a throwaway one."""
    url = os.environ.get("TEST_DATABASE_URL")
    server = None
    if not url:
        initdb = _initdb()
        if initdb is None:
            pytest.fail("PostgreSQL tests need a server: set TEST_DATABASE_URL (CI: .ci/run installs and starts one)")
        server = _ThrowawayPostgres(initdb)
        url = server.start()
    from planner.store.db import normalize_url

    url = normalize_url(url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:  # unreachable: fail here, loudly
        conn.execute(sa.text("select 1"))
    engine.dispose()
    yield url
    if server is not None:
        server.stop()


@pytest.fixture(params=DATABASES)
def db_url(request, tmp_path):
    """A fresh, empty database: SQLite in a temporary folder, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'planner.db'}"
        return
    base = request.getfixturevalue("postgres_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(sa.text("SET LOCAL lock_timeout = '20s'"))  # a connection left open fails the test, not hangs
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


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


@pytest.fixture
def serve():
    """serve(app) -> base URL of the app on a free local port, stopped after the test."""
    from werkzeug.serving import make_server

    servers = []

    def start(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
