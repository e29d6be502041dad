"""可开放容量 callbacks called as plain functions on the demo database."""

from board.demo.geo import SUB_NAMES
from board.usecases.service import BoardService
from callbacks.capacity import export_assets, on_select, query, update_map, update_tables
from layouts.ids.capacity import Capacity

ALL = ["green", "yellow", "red", "grey"]


def test_tables_map_and_summaries(demo_settings):
    svc = BoardService(demo_settings)
    notice, options, rows, bars, share, supply = update_tables(svc, None, None, ALL, "all")
    n_sub = len(SUB_NAMES)  # the demo grid: 26 substations and 200 feeders
    assert notice == [] and len(options) == n_sub and len(rows) == n_sub + 200
    assert {r["class_name"] for r in rows} <= {"充裕", "紧张", "受限", "无数据"}
    assert any(r["class_name"] == "无数据" and r["open_mw"] is None for r in rows)  # unknown, never 0
    fig = update_map(svc, None, None, ALL, None, None, None)
    assert fig.layout.map.style == "white-bg"  # renders offline
    assert [t.name for t in fig.data][:1] == ["服务区"]
    _n, _o, only_red, *_ = update_tables(svc, None, None, ["red"], "feeder")
    assert only_red and all(r["class_name"] == "受限" and r["kind"] == "线路" for r in only_red)


def test_query_highlights_candidates_nearest_first(demo_settings):
    svc = BoardService(demo_settings)
    found, msg, table = query(svc, None, "800", {"lon": 121.45, "lat": 29.6})
    assert found and "条线路可接入 800 kVA" in str(msg) and "按距所选位置由近到远" in str(msg)
    fig = update_map(svc, None, None, ALL, None, found, {"lon": 121.45, "lat": 29.6})
    assert "可接入线路" in [t.name for t in fig.data] and "所选位置" in [t.name for t in fig.data]


def test_bad_loads_get_messages(demo_settings):
    svc = BoardService(demo_settings)
    for text in ("-1", "abc", "99999999"):
        found, msg, table = query(svc, None, text, None)
        assert found == [] and table is None and "kVA" in str(msg)


def test_map_click_selects_row_and_row_selects_asset():
    code, loc, sel = on_select(Capacity.MAP, {"points": [{"lon": 121.4, "lat": 29.6, "customdata": "BDZ03"}]}, None)
    assert code == "S:BDZ03" and loc == {"lon": 121.4, "lat": 29.6} and sel == [{"code": "S:BDZ03"}]
    hover = "溪口103线（XL003）<br>额定 5.46 MW"
    code, _loc, _sel = on_select(Capacity.MAP, {"points": [{"lon": 121.4, "lat": 29.6, "text": hover}]}, None)
    assert code == "F:XL003"
    code, _loc, _sel = on_select(Capacity.GRID, None, [{"code": "F:XL010"}])
    assert code == "F:XL010"
    square = {"features": [{"id": "A", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2],
                                                                                         [0, 0]]]}}]}  # fmt: skip
    _code, loc, _sel = on_select(Capacity.MAP, {"points": [{"location": "A"}]}, None, square)
    assert loc == {"lon": 1.0, "lat": 1.0}


def test_export(demo_settings):
    svc = BoardService(demo_settings)
    rows = update_tables(svc, None, None, ALL, "all")[2]
    assert export_assets(rows, "csv")["content"].startswith("\ufeff类型,名称,所属变电站")
    assert export_assets(rows, "xlsx")["filename"].endswith(".xlsx")
