"""Read queries: each takes the caller's session, an explicit as-of date and a unit scope, returns a DataFrame.

By subject: scope.py (unit subtrees, the case filter), cases.py (case and stage rows), rollups.py (period
aggregates), trend.py (weekly trend inputs), capacity.py (grid assets and queued load),
meta.py (calendar, data version); frames.py turns a SELECT
into a DataFrame. Callers import from here.
"""

from data_access.queries.capacity import (
    feeder_load,
    fetch_feeders,
    fetch_open_points,
    fetch_substations,
    queued_by_unit,
)
from data_access.queries.cases import (
    fetch_build_chunk,
    fetch_case,
    fetch_cases,
    fetch_finished_stages,
    fetch_open_cases,
    fetch_open_stages,
    fetch_portfolio,
    fetch_stages,
)
from data_access.queries.frames import CASE_COLUMNS, DATE_COLUMNS, STAGE_COLUMNS
from data_access.queries.meta import fetch_calendar, last_change, read_meta
from data_access.queries.past import (
    PastQuery,
    count_past,
    finished_party_days,
    group_open_stages,
    held_party_days,
    late_stage_rows,
    open_stage_groups,
    past_case_page,
    stage_groups,
    stages_of_cases,
)
from data_access.queries.past import sortable as past_sortable
from data_access.queries.read_model import (
    SORTABLE,
    CaseQuery,
    blob,
    built_day,
    built_days,
    count_cases,
    fetch_case_page,
    fetch_flagged_stages,
    open_stages_of,
    party_totals,
    week_overdue,
)
from data_access.queries.read_model import fetch_open_stages as fetch_rm_open_stages
from data_access.queries.rollups import (
    customer_chain_totals,
    daily_finished,
    energized_summary,
    finished_summary,
    period_cases,
)
from data_access.queries.scope import (
    NO_FILTER,
    CaseFilter,
    OutOfScope,
    Scope,
    UnknownUnit,
    case_unit,
    fetch_units,
    resolve_scope,
    root_unit,
)
from data_access.queries.trend import energized_daily, open_case_changes, open_case_counts

__all__ = [
    "PastQuery", "count_past", "late_stage_rows", "past_case_page", "past_sortable", "finished_party_days",
    "open_stage_groups", "stage_groups", "stages_of_cases", "group_open_stages", "held_party_days",
    "SORTABLE", "CaseQuery", "blob", "built_day", "built_days", "count_cases", "fetch_build_chunk",
    "fetch_case_page", "fetch_flagged_stages", "fetch_rm_open_stages", "open_stages_of", "party_totals", "week_overdue",
    "CASE_COLUMNS", "DATE_COLUMNS", "NO_FILTER", "STAGE_COLUMNS", "CaseFilter", "OutOfScope", "Scope", "UnknownUnit",
    "case_unit", "customer_chain_totals", "daily_finished", "energized_summary", "feeder_load", "fetch_calendar",
    "fetch_case", "fetch_cases", "fetch_feeders", "fetch_finished_stages", "fetch_open_cases", "fetch_open_points",
    "fetch_open_stages", "fetch_portfolio", "fetch_stages", "fetch_substations", "fetch_units", "finished_summary",
    "energized_daily", "last_change", "open_case_changes", "open_case_counts", "period_cases", "queued_by_unit",
    "read_meta",
    "resolve_scope", "root_unit",
]  # fmt: skip
