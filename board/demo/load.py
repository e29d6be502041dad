"""Write the demo company into the database and its service areas next to it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import func, inspect, select

from board.demo.generate import generate
from board.ingest.importer import write_typed
from board.usecases.core import load_calendar
from data_access import writer
from data_access.engine import SCHEMA_VERSION, init_db, schema_version, session_scope
from data_access.models import Base, Case
from data_access.progress import Progress, silent


def areas_path(data_dir: str | Path) -> Path:
    """Where the service-area GeoJSON lives."""
    return Path(data_dir) / "areas.geojson"


def build_demo(
    svc,
    *,
    n_cases: int,
    seed: int,
    as_of: dt.date,
    high_share: float = 0.22,
    if_missing: bool = False,
    progress: Progress = silent,
) -> dict[str, int] | None:
    """Replace the database's contents with the demo company; None when `if_missing` and cases exist."""
    engine = svc.engine
    if if_missing and schema_version(engine) == SCHEMA_VERSION and inspect(engine).has_table("cases"):
        with session_scope(engine) as session:
            if session.scalar(select(func.count()).select_from(Case)):
                return None
    Base.metadata.drop_all(engine)
    init_db(engine)
    frames, areas = generate(
        svc.rules, load_calendar(engine), as_of=as_of, n_cases=n_cases, seed=seed, high_share=high_share,
        progress=progress,
    )  # fmt: skip
    result = write_typed(engine, frames, svc.rules, progress)
    with engine.begin() as conn:
        writer.set_meta(conn, {"dataset": "demo"})  # demo accounts are only ever added to a demo database
    target = areas_path(svc.settings.data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(areas, ensure_ascii=False), encoding="utf-8")
    return result.written
