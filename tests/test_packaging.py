"""A plain `pip install .` ships the top-level templates/ and data/ inside the wheel."""
from __future__ import annotations

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_templates_data_and_static(tmp_path):
    from hatchling.builders.wheel import WheelBuilder

    wheel = Path(next(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (ROOT / "templates").glob("*.html"):
        assert f"planner/_bundled/templates/{template.name}" in names
    for data_file in ("places.yaml", "events.yaml", "shuttle.yaml", "network.yaml", "transit.yaml",
                      "gtfs/stops.txt", "gtfs/stop_times.txt", "metro/LICENSE"):
        assert f"planner/_bundled/data/{data_file}" in names
    assert "planner/web/static/vendor/leaflet/leaflet.js" in names
    assert "planner/web/static/js/map.js" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "planner = planner.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_layout_falls_back_to_bundled(tmp_path, monkeypatch):
    from planner.domain import paths

    package = tmp_path / "site-packages" / "planner"
    (package / "_bundled" / "data").mkdir(parents=True)
    monkeypatch.setattr(paths, "_PACKAGE", package)
    assert paths.bundled_data_dir() == package / "_bundled" / "data"
