"""Each callback request reads one committed state of the database, so a page served while an import commits
shows the old figures or the new ones, never some of each (issue #17: one data version per response)."""

from __future__ import annotations

import logging
from contextlib import ExitStack

from flask import Flask, g, request

from data_access.engine import read_snapshot

log = logging.getLogger("board.web")


def install(server: Flask, svc) -> None:
    """Open a read snapshot before every Dash callback (after the gate has let it through), close it after."""

    def enter():
        if request.path != "/_dash-update-component":
            return
        stack = ExitStack()
        try:
            stack.enter_context(read_snapshot(svc.engine))
        except Exception as exc:  # noqa: BLE001 - database down: the callback says so in its own words
            stack.close()
            log.info("no read snapshot for this request (%s)", exc.__class__.__name__)
            return
        g.board_read_snapshot = stack

    def leave(_exc=None):
        stack = g.pop("board_read_snapshot", None)
        if stack is not None:
            try:
                stack.close()
            except Exception:  # noqa: BLE001 - the connection died with the database; the pool replaces it
                log.info("read snapshot ended with the connection")

    server.before_request(enter)
    server.teardown_request(leave)
