"""`board snapshot` end to end in headless Chromium on the demo database."""

import datetime as dt
import hashlib
import io
import json
import re
import struct
import unicodedata

import openpyxl
from plotly.offline import get_plotlyjs
from pypdf import PdfReader

from board.reports import snapshot
from board.reports.browser import Browser
from board.usecases.service import BoardService

AS_OF = dt.date(2026, 11, 20)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def pdf_text(data: bytes) -> str:
    # Chromium maps some glyphs to Kangxi radicals (⼀ for 一); NFKC folds them back
    return unicodedata.normalize("NFKC", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_snp001_every_page_in_every_format(demo_settings, tmp_path):
    req = snapshot.SnapshotRequest(as_of=AS_OF, out=tmp_path, width=1366, height=768)
    manifest = snapshot.run(demo_settings, req)
    assert manifest["failures"] == [] and manifest["ok"]
    plotly_js = get_plotlyjs()
    folder = tmp_path / "2026-11-20"
    on_disk = json.loads((folder / "manifest.json").read_text())
    assert on_disk["as_of"] == "2026-11-20" and on_disk["size"] == [1366, 768]
    assert {f["path"] for f in on_disk["files"]} == {f"{p}.{x}" for p in snapshot.PAGES for x in snapshot.FORMATS}
    for entry in on_disk["files"]:
        data = (folder / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
    assert not [p for p in folder.iterdir() if ".tmp-" in p.name]
    for key, spec in snapshot.PAGES.items():
        assert png_size((folder / f"{key}.png").read_bytes()) == (1366, 768)
        assert len((folder / f"{key}.png").read_bytes()) > 20_000  # a drawn page, not a blank one
        assert spec.title in pdf_text((folder / f"{key}.pdf").read_bytes()), key
        page = (folder / f"{key}.html").read_text()
        assert f"<h1>{spec.title}</h1>" in page and plotly_js in page
        page = page.replace(plotly_js, "")  # the bundle's own string literals are not references
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), key  # opens offline
    assert "Plotly.newPlot" in (folder / "alerts.html").read_text()
    assert "data:image/png;base64," in (folder / "capacity.html").read_text()  # the map, as a picture
    # the HTML files draw their figures from a disk, with the network off
    with Browser(1280, 800) as b:
        b.driver.execute_cdp_cmd("Network.enable", {})
        b.driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
        )
        for key in ("alerts", "capacity", "rankings"):
            b.driver.get(f"file://{folder}/{key}.html")
            drawn = b.driver.execute_script(
                "return [document.querySelectorAll('div.fig').length,"
                " document.querySelectorAll('div.fig .main-svg').length > 0]"
            )
            assert drawn[0] > 0 and drawn[1], key
    # 三通报 in its report layout, period = the last complete ISO week before the as-of date
    sheet = openpyxl.load_workbook(folder / "rankings.xlsx").active
    assert sheet["A1"].value.endswith("业扩时限通报") and "2026-W46" in sheet["A2"].value
    # the other pages' tables, as many rows as the page holds
    progress = openpyxl.load_workbook(folder / "progress.xlsx")
    assert progress.active.max_row > 10


def test_snp002_a_failing_page_is_retried_recorded_and_does_not_stop_the_others(demo_settings, tmp_path, monkeypatch):
    calls = []

    def broken(self, *args, **kwargs):
        calls.append(1)
        raise RuntimeError("注入的故障")

    monkeypatch.setattr(BoardService, "capacity", broken)
    req = snapshot.SnapshotRequest(as_of=AS_OF, out=tmp_path, pages=("alerts", "capacity", "rankings"),
                                   formats=("png", "xlsx"), width=1280, height=800)  # fmt: skip
    manifest = snapshot.run(demo_settings, req)
    assert not manifest["ok"]
    assert [(p["page"], p["status"]) for p in manifest["pages"]] == [
        ("alerts", "ok"), ("capacity", "failed"), ("rankings", "ok")]  # fmt: skip
    failure = manifest["failures"][0]
    assert failure["page"] == "capacity" and len(failure["errors"]) == 2  # tried twice
    assert "回调出错" in failure["errors"][0]  # found at once from the 500, not after the load timeout
    names = sorted(p.name for p in (tmp_path / "2026-11-20").iterdir())
    assert names == ["alerts.png", "alerts.xlsx", "manifest.json", "rankings.png", "rankings.xlsx"]
    assert len(calls) >= 2


def test_snp003_cli_reports_failures_with_exit_status(demo_settings, tmp_path):
    from click.testing import CliRunner

    from board.cli import main

    result = CliRunner().invoke(main, ["--data-dir", demo_settings.data_dir, "snapshot", "--as-of", "2026-11-20",
                                       "--pages", "home,nowhere", "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 1 and "未知的页面：nowhere" in result.output
    result = CliRunner().invoke(main, ["--data-dir", demo_settings.data_dir, "snapshot", "--as-of", "2026-11-20",
                                       "--pages", "home", "--formats", "png", "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "2026-11-20" / "home.png").exists()
