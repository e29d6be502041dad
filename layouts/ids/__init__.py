"""Component ids, one StrEnum per page, page-prefixed kebab-case values."""
