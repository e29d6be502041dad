"""Ids of the admin page (users, wall tokens, audit log)."""

from enum import StrEnum


class Admin(StrEnum):
    URL = "admin-url"
    BODY = "admin-body"
    USERS = "admin-users"
    TOKENS = "admin-tokens"
    AUDIT = "admin-audit"
    ACTION = "admin-action"
