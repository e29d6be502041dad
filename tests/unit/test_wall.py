"""Wall screen: URL config, masking, refresh as a plain function (unchanged data, database down)."""

import shutil

from dash import no_update

from board.config import Settings
from board.usecases.service import BoardService
from callbacks.wall import CONTENT, FIGURES, refresh
from data_access.masking import mask_name
from layouts.wall import parse_wall


def test_masking_keeps_place_and_trade_hides_brand_and_given_name():
    assert mask_name("宁波恒泰电器有限公司") == "宁波**电器有限公司"
    assert mask_name("张三") == "张*" and mask_name("王建国") == "王**"
    assert mask_name("<img src=x onerror=alert(1)>").startswith("<i**")
    assert mask_name(None) == ""


def test_wall_url_config_with_bad_values_falls_back():
    cfg = parse_wall({"views": "kpi,bogus,capacity", "seconds": "10,x", "refresh": "0", "reload_hours": "abc"})
    assert cfg["views"] == ["kpi", "capacity"] and cfg["seconds"] == [10, 30]
    assert cfg["refresh"] == 1 and cfg["reload_hours"] == 6.0


def test_refresh_builds_once_then_redraws_nothing_until_data_changes(demo_settings):
    svc = BoardService(demo_settings)
    cfg = parse_wall({})
    first = refresh(svc, cfg, 1920, None)
    title, stamp, banner, good = first[:4]
    assert "业扩报装监管看板" in title and stamp.startswith("数据截至 2026-11-20") and banner is None
    assert all(f is not no_update for f in first[4:])
    assert "**" in str(first[4 + len(FIGURES) + CONTENT.index("wall-warnings")])  # names masked
    again = refresh(svc, cfg, 1920, good)
    assert all(x is no_update for x in again[4:]) and again[0] is no_update


def test_database_gone_keeps_last_good_data_with_a_stale_banner(tmp_path, demo_settings):
    copy = tmp_path / "copy"
    shutil.copytree(demo_settings.data_dir, copy)
    svc = BoardService(Settings(data_dir=str(copy), as_of="2026-11-20"))
    cfg = parse_wall({})
    good = refresh(svc, cfg, 1920, None)[3]
    (copy / "board.sqlite").rename(copy / "moved.sqlite")
    stale = refresh(svc, cfg, 1920, good)
    assert "数据可能已过时" in str(stale[2]) and "数据库文件不存在" in str(stale[2])
    assert all(x is no_update for x in stale[4:]) and stale[3] is no_update
    (copy / "moved.sqlite").rename(copy / "board.sqlite")
    back = refresh(svc, cfg, 1920, good)
    assert back[2] is None
