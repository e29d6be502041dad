"""The fictional demo company: its generator, geography and demo accounts.

Rule of this folder: only `board demo` and tests use it; nothing in the product depends on it.
"""
