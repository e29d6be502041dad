"""Data getting in: validation, derived columns, import/export of the interchange format, calendar loading.

Rule of this folder: an entry point on top of domain and use cases; reports every bad row and writes all or nothing.
"""
