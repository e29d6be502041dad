"""Home page callbacks called as plain functions."""

from board.config import Settings
from board.usecases.service import BoardService
from callbacks.common import unit_options
from callbacks.home import update_home


def texts(component) -> str:
    return str(component)


def test_kpis_and_child_units_for_the_demo(demo_settings):
    svc = BoardService(demo_settings)
    notice, cards, focus, table, stamp, search = update_home(svc, "YL-QX", "2026-11-20", 30)
    assert notice == [] and len(cards) >= 9
    assert "时限达标率" in texts(cards) and "超时在途" in texts(cards)
    assert "目标 ≥ 95%" in texts(cards) and ("较上期" in texts(cards) or "持平" in texts(cards))
    assert "/alerts?unit=YL-QX&as_of=2026-11-20" in texts(cards)  # the tile opens the page behind it
    assert "超时" in texts(focus) and "/alerts?unit=YL-QX-" in texts(focus)  # the worst stage's 供电所
    assert "城关供电所" in texts(table) and "梅岭供电所" in texts(table)
    assert stamp.startswith("数据截至 2026-11-20")
    assert search == "?unit=YL-QX&as_of=2026-11-20"
    labels = [o["label"].strip("　") for o in unit_options(svc)]
    assert labels[0] == "云澜市供电公司" and "溪口供电所" in labels


def test_unknown_unit_shows_notice_and_whole_company(demo_settings):
    notice, cards, _focus, table, _stamp, _search = update_home(BoardService(demo_settings), "X' OR '1'='1", None, 30)
    assert "未知的供电单位代码" in texts(notice) and cards
    assert "青溪县供电公司" in texts(table)


def test_database_down_gives_a_message_not_a_traceback(tmp_path):
    svc = BoardService(Settings(data_dir=str(tmp_path), database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"))
    notice, cards, focus, table, stamp, _ = update_home(svc, None, "2026-11-20", 30)
    assert "数据库暂时无法连接" in texts(notice) and cards == [] and focus == [] and table is None
