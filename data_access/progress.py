"""How long operations report progress: `progress(phase, done, total)`, a phase being a short Chinese label.
The commands draw it as bars; library callers pass nothing."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def silent(_phase: str, _done: int, _total: int) -> None:
    """The default: report nowhere."""
