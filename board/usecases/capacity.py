"""可开放容量: feeders and substations with open capacity, open applications and demand per area."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from board.config import Settings
from board.domain.capacity import area_of, feeder_capacity, substation_capacity
from board.domain.geo import parse_path
from data_access import queries
from data_access.engine import session_scope


class CapacityViews:
    """The 可开放容量 use cases (mixed into BoardService)."""

    def capacity(self, as_of: dt.date, unit: str | None = None) -> "CapacityData":
        """Feeders and substations with open capacity at as-of, open applications and demand per area (cached)."""
        return self.cached(("capacity", as_of), lambda: self._capacity(as_of, unit), unit=unit)

    def _capacity(self, as_of: dt.date, unit: str | None) -> "CapacityData":
        crules = self.settings.capacity_rules()
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            units = queries.fetch_units(session)
            subs = queries.fetch_substations(session)
            feeders = queries.fetch_feeders(session)
            load = queries.feeder_load(session, as_of=as_of)
            points = queries.fetch_open_points(session, as_of=as_of, scope=scope)
            queued = queries.queued_by_unit(session, as_of=as_of, scope=scope)
        promised = feeders[["feeder_code", "substation_code"]].merge(load, on="feeder_code", how="left")
        by_sub = promised.groupby("substation_code")["promised_kva"].sum() * crules.coincidence / 1000
        sub_cap = substation_capacity(subs, by_sub, crules)
        feeder_cap = feeder_capacity(feeders, load, sub_cap, crules)
        areas = load_areas(self.settings)
        feeder_cap["area"] = [area_of(*(parse_path(p)[0]), areas) if p else None for p in feeder_cap["path"]]
        return CapacityData(as_of, scope, units, sub_cap, feeder_cap, points, queued, areas, crules)


@dataclass(frozen=True)
class CapacityData:
    """The 可开放容量 page's data."""

    as_of: dt.date
    scope: queries.Scope
    units: pd.DataFrame
    substations: pd.DataFrame
    feeders: pd.DataFrame
    points: pd.DataFrame
    queued: pd.DataFrame
    areas: dict | None
    rules: object


def load_areas(settings: Settings) -> dict | None:
    """The service-area GeoJSON from the data folder (None when absent or unreadable)."""
    import json
    from pathlib import Path

    path = Path(settings.data_dir) / "areas.geojson"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
