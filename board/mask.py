"""Customer-name masking for screens seen by visitors: 宁波**电器有限公司, 张*."""

from __future__ import annotations


def mask_name(name: str | None) -> str:
    """Keep a company's place and trade words, hide its brand; keep a person's surname only."""
    text = (name or "").strip()
    if not text:
        return ""
    if len(text) <= 4:
        return text[0] + "*" * (len(text) - 1)
    return text[:2] + "**" + text[4:]
