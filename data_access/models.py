"""Typed SQLAlchemy models of the case database (SPEC §5 is the public format; this is the storage)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Unit(Base):
    """供电单位: a node of the 市公司 → 县公司 → 供电所 tree."""

    __tablename__ = "units"
    unit_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.unit_code"), index=True)
    level: Mapped[int] = mapped_column(Integer, default=0)
    # materialised path "/ROOT/CHILD/": a subtree is one prefix match, whatever the depth
    path: Mapped[str] = mapped_column(String(400), index=True)


APPLIED_COVER = ("unit_code", "status")
ENERGIZED_COVER = ("status", "customer_class", "connect_days", "grid_wd", "satisfaction", "records_ok")
OPEN_BAND_COVER = ("status", "case_id", "customer_class", "capacity_kva", "voltage_kv", "key_project", "manager",
                   "customer_name", "feeder_code", "lat", "lon", "replied_on")  # fmt: skip


class Case(Base):
    """业扩报装工单."""

    __tablename__ = "cases"
    case_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.unit_code"), index=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_class: Mapped[str] = mapped_column(String(20))
    voltage_kv: Mapped[float] = mapped_column(Float)
    capacity_kva: Mapped[float] = mapped_column(Float)
    business_type: Mapped[str] = mapped_column(String(10))
    works_type: Mapped[str | None] = mapped_column(String(10))
    key_project: Mapped[bool] = mapped_column(Boolean, default=False)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    desired_on: Mapped[dt.date | None] = mapped_column(Date)
    feeder_code: Mapped[str | None] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    manager: Mapped[str | None] = mapped_column(String(60))
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    supply: Mapped[str | None] = mapped_column(String(10))
    # derived at import: the final stage's finish date, so "energized by as-of" needs no join
    energized_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # derived at import: when its 供电方案 was answered (the reply stage's finish), so "promised on its feeder"
    # needs no join either
    replied_on: Mapped[dt.date | None] = mapped_column(Date)
    connect_days: Mapped[int | None] = mapped_column(Integer)  # 接电时长 in calendar days, for SQL averages
    # facts of a case's stage records that a monthly report averages in SQL (derived at import)
    grid_wd: Mapped[int | None] = mapped_column(Integer)  # 供电部门流转耗时: finished grid-chain working days
    records_ok: Mapped[bool | None] = mapped_column(Boolean)  # 资料规范: complete and ordered stage records
    customer_cd: Mapped[int | None] = mapped_column(Integer)  # customer-chain calendar days, all 5 stages finished
    # the band of [applied_on, energized_on) (data_access/spans.py); NULL for a cancelled case, never open
    open_band: Mapped[int | None] = mapped_column(Integer)

    # The three indexes below carry the columns their queries read after the range (covering indexes, migration
    # 0007): a range of a province's cases is a hundred thousand rows scattered over a 1 M-row table, and looking
    # each one up cost more than finding it (a past day's open cases 1.22 s against 0.25 s; the cases energized in
    # 30 days 0.33 s against 0.02 s).
    __table_args__ = (
        # cases applied per day (the weekly trend's open counts)
        Index("ix_cases_applied_on", "applied_on", *APPLIED_COVER),
        # energized-in-period per unit (KPIs, trend, monthly ranking) and open cases of today
        Index("ix_cases_unit_energized", "unit_code", "energized_on", *ENERGIZED_COVER),
        # the cases open on a past day: one short range per band (spans.open_during), with what the day's open
        # stages and KPIs read of them
        Index("ix_cases_open_band", "open_band", "unit_code", "applied_on", "energized_on", *OPEN_BAND_COVER),
    )


class Stage(Base):
    """One stage of a case, on either chain, with the outcome of a finished stage kept (SPEC §3 design note)."""

    __tablename__ = "stages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id", ondelete="CASCADE"))
    stage_code: Mapped[str] = mapped_column(String(4))
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    finished_on: Mapped[dt.date | None] = mapped_column(Date)
    party: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    planned_finish_on: Mapped[dt.date | None] = mapped_column(Date)
    # denormalised for scoped aggregation without a join on millions of rows
    unit_code: Mapped[str] = mapped_column(String(32))
    chain: Mapped[str] = mapped_column(String(10))
    limit_days: Mapped[float | None] = mapped_column(Float)
    limit_unit: Mapped[str] = mapped_column(String(2))
    # kept for finished stages only; recomputed by `board recompute` after a calendar or rules edit
    elapsed: Mapped[int | None] = mapped_column(Integer)
    elapsed_cd: Mapped[int | None] = mapped_column(Integer)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    entered_warning: Mapped[bool | None] = mapped_column(Boolean)
    # the band of [started_on, finished_on), + ON_TIME when finished on time (data_access/spans.py); NULL for a
    # stage not started
    open_band: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        # only what a query reads: each index over a province's 11 M stage rows costs a first load about 35 s
        # (period measures read the stage_daily rollup, so indexes by finish day alone went in migration 0005)
        Index("ix_stages_case", "case_id", "stage_code", unique=True),
        # the 超时预警 drill-down: one stage of a unit's subtree finished in a period
        Index("ix_stages_unit_stage_finished", "unit_code", "stage_code", "finished_on"),
        Index(
            "ix_stages_open",
            "unit_code",
            "started_on",
            sqlite_where=text("finished_on IS NULL"),
            postgresql_where=text("finished_on IS NULL"),
        ),
        # the stages open on a past day, or on any of some week ends: one short range per band
        Index("ix_stages_open_band", "open_band", "unit_code", "started_on", "finished_on"),
    )


class Substation(Base):
    """变电站 with its main transformers."""

    __tablename__ = "substations"
    substation_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    voltage_kv: Mapped[float] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    transformer_count: Mapped[int | None] = mapped_column(Integer)
    transformer_mva: Mapped[float | None] = mapped_column(Float)
    peak_mw: Mapped[float | None] = mapped_column(Float)
    spare_bays: Mapped[int | None] = mapped_column(Integer)


class Feeder(Base):
    """10 kV 线路."""

    __tablename__ = "feeders"
    feeder_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # no foreign key: substations are replaced by import while their feeders stay; import checks the reference
    substation_code: Mapped[str | None] = mapped_column(String(40), index=True)
    rated_current_a: Mapped[float | None] = mapped_column(Float)
    peak_mw: Mapped[float | None] = mapped_column(Float)
    spare_bays: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str | None] = mapped_column(Text)


class CalendarYear(Base):
    """A year whose full holiday calendar was loaded into the database (e.g. one the package does not know)."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CalendarDay(Base):
    """A day whose working status differs from Monday–Friday (holiday or 调休 working weekend day)."""

    __tablename__ = "calendar_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(60))


class Meta(Base):
    """Key/value facts about the database: the rules and calendar fingerprints the stored outcomes used."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Notification(Base):
    """Outbox of warning pushes: one row per (stage, status, channel); sent_at is set only after delivery."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(40))
    stage_code: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(10))
    detected_on: Mapped[dt.date] = mapped_column(Date)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    # set (and committed) just before a delivery: claimed but not sent means "possibly delivered"
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_notifications_event", "case_id", "stage_code", "status", "channel", unique=True),)


class StageDaily(Base):
    """Rollup of finished stages per unit, stage, finish day and filter dimensions (kept by import/recompute),
    so period measures never scan millions of stage rows."""

    __tablename__ = "stage_daily"
    unit_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    stage_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    finished_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    voltage_band: Mapped[str] = mapped_column(String(2), primary_key=True)
    customer_class: Mapped[str] = mapped_column(String(20), primary_key=True)
    key_project: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    finished: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[int] = mapped_column(Integer)
    warned: Mapped[int] = mapped_column(Integer)
    warned_ok: Mapped[int] = mapped_column(Integer)
    first_pass: Mapped[int] = mapped_column(Integer)  # finished at the first attempt (一次验收通过 for G7)
    overrun_sum: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_stage_daily_day", "finished_on"),)


class HeldDaily(Base):
    """The days finished stages held their party, as a past day's open cases see them: per day a stage starts
    counting (finished, its case applied), + its calendar days; per day it stops (its case energized), − them.
    Summed up to a day, per case unit, stage unit and party, that is what the stages of the cases open that day
    held until then (`queries.held_party_days`): the half of 责任边界 that otherwise reads 400 k stage rows of a
    province's open cases. `n` counts the stages alike, so a pair held by none is left out as the SQL leaves it."""

    __tablename__ = "held_daily"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    case_unit: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    party: Mapped[str] = mapped_column(String(12), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_held_daily_day", "day", "case_unit", "unit_code", "party", "n", "days"),)


class User(Base):
    """A person who signs in: role admin/manager/viewer, bound to a unit's subtree (admins: all units)."""

    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime)


class WallToken(Base):
    """A read-only wall-screen token bound to a unit scope; only its SHA-256 is stored."""

    __tablename__ = "wall_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    unit_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEvent(Base):
    """Who did what, when, in which scope: sign-ins, failed sign-ins, exports, token use, user changes."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(30))
    scope: Mapped[str] = mapped_column(String(32), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (Index("ix_audit_action_actor_at", "action", "actor", "at"),)
