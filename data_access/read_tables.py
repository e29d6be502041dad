"""The read model: what the views show "as of a day", computed when the data or the date changes, read by SQL.

Everything here is derived from cases, stages and the calendar, so it can always be rebuilt (`board refresh`);
it needs no migration. `rm_day` is a date's ordinal (`date.toordinal()`); rm_case rows with rm_day 0 hold cases
that are final (energized or cancelled) and so do not change with the date.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base

PARTIES = ("utility", "customer", "designer", "supplier", "builder", "government")
FINAL_DAY = 0


class ReadState(Base):
    """One row per built day: the data and calendar version it was built from, when, and how long it took."""

    __tablename__ = "rm_state"
    rm_day: Mapped[int] = mapped_column(Integer, primary_key=True)
    data_version: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[str] = mapped_column(String(40))
    seconds: Mapped[float] = mapped_column(Float)


class ReadCase(Base):
    """Per case: its attributes and the SPEC §4.2 measures, progress strip, forecast and time by party."""

    __tablename__ = "rm_case"
    rm_day: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_class: Mapped[str] = mapped_column(String(20))
    voltage_kv: Mapped[float] = mapped_column(Float)
    capacity_kva: Mapped[float] = mapped_column(Float)
    key_project: Mapped[bool] = mapped_column(Boolean)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    desired_on: Mapped[dt.date | None] = mapped_column(Date)
    energized_on: Mapped[dt.date | None] = mapped_column(Date)
    manager: Mapped[str | None] = mapped_column(String(60))
    state_as_of: Mapped[str] = mapped_column(String(12))
    age_cd: Mapped[int] = mapped_column(Integer)
    connect_cd: Mapped[float | None] = mapped_column(Float)
    grid_wd: Mapped[float | None] = mapped_column(Float)
    customer_cd: Mapped[float | None] = mapped_column(Float)
    baseline_cd: Mapped[float | None] = mapped_column(Float)
    supervision_level: Mapped[int] = mapped_column(Integer)
    current_stages: Mapped[str | None] = mapped_column(String(60))
    holding_party: Mapped[str | None] = mapped_column(String(120))
    strip: Mapped[str] = mapped_column(Text)
    forecast_on: Mapped[dt.date | None] = mapped_column(Date)
    late_on: Mapped[dt.date | None] = mapped_column(Date)
    risk: Mapped[str | None] = mapped_column(String(16))
    provisional: Mapped[bool | None] = mapped_column(Boolean)
    days_utility: Mapped[int] = mapped_column(Integer, default=0)
    days_customer: Mapped[int] = mapped_column(Integer, default=0)
    days_designer: Mapped[int] = mapped_column(Integer, default=0)
    days_supplier: Mapped[int] = mapped_column(Integer, default=0)
    days_builder: Mapped[int] = mapped_column(Integer, default=0)
    days_government: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        # the grid's default order within a scope, and the state filter
        Index("ix_rm_case_scope", "rm_day", "unit_code", "state_as_of", "supervision_level", "age_cd"),
        Index("ix_rm_case_applied", "rm_day", "applied_on"),
    )


class ReadStage(Base):
    """Stages open on a day with their status (what `stage_status` says), plus the case attributes views filter on."""

    __tablename__ = "rm_stage"
    rm_day: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    stage_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    chain: Mapped[str] = mapped_column(String(10))
    party: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    planned_finish_on: Mapped[dt.date | None] = mapped_column(Date)
    limit_days: Mapped[float | None] = mapped_column(Float)
    limit_unit: Mapped[str] = mapped_column(String(2))
    customer_class: Mapped[str] = mapped_column(String(20))
    capacity_kva: Mapped[float] = mapped_column(Float)
    voltage_kv: Mapped[float] = mapped_column(Float)
    key_project: Mapped[bool] = mapped_column(Boolean)
    customer_name: Mapped[str] = mapped_column(String(200))
    manager: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10))
    elapsed: Mapped[float] = mapped_column(Float)
    elapsed_cd: Mapped[float] = mapped_column(Float)
    remaining: Mapped[float | None] = mapped_column(Float)
    overrun: Mapped[float] = mapped_column(Float)
    # a cancelled case's stages stay open for ever: counted where its cases wait, never as open workload
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_rm_stage_unit", "rm_day", "unit_code"),)


class ReadWeekOverdue(Base):
    """Open overdue stages per unit at the end of a week (the weekly 时限通报 counts them)."""

    __tablename__ = "rm_week_overdue"
    week_end: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    overdue: Mapped[int] = mapped_column(Integer)
    data_version: Mapped[str] = mapped_column(String(64))


class ReadBlob(Base):
    """Small fitted objects (the duration model's bins) per day, pickled by the use case that made them."""

    __tablename__ = "rm_blob"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    rm_day: Mapped[int] = mapped_column(Integer, primary_key=True)
    data_version: Mapped[str] = mapped_column(String(64))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
