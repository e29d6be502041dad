"""可开放容量 (SPEC §4.5): open capacity of feeders and substations, why each is limited, and who can take a load.

Units: MW, taking MVA ≈ MW (power factor 1), as the 限额容量 − 历史最大负荷 − 在途容量 practice does.
Feeder rating = √3 × 10.5 kV × rated current. Substation limit = allowed loading × total rating, and with two or
more transformers never above the N-1 firm capacity (n − 1) × unit rating. A feeder's usable headroom is also
capped by its substation's. Missing measurements make an asset 无数据 (grey), never zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from board.domain.geo import haversine_km, parse_path

CLASS_NAMES = {"green": "充裕", "yellow": "紧张", "red": "受限", "grey": "无数据"}


@dataclass(frozen=True)
class CapacityRules:
    """The settings of the capacity model."""

    allowed_loading: float = 0.8
    coincidence: float = 0.6
    green: float = 0.3
    yellow: float = 0.1
    min_spare_bays: int = 1


def colour_class(open_mw: pd.Series, rating_mw: pd.Series, rules: CapacityRules) -> pd.Series:
    """green ≥ 30 % of rating open, yellow 10–30 %, red < 10 % or none; grey where unknown."""
    share = open_mw / rating_mw.where(rating_mw > 0)
    out = np.select([share.isna(), share >= rules.green, share >= rules.yellow], ["grey", "green", "yellow"], "red")
    return pd.Series(out, index=open_mw.index)


def substation_capacity(subs: pd.DataFrame, promised_by_sub: pd.Series, rules: CapacityRules) -> pd.DataFrame:
    """Per substation: rating, limit (N-1 aware), peak, promised, open MW and share, class and reasons."""
    out = subs.copy()
    n = out["transformer_count"].astype(float)
    unit = out["transformer_mva"].astype(float)
    out["rating_mw"] = n * unit
    loading_limit = rules.allowed_loading * out["rating_mw"]
    n1 = np.where(n >= 2, (n - 1) * unit, np.inf)
    out["limit_mw"] = np.minimum(loading_limit, n1)
    out["n1_binds"] = n1 < loading_limit
    out["promised_mw"] = out["substation_code"].map(promised_by_sub).fillna(0.0)
    out["open_mw"] = out["limit_mw"] - out["peak_mw"] - out["promised_mw"]
    out["open_share"] = out["open_mw"] / out["rating_mw"]
    out["loading"] = out["peak_mw"] / out["rating_mw"]
    out["cap_class"] = colour_class(out["open_mw"], out["rating_mw"], rules)
    reasons = []
    for r in out.itertuples():
        why = []
        if r.cap_class == "grey":
            why.append("缺少负荷或容量数据")
        elif r.cap_class in ("red", "yellow"):
            reason = _load_reason(r.peak_mw, r.promised_mw, r.limit_mw, "主变")
            why.append("主变N-1" if r.n1_binds and reason != "在途负荷" else reason)
        if pd.notna(r.spare_bays) and r.spare_bays < rules.min_spare_bays:
            why.append("无空余间隔")
        reasons.append("、".join(dict.fromkeys(w for w in why if w)))
    out["reason"] = reasons
    return out


def feeder_capacity(
    feeders: pd.DataFrame, promised: pd.DataFrame, subs: pd.DataFrame, rules: CapacityRules
) -> pd.DataFrame:
    """Per feeder: rating, allowed, peak, promised, own open MW, usable MW (capped upstream), class, reasons.

    `promised` has feeder_code, promised_kva (open cases past 方案答复) and queued_kva (all open cases)."""  # fmt: skip
    out = feeders.copy()
    out["rating_mw"] = math.sqrt(3) * 10.5 * out["rated_current_a"].astype(float) / 1000
    out["allowed_mw"] = rules.allowed_loading * out["rating_mw"]
    p = promised.set_index("feeder_code")
    out["promised_mw"] = out["feeder_code"].map(p["promised_kva"]).fillna(0.0) * rules.coincidence / 1000
    out["queued_mw"] = out["feeder_code"].map(p["queued_kva"]).fillna(0.0) * rules.coincidence / 1000
    out["own_open_mw"] = out["allowed_mw"] - out["peak_mw"] - out["promised_mw"]
    sub_open = out["substation_code"].map(subs.set_index("substation_code")["open_mw"])
    sub_n1 = out["substation_code"].map(subs.set_index("substation_code")["n1_binds"]).fillna(False)
    out["substation_open_mw"] = sub_open
    out["open_mw"] = np.where(
        sub_open.notna(), np.minimum(out["own_open_mw"], sub_open.clip(lower=0)), out["own_open_mw"]
    )
    out.loc[out["own_open_mw"].isna(), "open_mw"] = np.nan
    out["open_share"] = out["open_mw"] / out["rating_mw"]
    out["loading"] = out["peak_mw"] / out["rating_mw"]
    out["cap_class"] = colour_class(out["open_mw"], out["rating_mw"], rules)
    reasons = []
    for r, n1 in zip(out.itertuples(), sub_n1):
        klass = r.cap_class
        why = []
        if klass == "grey":
            why.append("缺少负荷或容量数据")
        elif pd.notna(r.substation_open_mw) and r.substation_open_mw < r.own_open_mw:
            why.append("上级主变N-1" if n1 else "上级主变容量")
        elif klass in ("red", "yellow"):
            why.append(_load_reason(r.peak_mw, r.promised_mw, r.allowed_mw, "线路热稳限额"))
        if pd.notna(r.spare_bays) and r.spare_bays < rules.min_spare_bays:
            why.append("无空余间隔")
        reasons.append("、".join(dict.fromkeys(w for w in why if w)))
    out["reason"] = reasons
    return out


def _load_reason(peak: float, promised: float, limit: float, thermal: str) -> str:
    """Promised load is the reason when it alone takes the asset from enough room to too little."""
    if promised > 0 and (limit - peak) > 0 and promised >= 0.5 * (limit - peak):
        return "在途负荷"
    return "线路热稳限额" if thermal == "线路热稳限额" else f"{thermal}负载"


def loading_band(loading: float) -> str:
    """重载 ≥ 80 %, 过载 ≥ 100 % of rating."""
    if loading != loading:
        return ""
    return "过载" if loading >= 1 else "重载" if loading >= 0.8 else ""


def candidates(
    feeders: pd.DataFrame, load_kva: float, rules: CapacityRules, lon: float | None = None, lat: float | None = None
) -> pd.DataFrame:
    """Feeders that can take a load (usable ≥ load × coincidence, and a spare bay), nearest first when a location
    is given, else most headroom first."""  # fmt: skip
    need = load_kva * rules.coincidence / 1000
    ok = feeders[(feeders["open_mw"] >= need) & ~(feeders["spare_bays"].fillna(1) < rules.min_spare_bays)].copy()
    if lon is not None and lat is not None:
        ok["distance_km"] = [_distance(p, lon, lat) for p in ok["path"]]
        return ok.sort_values(["distance_km", "open_mw"], ascending=[True, False])
    ok["distance_km"] = np.nan
    return ok.sort_values("open_mw", ascending=False)


def _distance(path: str | None, lon: float, lat: float) -> float:
    if not path:
        return float("inf")
    return min(haversine_km(x, y, lon, lat) for x, y in parse_path(path))


def check_load(text) -> tuple[float | None, str | None]:
    """Parse a load in kVA from user input: (value, None) or (None, a clear message)."""
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        return None, "请输入数字形式的负荷（kVA），例如 800"
    if not math.isfinite(value) or value <= 0:
        return None, "负荷必须是大于 0 的数字（kVA）"
    if value > 100_000:
        return None, "负荷超过 100,000 kVA，不适合接入 10kV 线路，请核对单位（kVA）"
    return value, None


def point_in_polygon(lon: float, lat: float, ring: list[list[float]]) -> bool:
    """Ray casting on one ring of (lon, lat) points."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def area_of(lon: float, lat: float, areas: dict | None) -> str | None:
    """The unit code of the service area containing a point (None outside every area or without areas)."""
    for feature in (areas or {}).get("features", []):
        geom = feature.get("geometry", {})
        rings = geom.get("coordinates", []) if geom.get("type") == "Polygon" else []
        if rings and point_in_polygon(lon, lat, rings[0]):
            return feature.get("properties", {}).get("unit_code") or feature.get("id")
    return None
