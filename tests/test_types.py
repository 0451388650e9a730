"""Types: mypy over the package as ``[tool.mypy]`` in pyproject.toml configures it.

Strict on ``planner.domain``, ``planner.routing`` and ``planner.itinerary``; default settings plus
``check_untyped_defs`` (and a few more) everywhere else. mypy keeps its cache in ``.mypy_cache/``, so
runs after the first take a second or two.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STRICT_LAYERS = ("planner.domain", "planner.routing", "planner.itinerary")


def test_mypy_finds_no_error():
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"mypy failed (exit {run.returncode}):\n{run.stdout}{run.stderr}"


def test_the_strict_layers_get_every_flag_of_strict_and_the_others_none(monkeypatch: pytest.MonkeyPatch):
    # The config spells --strict out flag by flag (a `strict = true` inside an override turns strict on
    # for every module: python/mypy#11401); this keeps the list equal to what this mypy's --strict means.
    from mypy.main import process_options
    from mypy.options import PER_MODULE_OPTIONS

    _, default = process_options(["--config-file", "", "-c", "pass"])
    _, strict = process_options(["--config-file", "", "--strict", "-c", "pass"])
    flags = sorted(f for f in PER_MODULE_OPTIONS if getattr(default, f, None) != getattr(strict, f, None))
    assert "disallow_untyped_defs" in flags

    monkeypatch.chdir(ROOT)
    _, ours = process_options(["--config-file", str(ROOT / "pyproject.toml")])
    for module in [*STRICT_LAYERS, *(f"{layer}.any_module" for layer in STRICT_LAYERS)]:
        options = ours.clone_for_module(module)
        assert {f: getattr(options, f) for f in flags} == {f: getattr(strict, f) for f in flags}, module
    for module in ("planner.sources.gtfs", "planner.store.events", "planner.web"):
        assert not ours.clone_for_module(module).disallow_untyped_defs, module
