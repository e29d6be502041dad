"""One settings object for the whole board: defaults < environment (`BOARD_*`) < explicit overrides."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
PACKAGED_RULES = Path(__file__).parent / "data" / "rules.json"


def now() -> dt.datetime:
    """The time in the board's time zone (one function, so tests can move the clock across midnight)."""
    return dt.datetime.now(LOCAL_TZ)


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Everything configurable; every field has a default and a help text (the README table is built from it)."""

    data_dir: str = _setting("data", "数据目录：嵌入式 SQLite 数据库和服务区 GeoJSON（areas.geojson）所在")
    database_url: str = _setting("", "SQLAlchemy 数据库 URL；为空时使用数据目录下的 board.sqlite")
    rules: str = _setting("", "规则文件 (JSON) 路径；为空时使用随包发布的默认规则")
    as_of: str = _setting("", "固定的数据截至日期 YYYY-MM-DD；为空时取北京时间今天")
    host: str = _setting("127.0.0.1", "board serve 监听地址")
    port: int = _setting(8050, "board serve 监听端口")
    debug: bool = _setting(False, "Dash 调试模式（仅开发用）")
    auth: bool = _setting(True, "要求登录（关闭仅用于单机开发；生产模式不允许关闭）")
    production: bool = _setting(False, "生产模式：没有 BOARD_SECRET_KEY 时拒绝启动，不允许关闭登录")
    secret_key: str = field(
        default="", repr=False, metadata={"help": "会话签名密钥（≥32 字符）；开发模式为空时在数据目录生成 .secret_key"}
    )
    tls: bool = _setting(False, "生产模式下会话 Cookie 一律带 Secure（经 HTTPS 访问时本来就会带）")
    behind_proxy: bool = _setting(False, "位于反向代理之后：信任 X-Forwarded-For/Proto（判断 HTTPS 和客户端地址）")
    snapshot_user: str = _setting("", "定时快照以哪个用户的权限和范围生成（为空则为全公司、不脱敏）")
    redis_url: str = _setting(
        "",
        "视图缓存的 Redis 地址（如 redis://127.0.0.1:6379/0）；为空时缓存在数据目录的 cache 文件夹",
    )
    auto_refresh: bool = _setting(True, "当天读模型缺失时（新的一天、导入之后）由第一个请求在后台刷新")
    build_ahead_at: str = _setting(
        "23:30", "每天此时刻（北京时间 HH:MM）后的首个请求在后台预建次日读模型并预热缓存，零点无冷启动；为空则不预建"
    )
    capacity_allowed_loading: float = _setting(0.8, "可开放容量：线路/主变允许负载率")
    capacity_coincidence: float = _setting(0.6, "可开放容量：在途报装容量的同时率")
    capacity_green: float = _setting(0.3, "可开放容量：绿色下限（可开放占额定容量比例）")
    capacity_yellow: float = _setting(0.1, "可开放容量：黄色下限（低于此为红色）")
    map_tiles: str = _setting(
        "", "地图底图：内网栅格瓦片地址模板（如 http://gis.local/{z}/{x}/{y}.png），为空则仅用服务区 GeoJSON"
    )
    notify_webhook: str = _setting("", "预警推送：接收 JSON POST 的 webhook 地址（为空则不推送）")
    notify_jsonl: str = _setting("", "预警推送：追加写入的 JSONL 文件路径（为空则不写）")
    notify_smtp_host: str = _setting("", "预警推送：SMTP 服务器（为空则不发邮件）")
    notify_smtp_port: int = _setting(25, "预警推送：SMTP 端口")
    notify_smtp_from: str = _setting("", "预警推送：发件人")
    notify_smtp_to: str = _setting("", "预警推送：收件人，逗号分隔")
    snapshot_dir: str = _setting("", "定时快照输出目录；为空时为数据目录下的 snapshots")
    snapshot_keep: int = _setting(12, "每个定时快照任务保留最近几次运行的结果")
    snapshot_pages: str = _setting("home,progress,alerts,capacity,rankings", "快照包含的页面，逗号分隔")
    snapshot_formats: str = _setting("png,pdf,html,xlsx", "快照格式，逗号分隔（png,pdf,html,xlsx）")
    snapshot_size: str = _setting("1920x1080", "快照截图尺寸（宽x高，像素）")
    schedule_weekly: str = _setting("0 8 * * 1", "周通报快照的 cron 表达式（北京时间；为空则停用），取上一个 ISO 周")
    schedule_monthly: str = _setting("0 8 1 * *", "月度质量通报快照的 cron 表达式（为空则停用），取上个月")

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{Path(self.data_dir).resolve() / 'board.sqlite'}"

    def capacity_rules(self):
        """The capacity model's thresholds."""
        from board.domain.capacity import CapacityRules

        return CapacityRules(self.capacity_allowed_loading, self.capacity_coincidence, self.capacity_green,
                             self.capacity_yellow)  # fmt: skip

    @property
    def resolved_snapshot_dir(self) -> Path:
        """Where scheduled snapshots go."""
        return Path(self.snapshot_dir) if self.snapshot_dir else Path(self.data_dir) / "snapshots"

    @property
    def rules_path(self) -> Path:
        """The rules file in force."""
        return Path(self.rules) if self.rules else PACKAGED_RULES

    def resolved_as_of(self) -> dt.date:
        """The as-of date: the fixed one if set, otherwise today in Asia/Shanghai."""
        if self.as_of:
            return dt.date.fromisoformat(self.as_of)
        return now().date()

    def ahead_from(self) -> dt.time | None:
        """The time of day from which tomorrow's read model is built ahead (None: never)."""
        text = self.build_ahead_at.strip()
        return dt.time.fromisoformat(text) if text else None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> "Settings":
        """Build settings from `BOARD_<FIELD>` environment variables, then explicit overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(f"BOARD_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _coerce(raw, f.type, f.name)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _coerce(raw: str, type_name: Any, name: str) -> Any:
    kind = type_name if isinstance(type_name, str) else getattr(type_name, "__name__", "str")
    if kind == "bool":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind == "float":
        try:
            return float(raw)
        except ValueError as exc:
            raise ValueError(f"环境变量 BOARD_{name.upper()} 应为数字，实际为 {raw!r}") from exc
    if kind == "int":
        try:
            return int(raw)
        except ValueError as exc:
            raise ValueError(f"环境变量 BOARD_{name.upper()} 应为整数，实际为 {raw!r}") from exc
    return raw


def settings_table() -> list[tuple[str, str, str]]:
    """(env var, default, help) for every setting — used by the README and `board settings`."""
    return [(f"BOARD_{f.name.upper()}", str(f.default), f.metadata["help"]) for f in dataclasses.fields(Settings)]
