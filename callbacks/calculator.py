"""双链进度's 工期预估 calculator: a transformer capacity (and voltage) in, the predicted customer-chain days and the
earliest energization out, with the model's points drawn."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from board.usecases.service import BoardService
from layouts.common import graph_config
from layouts.ids.progress import Progress
from layouts.progress_figures import duration_figure

from .errors import friendly_error


def calculate(svc: BoardService, capacity_text, voltage, as_of) -> tuple:
    """(result, figure) of the 工期预估 calculator; bad input gets a message and no figure."""
    try:
        capacity = float(str(capacity_text).strip())
        if not 0 < capacity <= 200_000:
            raise ValueError
    except (TypeError, ValueError):
        fig = None
        msg = (
            "请输入 0 以上、200,000 以下的变压器容量（kVA）"
            if capacity_text not in (None, "")
            else "输入容量后显示预测"
        )
        return dbc.Alert(msg, color="warning" if capacity_text else "light", className="py-2 mb-0"), fig
    try:
        day = svc.as_of(as_of[:10] if as_of else None)
        out = svc.calculator(capacity, float(voltage or 10), day)
        points = svc.duration_sample(day)
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        return dbc.Alert(friendly_error(exc), color="danger", className="py-2 mb-0"), None
    p, model = out["prediction"], out["model"]
    grid = f"电网侧时限合计 {out['grid_wd']:g} 个工作日"
    base = f"经验基准 {out['baseline_cd']:g} 天"
    if not p.ok:
        text = f"该电压等级/容量段样本不足（{p.samples} 例），无法预测；{base}，{grid}。"
    else:
        prov = "（暂定：跨入未导入日历的年份）" if out["earliest_provisional"] else ""
        text = (f"客户侧工期预计 {p.median:.0f} 天（80% 区间 {p.low:.0f}–{p.high:.0f} 天，样本 {p.samples} 例"
                f"{'，' + p.note if p.note else ''}；{base}）；{grid}；从 {day} 起最早送电 {out['earliest']}{prov}，"
                f"较慢情形 {out['late']}。模型留出检验：平均误差 {model.mae_days:.1f} 天，区间覆盖率 "
                f"{model.coverage * 100:.0f}%（{model.test_size} 例）。")  # fmt: skip
    return html.Div(text), duration_figure(points, model, capacity)


def register(app: Dash, svc: BoardService) -> None:
    """Attach the calculator's callback to an app."""

    @app.callback(
        Output(Progress.CALC_RESULT, "children"), Output(Progress.CALC_FIGURE, "children"),
        Input(Progress.CALC_CAPACITY, "value"), Input(Progress.CALC_VOLTAGE, "value"), State(Progress.AS_OF, "date"),
    )  # fmt: skip
    def on_calculate(capacity, voltage, as_of):
        result, fig = calculate(svc, capacity, voltage, as_of)
        return result, None if fig is None else dcc.Graph(figure=fig, config=graph_config())
