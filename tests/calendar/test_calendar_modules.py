"""The calendar's modules: their examples run, and a wheel carries migrations, templates and styles."""
from __future__ import annotations

import doctest
import importlib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["planner.store", "planner.store.db", "planner.store.records",
                                  "planner.web.presenters.event_forms"])
def test_examples_in_docstrings(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


def test_wheel_carries_migrations_templates_and_styles(tmp_path):
    from hatchling.builders.wheel import WheelBuilder

    wheel = Path(next(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    names = set(zipfile.ZipFile(wheel).namelist())
    for migration in (ROOT / "planner" / "store" / "migrations").rglob("*"):
        if migration.is_file() and "__pycache__" not in migration.parts:
            assert f"planner/{migration.relative_to(ROOT / 'planner').as_posix()}" in names
    for template in (ROOT / "templates").rglob("*.html"):
        assert f"planner/_bundled/templates/{template.relative_to(ROOT / 'templates').as_posix()}" in names
    assert "planner/web/static/css/calendar.css" in names
