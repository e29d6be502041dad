"""Exports carry hostile text as text: no markup interpretation, no spreadsheet formulas."""

import base64
import io

import openpyxl
import pandas as pd

from board.domain import inert
from callbacks.common import download_table

HOSTILE = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example","点我")'


def frame():
    return pd.DataFrame({"客户": [HOSTILE, FORMULA, "@SUM(A1)", "-5", "普通名称"], "容量": [1, 2, 3, 4, 5]})


def test_sec040_csv_export_keeps_markup_and_defuses_formulas():
    payload = download_table(frame(), "csv", "明细")
    lines = payload["content"].lstrip("\ufeff").splitlines()
    assert lines[1] == f"{HOSTILE},1"
    assert lines[2].startswith("\"'=HYPERLINK(")  # quoted by CSV, apostrophe keeps Excel from evaluating it
    assert lines[3] == "'@SUM(A1),3"
    assert lines[4] == "-5,4"  # a number stays a number


def test_sec041_xlsx_export_cells_are_strings_not_formulas():
    payload = download_table(frame(), "xlsx", "明细")
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(payload["content"])))
    cells = [c for c in book.active["A"][1:]]
    assert cells[0].value == HOSTILE and cells[0].data_type == "s"
    assert cells[1].value == "'" + FORMULA and cells[1].data_type == "s"
    assert all(c.data_type != "f" for c in cells)


def test_sec042_inert_leaves_non_text_alone():
    assert inert.cell(3) == 3 and inert.cell(None) is None and inert.cell("+86 574") == "'+86 574"


def test_sec043_map_hover_shows_a_hostile_name_as_text(demo_settings):
    import datetime as dt

    from board.usecases.service import BoardService
    from layouts.capacity_figures import capacity_map

    data = BoardService(demo_settings).capacity(dt.date(2026, 11, 20))
    points = data.points.copy()
    points.loc[points.index[0], "customer_name"] = HOSTILE
    fig = capacity_map(data.feeders, data.substations, points, data.areas, data.as_of)
    hover = next(t for t in fig.data if t.name == "在途报装").text[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in hover and "<img" not in hover
