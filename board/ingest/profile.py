"""Mapping profiles: a source system's export (Chinese headers and values, one row per case × stage) read into the
interchange format, so a company imports the files it has instead of rewriting them by hand.

A profile is a JSON file (`board/data/profiles/<name>.json`, or any path): `columns` maps each source header to an
interchange column (or to null: read and ignored), `values` maps the source values of a column to the interchange
codes, `defaults` fills interchange columns the export lacks, and `unit_names: true` turns 供电单位 names into unit
codes through the database's unit tree. Every header, value or unit that the profile does not know is a row-level
problem naming the file, row, source column and value; nothing is written then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data_access.interchange import SHEETS, FileSetError, read_table

PROFILES = Path(__file__).resolve().parents[1] / "data" / "profiles"
DATE_COLUMNS = ("applied_on", "desired_on", "started_on", "finished_on", "planned_finish_on")


@dataclass(frozen=True)
class Profile:
    """A source format: its headers, its values and what the interchange format needs beyond them."""

    name: str
    title: str
    columns: dict[str, str | None]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    unit_names: bool = True


def load_profile(name: str) -> Profile:
    """A packaged profile by name, or a profile file by path."""
    path = Path(name)
    if not path.suffix:
        path = PROFILES / f"{name}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        known = ", ".join(sorted(p.stem for p in PROFILES.glob("*.json")))
        raise FileSetError(f"找不到映射配置 {name}（随包提供：{known}）") from exc
    except ValueError as exc:
        raise FileSetError(f"映射配置 {path.name} 不是有效的 JSON：{exc}") from exc
    return Profile(raw.get("name", path.stem), raw.get("title", path.stem), raw["columns"], raw.get("values", {}),
                   raw.get("defaults", {}), bool(raw.get("unit_names", True)))  # fmt: skip


def read_with_profile(path: Path, profile: Profile, unit_codes: dict[str, str]) -> tuple[dict, list[str], dict]:
    """(cases and stages frames as the interchange reader gives them, problems, source header of each column)."""
    frame = read_table(path)
    source = path.name
    problems: list[str] = []
    unknown = [h for h in frame.columns if h not in profile.columns]
    problems += [f"{source}:1:{h}: 表头“{h}”不在映射配置 {profile.name} 中" for h in unknown]
    renamed = {h: profile.columns[h] for h in frame.columns if profile.columns.get(h)}
    header_of = {target: h for h, target in renamed.items()}
    data = frame[list(renamed)].rename(columns=renamed)
    for col, mapping in profile.values.items():
        if col not in data:
            continue
        raw = data[col].str.strip()
        mapped = raw.map(mapping)
        for row, value in raw[mapped.isna() & (raw != "")].items():
            problems.append(f"{source}:{row}:{header_of[col]}: 值“{value}”不在映射配置 {profile.name} 中")
        data[col] = mapped.fillna(raw)
    if profile.unit_names and "unit_name" in data:
        names = data.pop("unit_name").str.strip()
        data["unit_code"] = names.map(unit_codes)
        for row, value in names[data["unit_code"].isna()].items():
            problems.append(f"{source}:{row}:{header_of['unit_name']}: 供电单位“{value}”不在单位树中")
        data["unit_code"] = data["unit_code"].fillna("")
    for col in DATE_COLUMNS:
        if col in data:
            data[col] = _iso(data[col])
    for col, value in profile.defaults.items():
        if col not in data:
            data[col] = value
    missing = [c for c in SHEETS["cases"] + SHEETS["stages"] if c not in data]
    if missing:
        raise FileSetError(f"{source}: 映射后缺少列 {', '.join(missing)}（请在映射配置的 columns 或 defaults 中补上）")
    cases = data[~data["case_id"].duplicated()][SHEETS["cases"]]  # the case's attributes from its first row
    stages = data[SHEETS["stages"]]
    return {"cases": cases, "stages": stages}, problems, header_of


def _iso(column: pd.Series) -> pd.Series:
    """Dates and date-times as the export writes them (2026/5/1 9:30, 2026-05-01 09:30:00) in ISO form."""
    text = column.str.strip()
    parsed = pd.to_datetime(text.where(text != ""), errors="coerce", format="mixed")
    iso = parsed.dt.strftime("%Y-%m-%dT%H:%M:%S").str.replace("T00:00:00", "", regex=False)
    return iso.where(parsed.notna(), text)


def in_source_terms(problems: list[str], source: str, header_of: dict[str, str]) -> list[str]:
    """Problems of the interchange checks said in the source's words: its file name and its column headers."""
    out = []
    for line in problems:
        sheet, row, col, reason = (line.split(":", 3) + ["", "", ""])[:4]
        if sheet in ("cases", "stages"):
            line = f"{source}:{row}:{header_of.get(col, col)}:{reason}"
        out.append(line)
    return out
