"""Unit scopes: the subtree a query may read, and the case filter pages apply in SQL."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from data_access.models import Case, StageDaily, Unit
from data_access.queries.frames import _all, _frame


class UnknownUnit(LookupError):
    """A unit code that is not in the unit tree."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(f"未知的供电单位代码：{code}")


class OutOfScope(UnknownUnit):
    """A unit (or a case of a unit) outside the subtree the caller may see; says so without naming its data."""

    def __init__(self, code: str, what: str = "单位"):
        LookupError.__init__(self, f"无权查看{what} {code[:40]}")
        self.code = code


@dataclass(frozen=True)
class Scope:
    """A unit and the codes of its whole subtree; every query is restricted to these codes."""

    root: str
    codes: tuple[str, ...]
    masked: bool = False  # customer names leave the database masked (viewers, the wall)
    whole: bool = False  # a top unit of the tree: every row of the company is in scope


@dataclass(frozen=True)
class CaseFilter:
    """Case attributes a page may filter on; applied in SQL as bound parameters."""

    voltage: str | None = None  # "lv" (< 1 kV), "mv" (1 kV – < 35 kV), "hv" (35 kV and above)
    customer_class: str | None = None
    key_only: bool = False

    def clauses(self, model=Case) -> list:
        """WHERE clauses on the cases table (or another table with the case's voltage_kv, customer_class and
        key_project columns: the read model's)."""
        out = []
        if self.voltage == "lv":
            out.append(model.voltage_kv < 1)
        elif self.voltage == "mv":
            out.append(and_(model.voltage_kv >= 1, model.voltage_kv < 35))
        elif self.voltage == "hv":
            out.append(model.voltage_kv >= 35)
        if self.customer_class:
            out.append(model.customer_class == self.customer_class)
        if self.key_only:
            out.append(model.key_project.is_(True))
        return out

    def rollup_clauses(self) -> list:
        """The same filter on the stage_daily rollup's dimension columns."""
        out = []
        if self.voltage:
            out.append(StageDaily.voltage_band == self.voltage)
        if self.customer_class:
            out.append(StageDaily.customer_class == self.customer_class)
        if self.key_only:
            out.append(StageDaily.key_project.is_(True))
        return out

    @property
    def empty(self) -> bool:
        """True when nothing is filtered."""
        return not self.clauses()


NO_FILTER = CaseFilter()


def fetch_units(session: Session) -> pd.DataFrame:
    """All units with name, parent, level and path, ordered by path (depth-first)."""
    return _frame(session, select(*_all(Unit)).order_by(Unit.path))


def root_unit(session: Session) -> str | None:
    """Code of the root of the unit tree, or None for an empty database."""
    return session.scalar(select(Unit.unit_code).where(Unit.parent_code.is_(None)).order_by(Unit.unit_code))


def resolve_scope(session: Session, unit_code: str | None, *, within: str | None = None,
                  masked: bool = False) -> Scope:  # fmt: skip
    """The scope of a unit (default: `within`, else the root). `within` is the subtree the caller may see: a unit
    outside it raises OutOfScope; a code not in the tree raises UnknownUnit. `masked` masks customer names."""
    code = unit_code or within or root_unit(session)
    if code is None:
        raise UnknownUnit("(空数据库)")
    path = session.scalar(select(Unit.path).where(Unit.unit_code == code))
    if path is None:
        raise UnknownUnit(code)
    if within is not None and code != within:
        allowed = session.scalar(select(Unit.path).where(Unit.unit_code == within))
        if allowed is None or not path.startswith(allowed):
            raise OutOfScope(code)
    codes = session.scalars(select(Unit.unit_code).where(Unit.path.startswith(path, autoescape=True)))
    return Scope(root=code, codes=tuple(sorted(codes)), masked=masked, whole="/" not in path.strip("/"))


def case_unit(session: Session, case_id: str) -> str | None:
    """The unit of a case (None when there is no such case) — to tell "not yours" from "not there"."""
    return session.scalar(select(Case.unit_code).where(Case.case_id == case_id))
