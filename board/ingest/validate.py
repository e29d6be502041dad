"""Check and type a raw interchange file set (SPEC §5); every bad cell becomes `sheet:row:column: reason`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from board.domain.rules import CASE_STATUSES, CUSTOMER_CLASSES, LOW_CLASSES, WORKS_TYPES, Rules
from board.ingest.columns import ColumnChecker, Problems
from data_access.progress import Progress, silent

PARTIES = ("utility", "customer", "designer", "supplier", "builder", "government")


@dataclass
class Reference:
    """What the database already holds, so a partial file set can refer to it."""

    units: dict[str, str | None] = field(default_factory=dict)  # code -> parent
    cases: dict[str, str] = field(default_factory=dict)  # case id -> customer class
    substations: set[str] = field(default_factory=set)
    feeders: set[str] = field(default_factory=set)


def validate(
    raw: dict[str, pd.DataFrame], rules: Rules, ref: Reference, progress: Progress = silent
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Typed frames and the list of problems (empty list = the file set may be written)."""
    problems = Problems()
    out: dict[str, pd.DataFrame] = {}
    units = dict(ref.units)
    rows = sum(len(f) for f in raw.values())
    progress("校验", 0, rows)
    if "units" in raw:
        out["units"] = _units(raw["units"], units, problems)
    if "substations" in raw:
        out["substations"] = _substations(raw["substations"], problems)
    subs = ref.substations | set(out.get("substations", pd.DataFrame({"substation_code": []}))["substation_code"])
    if "feeders" in raw:
        out["feeders"] = _feeders(raw["feeders"], subs, problems)
    feeders = ref.feeders | set(out.get("feeders", pd.DataFrame({"feeder_code": []}))["feeder_code"])
    classes = dict(ref.cases)
    if "cases" in raw:
        out["cases"] = _cases(raw["cases"], units, feeders, problems)
        classes.update(zip(out["cases"]["case_id"], out["cases"]["customer_class"]))
    progress("校验", rows - len(raw.get("stages", ())), rows)
    if "stages" in raw:
        out["stages"] = _stages(raw["stages"], classes, rules, problems)
    progress("校验", rows, rows)
    order = {name: i for i, name in enumerate(("units", "substations", "feeders", "cases", "stages"))}

    def where(line: str) -> tuple:
        sheet, row = line.split(":", 2)[:2]
        return order.get(sheet, 9), int(row) if row.isdigit() else 0

    return out, sorted(problems.items, key=where)  # file order: checks run a column at a time


def _units(frame: pd.DataFrame, units: dict[str, str | None], problems: Problems) -> pd.DataFrame:
    c = ColumnChecker("units", frame, problems)
    code, name, parent = c.text("unit_code", True), c.text("unit_name", True), c.text("parent_code")
    c.unique("unit_code")
    units.update({k: p for k, p in zip(code, parent) if k is not None})
    for row, p in parent.items():
        if p is not None and p not in units:
            problems.add("units", row, "parent_code", f"上级单位 {p!r} 不存在")
    roots = [k for k, p in units.items() if p is None]
    if len(roots) != 1:
        problems.add("units", 1, "parent_code", f"单位树应恰有一个根（parent_code 为空），现有 {len(roots)} 个")
    levels, paths = {}, {}
    for k in units:
        chain, cur = [], k
        while cur is not None and cur not in chain and len(chain) < 50:
            chain.append(cur)
            cur = units.get(cur)
        if cur is not None:
            problems.add("units", 1, "parent_code", f"单位 {k!r} 的上级关系成环")
            continue
        levels[k], paths[k] = len(chain) - 1, "/" + "/".join(reversed(chain)) + "/"
    return pd.DataFrame({"unit_code": code, "unit_name": name, "parent_code": parent,
                         "level": code.map(levels), "path": code.map(paths)})  # fmt: skip


def _substations(frame: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    c = ColumnChecker("substations", frame, problems)
    code = c.text("substation_code", True)
    c.unique("substation_code")
    return pd.DataFrame({
        "substation_code": code, "name": c.text("name", True), "voltage_kv": c.number("voltage_kv", True, 0.1),
        "lat": c.number("lat", False, -90, 90), "lon": c.number("lon", False, -180, 180),
        "transformer_count": c.number("transformer_count", False, 0, 20, True),
        "transformer_mva": c.number("transformer_mva", False, 0, 2000), "peak_mw": c.number("peak_mw", False, 0),
        "spare_bays": c.number("spare_bays", False, 0, 200, True),
    })  # fmt: skip


def _feeders(frame: pd.DataFrame, substations: set[str], problems: Problems) -> pd.DataFrame:
    c = ColumnChecker("feeders", frame, problems)
    code, sub = c.text("feeder_code", True), c.text("substation_code")
    c.unique("feeder_code")
    c.missing_from("substation_code", substations, lambda s: f"变电站 {s!r} 不存在")
    path = c.text("path")
    for row, p in path.items():
        if p is not None and not _path_ok(p):
            problems.add("feeders", row, "path", "线路走向应为 GeoJSON LineString 或 'lon lat;lon lat;…'")
    return pd.DataFrame({
        "feeder_code": code, "name": c.text("name", True), "substation_code": sub,
        "rated_current_a": c.number("rated_current_a", False, 1, 5000), "peak_mw": c.number("peak_mw", False, 0),
        "spare_bays": c.number("spare_bays", False, 0, 200, True), "path": path,
    })  # fmt: skip


def _path_ok(text: str) -> bool:
    from board.domain.geo import parse_path

    try:
        return len(parse_path(text)) >= 2
    except ValueError:
        return False


def _cases(frame: pd.DataFrame, units: dict, feeders: set[str], problems: Problems) -> pd.DataFrame:
    c = ColumnChecker("cases", frame, problems)
    case_id = c.text("case_id", True)
    c.unique("case_id")
    unit = c.text("unit_code", True)
    c.missing_from("unit_code", units, lambda u: f"供电单位 {u!r} 不存在")
    klass = c.choice("customer_class", CUSTOMER_CLASSES, True)
    works = c.choice("works_type", WORKS_TYPES)
    for row in works.index[klass.isin(LOW_CLASSES) & works.isna() & (c.text("works_type").isna())]:
        problems.add("cases", row, "works_type", "低压工单须填写 works_type（none/overhead/cable）")
    feeder = c.text("feeder_code")
    if feeders:  # a company that keeps no feeders may still name them
        c.missing_from("feeder_code", feeders, lambda f: f"线路 {f!r} 不存在")
    applied, desired = c.date("applied_on", True), c.date("desired_on")
    key = c.choice("key_project", ("0", "1"), default="0")
    return pd.DataFrame({
        "case_id": case_id, "unit_code": unit, "customer_name": c.text("customer_name", True).fillna(""),
        "customer_class": klass, "voltage_kv": c.number("voltage_kv", True, 0.1, 1000),
        "capacity_kva": c.number("capacity_kva", True, 0, 5_000_000),
        "business_type": c.choice("business_type", ("new", "increase"), True), "works_type": works,
        "key_project": key.fillna("0") == "1", "applied_on": applied, "desired_on": desired, "feeder_code": feeder,
        "status": c.choice("status", CASE_STATUSES, True), "manager": c.text("manager"),
        "satisfaction": c.number("satisfaction", False, 1, 5, True).astype("Int64"),
        "lat": c.number("lat", False, -90, 90), "lon": c.number("lon", False, -180, 180),
        "supply": c.choice("supply", ("single", "dual"), default="single").fillna("single"),
    })  # fmt: skip


def _stages(frame: pd.DataFrame, classes: dict[str, str], rules: Rules, problems: Problems) -> pd.DataFrame:
    c = ColumnChecker("stages", frame, problems)
    case_id, code = c.text("case_id", True), c.text("stage_code", True)
    started, finished, planned = c.date("started_on"), c.date("finished_on"), c.date("planned_finish_on")
    # each case id and stage code looked up once, then compared as integers: 11 M stage rows hold 1 M case ids
    # and a dozen codes (string keys per row cost 60 s of a province's first load)
    case_no, case_ids = c.factor("case_id")
    code_no, codes = c.factor("stage_code")
    class_of_case, klasses = pd.factorize(
        pd.Index(case_ids, dtype=object).map(classes).to_numpy(dtype=object), use_na_sentinel=True
    )
    klass_no = np.append(class_of_case, -1)[case_no]  # code -1 (no id) picks the -1
    klass = pd.Series(np.append(np.asarray(klasses, dtype=object), None)[klass_no], index=case_id.index)
    for row, cid in case_id[(case_no >= 0) & (klass_no < 0)].items():
        problems.add("stages", row, "case_id", f"工单 {cid!r} 不存在")
    fits = {k: set(rules.codes_for(k)) for k in set(classes.values())}
    table = np.array([[str(sc) in fits.get(k, ()) for sc in codes] for k in klasses], dtype=bool).reshape(
        len(klasses), len(codes)
    )
    given = (klass_no >= 0) & (code_no >= 0)
    wrong = np.zeros(len(code), dtype=bool)
    wrong[given] = ~table[klass_no[given], code_no[given]]
    for row in code.index[wrong]:
        problems.add("stages", row, "stage_code", f"环节代码 {code[row]!r} 不适用于 {klass[row]} 工单")
    for row in finished.index[finished.notna() & started.isna()]:
        problems.add("stages", row, "started_on", "已填写完成日期但缺少开始日期")
    for row in finished.index[finished.notna() & started.notna() & (finished < started)]:
        problems.add("stages", row, "finished_on", "完成日期早于开始日期")
    pair = pd.Series((case_no.astype(np.int64) + 1) * (len(codes) + 1) + (code_no + 1), index=case_id.index)
    for row in pair.index[pair.duplicated()]:
        problems.add("stages", row, "stage_code", f"工单 {case_id[row]!r} 的环节 {code[row]!r} 重复")
    return pd.DataFrame({
        "case_id": case_id, "stage_code": code, "started_on": started, "finished_on": finished,
        "party": c.choice("party", PARTIES, True), "attempts": c.number("attempts", False, 1, 99, True).fillna(1),
        "planned_finish_on": planned,
    })  # fmt: skip
