"""Where the top-level ``templates/`` and ``data/`` folders are.

In a checkout (and an editable install) they sit beside the package; a wheel
carries copies under ``planner/_bundled/`` (see pyproject.toml).
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # planner/


def _top_level(name: str) -> Path:
    beside = _PACKAGE.parent / name
    if beside.is_dir():
        return beside
    return _PACKAGE / "_bundled" / name


def checkout_dir() -> Path | None:
    """The project folder when the package runs from a checkout (or an editable install), else None."""
    root = _PACKAGE.parent
    return root if (root / "pyproject.toml").is_file() else None


def bundled_data_dir() -> Path:
    """The data shipped with the planner (places, events, shuttle, GTFS)."""
    return _top_level("data")


def templates_dir() -> Path:
    return _top_level("templates")


def static_dir() -> Path:
    return _PACKAGE / "web" / "static"
