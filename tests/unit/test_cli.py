"""The `board` command line, invoked in-process."""

import csv
import io

from click.testing import CliRunner

from board.cli import main
from tests.fixtures import STAGES, write_small


def run(tmp_path, *args):
    return CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), *args])


def test_demo_then_reports(tmp_path):
    result = run(tmp_path, "demo", "--cases", "300", "--as-of", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "areas.geojson").exists()
    stages = run(tmp_path, "report", "stages", "--as-of", "2026-11-20", "--unit", "YL-QX")
    assert stages.exit_code == 0, stages.output
    rows = list(csv.DictReader(io.StringIO(stages.output)))
    assert rows and {r["unit_code"][:5] for r in rows} == {"YL-QX"}
    assert {r["state"] for r in rows} <= {"not_started", "open", "finished"}
    assert {r["status"] for r in rows} <= {"normal", "warning", "overdue", "on_time"}
    kpi = run(tmp_path, "report", "kpi", "--as-of", "2026-11-20")
    assert kpi.exit_code == 0, kpi.output
    names = [line.split(",")[0] for line in kpi.output.strip().splitlines()]
    assert names[:4] == ["name", "on_time_rate", "overdue_open", "warning_open"]


def test_demo_is_deterministic_with_seed(tmp_path):
    a = run(tmp_path / "a", "demo", "--cases", "200", "--seed", "5", "--as-of", "2026-06-30")
    b = run(tmp_path / "b", "demo", "--cases", "200", "--seed", "5", "--as-of", "2026-06-30")
    ra = run(tmp_path / "a", "report", "stages", "--as-of", "2026-06-30").output
    rb = run(tmp_path / "b", "report", "stages", "--as-of", "2026-06-30").output
    assert a.exit_code == b.exit_code == 0 and ra == rb and len(ra) > 1000


def test_import_rejection_exits_nonzero_with_row_messages(tmp_path):
    folder = write_small(tmp_path / "bad", stages=STAGES.replace("H1,G1,", "H1,Z1,"))
    result = run(tmp_path, "import", str(folder))
    assert result.exit_code != 0
    assert "stages:2:stage_code:" in result.output and "未写入任何数据" in result.output


def test_unknown_unit_in_report_is_a_clear_error(tmp_path):
    run(tmp_path, "import", str(write_small(tmp_path / "ok")))
    result = run(tmp_path, "report", "stages", "--as-of", "2026-03-05", "--unit", "NOPE")
    assert result.exit_code != 0 and "未知的供电单位代码：NOPE" in result.output


def test_calendar_load_makes_2027_countable(tmp_path):
    run(tmp_path, "import", str(write_small(tmp_path / "ok")))
    bad = run(tmp_path, "report", "stages", "--as-of", "2027-01-04")
    assert bad.exit_code != 0 and "2027" in bad.output and "board calendar load" in bad.output
    cal = tmp_path / "2027.csv"
    cal.write_text("date,kind,note\n2027-01-01,holiday,元旦\n", encoding="utf-8")
    loaded = run(tmp_path, "calendar", "load", "2027", str(cal))
    assert loaded.exit_code == 0, loaded.output
    ok = run(tmp_path, "report", "stages", "--as-of", "2027-01-04")
    assert ok.exit_code == 0, ok.output


def test_settings_lists_environment_variables(tmp_path):
    result = run(tmp_path, "settings")
    assert result.exit_code == 0 and "BOARD_DATABASE_URL" in result.output


def test_readme_lists_every_setting():
    from pathlib import Path

    from board.config import settings_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [env for env, _default, _help in settings_table() if env not in readme]
    assert missing == []


def test_report_on_an_empty_database_is_a_clear_message(tmp_path):
    result = run(tmp_path, "report", "kpi", "--as-of", "2026-03-05")
    assert result.exit_code != 0 and "无法读取数据库" in result.output and "Traceback" not in result.output
