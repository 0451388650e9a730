"""The layers hold: import-linter's contracts (pyproject.toml) pass, imports inside functions included."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "BROKEN" not in out.stdout and "KEPT" in out.stdout


def test_every_layer_is_a_folder_of_planner():
    layers = {"domain", "sources", "routing", "simulation", "itinerary", "store", "composition", "messages", "web",
              "cli"}
    folders = {p.name for p in (ROOT / "planner").iterdir() if (p / "__init__.py").is_file()}
    assert layers <= folders
    loose = sorted(p.name for p in (ROOT / "planner").glob("*.py") if p.name not in ("__init__.py", "main.py"))
    assert loose == [], f"modules outside the layers: {loose}"
