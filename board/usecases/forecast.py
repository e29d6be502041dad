"""工期预估: the duration model fitted per as-of date, forecasts of open cases, the calculator."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from board.domain.duration import DurationModel, fit, forecast, forecasts_for, held_out, model_from_json, risk
from board.usecases.refresh import DURATION_BLOB, SAMPLE_BLOB, SAMPLE_SIZE
from data_access import queries
from data_access.engine import session_scope


class ForecastViews:
    """The forecast use cases (mixed into BoardService)."""

    def duration_model(self, as_of: dt.date) -> DurationModel:
        """The duration model fitted on cases finished by as-of: the read model's when built for that day, else
        fitted now (and cached per data version)."""
        return self.cached(("duration", as_of), lambda: self._fit(as_of), scoped=False)

    def _fit(self, as_of: dt.date) -> DurationModel:
        stored = self._stored_blob(DURATION_BLOB, as_of)
        if stored is not None:
            return model_from_json(stored.decode())
        return fit(self.duration_points(as_of))

    def duration_sample(self, as_of: dt.date) -> pd.DataFrame:
        """At most a few thousand of the model's points, for drawing (the model itself uses all of them)."""

        def load() -> pd.DataFrame:
            stored = self._stored_blob(SAMPLE_BLOB, as_of)
            if stored is not None:
                return pd.read_json(io.StringIO(stored.decode()), orient="split")
            points = self.duration_points(as_of)
            return points.sample(n=SAMPLE_SIZE, random_state=0) if len(points) > SAMPLE_SIZE else points

        return self.cached(("duration-sample", as_of), load, scoped=False)

    def duration_points(self, as_of: dt.date) -> pd.DataFrame:
        """Finished high-voltage cases with capacity, voltage and customer-chain days (the model's data). Read once
        per data version up to today, with each case's held-out flag: a past day's model filters them (reading the
        800 k points of a province took 1.6–2.8 s, hashing their ids 0.3 s)."""
        span = max(as_of, self.as_of())

        def load() -> pd.DataFrame:
            with session_scope(self.engine) as session:
                points = queries.customer_chain_totals(session, as_of=span)
            return points.assign(held_out=held_out(points["case_id"]))

        points = self.cached(("duration-points", span), load, scoped=False)
        return points if as_of >= span else points[points["energized_on"] <= pd.Timestamp(as_of)]

    def forecasts(self, cases: pd.DataFrame, stages: pd.DataFrame, as_of: dt.date, model=None) -> pd.DataFrame:
        """Median and 90 % forecast energization dates and the risk flag of open cases."""
        model = model or self.duration_model(as_of)
        high = cases[cases["customer_class"] == "high"]
        limit_total = float(sum(self.rules.profile[c]["limit"] for c in self.rules.chain_codes("customer")))
        preds = model.predict_many(high["capacity_kva"], high["voltage_kv"])
        mid = pd.Series([p.median / limit_total if p.ok else 1.0 for p in preds], index=high["case_id"].to_numpy())
        late = pd.Series([p.high / limit_total if p.ok else 1.0 for p in preds], index=high["case_id"].to_numpy())
        base, slow = forecasts_for(cases, stages, [mid, late], as_of, self.calendar, self.rules)
        base["late_on"] = slow["forecast_on"].to_numpy()
        base["risk"] = risk(base["forecast_on"], base["late_on"], cases["desired_on"].reset_index(drop=True)).to_numpy()
        return base

    def calculator(self, capacity_kva: float, voltage_kv: float, today: dt.date) -> dict:
        """Predicted customer-chain days, grid-chain limit total and earliest energization from today."""
        model = self.duration_model(today)
        pred = model.predict(capacity_kva, voltage_kv)
        case = pd.DataFrame({"case_id": ["计算"], "customer_class": ["high"], "capacity_kva": [capacity_kva],
                             "voltage_kv": [voltage_kv], "works_type": [None], "supply": ["single"],
                             "desired_on": [pd.NaT]})  # fmt: skip
        empty = pd.DataFrame(columns=["case_id", "stage_code", "started_on", "finished_on"])
        grid = self.rules.limits(case.assign(stage_code="G3"))[0][0]
        grid_total = float(sum(self.rules.profile[c]["limit"] for c in self.rules.chain_codes("grid")) - 2 + grid)
        limit_total = float(sum(self.rules.profile[c]["limit"] for c in self.rules.chain_codes("customer")))
        out = {"prediction": pred, "grid_wd": grid_total, "baseline_cd": float(self.rules.baseline_cd(capacity_kva)),
               "model": model}  # fmt: skip
        for key, days in (("earliest", pred.median), ("late", pred.high)):
            ratio = pd.Series({"计算": (days / limit_total) if days else 1.0})
            f = forecast(case, empty, ratio, today, self.calendar, self.rules)
            out[key] = f["forecast_on"].iloc[0].date()
            out[f"{key}_provisional"] = bool(f["provisional"].iloc[0])
        return out
