"""The door's survey figures: scale scores, distributions, eNPS, response rates, reasons and
comments per group and wave, each a published frame (``verloop.privacy.published``)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from verloop.errors import InputError
from verloop.privacy.families import family_of
from verloop.privacy.names import COMMENTS, ENPS, GROUP_KEYS, REASONS_METRIC, RESPONSES, WAVE_KEYS
from verloop.privacy.policy import NO_COMMENTS, NO_RESPONSES, SHOWN
from verloop.privacy.published import finish
from verloop.privacy.scope import COMMENTS as SCOPE_COMMENTS
from verloop.privacy.suppress import HIDDEN_REASONS, ORG, check_level


class SurveyFigures:
    """Mixin of ``Door``: the survey side's published figures."""

    # -- what can be asked ------------------------------------------------------------------------
    def waves(self, kind: str = "pulse") -> pd.DataFrame:
        """The waves of ``kind``, oldest first, with their state; results exist for closed ones."""
        self._check()
        waves = self._meta(kind).waves
        out = waves[["wave", "kind", "opens_on", "closes_on", "state"]].copy()
        out["results"] = out["state"].eq("closed")
        return out.reset_index(drop=True)

    def scales(self, kind: str = "pulse") -> list[str]:
        self._check()
        return list(self._meta(kind).scales)

    def filter_options(
        self, by: str = "organisation", waves=None, kind: str = "pulse", metric: str = RESPONSES
    ) -> pd.DataFrame:
        """Which demographic filters can be used, per wave, at this level (for graying out)."""
        self._check()
        level = check_level(by)
        rows = []
        for wave in self._select_waves(kind, waves).itertuples():
            if wave.state != "closed":
                continue
            auditor = self._auditor(kind, metric, wave.wave_id)
            for dims in (("tenure_band",), ("contract_type",), ("tenure_band", "contract_type")):
                verdict = auditor.verdict(family_of(level, dims))
                rows.append(
                    {
                        "wave": wave.wave,
                        "level": level,
                        "filter": "+".join(dims),
                        "allowed": verdict.allowed,
                        "problem": verdict.problem,
                    }
                )
        return pd.DataFrame(rows, columns=["wave", "level", "filter", "allowed", "problem"])

    # -- survey figures -------------------------------------------------------------------------
    def scale_scores(
        self,
        by: str = "team",
        waves=None,
        scales: Iterable[str] | None = None,
        filters: Mapping | None = None,
        kind: str = "pulse",
    ) -> pd.DataFrame:
        """Mean score per group × wave × scale with SD and 95 % CI (t), suppressed as needed.

        Columns: wave, opens_on, closes_on, level, site, team, group, scale, score, sd, ci_low,
        ci_high, filter, n, suppressed, reason, note.
        """
        self._check()
        data = self._meta(kind)
        chosen = list(scales) if scales is not None else [s for s in data.scales]
        rows = []
        for scale in chosen:

            def aggregate(members, node, wave, scale=scale):
                return [{"scale": scale, **_mean_ci(members["value"].to_numpy(dtype=float))}]

            aggregate.grouped = lambda here, level, scale=scale: _grouped_mean_ci(here, level, scale)
            aggregate.from_sums = lambda sums, scale=scale: {"scale": scale, **_sums_mean_ci(sums)}

            rows += self._survey_rows(kind, scale, by, waves, filters, aggregate, aggregate_key="scores")
        frame = pd.DataFrame(
            rows,
            columns=WAVE_KEYS
            + GROUP_KEYS
            + ["scale", "score", "sd", "ci_low", "ci_high", "filter", "n", "suppressed", "reason", "note"],
        )
        return finish(frame, ["score", "sd", "ci_low", "ci_high"], WAVE_KEYS + GROUP_KEYS + ["scale"])

    def score_distribution(
        self,
        by: str = "organisation",
        waves=None,
        scales: Iterable[str] | None = None,
        filters: Mapping | None = None,
        kind: str = "pulse",
    ) -> pd.DataFrame:
        """How scores spread within each group: counts and shares per bin (half points on 1–5,
        tenths on 0–100, single points on 0–10)."""
        self._check()
        data = self._meta(kind)
        chosen = list(scales) if scales is not None else list(data.scales)
        rows = []
        for scale in chosen:
            lo, hi = data.scale_ranges.get(scale, (1.0, 5.0))
            edges = _bin_edges(lo, hi)

            def aggregate(members, node, wave, edges=edges, scale=scale):
                values = members["value"].to_numpy(dtype=float)
                counts = np.histogram(values, bins=edges)[0] if len(values) else np.zeros(len(edges) - 1)
                return _bin_rows(scale, edges, counts)

            # from the database's counts per score value (``Planning._wave_rows_from_counts``)
            aggregate.from_counts = lambda scores, counts, scale=scale, edges=edges: _bin_rows(
                scale, edges, histogram(scores, counts, edges)
            )
            rows += self._survey_rows(kind, scale, by, waves, filters, aggregate, aggregate_key="distribution")
        keys = WAVE_KEYS + GROUP_KEYS + ["scale", "bin_low", "bin_high"]
        frame = pd.DataFrame(rows, columns=keys + ["count", "share", "filter", "n", "suppressed", "reason", "note"])
        return finish(frame, ["count", "share"], keys)

    def enps_by(self, by: str = "team", waves=None, filters: Mapping | None = None) -> pd.DataFrame:
        """eNPS per group and wave: % promoters (9–10) − % detractors (0–6) of those who answered."""
        self._check()
        if ENPS not in self._meta("pulse").scales:
            raise InputError("the pulse survey in this database has no eNPS question.")

        from verloop.surveys.scoring import enps

        def aggregate(members, node, wave):
            values = members["value"].to_numpy(dtype=float)
            if not len(values):
                return [{"enps": np.nan, "promoters": np.nan, "passives": np.nan, "detractors": np.nan}]
            promoters = float((values >= 9).mean() * 100)
            detractors = float((values <= 6).mean() * 100)
            return [
                {
                    "enps": enps(values),
                    "promoters": promoters,
                    "passives": 100.0 - promoters - detractors,
                    "detractors": detractors,
                }
            ]

        def from_sums(sums):
            n = int(sums["n"])
            if not n:
                return {"enps": np.nan, "promoters": np.nan, "passives": np.nan, "detractors": np.nan}
            promoters, detractors = float(sums["high"]) / n * 100, float(sums["low"]) / n * 100
            return {
                "enps": promoters - detractors,
                "promoters": promoters,
                "passives": 100.0 - promoters - detractors,
                "detractors": detractors,
            }

        aggregate.from_sums = from_sums
        rows = self._survey_rows("pulse", ENPS, by, waves, filters, aggregate, aggregate_key="enps")
        figures = ["enps", "promoters", "passives", "detractors"]
        frame = pd.DataFrame(
            rows, columns=WAVE_KEYS + GROUP_KEYS + figures + ["filter", "n", "suppressed", "reason", "note"]
        )
        return finish(frame, figures, WAVE_KEYS + GROUP_KEYS)

    def response_rates(
        self, by: str = "team", waves=None, kind: str = "pulse", filters: Mapping | None = None
    ) -> pd.DataFrame:
        """Invited, responded and the response rate per group and wave (shown while a wave is
        open too: counts of who answered, never answers). ``n`` is the number of responses."""
        self._check()
        data = self._meta(kind)
        hierarchy = self.structure().hierarchy
        level = check_level(by)
        selection, demographic = self._split_filters(filters, allow_demographic=False, what="response rates")
        plans = self._plans(kind, RESPONSES)
        counts = self._count_frame(kind, RESPONSES)
        rows = []
        by_wave = dict(tuple(counts.groupby("wave_id"))) if len(counts) else {}
        for wave in self._select_waves(kind, waves).itertuples():
            invited = data.invited.get(wave.wave_id)
            here = by_wave.get(wave.wave_id, counts.iloc[0:0])
            # every group's responses at once (a filter per group took minutes at 870 teams)
            totals = {"": here["n"].sum()} if level == ORG else here.groupby(level)["n"].sum().to_dict()
            for node in hierarchy.nodes(level):
                if not self._selected(node, selection):
                    continue
                n = int(totals.get(node[1], 0))
                reason = plans[wave.wave_id][node].reason
                hidden = reason in HIDDEN_REASONS
                count = None if invited is None else sum(invited.get(t, 0) for t in hierarchy.teams_under(node))
                rate = (n / count * 100.0) if count else np.nan
                rows.append(
                    {
                        "wave": wave.wave,
                        "opens_on": wave.opens_on,
                        "closes_on": wave.closes_on,
                        "state": wave.state,
                        **self._group_columns(node),
                        "invited": count,
                        "responded": n,
                        "response_rate": rate,
                        "n": None if hidden else n,
                        "suppressed": hidden,
                        "reason": reason,
                        "note": self.note(reason),
                    }
                )
        frame = pd.DataFrame(
            rows,
            columns=WAVE_KEYS
            + ["state"]
            + GROUP_KEYS
            + ["invited", "responded", "response_rate", "n", "suppressed", "reason", "note"],
        )
        frame["invited"] = pd.array(frame["invited"], dtype="Int64")
        return finish(frame, ["responded", "response_rate"], WAVE_KEYS + ["state"] + GROUP_KEYS + ["invited"])

    def reasons(self, kind: str = "exit", by: str = "organisation", waves=None) -> pd.DataFrame:
        """Main reasons for leaving (stated at exit, or honest in the follow-up): count and share
        per reason, group and wave. Exit waves are quarterly; each leaver answers once."""
        self._check()
        if kind not in ("exit", "followup"):
            raise InputError("reasons exist for the exit and follow-up surveys only.")
        codes = self._reason_codes(kind)

        def aggregate(members, node, wave):
            counts = members["value"].value_counts()
            total = int(counts.sum())
            return [
                {
                    "reason_code": code,
                    "count": float(counts.get(code, 0)),
                    "share": float(counts.get(code, 0) / total * 100.0) if total else np.nan,
                }
                for code in codes
            ]

        rows = self._survey_rows(kind, REASONS_METRIC, by, waves, None, aggregate, aggregate_key="reasons")
        keys = WAVE_KEYS + GROUP_KEYS + ["reason_code"]
        frame = pd.DataFrame(rows, columns=keys + ["count", "share", "filter", "n", "suppressed", "reason", "note"])
        return finish(frame.drop(columns="filter"), ["count", "share"], keys)

    def _reason_codes(self, kind: str) -> list[str]:
        from verloop.surveys.registry import registered_instrument

        data = self._survey(kind, scores=False)
        codes: list[str] = []
        with self.store.session() as s:
            for instrument_id in data.waves["instrument_id"].unique() if len(data.waves) else []:
                for code in registered_instrument(s, int(instrument_id)).reason_codes:
                    if code not in codes:
                        codes.append(code)
        extra = sorted(set(data.responses["reason"].dropna()) - set(codes))
        return codes + extra

    def comments(
        self,
        by: str = "organisation",
        waves=None,
        kind: str = "pulse",
        question: str | None = None,
        filters: Mapping | None = None,
    ) -> pd.DataFrame:
        """Free-text comments of groups with at least the comment threshold of responses (10),
        one row per comment, sorted by question and text (never by team or time), without
        demographic filters. Texts are returned as typed: escape them when rendering HTML."""
        self._check()
        self.scope.require(SCOPE_COMMENTS, self.lang)
        data = self._survey(kind, scores=False)
        texts = data.comments
        if question is not None:
            if question not in data.open_questions:
                raise InputError(
                    f"the {kind} survey has no open question '{question}'; known: {', '.join(data.open_questions)}."
                )
            texts = texts[texts["question"] == question]

        def aggregate(members, node, wave):
            mine = texts[texts["response_id"].isin(set(members["response_id"]))] if len(members) else texts.iloc[0:0]
            if mine.empty:
                note = self.note(NO_COMMENTS, "comments") if len(members) else self.note(NO_RESPONSES, "comments")
                return [{"question": question, "text": None, "_note": note}]
            mine = mine.sort_values(["question", "text"], kind="stable")
            return [{"question": q, "text": t} for q, t in zip(mine["question"], mine["text"])]

        rows = self._survey_rows(
            kind,
            COMMENTS,
            by,
            waves,
            filters,
            aggregate,
            aggregate_key=f"comments:{question}",
            allow_demographic=False,
            unit="comments",
        )
        for row in rows:
            if row["text"] is None and not row["suppressed"] and row["reason"] == SHOWN:
                row["reason"] = NO_COMMENTS
        keys = WAVE_KEYS + GROUP_KEYS + ["question"]
        frame = pd.DataFrame(rows, columns=keys + ["text", "filter", "n", "suppressed", "reason", "note"])
        return finish(frame.drop(columns="filter"), ["text"], keys)


@functools.lru_cache(maxsize=4096)
def _t975(df: int) -> float:
    from scipy.stats import t as student

    return float(student.ppf(0.975, df))


def _grouped_mean_ci(frame: pd.DataFrame, level: str, scale: str) -> dict[str, list[dict]]:
    """Mean, SD and t-interval of ``value`` for every group at ``level`` at once."""
    if frame.empty:
        return {}
    keys = np.full(len(frame), "", dtype=object) if level == ORG else frame[level].to_numpy()
    stats = (
        pd.DataFrame({"key": keys, "value": frame["value"].to_numpy(dtype=float)})
        .groupby("key")["value"]
        .agg(["mean", "std", "count"])
    )
    out = {}
    for key, mean, sd, n in stats.itertuples():
        if n >= 2:
            half = _t975(int(n) - 1) * sd / float(np.sqrt(n))
            figures = {
                "score": float(mean),
                "sd": float(sd),
                "ci_low": float(mean - half),
                "ci_high": float(mean + half),
            }
        else:
            figures = {"score": float(mean), "sd": np.nan, "ci_low": np.nan, "ci_high": np.nan}
        out[str(key)] = [{"scale": scale, **figures}]
    return out


def _sums_mean_ci(sums) -> dict:
    """Mean, SD and t-interval from a group's count, sum and sum of squares (as
    ``_mean_ci`` gives them from the values; equal to ~1e-12)."""
    n, total, total_sq = int(sums["n"]), float(sums["total"]), float(sums["total_sq"])
    if n == 0:
        return {"score": np.nan, "sd": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    mean = total / n
    if n < 2:
        return {"score": mean, "sd": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    sd = float(np.sqrt(max(total_sq - total * total / n, 0.0) / (n - 1)))
    half = _t975(n - 1) * sd / float(np.sqrt(n))
    return {"score": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half}


def _mean_ci(values: np.ndarray) -> dict:
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return {"score": np.nan, "sd": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    mean = float(values.mean())
    if n < 2:
        return {"score": mean, "sd": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    sd = float(values.std(ddof=1))
    half = _t975(n - 1) * sd / float(np.sqrt(n))
    return {"score": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half}


def _bin_rows(scale: str, edges: np.ndarray, counts: np.ndarray) -> list[dict]:
    """A distribution's rows: count and share of each bin of ``edges``."""
    total = counts.sum()
    return [
        {
            "scale": scale,
            "bin_low": float(a),
            "bin_high": float(b),
            "count": float(c),
            "share": float(c / total * 100.0) if total else np.nan,
        }
        for a, b, c in zip(edges[:-1], edges[1:], counts)
    ]


def histogram(scores: np.ndarray, counts: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``np.histogram(values, bins=edges)[0]`` of values given as distinct ``scores`` each
    ``counts`` times (integer counts; each bin half-open, the last closed, values outside the
    edges or NaN in none)."""
    scores = np.asarray(scores, dtype=float)
    index = np.searchsorted(edges, scores, side="right") - 1
    index[scores == edges[-1]] = len(edges) - 2
    inside = (index >= 0) & (index <= len(edges) - 2) & ~np.isnan(scores)
    out = np.zeros(len(edges) - 1, dtype=np.int64)
    np.add.at(out, index[inside], np.asarray(counts, dtype=np.int64)[inside])
    return out


def _bin_edges(lo: float, hi: float) -> np.ndarray:
    if hi - lo <= 10 and float(lo).is_integer() and float(hi).is_integer() and hi - lo >= 6:
        return np.arange(lo - 0.5, hi + 1.0, 1.0)  # 0–10 items: one bin per point
    if hi - lo <= 6:
        return np.linspace(lo, hi, int(round((hi - lo) * 2)) + 1)  # half points on 1–5
    return np.linspace(lo, hi, 11)  # tenths on 0–100
