"""Stage catalog and time-limit rules, read from a JSON file a user can edit (SPEC §2)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HIGH_CLASSES = ("high",)
LOW_CLASSES = ("low_resident", "low_nonresident")
CUSTOMER_CLASSES = HIGH_CLASSES + LOW_CLASSES
CLASS_NAMES = {"high": "高压", "low_resident": "低压居民", "low_nonresident": "低压非居民"}
WORKS_TYPES = ("none", "overhead", "cable")
WORKS_NAMES = {"none": "直接装表", "overhead": "立杆架线", "cable": "掘路施工"}
CASE_STATUSES = ("open", "energized", "cancelled")
CASE_STATUS_NAMES = {"open": "在途", "energized": "已送电", "cancelled": "已撤销"}


class RulesError(ValueError):
    """The rules file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Rules:
    """A loaded rules file with its active profile resolved."""

    raw: dict[str, Any]
    profile_name: str
    fingerprint: str

    @property
    def profile(self) -> dict[str, Any]:
        """The active profile's limit table."""
        return self.raw["profiles"][self.profile_name]["limits"]

    @property
    def stage_info(self) -> dict[str, dict[str, Any]]:
        """Stage code -> name, chain, order, default party."""
        return self.raw["stages"]

    @property
    def reply_stage(self) -> dict[str, str]:
        """The stage whose finish answers a case's 供电方案, by class ({"high": "G3", "low": "L1"}; a rules file
        written before the key had these)."""
        return self.raw.get("reply_stage", {"high": "G3", "low": "L1"})

    @property
    def parties(self) -> dict[str, str]:
        """Party code -> Chinese name."""
        return self.raw["parties"]

    @property
    def large_kva(self) -> float:
        """Capacity at which G3 and the customer-chain baseline switch to the large-capacity values."""
        return float(self.raw["large_capacity_kva"])

    @property
    def targets(self) -> dict[str, dict[str, float]]:
        """KPI name -> {"min": x} or {"max": x} (absent in older rules files: no targets shown)."""
        return {k: v for k, v in self.raw.get("targets", {}).items() if not k.startswith("_")}

    @property
    def interlocks(self) -> list[tuple[str, str]]:
        """Hand-over pairs (predecessor, successor) of the dual chain (SPEC §4.1)."""
        return [tuple(pair) for pair in self.raw["interlocks"]]

    def stage_name(self, code: str) -> str:
        """Chinese name of a stage code."""
        return self.stage_info.get(code, {}).get("name", code)

    def codes_for(self, customer_class: str) -> list[str]:
        """Stage codes that apply to a customer class, in process order."""
        prefix = ("G", "C") if customer_class in HIGH_CLASSES else ("L",)
        codes = [c for c in self.stage_info if c.startswith(prefix)]
        return sorted(codes, key=lambda c: self.stage_info[c]["order"])

    def process_order(self) -> list[str]:
        """Every stage code in process order, the high-voltage chains first, then low voltage."""
        return sorted(self.stage_info, key=lambda c: (c[0] == "L", self.stage_info[c]["order"]))

    def chain_codes(self, chain: str, customer_class: str = "high") -> list[str]:
        """Stage codes of one chain (`grid` or `customer`) for a class, in process order."""
        return [c for c in self.codes_for(customer_class) if self.stage_info[c]["chain"] == chain]

    def warning_threshold(self, limit: np.ndarray | float) -> np.ndarray:
        """Remaining days at or below which an open stage is 预警: max(min_days, ceil(fraction × limit))."""
        w = self.raw["warning"]
        lim = np.asarray(limit, dtype=float)
        return np.maximum(float(w["min_days"]), np.ceil(float(w["fraction"]) * lim - 1e-9))

    def limits(self, stages: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Limit (float, NaN where the profile sets none) and unit ('WD'/'CD') per stage row.

        `stages` needs stage_code, customer_class, capacity_kva, works_type and supply columns.
        """
        n = len(stages)
        limit = np.full(n, np.nan)
        unit = np.full(n, "WD", dtype=object)
        code = stages["stage_code"].to_numpy()
        cap = pd.to_numeric(stages["capacity_kva"], errors="coerce").to_numpy(dtype=float)
        klass = stages["customer_class"].to_numpy()
        works = stages["works_type"].fillna("none").to_numpy() if "works_type" in stages else np.full(n, "none")
        supply = stages["supply"].fillna("single").to_numpy() if "supply" in stages else np.full(n, "single")
        for sc, rule in self.profile.items():
            m = code == sc
            if not m.any():
                continue
            unit[m] = rule.get("unit", "WD")
            limit[m] = self._stage_limit(rule, m, cap, klass, works, supply)
        return limit, unit

    def _stage_limit(self, rule, m, cap, klass, works, supply) -> np.ndarray:
        out = np.full(int(m.sum()), float(rule["limit"]) if "limit" in rule else np.nan)
        if "large" in rule:
            out = np.where(cap[m] >= self.large_kva, float(rule["large"]), out)
        if "dual" in rule:
            out = np.where(supply[m] == "dual", float(rule["dual"]), out)
        if "by_class" in rule:
            out = np.array([float(rule["by_class"].get(k, np.nan)) for k in klass[m]])
        if "whole_case" in rule:
            minus = self.profile.get(rule.get("minus", ""), {}).get("limit", 0)
            table = {k: float(v) - float(minus) for k, v in rule["whole_case"].items()}
            out = np.array([table.get(w, np.nan) for w in works[m]])
        return out

    def baseline_cd(self, capacity_kva: np.ndarray | float) -> np.ndarray:
        """Customer-chain tracking baseline in calendar days: small or large capacity (SPEC §2.2)."""
        b = self.raw["customer_baseline"]
        cap = np.asarray(capacity_kva, dtype=float)
        return np.where(cap >= self.large_kva, float(b["large_cd"]), float(b["small_cd"]))

    def supervision_level(self, cases: pd.DataFrame) -> np.ndarray:
        """督办层级 4..1 per case (SPEC §4.2)."""
        s = self.raw["supervision_levels"]
        kv = pd.to_numeric(cases["voltage_kv"], errors="coerce").fillna(0).to_numpy()
        cap = pd.to_numeric(cases["capacity_kva"], errors="coerce").fillna(0).to_numpy()
        key = cases["key_project"].fillna(False).astype(bool).to_numpy()
        high = cases["customer_class"].to_numpy() == "high"
        return np.select([key | (kv >= s["key_or_kv"]), high & (cap >= s["large_kva"]), high], [4, 3, 2], default=1)

    def outage_tier(self, voltage_kv: float) -> str:
        """停电计划 tier for G8 by voltage (SPEC §2.5)."""
        for tier in self.raw["outage_plan"]:
            if voltage_kv >= tier["min_kv"]:
                return tier["tier"]
        return self.raw["outage_plan"][-1]["tier"]


def load_rules(path: str | Path, profile: str | None = None) -> Rules:
    """Read and check a rules file; `profile` overrides the file's active profile."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text)
    except FileNotFoundError as exc:
        raise RulesError(f"规则文件不存在：{path}") from exc
    except json.JSONDecodeError as exc:
        raise RulesError(f"规则文件 {path} 不是合法 JSON：第 {exc.lineno} 行 {exc.msg}") from exc
    name = profile or raw.get("active_profile")
    if name not in raw.get("profiles", {}):
        raise RulesError(f"规则文件 {path} 中没有名为 {name!r} 的规则方案")
    for code in raw["profiles"][name]["limits"]:
        if code not in raw["stages"]:
            raise RulesError(f"规则方案 {name} 引用了未定义的环节 {code}")
    digest = hashlib.sha256((text + name).encode()).hexdigest()[:16]
    return Rules(raw=raw, profile_name=name, fingerprint=digest)
