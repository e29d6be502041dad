"""Snapshot pieces that need no browser: URLs, lists, atomic writes, escaping, XLSX, prerequisite messages."""

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from board.reports import browser, snapshot
from board.reports.snapshot_html import page_html

HOSTILE = "<img src=x onerror=alert(1)>"


def test_page_urls_carry_as_of_unit_and_last_complete_period():
    req = snapshot.SnapshotRequest(as_of=dt.date(2026, 11, 22), out=Path("/tmp/x"), unit="YL-QX", kind="week")
    assert snapshot.page_url("http://h", snapshot.PAGES["alerts"], req) == "http://h/alerts?as_of=2026-11-22&unit=YL-QX"
    assert snapshot.page_url("http://h", snapshot.PAGES["rankings"], req).endswith("kind=week&label=2026-W47")
    monthly = snapshot.SnapshotRequest(as_of=dt.date(2026, 11, 22), out=Path("/tmp/x"), kind="month")
    assert snapshot.page_url("http://h", snapshot.PAGES["rankings"], monthly).endswith("label=2026-10")
    assert req.folder == Path("/tmp/x/2026-11-22")


def test_parse_list_names_unknown_entries():
    assert snapshot.parse_list("png, pdf,png", snapshot.FORMATS, "格式") == ("png", "pdf")
    with pytest.raises(ValueError, match="未知的格式：gif"):
        snapshot.parse_list("png,gif", snapshot.FORMATS, "格式")
    with pytest.raises(ValueError, match="（空）"):
        snapshot.parse_list(" , ", snapshot.PAGES, "页面")


def test_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a.png"
    target.write_bytes(b"old")
    snapshot.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]


def content():
    return {
        "heading": "标题",
        "kpis": ["在途 12"],
        "figures": [{"data": [{"type": "bar", "x": [1], "y": [2], "name": "</script><script>alert(1)</script>"}],
                     "layout": {}}],
        "tables": [{"id": "grid", "title": "工单", "columns": ["客户", "容量"],
                    "rows": [[HOSTILE, 315], ["=HYPERLINK(\"http://x\")", 80], ["-12", None]]}],
    }  # fmt: skip


def test_offline_html_escapes_names_and_cannot_close_its_script():
    text = page_html("超时预警", "2026-11-22", "2026-11-23T08:00", content(), "/*plotly*/")
    assert HOSTILE not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "</script><script>alert(1)" not in text
    assert "http://" not in text.replace('"http://x"', "").replace("&quot;http://x&quot;", "")
    assert "<title>超时预警 · 数据截至 2026-11-22</title>" in text


def test_tables_workbook_keeps_text_inert(tmp_path):
    req = snapshot.SnapshotRequest(as_of=dt.date(2026, 11, 22), out=tmp_path)
    book = openpyxl.load_workbook(io.BytesIO(snapshot.tables_xlsx("超时预警", req, content())))
    sheet = book["工单"]
    assert sheet["A1"].value == "超时预警 · 工单 · 数据截至 2026-11-22"
    assert [c.value for c in sheet[3]] == ["客户", "容量"]
    assert sheet["A4"].value == HOSTILE
    assert sheet["A5"].value.startswith("'=HYPERLINK")  # a formula would run in Excel; it stays text
    assert sheet["A5"].data_type == "s"
    assert sheet["A6"].value == "-12"


def test_missing_browser_or_font_names_the_package(monkeypatch):
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    with pytest.raises(browser.SnapshotSetupError, match="chromium"):
        browser.check_prerequisites()
    monkeypatch.setattr(browser.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(browser, "has_chinese_font", lambda: False)
    with pytest.raises(browser.SnapshotSetupError, match="fonts-noto-cjk"):
        browser.check_prerequisites()
