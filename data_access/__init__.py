"""Database access: typed models, engine/session lifecycle, queries returning DataFrames, bulk writes."""
