"""Turn exceptions into one clear Chinese sentence for the page (never a traceback)."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError, SQLAlchemyError

log = logging.getLogger("board")


def friendly_error(exc: Exception) -> str:
    """A user-facing message for an exception raised while building a view; logs the details."""
    log.warning("view failed: %s", exc, exc_info=exc)
    if isinstance(exc, OperationalError):
        return "数据库暂时无法连接或尚未初始化（请运行 board init-db / board demo），请稍后刷新。"
    if isinstance(exc, SQLAlchemyError):
        return "查询数据库时出错，已记录日志，请稍后重试。"
    return str(exc)
