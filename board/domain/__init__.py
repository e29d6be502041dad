"""Pure rules over DataFrames: calendar, stage limits, status, measures, KPIs, rankings, capacity, forecasts.

Rule of this folder: no I/O, no Dash, no SQLAlchemy, no Plotly. Everything here is a plain function or value type
that a test can call with a hand-built frame.
"""
