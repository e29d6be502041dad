"""Small geometry helpers: feeder paths and distances, no GIS library needed."""

from __future__ import annotations

import json
import math


def parse_path(text: str) -> list[tuple[float, float]]:
    """(lon, lat) points of a GeoJSON LineString or a `lon lat;lon lat;...` string."""
    text = text.strip()
    if text.startswith("{"):
        geom = json.loads(text)
        if geom.get("type") != "LineString":
            raise ValueError("只支持 LineString")
        points = [(float(x), float(y)) for x, y, *_ in geom["coordinates"]]
    else:
        points = []
        for part in filter(None, (p.strip() for p in text.split(";"))):
            lon, lat = part.split()
            points.append((float(lon), float(lat)))
    for lon, lat in points:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError("坐标超出经纬度范围")
    return points


def format_path(points: list[tuple[float, float]]) -> str:
    """The `lon lat;lon lat` form of a path."""
    return ";".join(f"{lon:.5f} {lat:.5f}" for lon, lat in points)


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))
