"""Shared fixtures: the app over the bundled data, its client and CLI runner,
and a copy of the data folder for tests that break files on purpose."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

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
