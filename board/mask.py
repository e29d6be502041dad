"""Customer-name masking for screens seen by visitors (the rule lives with the queries that apply it)."""

from data_access.masking import mask_name

__all__ = ["mask_name"]
