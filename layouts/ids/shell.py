"""Ids of the app shell (navigation, URL, shared stores)."""

from enum import StrEnum


class Shell(StrEnum):
    URL = "shell-url"
    NAV = "shell-nav"
    DB_BANNER = "shell-db-banner"
    USER = "shell-user"
