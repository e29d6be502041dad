"""Values as the database drivers bind them."""

from __future__ import annotations

import datetime as dt

import numpy as np


def native(value):
    """A Python scalar for a numpy one, and a date for a date-time (the columns it goes into are dates)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dt.datetime):  # pandas' Timestamp too
        return value.date()
    return value
