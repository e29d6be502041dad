"""`board` command line. One module per command group: server.py (serve, init-db, settings), data.py (demo,
import, export-data, calendar, recompute), reports.py (report, notify, snapshot, scheduler), access.py (user,
token, audit), refresh.py (the read model); helpers.py holds what they share."""

from __future__ import annotations

import click

from board.cli import access, data, refresh, reports, server
from board.config import Settings


@click.group()
@click.option("--database-url", envvar="BOARD_DATABASE_URL", help="数据库 URL（默认数据目录下的 SQLite）")
@click.option("--data-dir", envvar="BOARD_DATA_DIR", help="数据目录")
@click.option("--rules", envvar="BOARD_RULES", help="规则文件路径")
@click.pass_context
def main(ctx: click.Context, database_url, data_dir, rules):
    """业扩报装可视化监管看板."""
    ctx.obj = Settings.from_env(database_url=database_url, data_dir=data_dir, rules=rules)


for command in (
    server.serve, server.init_db, server.upgrade_db, data.demo, data.import_, data.export_data, reports.report,
    reports.notify, data.calendar, data.recompute, reports.snapshot, reports.scheduler, server.settings_cmd,
    access.user, access.token, access.audit, refresh.refresh,
):  # fmt: skip
    main.add_command(command)

if __name__ == "__main__":  # pragma: no cover
    main()
