"""Coordinates: WGS84 inside, GCJ-02 at the edges, geodesic distances.

Chinese map apps (AMap, Tencent) publish GCJ-02, a legally required offset of
WGS84. We store WGS84 and convert GCJ-02 inputs on import; the reverse is used
only to build links into those apps. The forward transform is the public one;
its inverse has no closed form, so it is solved by fixed-point iteration.
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from itertools import combinations
from typing import TypeVar

from geopy.distance import geodesic

_A = 6378245.0  # semi-major axis of Krasovsky 1940, the ellipsoid GCJ-02 uses
_EE = 0.00669342162296594323  # its first eccentricity squared

_M_PER_DEG_LAT = 111_320.0

#: A radius below this (metres) finds no pairs: nothing a walk could use, and a grid of cells that
#: small underflows (a zero cell size divides by zero, a subnormal one overflows the cell numbers).
MIN_RADIUS_M = 1e-3

_Key = TypeVar("_Key")  # what identifies a node: a stop id, an index

#: Bounding box of Chengdu's municipal area (WGS84), used to catch misplaced points.
CHENGDU_BBOX = {"lat_min": 30.08, "lat_max": 31.45, "lon_min": 102.98, "lon_max": 104.90}


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """Offset a WGS84 point into GCJ-02, for links into Chinese map apps.

    Examples
    --------
    >>> lat, lon = wgs84_to_gcj02(30.67097, 104.12652)
    >>> round(lat, 4), round(lon, 4)
    (30.6686, 104.1291)
    """
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float, tolerance_deg: float = 1e-9) -> tuple[float, float]:
    """Undo the GCJ-02 offset, iterating until the forward transform matches.

    Examples
    --------
    >>> lat, lon = gcj02_to_wgs84(30.668562, 104.129048)  # 东郊记忆 station in AMap
    >>> round(lat, 4), round(lon, 4)
    (30.671, 104.1265)
    """
    wgs_lat, wgs_lon = lat, lon
    for _ in range(30):
        fwd_lat, fwd_lon = wgs84_to_gcj02(wgs_lat, wgs_lon)
        err_lat, err_lon = fwd_lat - lat, fwd_lon - lon
        if abs(err_lat) < tolerance_deg and abs(err_lon) < tolerance_deg:
            break
        wgs_lat -= err_lat
        wgs_lon -= err_lon
    return wgs_lat, wgs_lon


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in metres between two (lat, lon) WGS84 points.

    Examples
    --------
    >>> round(distance_m((30.67097, 104.12652), (30.735095, 104.143645)))
    7296
    """
    metres: float = geodesic(a, b).meters
    return metres


def in_chengdu(lat: float, lon: float) -> bool:
    """Whether a WGS84 point lies inside Chengdu's bounding box."""
    box = CHENGDU_BBOX
    return box["lat_min"] <= lat <= box["lat_max"] and box["lon_min"] <= lon <= box["lon_max"]


def near_pairs(
    nodes: Sequence[tuple[_Key, float, float]], radius_m: float,
) -> Iterator[tuple[tuple[_Key, float, float], tuple[_Key, float, float]]]:
    """Pairs of nodes that may lie within ``radius_m``, found through a grid.

    Comparing every pair with a geodesic would cost seconds at start-up; the
    grid narrows the candidates to neighbouring cells first. A radius under
    :data:`MIN_RADIUS_M` (or not a number) finds none.

    Examples
    --------
    >>> nodes = [("a", 30.67, 104.12), ("b", 30.6705, 104.12), ("c", 30.70, 104.12)]
    >>> [(x[0], y[0]) for x, y in near_pairs(nodes, 100)]
    [('a', 'b')]
    >>> list(near_pairs(nodes, 1e-320))
    []
    """
    if not radius_m >= MIN_RADIUS_M:  # NaN too
        return
    cell_lat = radius_m / _M_PER_DEG_LAT
    cell_lon = cell_lat / math.cos(math.radians(max(abs(n[1]) for n in nodes) if nodes else 0))
    grid: dict[tuple[int, int], list[tuple[_Key, float, float]]] = {}
    for node in nodes:
        grid.setdefault((int(node[1] // cell_lat), int(node[2] // cell_lon)), []).append(node)
    for (i, j), members in grid.items():
        yield from combinations(members, 2)
        for di, dj in ((0, 1), (1, -1), (1, 0), (1, 1)):
            for other in grid.get((i + di, j + dj), ()):
                for node in members:
                    yield node, other
