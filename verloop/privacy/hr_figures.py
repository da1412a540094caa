"""The door's HR figures: turnover, KPIs beside people figures, the watermelon view, group
values of model outputs and retention curves, each a published frame."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from verloop.domain.period import resolve_period
from verloop.errors import InputError, PrivacyError
from verloop.i18n import t
from verloop.privacy import turnover as hr
from verloop.privacy.data import load_kpis
from verloop.privacy.names import GROUP_KEYS, KPI_COLUMNS, SELECT_KEYS
from verloop.privacy.planning import PeopleAuditor, _level_word, _sums
from verloop.privacy.policy import FEW_LEAVERS, NO_RESPONSES, SHOWN
from verloop.privacy.published import finish
from verloop.privacy.suppress import HIDDEN_REASONS, TEAM, WaveCounts, check_level, plan_wave


class HRFigures:
    """Mixin of ``Door``: the HR side's published figures."""

    # -- HR figures -----------------------------------------------------------------------------
    def _period(self, start, end) -> tuple[dt.date, dt.date]:
        """The period asked for, completed as the dashboards complete it (``verloop.domain``): the
        end of the data (``verloop.status.data_span``) and the last 12 whole months up to it."""
        from verloop.status import data_span

        def span():
            with self.store.session() as s:
                return data_span(s, today=self.today)

        first, last = self._cached("data-span", span)
        return resolve_period(start, end, last_day=last or self.today, first_day=first)

    def turnover(
        self, by: str = "team", start=None, end=None, freq: str | None = None, filters: Mapping | None = None
    ) -> pd.DataFrame:
        """Headcount, hires, leavers (voluntary / involuntary / regretted / early) and annualised
        rates with 95 % intervals per group and period, from HR records.

        Turnover is not a survey answer and leaving is seen by colleagues, so counts of leavers
        in a shown group are shown as they are. But a group with an average headcount below k
        is hidden, with complementary suppression so that it cannot be derived from its site
        and siblings. A narrowing filter (``contract_type``: full-time / part-time, ``role``)
        is refused when, in a shown group, the filtered people or the rest of them number
        1 … k−1; within a filtered view, leaver counts of 1 … k−1 are hidden ("fewer than 5
        leavers"), since with a filter they point at individuals.
        """
        self._check()
        level = check_level(by)
        start, end = self._period(start, end)
        hierarchy = self.structure().hierarchy
        picks: dict = {}
        narrowing: dict[str, str] = {}
        for key, value in dict(filters or {}).items():
            if value is None:
                continue
            if key in SELECT_KEYS:
                picks[key] = value
            elif key in ("contract_type", "role"):
                if not isinstance(value, str):
                    raise InputError(f"the filter {key} takes one text value.")
                narrowing[key] = value
            else:
                raise InputError(f"unknown turnover filter '{key}'; use site, team, contract_type or role.")
        selection, _ = self._split_filters(picks)
        employees = self._employees()
        k = self.policy.k
        rows = []
        for first, last in hr.buckets(start, end, freq):
            years = ((last - first).days + 1) / hr.DAYS_PER_YEAR
            figures = (
                hr.per_employee(employees, first, last)
                if len(employees)
                else pd.DataFrame(columns=["person_years", *hr.COUNT_COLUMNS])
            )
            figures["team"] = employees["team"] if len(employees) else pd.Series(dtype=object)
            figures["site"] = employees["site"] if len(employees) else pd.Series(dtype=object)
            active = figures[(figures["person_years"] > 0) | figures["leavers"].astype(bool)]
            headcount = active.groupby("team")["person_years"].sum() / years
            plan = plan_wave(hierarchy, WaveCounts(str(first), {t: int(round(h)) for t, h in headcount.items()}), k)
            narrowed = active
            if narrowing:
                keep = np.ones(len(active), dtype=bool)
                for key, value in narrowing.items():
                    keep &= (employees.loc[active.index, key].astype(str) == value).to_numpy()
                narrowed = active[keep]
                rest = active[~keep]
            columns = ["person_years", *hr.COUNT_COLUMNS]
            totals = _sums(narrowed, level, columns)
            others = _sums(rest, level, ["person_years"]) if narrowing else {}
            zero = pd.Series(0.0, index=columns)
            for node in hierarchy.nodes(level):
                if not self._selected(node, selection):
                    continue
                decision = plan[node]
                sums = totals.get(node[1], zero)
                n = int(round(sums["person_years"] / years)) if years else 0
                reason = decision.reason if decision.reason in HIDDEN_REASONS else (SHOWN if n else NO_RESPONSES)
                blank: list[str] = []
                if narrowing and reason == SHOWN:
                    other = int(round(others.get(node[1], zero)["person_years"] / years))
                    if 0 < n < k or 0 < other < k:
                        raise PrivacyError(self._turnover_refusal(narrowing, level, str(first), str(last)))
                    blank = [c for c in hr.COUNT_COLUMNS if 1 <= sums[c] < k]
                    if blank:
                        reason = FEW_LEAVERS
                row = {
                    "period_start": first,
                    "period_end": last,
                    **self._group_columns(node),
                    "person_years": float(sums["person_years"]),
                    **{c: float(sums[c]) for c in hr.COUNT_COLUMNS},
                    "filter": ", ".join(f"{a}={b}" for a, b in narrowing.items()),
                    "n": n,
                }
                rows.append((row, reason, blank, years))
        base = pd.DataFrame([row for row, *_ in rows])
        if len(base):
            base = hr.rates(base, np.array([years for *_, years in rows]))
        out = []
        for (row, reason, blank, _), frame_row in zip(rows, base.to_dict("records") if len(base) else []):
            hidden = reason in HIDDEN_REASONS
            if reason == FEW_LEAVERS:
                for column in blank:
                    frame_row[column] = np.nan
                for column, source in (
                    ("voluntary_rate", "voluntary"),
                    ("voluntary_low", "voluntary"),
                    ("voluntary_high", "voluntary"),
                    ("involuntary_rate", "involuntary"),
                    ("turnover_rate", "leavers"),
                ):
                    if source in blank:
                        frame_row[column] = np.nan
            frame_row.update(
                {
                    "suppressed": hidden,
                    "reason": reason,
                    "note": self.note(reason, "employees"),
                    "n": None if hidden else row["n"],
                }
            )
            out.append(frame_row)
        figures = [
            "headcount",
            "person_years",
            *hr.COUNT_COLUMNS,
            "voluntary_rate",
            "voluntary_low",
            "voluntary_high",
            "involuntary_rate",
            "turnover_rate",
        ]
        keys = ["period_start", "period_end"] + GROUP_KEYS
        frame = pd.DataFrame(out, columns=keys + figures + ["filter", "n", "suppressed", "reason", "note"])
        return finish(frame, figures, keys)

    def _turnover_refusal(self, narrowing: dict, level: str, first: str, last: str) -> str:
        described = ", ".join(f"{k} = {v}" for k, v in narrowing.items())
        words = _level_word(level, self.lang)
        return t(
            "privacy.turnover_filter_refused",
            self.lang,
            described=described,
            level=words,
            first=first,
            last=last,
            k=self.policy.k,
        )

    def kpi_vs_people(self, start=None, end=None, wave=None, scales: Iterable[str] | None = None) -> pd.DataFrame:
        """Per team: operational KPIs (mean over the period) beside people figures — scale scores
        of one closed pulse wave (default: the latest one opening before ``end``) and the
        annualised voluntary turnover. The people side is suppressed per the door."""
        self._check()
        start, end = self._period(start, end)
        structure = self.structure()
        with self.store.session() as s:
            kpis = load_kpis(s, structure)
        kpis = kpis[(kpis["month"] >= pd.Timestamp(start)) & (kpis["month"] <= pd.Timestamp(end))]
        kpi_means = kpis.groupby("team")[KPI_COLUMNS].mean()
        waves = self._meta("pulse").waves
        if wave is None:
            closed = waves[(waves["state"] == "closed") & (waves["opens_on"] <= end)]
            wave = closed["wave"].iloc[-1] if len(closed) else None
        frame = pd.DataFrame({"team": structure.hierarchy.teams})
        frame["site"] = frame["team"].map(structure.hierarchy.team_site)
        frame["group"] = frame["team"]
        frame["wave"] = wave
        frame = frame.join(kpi_means, on="team")
        n = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        suppressed = pd.Series(False, index=frame.index)
        reason = pd.Series(SHOWN, index=frame.index, dtype=object)
        note = pd.Series("", index=frame.index, dtype=object)
        if wave is not None:
            scores = self.scale_scores(by="team", waves=[wave], scales=scales)
            wide = scores.pivot(index="team", columns="scale", values="score")
            wide = wide.reindex(columns=[c for c in dict.fromkeys(scores["scale"]) if c in wide.columns])
            wide.columns = [f"score_{c}" for c in wide.columns]
            frame = frame.join(wide, on="team")
            first_hidden = scores[scores["suppressed"]].drop_duplicates("team").set_index("team")
            counts = scores[~scores["suppressed"]].groupby("team")["n"].max()
            n = frame["team"].map(counts).astype("Int64")
            suppressed = frame["team"].isin(first_hidden.index)
            reason = frame["team"].map(first_hidden["reason"]).fillna(SHOWN)
            note = frame["team"].map(first_hidden["note"]).fillna("")
            n[suppressed] = pd.NA
        else:
            reason[:] = NO_RESPONSES
            note[:] = self.note(NO_RESPONSES)
        turn = self.turnover(by="team", start=start, end=end).set_index("team")
        frame["voluntary_rate"] = frame["team"].map(turn["voluntary_rate"])
        frame["turnover_note"] = frame["team"].map(turn["note"]).fillna("")
        frame["level"] = TEAM
        frame["n"], frame["suppressed"], frame["reason"], frame["note"] = n, suppressed, reason, note
        score_columns = [c for c in frame.columns if c.startswith("score_")]
        frame.loc[frame["suppressed"], score_columns] = np.nan
        return self.scope_view().filter(
            frame[
                [
                    "level",
                    "site",
                    "team",
                    "group",
                    "wave",
                    *KPI_COLUMNS,
                    *score_columns,
                    "voluntary_rate",
                    "turnover_note",
                    "n",
                    "suppressed",
                    "reason",
                    "note",
                ]
            ].reset_index(drop=True)
        )

    def watermelon(self, start=None, end=None, scales: Iterable[str] | None = None) -> pd.DataFrame:
        """Per team: KPIs beside people figures pooled over the team's shown waves of the period
        (``verloop.privacy.watermelon``: derived from published rows only)."""
        from verloop.privacy.watermelon import watermelon_frame

        self._check()
        return self.scope_view().filter(
            self._cached(
                ("watermelon", start, end, tuple(scales) if scales else None),
                lambda: watermelon_frame(self, start, end, scales),
            )
        )

    def group_values(
        self, values: pd.DataFrame, by: str = "team", how: str = "mean", columns: Iterable[str] | None = None
    ) -> pd.DataFrame:
        """Aggregate per-employee numbers (e.g. model risk, ``employee_id`` + value columns) per
        group, hidden for groups of fewer than k employees with complementary suppression. This
        is how individual model outputs leave the modelling code: only as group sums or means."""
        self._check()
        if "employee_id" not in values.columns:
            raise InputError("the values need an employee_id column (the employees table's id).")
        if how not in ("mean", "sum"):
            raise InputError("how must be 'mean' or 'sum'.")
        level = check_level(by)
        columns = (
            list(columns)
            if columns is not None
            else [c for c in values.columns if c != "employee_id" and pd.api.types.is_numeric_dtype(values[c])]
        )
        employees = self._employees().set_index("id")
        frame = values.assign(team=values["employee_id"].map(employees["team"]))
        frame = frame[frame["team"].notna()]
        frame["site"] = frame["team"].map(self.structure().hierarchy.team_site)
        hierarchy = self.structure().hierarchy
        plan = plan_wave(hierarchy, WaveCounts("values", frame["team"].value_counts().to_dict()), self.policy.k)
        rows = []
        for node in hierarchy.nodes(level):
            part = self._in_node(frame, node)
            reason = plan[node].reason
            hidden = reason in HIDDEN_REASONS
            agg = part[columns].agg(how) if len(part) else pd.Series(np.nan, index=columns)
            rows.append(
                {
                    **self._group_columns(node),
                    **agg.to_dict(),
                    "n": None if hidden else len(part),
                    "suppressed": hidden,
                    "reason": reason,
                    "note": self.note(reason, "employees"),
                }
            )
        frame = pd.DataFrame(rows, columns=GROUP_KEYS + columns + ["n", "suppressed", "reason", "note"])
        return self.scope_view().filter(finish(frame, columns, GROUP_KEYS))

    # -- retention ------------------------------------------------------------------------------
    def retention(self, by: str = "cohort", filters: Mapping | None = None) -> pd.DataFrame:
        """Kaplan–Meier retention curves (share of a group still employed by months of tenure,
        any exit), one per group of ``by`` (``cohort`` = hiring year, ``site``, ``lead_style``),
        for the organisation or the chosen site / team (``filters``), with 95 % intervals.

        People hired before the HR data begin (the first recorded exit) enter the risk set at
        their tenure on that day (delayed entry), as in ``verloop.analysis.survival``. Groups
        of fewer than the organisation's k are hidden, with complementary suppression across
        all three groupings (``planning.PeopleAuditor``, recorded in ``audit_log()``); a curve
        stops where fewer than k people remain at risk.

        Columns: by, group, months, survival, lower, upper, at_risk, n, suppressed, reason,
        note. A hidden group keeps one row with NaN figures and its note.
        """
        return self._retention(by, filters)[0]

    def retention_summary(self, by: str = "cohort", filters: Mapping | None = None) -> pd.DataFrame:
        """Per group of ``retention(by, filters)``: people, leavers and the median tenure in
        months (NaN while more than half are still employed). Columns: by, group, leavers,
        median_months, n, suppressed, reason, note."""
        return self._retention(by, filters)[1]

    def audit_log(self) -> pd.DataFrame:
        """What the door's auditor let through of per-person figures in this door's life:
        ``figure, selection, k, grouping, group, n, shown, reason``."""
        entries = self._cached("audit-log", dict)
        if not entries:
            return pd.DataFrame(columns=["figure", "selection", "k", "grouping", "group", "n", "shown", "reason"])
        return pd.concat(entries.values(), ignore_index=True)

    def _retention(self, by: str, filters) -> tuple[pd.DataFrame, pd.DataFrame]:
        self._check()
        if by not in RETENTION_GROUPINGS:
            raise InputError(f"retention curves are grouped by {', '.join(RETENTION_GROUPINGS)}, not '{by}'.")
        selection, _ = self._split_filters(filters, allow_demographic=False, what="retention curves")
        key = (selection["site"], selection["team"])
        curves, summary = self._cached(("retention", key), lambda: self._retention_all(selection))
        return curves[curves["by"] == by].reset_index(drop=True), summary[summary["by"] == by].reset_index(drop=True)

    def _retention_all(self, selection: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
        from verloop.stats.survival import kaplan_meier

        k = self.policy.k
        hierarchy = self.structure().hierarchy
        teams = [t for t in hierarchy.teams if self._selected((TEAM, t), selection)]
        table = self._retention_table()
        table = table[table["team"].isin(teams)].copy()
        table["lead_style"] = table["team"].map(self._lead_styles()).fillna("—")
        table["site"] = table["site"].astype(str)
        auditor = PeopleAuditor(table[list(RETENTION_GROUPINGS)], k)
        log = self._cached("audit-log", dict)
        log[("retention", selection["site"], selection["team"])] = auditor.record().assign(
            figure="retention", selection=_described(selection), k=k
        )[["figure", "selection", "k", "grouping", "group", "n", "shown", "reason"]]
        curve_rows, summary_rows = [], []
        for by in RETENTION_GROUPINGS:
            for group, part in table.groupby(table[by].astype(str), sort=True):
                reason = auditor.reasons[by][group]
                hidden = reason in HIDDEN_REASONS
                row = {"by": by, "group": group, "n": len(part), "suppressed": hidden, "reason": reason}
                row["note"] = self.note(reason, "employees")
                summary = {**row, "leavers": float(part["event"].sum()), "median_months": np.nan}
                km = None
                # the curve covers the first RETENTION_MONTHS of tenure: censored there, and
                # people who entered later (hired long before the window) are not at risk in it
                early = part[part["entry"] < RETENTION_MONTHS]
                if not hidden and len(early):
                    try:
                        km = kaplan_meier(
                            early["duration"].clip(upper=RETENTION_MONTHS),
                            early["event"] & (early["duration"] <= RETENTION_MONTHS),
                            entry=early["entry"],
                            label=group,
                        )
                    except InputError:  # at some tenure nobody was at risk: no product-limit curve
                        km = None
                if km is None:
                    if not hidden:
                        row["note"] = summary["note"] = t(
                            "privacy.retention_no_curve", self.lang, months=int(RETENTION_MONTHS)
                        )
                    curve_rows.append(pd.DataFrame([row]))
                    summary_rows.append(summary)
                    continue
                summary["median_months"] = km.median if np.isfinite(km.median) else np.nan
                summary_rows.append(summary)
                curve = km.curve.rename(columns={"time": "months", "ci_low": "lower", "ci_high": "upper"})
                curve = curve[curve["at_risk"] >= k]  # a curve stops where fewer than k remain at risk
                curve_rows.append(curve.assign(**row))
        columns = ["by", "group", "months", "survival", "lower", "upper", "at_risk"]
        curves = pd.concat(curve_rows, ignore_index=True) if curve_rows else pd.DataFrame(columns=columns)
        curves = finish(
            curves.reindex(columns=columns + ["n", "suppressed", "reason", "note"]), columns[2:], columns[:2]
        )
        summary = pd.DataFrame(
            summary_rows, columns=["by", "group", "leavers", "median_months", "n", "suppressed", "reason", "note"]
        )
        return curves, finish(summary, ["leavers", "median_months"], ["by", "group"])

    def _retention_table(self) -> pd.DataFrame:
        """The survival notebook's tenure table (``verloop.analysis.survival.tenure_table``, any
        exit) over the HR window: from the data's first day or the first recorded exit if HR
        data reach back further, to the end of the data; plus the hiring ``cohort``."""
        from verloop.analysis.survival import hr_window_start, tenure_table

        def build():
            employees = self._employees()
            columns = ["id", "team", "site", "hire_date", "exit_date", "duration", "entry", "event", "cohort"]
            if not len(employees):
                return pd.DataFrame(columns=columns)
            end = pd.Timestamp(self._period(None, None)[1])
            from verloop.status import data_span

            with self.store.session() as s:
                first, _ = data_span(s, today=self.today)
            start = hr_window_start(employees, first)
            if start is None or start >= end:
                start = employees["hire_date"].min()
            table = tenure_table(employees[["id", "team", "site", "hire_date", "exit_date"]], start, end, event=None)
            years = table["hire_date"].dt.year
            first_year = int(end.year) - (COHORT_YEARS - 1)
            table["cohort"] = years.astype(str).where(years >= first_year, f"< {first_year}")
            return table[columns]

        return self._cached("retention-table", build)

    def _lead_styles(self) -> dict[str, str]:
        def build():
            from sqlalchemy import select

            from verloop.store.schema import Team

            with self.store.session() as s:
                return {name: style for name, style in s.execute(select(Team.name, Team.lead_style)).all() if style}

        return self._cached("lead-styles", build)


RETENTION_GROUPINGS = ("cohort", "site", "lead_style")
RETENTION_MONTHS = 36.0
COHORT_YEARS = 3  # the latest hiring years shown one by one; earlier hires form one cohort


def _described(selection: dict) -> str:
    return ", ".join(f"{key}={value}" for key, value in selection.items() if value is not None) or "organisation"
