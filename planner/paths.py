"""Where the top-level ``templates/`` and ``data/`` folders are.

In a checkout (and an editable install) they sit beside the package; a wheel
carries copies under ``planner/_bundled/`` (see pyproject.toml).
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _top_level(name: str) -> Path:
    beside = _PACKAGE.parent / name
    if beside.is_dir():
        return beside
    return _PACKAGE / "_bundled" / name


def bundled_data_dir() -> Path:
    """The data shipped with the planner (places, events, shuttle, GTFS)."""
    return _top_level("data")


def templates_dir() -> Path:
    return _top_level("templates")


def static_dir() -> Path:
    return _PACKAGE / "static"
