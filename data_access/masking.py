"""Customer-name masking (宁波**电器有限公司, 张*) applied where data leaves the database for a masked scope."""

from __future__ import annotations

import pandas as pd

NAME_COLUMNS = ("customer_name",)


def mask_name(name: str | None) -> str:
    """Keep a company's place and trade words, hide its brand; keep a person's surname only."""
    text = (name or "").strip()
    if not text:
        return ""
    if len(text) <= 4:
        return text[0] + "*" * (len(text) - 1)
    return text[:2] + "**" + text[4:]


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every customer-name column masked (in place; returned for chaining)."""
    for col in NAME_COLUMNS:
        if col in frame:
            frame[col] = frame[col].astype(object).map(lambda v: mask_name(v) if isinstance(v, str) else v)
    return frame
