"""A journey leg's line in the page's language.

The core names a ride by its route's short name ("3", "198") or, without one, its Chinese long name
(the Panda Base's west-gate shuttle) or the shuttle's Chinese name. English pages get the English
name the data gives: the shuttle's ``name_en``, or the feeder's ``name_en`` in ``transit.yaml``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from planner.domain.model import Shuttle
from planner.web.presenters.estimates import _transit_doc

_HAN = re.compile(r"[\u4e00-\u9fff]")


def feeder_names_en(data_dir: Path | None) -> dict[str, str]:
    """Route id -> English name of each feeder in ``transit.yaml``.

    Examples
    --------
    >>> from planner.domain.paths import bundled_data_dir
    >>> feeder_names_en(bundled_data_dir())["shuttle-west-gate"]
    'Shuttle, Junquzongyiyuan station to the Panda Base west gate'
    """
    path = Path(data_dir or "") / "transit.yaml"
    if data_dir is None or not path.is_file():
        return {}
    doc = _transit_doc(str(path), path.stat().st_mtime)
    return {str(f["id"]): str(f["name_en"]) for f in doc.get("feeders") or []
            if isinstance(f, dict) and f.get("id") and f.get("name_en")}


def line_namer(data_dir: Path | None, shuttle: Shuttle | None) -> Callable[[Mapping[str, Any], str], str]:
    """A function naming a leg's line (``leg["line"]``, ``leg["route_id"]``, ``leg["mode"]``) in a language.

    Examples
    --------
    >>> from planner.domain.paths import bundled_data_dir
    >>> name = line_namer(bundled_data_dir(), Shuttle(name_zh="直通车", name_en="Direct Shuttle"))
    >>> name({"mode": "shuttle", "line": "直通车"}, "en"), name({"mode": "shuttle", "line": "直通车"}, "zh")
    ('Direct Shuttle', '直通车')
    >>> name({"mode": "bus", "line": "军区总医院站至熊猫基地西门专用摆渡车", "route_id": "shuttle-west-gate"}, "en")
    'Shuttle, Junquzongyiyuan station to the Panda Base west gate'
    >>> name({"mode": "metro", "line": "3", "route_id": "m-3"}, "en")
    '3'
    """
    feeders = feeder_names_en(data_dir)

    def name(leg: Mapping[str, Any], lang: str) -> str:
        line = str(leg.get("line") or "")
        if lang != "en" or not _HAN.search(line):
            return line
        if leg.get("mode") == "shuttle" and shuttle is not None and shuttle.name_en:
            return shuttle.name_en
        return feeders.get(str(leg.get("route_id", "")), line)

    return name
