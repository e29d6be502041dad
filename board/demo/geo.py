"""The fictional company's units and map: 云澜市, six 县公司, thirty 供电所, substations and feeders."""

from __future__ import annotations

import numpy as np
import pandas as pd

from board.domain.geo import format_path

ROOT = ("YL", "云澜市供电公司")
# six 县公司 of five 供电所 each: enough rows for a ranking or a heatmap to say something (names are fictional)
COUNTIES = [
    ("YL-QX", "青溪县供电公司"), ("YL-DL", "东岚县供电公司"), ("YL-CQ", "云澜城区供电公司"),
    ("YL-NY", "南屿县供电公司"), ("YL-BA", "北岙县供电公司"), ("YL-ZW", "柘湾县供电公司"),
]  # fmt: skip
STATIONS = {
    "YL-QX": ["城关", "溪口", "白沙", "桐林", "梅岭"],
    "YL-DL": ["东城", "岚山", "海湾", "石门", "新港"],
    "YL-CQ": ["澜江", "鹭洲", "望湖", "锦屏", "云台"],
    "YL-NY": ["屿城", "南塘", "渔港", "沙埠", "横岙"],
    "YL-BA": ["岙口", "北山", "龙泉", "竹溪", "双峰"],
    "YL-ZW": ["柘城", "湾头", "青石", "茶亭", "松岭"],
}
# the counties tile this box in a 3 × 2 grid; each 供电所 is a horizontal band of its county
LON0, LON1, LAT0, LAT1 = 121.00, 121.90, 29.20, 29.80
_COLS, _ROWS = 3, 2
SUB_NAMES = [
    "城关", "溪口", "白沙", "桐林", "梅岭", "东城", "岚山", "海湾", "石门", "新港", "凤凰", "金沙", "云湖",
    "澜江", "鹭洲", "望湖", "锦屏", "屿城", "南塘", "渔港", "岙口", "北山", "龙泉", "柘城", "湾头", "青石",
]  # fmt: skip


def _county_box(k: int) -> tuple[float, float, float, float]:
    w, h = (LON1 - LON0) / _COLS, (LAT1 - LAT0) / _ROWS
    x0, y0 = LON0 + (k % _COLS) * w, LAT0 + (k // _COLS) * h
    return x0, x0 + w, y0, y0 + h


def demo_units() -> pd.DataFrame:
    """The unit tree as an interchange `units` frame."""
    rows = [(ROOT[0], ROOT[1], "")]
    for code, name in COUNTIES:
        rows.append((code, name, ROOT[0]))
        for i, st in enumerate(STATIONS[code], start=1):
            rows.append((f"{code}-{i:02d}", f"{st}供电所", code))
    return pd.DataFrame(rows, columns=["unit_code", "unit_name", "parent_code"])


def station_boxes() -> dict[str, tuple[float, float, float, float]]:
    """(lon0, lon1, lat0, lat1) of each 供电所's band (for placing demo cases)."""
    boxes = {}
    for k, (code, _name) in enumerate(COUNTIES):
        x0, x1, c0, c1 = _county_box(k)
        n = len(STATIONS[code])
        for i in range(n):
            y0 = c0 + (c1 - c0) * i / n
            boxes[f"{code}-{i + 1:02d}"] = (x0, x1, y0, y0 + (c1 - c0) / n)
    return boxes


def service_areas(rng: np.random.Generator) -> dict:
    """Service-area polygons of the 供电所 as a GeoJSON FeatureCollection (tiling, jittered borders)."""
    features = []
    xs_steps = 12
    for k, (code, _name) in enumerate(COUNTIES):
        x0, x1, c0, c1 = _county_box(k)
        xs = np.linspace(x0, x1, xs_steps + 1)
        n = len(STATIONS[code])
        borders = []
        for i in range(n + 1):
            y = c0 + (c1 - c0) * i / n
            jitter = np.zeros(xs.size) if i in (0, n) else rng.normal(0, 0.005, xs.size)
            borders.append(y + jitter)
        for i, st in enumerate(STATIONS[code]):
            ring = list(zip(xs, borders[i])) + list(zip(xs[::-1], borders[i + 1][::-1]))
            ring.append(ring[0])
            features.append({
                "type": "Feature",
                "id": f"{code}-{i + 1:02d}",
                "properties": {"unit_code": f"{code}-{i + 1:02d}", "name": f"{st}供电所"},
                "geometry": {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]},
            })  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def demo_grid(rng: np.random.Generator, n_feeders: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Substations and feeders with coordinates, loads and line paths (a few deliberately without data)."""
    n_sub = len(SUB_NAMES)
    lon = rng.uniform(LON0 + 0.03, LON1 - 0.03, n_sub)
    lat = rng.uniform(LAT0 + 0.03, LAT1 - 0.03, n_sub)
    count = rng.choice([1, 2, 2, 2, 3], n_sub)
    mva = rng.choice([31.5, 40.0, 50.0], n_sub)
    voltage = np.where(count == 1, 35.0, 110.0)
    mva = np.where(count == 1, 10.0, mva)
    loading = rng.uniform(0.2, 0.58, n_sub)  # share of total rating; N-1 allows 50–67 %
    peak = np.round(count * mva * 0.95 * loading, 1)
    peak[rng.integers(0, n_sub)] = np.nan  # one station's metering is missing: shown grey, not as empty
    subs = pd.DataFrame({
        "substation_code": [f"BDZ{i + 1:02d}" for i in range(n_sub)],
        "name": [f"{nm}{int(v)}kV变电站" for nm, v in zip(SUB_NAMES, voltage)],
        "voltage_kv": voltage, "lat": lat.round(5), "lon": lon.round(5), "transformer_count": count,
        "transformer_mva": mva, "peak_mw": peak, "spare_bays": rng.integers(0, 7, n_sub),
    })  # fmt: skip
    owner = np.sort(np.concatenate([np.arange(n_sub), rng.integers(0, n_sub, n_feeders - n_sub)]))
    rows = []
    for j, s in enumerate(owner):
        angle = rng.uniform(0, 2 * np.pi)
        pts = [(lon[s], lat[s])]
        for _ in range(rng.integers(3, 7)):
            angle += rng.normal(0, 0.5)
            step = rng.uniform(0.01, 0.025)
            x = float(np.clip(pts[-1][0] + step * np.cos(angle), LON0, LON1))
            y = float(np.clip(pts[-1][1] + step * np.sin(angle), LAT0, LAT1))
            pts.append((x, y))
        current = float(rng.choice([300, 400, 500, 600]))
        cap_mw = np.sqrt(3) * 10.5 * current / 1000 * 0.95
        peak_f = round(cap_mw * rng.beta(2.2, 2.0), 2) if rng.random() > 0.05 else np.nan
        rows.append((f"XL{j + 1:03d}", f"{SUB_NAMES[s]}{101 + j}线", subs["substation_code"][s], current, peak_f,
                     int(rng.integers(0, 4)), format_path(pts)))  # fmt: skip
    feeders = pd.DataFrame(rows, columns=["feeder_code", "name", "substation_code", "rated_current_a", "peak_mw",
                                          "spare_bays", "path"])  # fmt: skip
    return subs, feeders
