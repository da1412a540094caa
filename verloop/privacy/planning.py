"""The door's suppression planning: which group of which wave may be shown, per figure.

Counts per node and wave go to ``verloop.privacy.suppress`` (minimum group k, complementary and
trend suppression), demographic filters to ``verloop.privacy.families``; the rows of every
group are then built once per (wave, level, filter) and kept. ``suppress_people`` is the same
suppression for group figures computed outside the door.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from verloop.errors import InputError, PrivacyError
from verloop.i18n import t
from verloop.privacy.data import SurveyData
from verloop.privacy.families import (
    DIFFERENCING,
    DIMENSIONS,
    LINKED,
    SMALL_CELL,
    FamilyAuditor,
    family_of,
    normalise_dims,
    shown_teams,
)
from verloop.privacy.names import COMMENTS, ORG_LABEL, REASONS_METRIC, RESPONSES, SELECT_KEYS
from verloop.privacy.policy import COMPLEMENT, MIN_GROUP, NO_RESPONSES, OPEN_WAVE, SHOWN, Policy, check_lang
from verloop.privacy.suppress import (
    HIDDEN_REASONS,
    ORG,
    SITE,
    TEAM,
    Hierarchy,
    Node,
    WaveCounts,
    check_level,
    node_stats,
    plan_wave,
    plan_waves,
)


def _level_word(level: str, lang: str) -> str:
    """'vestiging' / 'site' for the level ``site`` (the words of the refusals)."""
    return t(f"privacy.level.{level}", lang)


class Planning:
    """Mixin of ``Door``: values per metric, counts, plans, audits and the rows of groups."""

    def _values(self, kind: str, metric: str) -> pd.DataFrame:
        def build():
            data = self._survey(kind, scores=metric not in (RESPONSES, COMMENTS, REASONS_METRIC))
            columns = ["response_id", "wave_id", "team", "site", "tenure_band", "contract_type"]
            if metric in (RESPONSES, COMMENTS):
                frame = data.responses[columns].assign(value=1.0)
            elif metric == REASONS_METRIC:
                frame = data.responses[data.responses["reason"].notna()][columns + ["reason"]].rename(
                    columns={"reason": "value"}
                )
            else:
                if metric not in data.scales:
                    raise InputError(
                        f"unknown scale '{metric}' for the {kind} survey; known: {', '.join(data.scales) or 'none'}."
                    )
                frame = data.scores[data.scores["scale"] == metric][columns + ["score"]].rename(
                    columns={"score": "value"}
                )
            return frame.reset_index(drop=True)

        return self._cached(("values", kind, metric), build)

    def _count_frame(self, kind: str, metric: str) -> pd.DataFrame:
        """``wave_id, team, site, n``: how many values of ``metric`` each team (or, for answers
        stored without a team, site or organisation) has per wave."""

        def build():
            if self._set_based and (metric in (RESPONSES, COMMENTS) or metric in self._meta(kind).scales):
                counts_only = metric in (RESPONSES, COMMENTS)
                sums = self._group_sums(kind, scales=not counts_only)
                part = sums[sums["scale"].isna()] if counts_only else sums[sums["scale"] == metric]
                return part[["wave_id", "team", "site", "n"]].reset_index(drop=True)
            values = self._values(kind, metric)
            return values.groupby(["wave_id", "team", "site"], dropna=False).size().rename("n").reset_index()

        return self._cached(("count-frame", kind, metric), build)

    def _counts(self, kind: str, metric: str) -> list[WaveCounts]:
        data = self._meta(kind)
        counts = self._count_frame(kind, metric)
        teamed = counts[counts["team"].notna()]
        per_wave: dict[int, dict[str, int]] = {}
        for (w, team), c in teamed.groupby(["wave_id", "team"])["n"].sum().items():
            per_wave.setdefault(int(w), {})[team] = int(c)
        out = []
        groups = self._cached(("group-members", kind), lambda: self._group_members(data))
        # answers stored without a team (exit / follow-up: by site or organisation only) count
        # for their site or the organisation: keys are nodes, see suppress.node_stats
        teamless = counts[counts["team"].isna()]
        above = {
            w: {
                (SITE, s) if isinstance(s, str) else (ORG, ""): int(c)
                for s, c in part.groupby("site", dropna=False)["n"].sum().items()
            }
            for w, part in teamless.groupby("wave_id")
        }
        for wave in data.waves.itertuples():
            n = dict(per_wave.get(wave.wave_id, {}))
            n.update(above.get(wave.wave_id, {}))
            out.append(
                WaveCounts(
                    wave.wave,
                    n,
                    data.invited.get(wave.wave_id),
                    data.members.get(wave.wave_id),
                    groups.get(wave.wave_id),
                )
            )
        return out

    def _group_members(self, data: SurveyData) -> dict[int, dict[Node, frozenset] | None]:
        """Members of every site and of the organisation per wave (the same for every figure)."""
        hierarchy = self.structure().hierarchy
        out: dict[int, dict[Node, frozenset] | None] = {}
        for wave_id, members in data.members.items():
            if members is None:
                out[wave_id] = None
                continue
            groups = {
                node: frozenset().union(*(members.get(t, frozenset()) for t in hierarchy.teams_under(node)))
                for node in hierarchy.internal_bottom_up()
            }
            out[wave_id] = groups
        return out

    def _plans(self, kind: str, metric: str) -> dict[int, dict[Node, object]]:
        def build():
            data = self._meta(kind)
            counts = self._counts(kind, metric)
            k = self.policy.comment_k if metric == COMMENTS else self.policy.k
            guard = kind == "pulse" and metric not in (RESPONSES, COMMENTS, REASONS_METRIC)
            # Scales answered by the same people per team and wave share one plan.
            signature = (kind, k, guard, tuple(tuple(sorted(c.n.items())) for c in counts))
            plans = self._cached(
                ("plan-by-counts", signature),
                lambda: plan_waves(self.structure().hierarchy, counts, k, time_guard=guard),
            )
            return dict(zip(data.waves["wave_id"].tolist(), plans))

        return self._cached(("plans", kind, metric), build)

    def _auditor(self, kind: str, metric: str, wave_id: int) -> FamilyAuditor:
        def build():
            data = self._survey(kind)
            hierarchy = self.structure().hierarchy
            values = self._values(kind, metric)
            counts = {c.name: c for c in self._counts(kind, metric)}
            name = data.waves.set_index("wave_id").loc[wave_id, "wave"]
            stats = node_stats(hierarchy, counts[name])
            fresh = {t: stats[(TEAM, t)].nonresp is None or stats[(TEAM, t)].nonresp >= 1 for t in hierarchy.teams}
            return FamilyAuditor(
                hierarchy,
                values[values["wave_id"] == wave_id],
                self._plans(kind, metric)[wave_id],
                fresh,
                self.policy.k,
            )

        return self._cached(("auditor", kind, metric, wave_id), build)

    def _select_waves(self, kind: str, waves) -> pd.DataFrame:
        frame = self._meta(kind).waves
        if waves is None or (isinstance(waves, str) and waves == "all"):
            return frame
        if isinstance(waves, str) and waves == "latest":
            closed = frame[frame["state"] == "closed"]
            return closed.tail(1) if len(closed) else frame.tail(0)
        wanted = [waves] if isinstance(waves, (str, int, np.integer)) else list(waves)
        chosen = []
        for w in wanted:
            hit = (
                frame[(frame["wave"] == w) | (frame["wave_id"] == w)]
                if not isinstance(w, str)
                else frame[frame["wave"] == w]
            )
            if hit.empty:
                known = ", ".join(frame["wave"].tail(8)) or "none yet"
                raise InputError(f"there is no {kind} wave '{w}'; known waves include: {known}.")
            chosen.append(hit)
        return pd.concat(chosen).drop_duplicates("wave_id").sort_values(["opens_on", "wave"])

    def _split_filters(
        self, filters: Mapping | None, allow_demographic: bool = True, what: str = "comments"
    ) -> tuple[dict, dict]:
        selection: dict[str, str | None] = {"site": None, "team": None}
        demographic: dict[str, str] = {}
        structure = self.structure()
        for key, value in dict(filters or {}).items():
            if value is None:
                continue
            if key in SELECT_KEYS:
                base = key.removesuffix("_id")
                names = structure.site_names if base == "site" else structure.team_names
                if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
                    if int(value) not in names:
                        raise InputError(f"there is no {base} with id {value}.")
                    value = names[int(value)]
                if str(value) not in set(names.values()):
                    raise InputError(f"there is no {base} named '{value}'.")
                selection[base] = str(value)
            elif key in DIMENSIONS:
                if not allow_demographic:
                    if what == "comments":
                        raise PrivacyError(t("privacy.comments_unfiltered", self.lang))
                    raise PrivacyError(t("privacy.no_demographic_filter", self.lang, what=what, key=key))
                if not isinstance(value, str) or not value:
                    raise InputError(f"the filter {key} takes one value (a text such as '<3m'); lists are not allowed.")
                demographic[key] = value
            else:
                raise InputError(f"unknown filter '{key}'; use site, team, {', '.join(DIMENSIONS)}.")
        return self.scope_view().check_selection(selection, self.lang), demographic

    def _selected(self, node: Node, selection: dict) -> bool:
        if not self.scope_view().sees(node):
            return False
        level, name = node
        hierarchy = self.structure().hierarchy
        site, team = selection["site"], selection["team"]
        if level == ORG:
            return True
        if level == SITE:
            return (site is None or name == site) and (team is None or hierarchy.team_site.get(team) == name)
        return (site is None or hierarchy.team_site.get(name) == site) and (team is None or name == team)

    def _refuse(self, problem: str, level: str, demographic: dict, wave: str) -> PrivacyError:
        words = _level_word(level, self.lang)
        described = ", ".join(f"{k} = {v}" for k, v in demographic.items())
        known = problem in (SMALL_CELL, LINKED, DIFFERENCING)
        reason = t(f"privacy.refusal.{problem if known else DIFFERENCING}", self.lang, level=words, k=self.policy.k)
        return PrivacyError(
            t("privacy.filter_refused", self.lang, described=described, level=words, wave=wave, reason=reason)
        )

    @staticmethod
    def _in_node(frame: pd.DataFrame, node: Node) -> pd.DataFrame:
        level, name = node
        if level == ORG:
            return frame
        return frame[frame[level] == name]

    def _group_columns(self, node: Node) -> dict:
        level, name = node
        hierarchy = self.structure().hierarchy
        if level == ORG:
            return {"level": ORG, "site": None, "team": None, "group": ORG_LABEL}
        if level == SITE:
            return {"level": SITE, "site": name, "team": None, "group": name}
        return {"level": TEAM, "site": hierarchy.team_site[name], "team": name, "group": name}

    def _survey_rows(
        self,
        kind: str,
        metric: str,
        by: str,
        waves,
        filters,
        aggregate: Callable[[pd.DataFrame, Node, object], list[dict]],
        *,
        aggregate_key: str,
        allow_demographic: bool = True,
        unit: str = "responses",
    ) -> list[dict]:
        """Rows of every selected group and wave; each (wave, level, filter) is computed once
        per door for all groups and kept, so changing the site / team selection is cheap."""
        level = check_level(by)
        selection, demographic = self._split_filters(filters, allow_demographic)
        rows = []
        for wave in self._select_waves(kind, waves).itertuples():
            key = ("rows", kind, metric, aggregate_key, level, wave.wave_id, tuple(sorted(demographic.items())))
            wave_rows = self._cached(
                key, lambda wave=wave: self._wave_rows(kind, metric, level, wave, demographic, aggregate, unit)
            )
            rows += [dict(row) for node, row in wave_rows if self._selected(node, selection)]
        return rows

    def _sums_by(self, kind: str, level: str, columns: list[str]) -> dict[tuple, dict[str, dict]]:
        """The database's group sums added up per (wave, scale) and group at ``level``, in one
        pass: {(wave_id, scale): {group name ('' for the organisation): {column: sum}}}."""
        sums = self._group_sums(kind)
        sums = sums[sums["scale"].notna()]
        keys = ["wave_id", "scale"] + ([] if level == ORG else [level])
        out: dict[tuple, dict[str, dict]] = {}
        totals = sums.groupby(keys)[columns].sum()
        for key, row in zip(totals.index, totals.to_dict("records")):
            name = "" if level == ORG else str(key[2])
            out.setdefault((int(key[0]), key[1]), {})[name] = row
        return out

    def _wave_rows_from_sums(self, kind, metric, level, wave, figures_of, unit) -> list[tuple[Node, dict]]:
        """``_wave_rows`` without demographic filters, from the database's group sums: each
        group's n, sum and sum of squares are the sums of its teams' (and teamless answers')."""
        hierarchy = self.structure().hierarchy
        plan = self._plans(kind, metric)[wave.wave_id]
        columns = ["n", "total", "total_sq", "high", "low"]
        grouped = self._cached(("sums-by", kind, level), lambda: self._sums_by(kind, level, columns)).get(
            (wave.wave_id, metric), {}
        )
        zero = dict.fromkeys(columns, 0.0)
        closed = wave.state == "closed"
        out = []
        for node in hierarchy.nodes(level):
            totals = grouped.get(node[1])
            n = int(totals["n"]) if totals is not None else 0
            reason = plan[node].reason if closed else OPEN_WAVE
            hidden = reason not in (SHOWN, NO_RESPONSES)
            shown = totals is not None and not hidden and n > 0
            figures = figures_of(totals if shown else zero)
            out.append(
                (
                    node,
                    {
                        "wave": wave.wave,
                        "opens_on": wave.opens_on,
                        "closes_on": wave.closes_on,
                        **self._group_columns(node),
                        **figures,
                        "filter": "",
                        "n": None if hidden else n,
                        "suppressed": hidden,
                        "reason": reason,
                        "note": self.note(reason, unit),
                    },
                )
            )
        return out

    def _wave_rows_from_counts(self, kind, metric, level, wave, figures_of, unit) -> list[tuple[Node, dict]]:
        """``_wave_rows`` without demographic filters, from the database's counts per scale
        score (``_score_counts``): a group's values are its teams' (and teamless answers')
        scores, each as often as counted. Only the asked wave is read."""
        hierarchy = self.structure().hierarchy
        plan = self._plans(kind, metric)[wave.wave_id]
        counts = self._score_counts(kind, wave.wave_id)
        parts = _split(counts[counts["scale"] == metric], level)
        none = np.zeros(0)
        closed = wave.state == "closed"
        out = []
        for node in hierarchy.nodes(level):
            part = parts.get(node[1])
            n = int(part["n"].sum()) if part is not None else 0
            reason = plan[node].reason if closed else OPEN_WAVE
            hidden = reason not in (SHOWN, NO_RESPONSES)
            shown = part is not None and not hidden
            scores, weights = (part["score"].to_numpy(), part["n"].to_numpy()) if shown else (none, none)
            for figures in figures_of(scores, weights):
                out.append(
                    (
                        node,
                        {
                            "wave": wave.wave,
                            "opens_on": wave.opens_on,
                            "closes_on": wave.closes_on,
                            **self._group_columns(node),
                            **figures,
                            "filter": "",
                            "n": None if hidden else n,
                            "suppressed": hidden,
                            "reason": reason,
                            "note": self.note(reason, unit),
                        },
                    )
                )
        return out

    def _wave_rows(self, kind, metric, level, wave, demographic, aggregate, unit) -> list[tuple[Node, dict]]:
        if self._set_based and not demographic and getattr(aggregate, "from_sums", None) is not None:
            return self._wave_rows_from_sums(kind, metric, level, wave, aggregate.from_sums, unit)
        if self._set_based and not demographic and getattr(aggregate, "from_counts", None) is not None:
            return self._wave_rows_from_counts(kind, metric, level, wave, aggregate.from_counts, unit)
        hierarchy = self.structure().hierarchy
        plan = self._plans(kind, metric)[wave.wave_id]
        values = self._values(kind, metric)
        by_wave = self._cached(("by_wave", kind, metric), lambda: dict(tuple(values.groupby("wave_id"))))
        here = by_wave.get(wave.wave_id, values.iloc[0:0])
        closed = wave.state == "closed"
        if demographic and closed:
            verdict = self._auditor(kind, metric, wave.wave_id).verdict(family_of(level, demographic))
            if not verdict.allowed:
                raise self._refuse(verdict.problem, level, demographic, wave.wave)
            cells = normalise_dims(here)
            keep = here["team"].isin(shown_teams(plan)).to_numpy()
            for dim, value in demographic.items():
                keep &= (cells[dim] == value).to_numpy()
            here = here[keep]
        parts = _split(here, level)
        grouped = getattr(aggregate, "grouped", None)
        precomputed = grouped(here, level) if grouped is not None else None
        described = ", ".join(f"{k}={v}" for k, v in demographic.items())
        out = []
        for node in hierarchy.nodes(level):
            members = parts.get(node[1], here.iloc[0:0])
            if not closed:
                reason = OPEN_WAVE
            elif demographic and plan[node].reason not in HIDDEN_REASONS:
                reason = NO_RESPONSES if len(members) == 0 else SHOWN
            else:
                reason = plan[node].reason
            hidden = reason not in (SHOWN, NO_RESPONSES)
            note = self.note(reason, unit)
            if precomputed is not None and not hidden and node[1] in precomputed:
                results = [dict(f) for f in precomputed[node[1]]]
            else:
                results = aggregate(members.iloc[0:0] if hidden else members, node, wave)
            for figures in results:
                custom = figures.pop("_note", None)
                out.append(
                    (
                        node,
                        {
                            "wave": wave.wave,
                            "opens_on": wave.opens_on,
                            "closes_on": wave.closes_on,
                            **self._group_columns(node),
                            **figures,
                            "filter": described,
                            "n": None if hidden else len(members),
                            "suppressed": hidden,
                            "reason": reason,
                            "note": note if hidden or custom is None else custom,
                        },
                    )
                )
        return out


def _sums(frame: pd.DataFrame, level: str, columns: list[str]) -> dict[str, pd.Series]:
    """Column sums of ``frame`` per group at ``level`` (organisation: key '')."""
    if level == ORG:
        return {"": frame[columns].sum()}
    return {str(name): row for name, row in frame.groupby(level)[columns].sum().iterrows()}


def _split(frame: pd.DataFrame, level: str) -> dict[str, pd.DataFrame]:
    """The rows of each group at ``level`` (organisation: key '')."""
    if level == ORG:
        return {"": frame}
    return {str(name): part for name, part in frame.groupby(level, sort=False)}


def suppress_people(
    frame: pd.DataFrame,
    k: int,
    group: str = "group",
    n: str = "n",
    figures: Iterable[str] | None = None,
    strata: Iterable[str] | None = None,
    lang: str = "en",
    unit: str = "employees",
) -> pd.DataFrame:
    """Suppress a frame of group figures computed elsewhere (HR aggregates, model outputs).

    Rows with the same ``strata`` values (e.g. a month, a kind of leaver) are sibling groups of
    one total: a group with 1 … k−1 people in ``n`` is hidden, and if what is hidden in a
    stratum could be worked out from the total minus the rest (one group, or fewer than k
    people), the next-smallest group is hidden too. Figures of hidden rows become NaN, ``n``
    becomes <NA>, and ``suppressed`` / ``reason`` / ``note`` are added.
    """
    check_lang(lang)
    policy = Policy(k=int(k), comment_k=max(int(k), 10))
    out = frame.copy()
    if n not in out.columns:
        raise InputError(f"the frame needs a '{n}' column with the number of people per row.")
    protected = {n, group, "suppressed", "reason", "note", *(strata or [])}
    if figures is None:
        figures = [
            c
            for c in out.columns
            if c not in protected and pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])
        ]
    figures = list(figures)
    if strata is None:
        strata = [c for c in out.columns if c not in protected and c not in figures and c != group]
    strata = list(strata)
    sizes = pd.to_numeric(out[n], errors="coerce").fillna(0).astype(int)
    reasons = pd.Series(SHOWN, index=out.index, dtype=object)
    reasons[sizes == 0] = NO_RESPONSES
    if group in out.columns:
        keyed = out.assign(_size=sizes)
        parts = keyed.groupby(strata, dropna=False, sort=False) if strata else [((), keyed)]
        for _, part in parts:
            names = part[group].astype(str)
            counts = part.groupby(names)["_size"].max().to_dict()
            hierarchy = Hierarchy({g: "all" for g in counts})
            plan = plan_wave(hierarchy, WaveCounts("frame", counts), policy.k)
            for index, name in zip(part.index, names):
                decision = plan[(TEAM, name)]
                if decision.hidden:
                    reasons[index] = decision.reason
    else:
        reasons[(sizes > 0) & (sizes < policy.k)] = MIN_GROUP
    hidden = reasons.isin(HIDDEN_REASONS)
    for column in figures:
        out[column] = out[column].astype("float64") if pd.api.types.is_numeric_dtype(out[column]) else out[column]
        out.loc[hidden, column] = np.nan if pd.api.types.is_numeric_dtype(out[column]) else None
    out[n] = pd.array(sizes.astype(object).where(~hidden, None), dtype="Int64")
    out["suppressed"] = hidden.astype(bool)
    out["reason"] = reasons
    out["note"] = [policy.note(r, lang, unit) for r in reasons]
    return out


class PeopleAuditor:
    """Suppression of the figures of people grouped several ways (retention curves by cohort,
    site and lead style), decided for all groupings at once and recorded.

    Every grouping splits the same population, and each shown group publishes its number of
    people, so a hidden group could be worked out across groupings (the people of one hidden
    site = all cohorts − the other sites). Groupings are planned in one fixed order, each with
    the minimum group size and complementary suppression of ``suppress.plan_wave``, then checked
    with the rank test of ``verloop.privacy.audit`` against everything shown before it: while a
    hidden group's members are a combination of shown groups, the smallest shown group of the
    grouping is hidden too. The outcome does not depend on which grouping is asked first.
    """

    def __init__(self, labels: pd.DataFrame, k: int):
        self.labels = labels.reset_index(drop=True)
        self.k = int(k)
        self.reasons: dict[str, dict[str, str]] = {}
        atoms = self.labels.astype(str).drop_duplicates().reset_index(drop=True)
        self._atoms = atoms
        shown: list[np.ndarray] = []
        hidden: list[np.ndarray] = []
        for by in self.labels.columns:
            self.reasons[by] = self._plan(by, shown, hidden)

    def _vector(self, by: str, group: str) -> np.ndarray:
        return (self._atoms[by] == group).to_numpy(dtype=float)

    def _plan(self, by: str, shown: list[np.ndarray], hidden: list[np.ndarray]) -> dict[str, str]:
        from verloop.privacy.audit import determined, row_basis

        counts = self.labels[by].astype(str).value_counts().to_dict()
        plan = plan_wave(Hierarchy({g: "all" for g in counts}), WaveCounts(by, counts), self.k)
        reasons = {g: plan[(TEAM, g)].reason if plan[(TEAM, g)].hidden else SHOWN for g in counts}
        while True:
            mine = [g for g, r in reasons.items() if r == SHOWN]
            rows = np.array(shown + [self._vector(by, g) for g in mine]).reshape(-1, len(self._atoms))
            secrets = hidden + [self._vector(by, g) for g, r in reasons.items() if r != SHOWN]
            if not secrets or not mine:
                break
            if not determined(row_basis(rows, len(self._atoms)), np.array(secrets)).any():
                break
            smallest = min(mine, key=lambda g: (counts[g], g))
            reasons[smallest] = COMPLEMENT
        shown += [self._vector(by, g) for g, r in reasons.items() if r == SHOWN]
        hidden += [self._vector(by, g) for g, r in reasons.items() if r != SHOWN]
        return reasons

    def record(self) -> pd.DataFrame:
        """What this audit let through: ``grouping, group, n, shown, reason`` (n of every group,
        for the record only; a hidden group's n is never published)."""
        rows = [
            {"grouping": by, "group": g, "n": int((self.labels[by].astype(str) == g).sum()), "reason": r}
            for by, reasons in self.reasons.items()
            for g, r in sorted(reasons.items())
        ]
        frame = pd.DataFrame(rows, columns=["grouping", "group", "n", "reason"])
        frame.insert(3, "shown", frame["reason"].eq(SHOWN))
        return frame
