"""Shared fixtures: the app over the bundled data, its client and CLI runner,
and a copy of the data folder for tests that break files on purpose.

Servers for the tests that need them:

- ``db_url`` runs a test once per database: SQLite, and PostgreSQL from ``TEST_DATABASE_URL``
  (scripts/test.sh starts Debian's server and sets it) or a throwaway server started here from
  the PostgreSQL binaries. Each PostgreSQL test gets its own schema.
- ``redis_url``: a Redis emptied for the test, from ``TEST_REDIS_URL`` or Debian's ``redis-server``
  started here on a free port in a temporary folder, without persistence.

In CI (``CI`` set) a missing or unreachable server fails those tests; elsewhere, without one, they
are deselected and the run says so at its end.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from planner.sources.datafiles import load_model
from planner.routing.network import build_graph
from planner.domain.paths import bundled_data_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def model():
    return load_model(bundled_data_dir())


@pytest.fixture(scope="session")
def graph(model):
    return build_graph(model)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A writable copy of the bundled data."""
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from planner.web import create_app

    folder = tmp_path_factory.mktemp("app")  # its own database and uploads, never the instance folder's
    return create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{folder / 'planner.db'}",
                       "IMPORT_DIR": str(folder / "imports")})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over HTTP on a free local port, for the browser tests."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium through Playwright; missing, it fails (never skips)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} not found: install Debian's chromium (see .ci/run)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def root_logging():
    """Whatever a test (or the CLI it runs) configures on the root logger is undone after it."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


DATABASES = ("sqlite", "postgresql")
_deselected_postgres: list[str] = []
_deselected_redis: list[str] = []


def _initdb() -> str | None:
    found = shutil.which("initdb") or sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return found if isinstance(found, str) else (found[-1] if found else None)


def _postgres_possible() -> bool:
    return bool(os.environ.get("TEST_DATABASE_URL")) or _initdb() is not None


def _redis_server() -> str | None:
    return shutil.which("redis-server") or next(iter(glob.glob("/usr/bin/redis-server")), None)


def _redis_possible() -> bool:
    return bool(os.environ.get("TEST_REDIS_URL")) or _redis_server() is not None


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CI"):
        return
    postgres, redis = _postgres_possible(), _redis_possible()
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        lacks_postgres = not postgres and params.get("db_url") == "postgresql"
        lacks_redis = not redis and "redis_url" in getattr(item, "fixturenames", ())
        (drop if lacks_postgres or lacks_redis else keep).append(item)
        if lacks_redis:
            _deselected_redis.append(item.nodeid)
        elif lacks_postgres:
            _deselected_postgres.append(item.nodeid)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter):
    if _deselected_postgres:
        terminalreporter.write_line(
            f"{len(_deselected_postgres)} PostgreSQL test(s) DESELECTED: no TEST_DATABASE_URL and no PostgreSQL "
            "installed (run `bash scripts/test.sh` as root, or set TEST_DATABASE_URL). In CI they fail instead.",
            yellow=True, bold=True)
    if _deselected_redis:
        terminalreporter.write_line(
            f"{len(_deselected_redis)} Redis test(s) DESELECTED: no TEST_REDIS_URL and no redis-server installed "
            "(run `bash scripts/test.sh` as root, or `apt-get install redis-server`). In CI they fail instead.",
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_server():
    """The URL of a reachable Redis: TEST_REDIS_URL, else Debian's redis-server started for this run
    (a free port on 127.0.0.1, a temporary folder, no snapshots nor append-only file)."""
    import redis

    url = os.environ.get("TEST_REDIS_URL")
    process, folder = None, None
    if not url:
        binary = _redis_server()
        if binary is None:
            pytest.fail("Redis tests need redis-server: set TEST_REDIS_URL or install Debian's redis-server "
                        "(CI: scripts/test.sh installs it)")
        folder = Path(tempfile.mkdtemp(prefix="planner-redis-"))
        port = _free_port()
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--logfile", str(folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):  # up within 10 s, else fail loudly
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    else:
        pytest.fail(f"Redis at {url} does not answer")
    client.close()
    yield url
    if process is not None:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server):
    """A Redis emptied for this test."""
    import redis

    client = redis.Redis.from_url(redis_server)
    client.flushdb()
    client.close()
    return redis_server


@pytest.fixture
def serve():
    """serve(app) -> base URL of the app on a free local port, stopped after the test."""
    import threading

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
