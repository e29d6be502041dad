"""The Dash app factory: pages registered explicitly, callbacks wired to one BoardService."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import Dash

from board.config import Settings
from board.usecases.service import BoardService
from board.web import gate as web_auth
from board.web import plotly_bundle, request_snapshot
from layouts.theme import register_templates, warm_figures

ASSETS = Path(__file__).resolve().parents[2] / "assets"
APP_TITLE = "业扩报装可视化监管看板"


def create_app(settings: Settings | None = None, principal=None, snapshot_key: str | None = None) -> Dash:
    """Build the board for a settings object; nothing touches the database until a request needs it. With a
    `principal`, requests carrying `snapshot_key` run as it without sign-in (the server of `board snapshot`)."""
    from callbacks import admin as admin_callbacks
    from callbacks import alerts as alerts_callbacks
    from callbacks import capacity as capacity_callbacks
    from callbacks import case_page as case_callbacks
    from callbacks import home as home_callbacks
    from callbacks import progress as progress_callbacks
    from callbacks import rankings as rankings_callbacks
    from callbacks import wall as wall_callbacks
    from layouts import admin, alerts, capacity, home, progress, rankings, shell, wall

    settings = settings or Settings.from_env()
    register_templates()
    warm_figures()  # in each worker before its first request, not during it
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        assets_path_ignore=["^vendor$"],  # served on demand (plotly_bundle), not put into every page
        external_stylesheets=[],  # Bootstrap ships in assets/: the board runs without internet
        title=APP_TITLE,
        update_title=None,
    )
    # screen readers pick their voice from the page language: the board speaks Chinese
    app.index_string = app.index_string.replace("<html>", '<html lang="zh-CN">', 1)
    svc = BoardService(settings)
    _refuse_an_old_schema(svc)
    app.server.config["BOARD_SERVICE"] = svc
    web_auth.install(app.server, svc, principal, snapshot_key)
    request_snapshot.install(app.server, svc)  # after the gate: a refused request opens nothing
    plotly_bundle.install(app.server, app.config.requests_pathname_prefix)
    dash.register_page("home", path="/", name="总览", title=f"总览 · {APP_TITLE}", layout=home.layout, order=0)
    dash.register_page("progress", path="/progress", name="双链进度", title=f"双链进度 · {APP_TITLE}",
                       layout=progress.layout, order=1)  # fmt: skip
    dash.register_page("case", path_template="/progress/case/<case_id>", name="工单详情", hide_nav=True,
                       title=f"工单详情 · {APP_TITLE}", layout=progress.case_layout, order=9)  # fmt: skip
    dash.register_page("alerts", path="/alerts", name="超时预警", title=f"超时预警 · {APP_TITLE}",
                       layout=alerts.layout, order=2)  # fmt: skip
    dash.register_page("capacity", path="/capacity", name="可开放容量", title=f"可开放容量 · {APP_TITLE}",
                       layout=capacity.layout, order=3)  # fmt: skip
    dash.register_page("rankings", path="/rankings", name="三通报", title=f"三通报 · {APP_TITLE}",
                       layout=rankings.layout, order=4)  # fmt: skip
    dash.register_page("wall", path="/wall", name="大屏", title=f"大屏 · {APP_TITLE}", layout=wall.layout,
                       hide_nav=True, order=10)  # fmt: skip
    dash.register_page("admin", path="/admin", name="管理", title=f"管理 · {APP_TITLE}", layout=admin.layout,
                       order=11, admin_only=True)  # fmt: skip
    app.layout = shell.layout
    home_callbacks.register(app, svc)
    alerts_callbacks.register(app, svc)
    progress_callbacks.register(app, svc)
    case_callbacks.register(app, svc)
    rankings_callbacks.register(app, svc)
    capacity_callbacks.register(app, svc)
    wall_callbacks.register(app, svc)
    admin_callbacks.register(app, svc)
    return app


def _refuse_an_old_schema(svc: BoardService) -> None:
    """A database of an older release would answer with wrong or missing columns: say so before serving. A database
    that is down (or an embedded file not there yet) is not refused: the wall shows it as stale data."""
    from data_access.engine import DatabaseUnavailable
    from data_access.migrate import check

    try:
        svc.check_file()
        check(svc.engine)
    except DatabaseUnavailable:
        return
    except Exception as exc:  # noqa: BLE001 - unreachable now; the pages say so per request
        from data_access.migrate import SchemaOutdated

        if isinstance(exc, SchemaOutdated):
            raise
