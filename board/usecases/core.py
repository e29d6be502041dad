"""The holder every use case shares: settings, engine, rules, calendar, scope resolution and the view cache.

Built lazily (never at import) so an app or a CLI command costs nothing until a request needs the database.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import cached_property

import pandas as pd
from sqlalchemy import Engine

from board.config import Settings
from board.domain import access
from board.domain.rules import Rules, load_rules
from board.domain.workcal import WorkCalendar
from data_access import queries
from data_access.engine import DatabaseUnavailable, init_db, make_engine, read_snapshot, session_scope


def load_calendar(engine: Engine) -> WorkCalendar:
    """The working-day calendar: the package's years plus the database's overrides and loaded years."""
    with session_scope(engine) as session:
        days, years = queries.fetch_calendar(session)
    return WorkCalendar.build(days, years)


class ServiceCore:
    """Queries + rules for one settings object; safe to share across requests (holds no request data)."""

    def __init__(self, settings: Settings):
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        """The database engine (created on first use)."""
        return make_engine(self.settings.resolved_database_url)

    @cached_property
    def rules(self) -> Rules:
        """The rules in force."""
        return load_rules(self.settings.rules_path)

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar with the database's overrides, rebuilt when a year is loaded."""
        version = self._meta().get("calendar_version", "0")
        cached = getattr(self, "_calendar", None)
        if cached is None or cached[0] != version:
            self._calendar = (version, load_calendar(self.engine))
        return self._calendar[1]

    def data_version(self) -> str:
        """The version stamp of the data (changes with every import)."""
        return self._meta().get("data_version", "0")

    def check_file(self) -> None:
        """Raise DatabaseUnavailable when the embedded SQLite file is missing (connecting would create an empty one)."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            from pathlib import Path

            if not Path(url.database).exists():
                raise DatabaseUnavailable(f"数据库文件不存在：{url.database}")

    def check_available(self) -> None:
        """Raise DatabaseUnavailable when the database cannot serve queries (missing SQLite file, server down)."""
        self.check_file()
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1 FROM meta LIMIT 1")
        except Exception as exc:  # noqa: BLE001 - any failure means "not available now"
            raise DatabaseUnavailable(f"数据库无法连接：{exc.__class__.__name__}") from exc

    def init_db(self) -> None:
        """Create missing tables."""
        init_db(self.engine)

    def _meta(self) -> dict[str, str]:
        with session_scope(self.engine) as session:
            return queries.read_meta(session)

    def as_of(self, value: str | dt.date | None = None) -> dt.date:
        """An explicit as-of date, or the configured/today default."""
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(value) if value else self.settings.resolved_as_of()

    def units(self) -> pd.DataFrame:
        """The unit tree."""
        with session_scope(self.engine) as session:
            return queries.fetch_units(session)

    def audit(self, action: str, detail: str = "", scope: str | None = None) -> None:
        """Record what the current principal did (exports, snapshots) in the audit log."""
        from data_access import accounts

        who = access.current()
        with session_scope(self.engine, write=True) as session:
            accounts.record(session, who.name, action, scope=scope or who.unit or "*", detail=detail, ip=who.ip)

    def admin_data(self, action: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Users, wall tokens and the newest 1000 audit events — for admins only."""
        from data_access import accounts

        if not access.current().is_admin:
            raise queries.OutOfScope("用户与审计日志", "")
        with session_scope(self.engine) as session:
            return (accounts.list_users(session), accounts.list_tokens(session),
                    accounts.fetch_audit(session, limit=1000, action=action))  # fmt: skip

    def visible_units(self) -> pd.DataFrame:
        """The units the current principal may pick: its subtree (everything for admins)."""
        units = self.units()
        root = access.current().unit
        if root is None:
            return units
        path = units.loc[units["unit_code"] == root, "path"]
        return units[units["path"].str.startswith(path.iloc[0])] if len(path) else units.head(0)

    def _resolve(self, session, unit: str | None) -> queries.Scope:
        # The one place a scope is made for a view: the current principal bounds it and decides masking
        who = access.current()
        return queries.resolve_scope(session, unit, within=who.unit, masked=who.masked)

    def scope(self, unit: str | None) -> queries.Scope:
        """The scope of a unit code (default the root); raises queries.UnknownUnit."""
        with session_scope(self.engine) as session:
            return self._resolve(session, unit)

    def cached(self, key: tuple, compute, unit: str | None = None, scoped: bool = True):
        """A view's data from the shared cache, keyed by the read model's version (an import, a calendar load or a
        rules change makes old entries unreachable) and by the scope the caller gets for `unit` — resolved first,
        so a unit outside the caller's subtree is refused before any entry is read, and everyone who sees the
        same scope (with the same masking) shares one entry."""
        from board.usecases.cache import code_fingerprint
        from board.usecases.refresh import version_key

        # the version in the key and the rows behind the value come from one state of the database
        with read_snapshot(self.engine):
            where = "*"
            if scoped:
                scope = self.scope(unit)
                where = (scope.root, scope.masked)
            parts = (version_key(self), *key, where, code_fingerprint())
            return self.view_cache.get_or_compute(parts, compute)

    def concurrently(self, *thunks):
        """Independent views (or pieces of one) computed side by side: see board.usecases.parallel."""
        from board.usecases.parallel import concurrently

        return concurrently(self.engine, *thunks)

    @cached_property
    def view_cache(self):
        from board.usecases.cache import ViewCache

        return ViewCache(self.settings.redis_url, self.settings.data_dir)

    def read_day(self, as_of: dt.date) -> int | None:
        """The read model's day for `as_of` when it is built from the current data, else None (compute on demand).
        Today's missing day starts a build in the background, so the first user of a day does not wait for it."""
        from board.usecases.refresh import version_key

        with session_scope(self.engine) as session:
            built = queries.built_day(session, as_of.toordinal(), version_key(self))
        today = self.settings.auto_refresh and as_of == self.settings.resolved_as_of()
        if built:
            if today:
                self._build_ahead(as_of)
            return as_of.toordinal()
        if today and self._rolled_over(as_of):
            self._refresh_in_background(as_of)
        return None

    def _build_ahead(self, today: dt.date) -> None:
        # late in the evening, tomorrow's read model is built (and its default views warmed) in the background, so
        # at midnight the wall and the first manager of the day find the new day ready instead of a cold minute
        from board.config import now
        from board.usecases.refresh import version_key

        start = self.settings.ahead_from()
        if start is None or now().time() < start or self.settings.as_of:
            return
        tomorrow = today + dt.timedelta(days=1)
        with session_scope(self.engine) as session:
            if queries.built_day(session, tomorrow.toordinal(), version_key(self)):
                return
        self._refresh_in_background(tomorrow)

    def _rolled_over(self, as_of: dt.date) -> bool:
        # an earlier day is built from the current data: the date moved on, not the data (an import refreshes itself)
        from board.usecases.refresh import version_key

        with session_scope(self.engine) as session:
            days = queries.built_days(session)
        earlier = days[(days["rm_day"] > 0) & (days["rm_day"] < as_of.toordinal())]
        return bool((earlier["data_version"] == version_key(self)).any())

    def _stored_blob(self, name: str, as_of: dt.date) -> bytes | None:
        from board.usecases.refresh import version_key

        if self.read_day(as_of) is None:
            return None
        with session_scope(self.engine) as session:
            return queries.blob(session, name, as_of.toordinal(), version_key(self))

    _refreshing: set = set()

    def _refresh_in_background(self, as_of: dt.date) -> None:
        import threading

        from board.usecases.refresh import RefreshBusy, refresh

        if as_of in ServiceCore._refreshing:
            return
        ServiceCore._refreshing.add(as_of)

        def run():
            from board.usecases.warm import warm

            try:
                refresh(self, as_of)
                warm(self, as_of)
            except RefreshBusy:
                pass  # another worker is building it
            except Exception:  # noqa: BLE001 - a failed build leaves the views on the on-demand path
                logging.getLogger("board.refresh").exception("读模型刷新失败")
            finally:
                ServiceCore._refreshing.discard(as_of)

        threading.Thread(target=run, name="board-refresh", daemon=True).start()
