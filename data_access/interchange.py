"""The SPEC §5 interchange format on disk: a folder of CSV files or one XLSX workbook, read as raw text."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .progress import Progress, silent

SHEETS: dict[str, list[str]] = {
    "units": ["unit_code", "unit_name", "parent_code"],
    "cases": [
        "case_id", "unit_code", "customer_name", "customer_class", "voltage_kv", "capacity_kva", "business_type",
        "works_type", "key_project", "applied_on", "desired_on", "feeder_code", "status", "manager",
        "satisfaction", "lat", "lon", "supply",
    ],
    "stages": ["case_id", "stage_code", "started_on", "finished_on", "party", "attempts", "planned_finish_on"],
    "substations": [
        "substation_code", "name", "voltage_kv", "lat", "lon", "transformer_count", "transformer_mva", "peak_mw",
        "spare_bays",
    ],
    "feeders": ["feeder_code", "name", "substation_code", "rated_current_a", "peak_mw", "spare_bays", "path"],
}  # fmt: skip
OPTIONAL_COLUMNS = {"cases": {"lat", "lon", "supply"}}


class FileSetError(ValueError):
    """The file set cannot be read at all (missing file, unknown sheet, missing column)."""


def read_fileset(path: str | Path, progress: Progress = silent) -> dict[str, pd.DataFrame]:
    """Read every known sheet present as strings ('' for empty cells); row numbers are the file's own."""
    path = Path(path)
    if path.is_dir():
        files = [p for p in sorted(path.glob("*.csv")) if p.stem in SHEETS]
        raw = {}
        for i, p in enumerate(files):
            progress("读取文件", i, len(files))
            raw[p.stem] = _read_csv(p)
        progress("读取文件", len(files), len(files))
    elif path.suffix.lower() in {".xlsx", ".xlsm"}:
        raw = _read_xlsx(path)
    elif path.suffix.lower() == ".csv" and path.stem in SHEETS:
        raw = {path.stem: _read_csv(path)}
    elif not path.exists():
        raise FileSetError(f"找不到导入路径：{path}")
    else:
        raise FileSetError(f"无法识别的导入文件：{path}（应为 CSV 文件夹或 XLSX 工作簿）")
    if not raw:
        raise FileSetError(f"{path} 中没有可识别的表（{', '.join(SHEETS)}）")
    for name, frame in raw.items():
        missing = [c for c in SHEETS[name] if c not in frame.columns and c not in OPTIONAL_COLUMNS.get(name, ())]
        if missing:
            raise FileSetError(f"{name}: 缺少列 {', '.join(missing)}")
        for col in OPTIONAL_COLUMNS.get(name, ()):
            if col not in frame.columns:
                frame[col] = ""
        # row 1 is the header, so the first data row is row 2, as a spreadsheet shows it
        frame.index = pd.RangeIndex(2, 2 + len(frame))
    return raw


# Excel on a Chinese Windows machine saves "CSV" as GBK; GB18030 reads GBK and everything GBK cannot hold
ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030/GBK"))


def _read_csv(path: Path) -> pd.DataFrame:
    with path.open("rb") as fh:
        bom = fh.read(3) == b"\xef\xbb\xbf"
    for codec, name in ENCODINGS:
        try:
            # the parser decodes as it reads: a province's 700 MB file is not held a second time as one string
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=codec)
        except UnicodeDecodeError:
            continue
        frame.attrs["encoding"] = name + ("（带 BOM）" if codec == "utf-8-sig" and bom else "")
        return frame.rename(columns=lambda c: str(c).strip())
    raise FileSetError(f"{path.name}: 既不是 UTF-8 也不是 GB18030/GBK 编码，请另存为 UTF-8 CSV")


def encodings(raw: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The encoding each CSV sheet was read in (XLSX sheets have none)."""
    return {name: frame.attrs["encoding"] for name, frame in raw.items() if "encoding" in frame.attrs}


def _read_xlsx(path: Path) -> dict[str, pd.DataFrame]:
    sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False, engine="openpyxl")
    out = {}
    for name, frame in sheets.items():
        if name in SHEETS:
            frame = frame.rename(columns=lambda c: str(c).strip())
            out[name] = frame.map(_excel_cell)
    return out


def _excel_cell(value) -> str:
    text = "" if value is None else str(value)
    # openpyxl hands dates over as "2026-05-01 00:00:00"; keep the date part only for midnight stamps
    return text[:10] if text.endswith(" 00:00:00") else text


def read_table(path: str | Path) -> pd.DataFrame:
    """One table of another system's export: a CSV file (UTF-8 or GB18030/GBK) or an XLSX workbook's first sheet,
    as strings, indexed by the file's own row numbers (the header is row 1)."""
    path = Path(path)
    if not path.is_file():
        raise FileSetError(f"找不到导入文件：{path}")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl")
        frame = frame.rename(columns=lambda c: str(c).strip()).map(_excel_cell)
    elif path.suffix.lower() == ".csv":
        frame = _read_csv(path)
    else:
        raise FileSetError(f"无法识别的导入文件：{path}（应为 CSV 或 XLSX）")
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def write_fileset(frames: dict[str, pd.DataFrame], folder: str | Path, progress: Progress = silent) -> list[Path]:
    """Write frames as `<sheet>.csv` in the interchange column order, each file atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, columns in SHEETS.items():
        if name not in frames:
            continue
        target = folder / f"{name}.csv"
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        os.close(fd)
        frames[name].reindex(columns=columns).to_csv(tmp, index=False, encoding="utf-8")
        os.replace(tmp, target)
        written.append(target)
        progress("写出 CSV", len(written), len(frames))
    return written
