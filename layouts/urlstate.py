"""Filter state in the URL query string: parse hostile input into safe values plus user-facing notices."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

_UNIT_RE = re.compile(r"^[A-Za-z0-9_\-]{1,32}$")
MIN_DATE, MAX_DATE = dt.date(2004, 1, 1), dt.date(2040, 12, 31)
PERIODS = (7, 30, 90, 365)
VOLTAGES = {"lv": "低压", "mv": "10kV", "hv": "35kV及以上"}
CLASSES = {"high": "高压", "low_resident": "低压居民", "low_nonresident": "低压非居民"}


@dataclass
class ViewState:
    """Validated filters shared by pages: unit, as-of date, KPI period; notices say what was rejected."""

    unit: str | None = None
    as_of: dt.date | None = None
    period: int = 30
    voltage: str | None = None
    customer_class: str | None = None
    key_only: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def parse_search(search: str | None, known_units: set[str] | None = None) -> ViewState:
    """Parse `?unit=…&as_of=…&period=…`; anything invalid falls back to the default with a notice."""
    params = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?"), keep_blank_values=True).items()}
    return parse_params(params, known_units)


def parse_params(params: dict[str, str], known_units: set[str] | None = None) -> ViewState:
    """Same as parse_search, for the keyword arguments Dash passes to a page layout."""
    state = ViewState()
    unit = (params.get("unit") or "").strip()
    if unit:
        if not _UNIT_RE.match(unit) or (known_units is not None and unit not in known_units):
            state.notices.append(f"未知的供电单位 “{unit[:40]}”，已显示默认范围")
        else:
            state.unit = unit
    raw_date = (params.get("as_of") or "").strip()
    if raw_date:
        try:
            day = dt.date.fromisoformat(raw_date)
            if not MIN_DATE <= day <= MAX_DATE:
                raise ValueError
            state.as_of = day
        except ValueError:
            state.notices.append(f"日期 “{raw_date[:40]}” 无效，已使用默认截至日期")
    raw_period = (params.get("period") or "").strip()
    if raw_period:
        if raw_period.isdigit() and int(raw_period) in PERIODS:
            state.period = int(raw_period)
        else:
            state.notices.append(f"统计周期 “{raw_period[:20]}” 无效，已使用近 30 天")
    state.voltage = _choice(params, "voltage", VOLTAGES, "电压等级", state.notices)
    state.customer_class = _choice(params, "class", CLASSES, "客户类别", state.notices)
    state.key_only = (params.get("key") or "") == "1"
    return state


def _choice(params: dict[str, str], key: str, allowed: dict[str, str], label: str, notices: list[str]) -> str | None:
    raw = (params.get(key) or "").strip()
    if raw and raw not in allowed:
        notices.append(f"{label} “{raw[:20]}” 无效，已忽略")
        return None
    return raw or None


def to_search(unit: str | None, as_of: dt.date | str | None, period: int | None, **extra) -> str:
    """The query string for a view (empty parts left out; extra keys appended in order)."""
    parts: dict[str, str] = {}
    if unit:
        parts["unit"] = unit
    if as_of:
        parts["as_of"] = str(as_of)
    if period and period != 30:
        parts["period"] = str(period)
    for key, value in extra.items():
        if value not in (None, "", False):
            parts[key] = "1" if value is True else str(value)
    return "?" + urlencode(parts) if parts else ""
