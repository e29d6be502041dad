"""`board import`: read a file set, check every row, derive, and write it all in one transaction or not at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from board.domain.rules import Rules
from board.ingest.derive import case_facts, energized_on, enrich_stages, replied_on, unknown_year_problems
from board.ingest.profile import in_source_terms, load_profile, read_with_profile
from board.ingest.validate import Reference, validate
from board.usecases.core import load_calendar
from data_access import interchange, queries, read_writes, spans, writer
from data_access.engine import session_scope
from data_access.models import Case, Feeder, Meta, Stage, Substation, Unit
from data_access.progress import Progress, silent


class ImportRejected(ValueError):
    """The file set has problems; nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"导入被拒绝：{len(problems)} 处错误，未写入任何数据")


@dataclass(frozen=True)
class ImportResult:
    """Rows written per table."""

    written: dict[str, int]
    encodings: dict[str, str] = field(default_factory=dict)  # sheet → encoding its CSV file was read in


def import_path(
    engine: Engine, path: str | Path, rules: Rules, profile: str | None = None, progress: Progress = silent
) -> ImportResult:
    """Import a CSV folder or XLSX workbook in the interchange format — or, with a mapping `profile`, another
    system's export; raises ImportRejected listing every bad row."""
    if profile is None:
        raw = interchange.read_fileset(path, progress)
        typed, problems = validate(raw, rules, _reference(engine, raw), progress)
    else:
        spec = load_profile(profile)
        with session_scope(engine) as session:
            units = queries.fetch_units(session)
        codes = dict(zip(units["unit_name"], units["unit_code"]))
        progress("读取文件", 0, 1)
        raw, problems, header_of = read_with_profile(Path(path), spec, codes)
        progress("读取文件", 1, 1)
        typed, checked = validate(raw, rules, _reference(engine, raw), progress)
        problems += in_source_terms(checked, Path(path).name, header_of)
    read_in = interchange.encodings(raw)
    if profile is not None:  # one file read into two sheets: name the file once
        read_in = {Path(path).name: next(iter(read_in.values()))} if read_in else {}
    if problems:
        raise ImportRejected(problems)
    return replace(write_typed(engine, typed, rules, progress), encodings=read_in)


def write_typed(
    engine: Engine, typed: dict[str, pd.DataFrame], rules: Rules, progress: Progress = silent
) -> ImportResult:
    """Derive the stored columns of checked frames and write them in one transaction."""
    cal = load_calendar(engine)
    frames = dict(typed)
    progress("计算环节用时与结果", 0, 1)
    if "stages" in frames:
        problems = unknown_year_problems(frames["stages"], cal)
        if problems:
            raise ImportRejected(problems)
        attrs, at = _case_attrs(engine, frames)
        frames["stages"] = enrich_stages(frames["stages"], attrs, cal, rules, at)
        st = frames["stages"]
        st["open_band"] = spans.bands(st["started_on"], st["finished_on"], st["on_time"])
    if "cases" in frames:
        stages = frames.get("stages", pd.DataFrame(columns=["case_id", "stage_code", "finished_on"]))
        # the file's own cases come first in attrs, so there a stage row's position is its case's row in the file
        pos = np.where(at < len(frames["cases"]), at, -1) if "stages" in frames else None
        cases = frames["cases"].assign(energized_on=energized_on(frames["cases"], stages, rules, pos),
                                       replied_on=replied_on(frames["cases"], stages, rules, pos))  # fmt: skip
        days = (pd.to_datetime(cases["energized_on"]) - pd.to_datetime(cases["applied_on"])).dt.days
        band = spans.bands(cases["applied_on"], cases["energized_on"]).mask(cases["status"].eq("cancelled"))
        cases = cases.assign(connect_days=days.astype("Int64"), open_band=band)
        if "chain" in stages:
            facts = case_facts(cases, stages, rules, pos)
            cases = cases.assign(grid_wd=facts["grid_wd"], records_ok=facts["records_ok"],
                                 customer_cd=facts["customer_cd"])  # fmt: skip
        frames["cases"] = cases
    if "stages" in frames:
        # a case's stage rows side by side in the table: reading the cases open on a day then touches a page or two
        # per case instead of a page per stage row (an export lists stages by stage code; 1 M cases, whole company
        # on a past day: 4.6 → 3.2 s in SQLite for its 915 k stage rows)
        frames["stages"] = frames["stages"].take(np.argsort(at, kind="stable")).reset_index(drop=True)
    progress("计算环节用时与结果", 1, 1)
    version = dt.datetime.now().isoformat(timespec="microseconds")
    with engine.begin() as conn:
        before = _read_model_key(conn, rules)
        written = writer.write_tables(conn, frames, version, progress)
        writer.set_meta(conn, {"rules_fingerprint": rules.fingerprint})
        ids = sorted(set(frames["cases"]["case_id"].astype(str))) if "cases" in frames else []
        read_writes.forget_cases(conn, ids, before, _read_model_key(conn, rules))
    return ImportResult(written)


def _read_model_key(conn, rules: Rules) -> str:
    # the same key as board.usecases.refresh.version_key, read inside the import's transaction
    meta = dict(conn.execute(select(Meta.key, Meta.value)).all())
    return f"{meta.get('data_version', '0')}|{meta.get('calendar_version', '0')}|{rules.fingerprint}"


def _case_attrs(engine: Engine, frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, np.ndarray]:
    """The attributes of every case the stage rows name (the file's cases first, then stored ones), and each stage
    row's position among them (−1 for a case found in neither)."""
    from board.ingest.derive import CASE_ATTRS, case_positions

    stages = frames["stages"]
    parts = [frames["cases"][CASE_ATTRS]] if "cases" in frames else [pd.DataFrame(columns=CASE_ATTRS)]
    pos = case_positions(parts[0], stages)
    missing = sorted(stages["case_id"][pos < 0].unique())
    if missing:
        with session_scope(engine) as session:
            cols = [getattr(Case, c) for c in CASE_ATTRS]
            rows = []
            for i in range(0, len(missing), 900):
                rows += session.execute(select(*cols).where(Case.case_id.in_(missing[i : i + 900]))).all()
        stored = pd.DataFrame(rows, columns=CASE_ATTRS)
        parts.append(stored)
        rest = pos < 0
        at = pd.Index(stored["case_id"]).get_indexer(stages["case_id"][rest])
        pos[rest] = np.where(at >= 0, at + len(parts[0]), -1)
    return pd.concat(parts, ignore_index=True), pos


def _reference(engine: Engine, raw: dict[str, pd.DataFrame]) -> Reference:
    """What the file set may refer to in the database. Of the stored cases only those its stage rows name: a
    daily file of 3,000 cases looks up 3,000, not the million already there (3.4 s on PostgreSQL)."""
    named = raw["stages"]["case_id"].astype(str).str.strip().unique() if "stages" in raw else []
    with session_scope(engine) as session:
        if len(named) > _LOOKUP_LIMIT:  # a first load: one pass over the table is cheaper than many IN lists
            cases = dict(session.execute(select(Case.case_id, Case.customer_class)).all())
        else:
            ids, cases = sorted(named), {}
            for i in range(0, len(ids), 900):
                stmt = select(Case.case_id, Case.customer_class).where(Case.case_id.in_(ids[i : i + 900]))
                cases.update(session.execute(stmt).all())
        return Reference(
            units=dict(session.execute(select(Unit.unit_code, Unit.parent_code)).all()),
            cases=cases,
            substations=set(session.scalars(select(Substation.substation_code))),
            feeders=set(session.scalars(select(Feeder.feeder_code))),
        )


_LOOKUP_LIMIT = 50_000


def export_data(engine: Engine, folder: str | Path, progress: Progress = silent) -> list[Path]:
    """Write the whole database back in the interchange format."""
    stage_cols = [getattr(Stage, c) for c in queries.STAGE_COLUMNS[:7]]
    readers = {
        "units": queries.fetch_units,
        "cases": lambda s: pd.read_sql(select(Case), s.connection()),
        "stages": lambda s: pd.read_sql(select(*stage_cols), s.connection()),
        "substations": queries.fetch_substations,
        "feeders": queries.fetch_feeders,
    }
    frames = {}
    with session_scope(engine) as session:
        for i, (name, read) in enumerate(readers.items()):
            progress("读取数据库", i, len(readers))
            frames[name] = _to_text(read(session))
        progress("读取数据库", len(readers), len(readers))
    return interchange.write_fileset(frames, folder, progress)


def _to_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if col == "key_project":
            out[col] = s.map(lambda v: "1" if bool(v) else "0")
        elif pd.api.types.is_float_dtype(s) and col in {"satisfaction", "attempts", "transformer_count", "spare_bays"}:
            out[col] = s.astype("Int64")
        elif pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d")
    return out
