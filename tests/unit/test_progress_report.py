"""Long commands report progress by phase, each phase ending at its total; off a terminal only the labels show."""

from click.testing import CliRunner

from board.cli import main
from board.config import Settings
from board.ingest.importer import export_data, import_path
from board.usecases.service import BoardService


def test_import_reports_each_phase_to_its_end(demo_settings, tmp_path):
    svc = BoardService(demo_settings)
    calls = []
    export_data(svc.engine, tmp_path / "files", lambda *a: calls.append(a))
    assert calls[-1] == ("写出 CSV", 5, 5)
    calls.clear()
    target = BoardService(Settings(data_dir=str(tmp_path / "new"), as_of="2026-11-20", auth=False))
    target.init_db()
    result = import_path(target.engine, tmp_path / "files", target.rules, progress=lambda *a: calls.append(a))
    phases = list(dict.fromkeys(c[0] for c in calls))
    assert phases == ["读取文件", "校验", "计算环节用时与结果", "写入数据库"]
    last = {phase: (done, total) for phase, done, total in calls}
    assert all(done == total for done, total in last.values()), last
    # every row but the unit tree's (upserted, not inserted) passes through the write bar
    assert last["写入数据库"][1] == sum(n for k, n in result.written.items() if k != "units")
    writes = [done for phase, done, _t in calls if phase == "写入数据库"]
    assert writes == sorted(writes)


def test_off_a_terminal_the_bars_are_their_labels(tmp_path):
    out = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "demo", "--cases", "200", "--as-of", "2026-11-20"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert "生成演示数据" in lines and "写入数据库" in lines and "刷新读模型" in lines
    assert not any("[#" in line for line in lines)
