"""The one door: every group figure a person sees — dashboards, exports, the CLI — comes from here.

Each function returns a *published* frame (see ``verloop.privacy.published``): tidy rows with
``n``, ``suppressed``, ``reason`` and ``note``; hidden rows keep their place with NaN figures and
a note. What is hidden follows ``verloop.privacy.suppress`` (minimum group k, complementary and
trend suppression, per figure and wave) and ``verloop.privacy.families`` (demographic filters),
the same for every caller, whichever order things are asked in.

Use one ``Door`` per kernel / process: it loads the data once and keeps the plans; it reloads by
itself when the database changed (its data revision is checked on every call)::

    door = Door(store, lang="nl")
    door.scale_scores(by="team", waves="latest")
    door.turnover(by="site", freq="M")

The module-level functions (``scale_scores(store, ...)`` …) do the same with a fresh door.
Survey results appear only for closed waves (live figures would change with every answer, and
the difference between two looks would be the answers given in between).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from verloop.errors import InputError, PrivacyError
from verloop.privacy import turnover as hr
from verloop.privacy.data import (
    Structure,
    SurveyData,
    load_employees,
    load_kpis,
    load_structure,
    load_survey_data,
    revision,
)
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
from verloop.privacy.policy import (
    FEW_LEAVERS,
    MIN_GROUP,
    NO_COMMENTS,
    NO_RESPONSES,
    OPEN_WAVE,
    SHOWN,
    Policy,
    check_lang,
)
from verloop.privacy.published import finish
from verloop.privacy.scope import COMMENTS as SCOPE_COMMENTS
from verloop.privacy.scope import Scope, ScopeView
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

ORG_LABEL = "organisation"
RESPONSES = "responses"
COMMENTS = "comments"
REASONS_METRIC = "reasons"
ENPS = "enps"
KINDS = ("pulse", "exit", "followup")
SELECT_KEYS = ("site", "team", "site_id", "team_id")
WAVE_KEYS = ["wave", "opens_on", "closes_on"]
GROUP_KEYS = ["level", "site", "team", "group"]
KPI_COLUMNS = ["aht_s", "service_level", "csat", "fcr", "repeat_rate", "absenteeism"]

_LEVEL_WORDS = {
    "en": {ORG: "organisation", SITE: "site", TEAM: "team"},
    "nl": {ORG: "organisatie", SITE: "vestiging", TEAM: "team"},
}
_REFUSALS = {
    SMALL_CELL: (
        "at least one {level} would show fewer than {k} people for it (or for the rest of its people)",
        "minstens één {level} zou er (of voor de rest van de groep) minder dan {k} mensen tonen",
    ),
    LINKED: (
        "it would split teams in which everyone answered, whose answers can be matched with other waves",
        "het zou teams splitsen waarin iedereen reageerde, en die zijn met andere metingen te vergelijken",
    ),
    DIFFERENCING: (
        "together with the figures already shown, a group of fewer than {k} could be worked out by subtraction",
        "samen met wat al getoond wordt zou een groep van minder dan {k} door aftrekken te achterhalen zijn",
    ),
}


def _level_word(level: str, lang: str) -> str:
    return _LEVEL_WORDS[lang][level]


class Door:
    """The privacy door over one store. Not thread-safe; one per kernel or CLI call."""

    def __init__(
        self,
        store,
        *,
        lang: str = "en",
        today: dt.date | None = None,
        policy: Policy | None = None,
        scope: Scope | None = None,
    ):
        self.store = store
        # Who is looking (verloop.privacy.scope): rows outside it are never published. Default: HR.
        self.scope = Scope.everything() if scope is None else scope
        if not isinstance(self.scope, Scope):
            raise InputError("the door's scope must be a verloop.privacy.scope.Scope.")
        self.lang = check_lang(lang)
        self._today = today
        self._policy = policy
        self._cache: dict = {}
        self._revision = None

    # -- state ----------------------------------------------------------------------------------
    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def refresh(self) -> None:
        """Forget everything loaded (the next call reloads)."""
        self._cache.clear()
        self._revision = None

    def _check(self) -> None:
        with self.store.session() as s:
            current = (revision(s), self.today)  # a wave past its closing day closes by date
        if current != self._revision:
            self._cache.clear()
            self._revision = current

    def _cached(self, key, build: Callable):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    @property
    def policy(self) -> Policy:
        if self._policy is not None:
            return self._policy
        return self._cached("policy", lambda: Policy.from_store(self.store))

    def structure(self) -> Structure:
        def build():
            with self.store.session() as s:
                return load_structure(s)

        return self._cached("structure", build)

    def employees(self) -> pd.DataFrame:
        def build():
            with self.store.session() as s:
                frame = load_employees(s, self.structure())
            frame["contract_type"] = (
                hr.contract_type(frame["contract_hours"]) if len(frame) else pd.Series(dtype=object)
            )
            return frame

        return self._cached("employees", build)

    def survey(self, kind: str) -> SurveyData:
        if kind not in KINDS:
            raise InputError(f"unknown survey '{kind}'; use one of {', '.join(KINDS)}.")

        def build():
            with self.store.session() as s:
                return load_survey_data(s, kind, self.structure(), self.today, self.employees())

        return self._cached(("survey", kind), build)

    def scope_view(self) -> ScopeView:
        """The door's scope in site and team names (see ``verloop.privacy.scope``)."""
        return self._cached("scope-view", lambda: self.scope.resolve(self.structure()))

    def scoped(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Only the rows of a published frame (level / site / team columns) the scope may see:
        for group figures computed outside the door (e.g. model outputs through suppress_people)."""
        self._check()
        return self.scope_view().filter(frame)

    def note(self, reason: str, unit: str = "responses") -> str:
        return self.policy.note(reason, self.lang, unit)

    # -- what can be asked ------------------------------------------------------------------------
    def waves(self, kind: str = "pulse") -> pd.DataFrame:
        """The waves of ``kind``, oldest first, with their state; results exist for closed ones."""
        self._check()
        waves = self.survey(kind).waves
        out = waves[["wave", "kind", "opens_on", "closes_on", "state"]].copy()
        out["results"] = out["state"].eq("closed")
        return out.reset_index(drop=True)

    def scales(self, kind: str = "pulse") -> list[str]:
        self._check()
        return list(self.survey(kind).scales)

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

    # -- internals: values, plans, audits -----------------------------------------------------------
    def _values(self, kind: str, metric: str) -> pd.DataFrame:
        def build():
            data = self.survey(kind)
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

    def _counts(self, kind: str, metric: str) -> list[WaveCounts]:
        data = self.survey(kind)
        values = self._values(kind, metric)
        per_wave = values.groupby("wave_id")["team"].value_counts()
        out = []
        groups = self._cached(("group-members", kind), lambda: self._group_members(data))
        # answers stored without a team (exit / follow-up: by site or organisation only) count
        # for their site or the organisation: keys are nodes, see suppress.node_stats
        teamless = values[values["team"].isna()]
        above = (
            {
                w: {
                    (SITE, s) if isinstance(s, str) else (ORG, ""): c
                    for s, c in part["site"].value_counts(dropna=False).items()
                }
                for w, part in teamless.groupby("wave_id")
            }
            if len(teamless)
            else {}
        )
        for wave in data.waves.itertuples():
            n = per_wave.loc[wave.wave_id].to_dict() if wave.wave_id in per_wave.index.get_level_values(0) else {}
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
            data = self.survey(kind)
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
            data = self.survey(kind)
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
        frame = self.survey(kind).waves
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
                        raise PrivacyError(
                            "comments are shown per wave and group without demographic filters: with a filter "
                            "a few people's comments could be told apart."
                            if self.lang == "en"
                            else "opmerkingen worden per meting en groep getoond zonder filters op "
                            "groepskenmerken: met een filter zijn de opmerkingen van enkelen te herkennen."
                        )
                    raise PrivacyError(
                        f"{what} are shown per group without demographic filters; remove the {key} filter."
                        if self.lang == "en"
                        else f"{what} worden per groep getoond zonder filters op groepskenmerken; laat het "
                        f"filter {key} weg."
                    )
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
        en, nl = _REFUSALS.get(problem, _REFUSALS[DIFFERENCING])
        words = _level_word(level, self.lang)
        described = ", ".join(f"{k} = {v}" for k, v in demographic.items())
        if self.lang == "nl":
            return PrivacyError(
                f"het filter {described} kan niet per {words} getoond worden voor meting '{wave}': "
                f"{nl.format(level=words, k=self.policy.k)}; kies een bredere groep of laat het filter weg."
            )
        return PrivacyError(
            f"the filter {described} cannot be shown by {words} for wave '{wave}': "
            f"{en.format(level=words, k=self.policy.k)}; choose a broader group or remove the filter."
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

    def _wave_rows(self, kind, metric, level, wave, demographic, aggregate, unit) -> list[tuple[Node, dict]]:
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
        data = self.survey(kind)
        chosen = list(scales) if scales is not None else [s for s in data.scales]
        rows = []
        for scale in chosen:

            def aggregate(members, node, wave, scale=scale):
                return [{"scale": scale, **_mean_ci(members["value"].to_numpy(dtype=float))}]

            aggregate.grouped = lambda here, level, scale=scale: _grouped_mean_ci(here, level, scale)

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
        data = self.survey(kind)
        chosen = list(scales) if scales is not None else list(data.scales)
        rows = []
        for scale in chosen:
            lo, hi = data.scale_ranges.get(scale, (1.0, 5.0))
            edges = _bin_edges(lo, hi)

            def aggregate(members, node, wave, edges=edges, scale=scale):
                values = members["value"].to_numpy(dtype=float)
                counts = np.histogram(values, bins=edges)[0] if len(values) else np.zeros(len(edges) - 1)
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

            rows += self._survey_rows(kind, scale, by, waves, filters, aggregate, aggregate_key="distribution")
        keys = WAVE_KEYS + GROUP_KEYS + ["scale", "bin_low", "bin_high"]
        frame = pd.DataFrame(rows, columns=keys + ["count", "share", "filter", "n", "suppressed", "reason", "note"])
        return finish(frame, ["count", "share"], keys)

    def enps_by(self, by: str = "team", waves=None, filters: Mapping | None = None) -> pd.DataFrame:
        """eNPS per group and wave: % promoters (9–10) − % detractors (0–6) of those who answered."""
        self._check()
        if ENPS not in self.survey("pulse").scales:
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
        data = self.survey(kind)
        hierarchy = self.structure().hierarchy
        level = check_level(by)
        selection, demographic = self._split_filters(filters, allow_demographic=False, what="response rates")
        plans = self._plans(kind, RESPONSES)
        values = self._values(kind, RESPONSES)
        rows = []
        for wave in self._select_waves(kind, waves).itertuples():
            invited = data.invited.get(wave.wave_id)
            here = values[values["wave_id"] == wave.wave_id]
            for node in hierarchy.nodes(level):
                if not self._selected(node, selection):
                    continue
                n = len(self._in_node(here, node))
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

        data = self.survey(kind)
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
        data = self.survey(kind)
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

    # -- HR figures -----------------------------------------------------------------------------
    def _period(self, start, end) -> tuple[dt.date, dt.date]:
        if end is None:
            employees = self.employees()
            candidates = [self.today]
            if len(employees) and employees["exit_date"].notna().any():
                candidates = [
                    min(self.today, max(employees["exit_date"].max().date(), employees["hire_date"].max().date()))
                ]
            end = candidates[0]
        end = pd.Timestamp(end).date()
        start = (
            pd.Timestamp(start).date()
            if start is not None
            else (pd.Timestamp(end) - pd.DateOffset(years=1) + pd.Timedelta(days=1)).date()
        )
        return start, end

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
        employees = self.employees()
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
        k = self.policy.k
        if self.lang == "nl":
            return (
                f"het filter {described} kan niet per {words} getoond worden voor {first} – {last}: minstens één "
                f"{words} zou dan minder dan {k} medewerkers tonen (of minder dan {k} overhouden); kies een bredere groep "
                "of laat het filter weg."
            )
        return (
            f"the filter {described} cannot be shown by {words} for {first} – {last}: at least one {words} would show "
            f"fewer than {k} employees (or leave fewer than {k}); choose a broader group or remove the filter."
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
        waves = self.survey("pulse").waves
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
        employees = self.employees().set_index("id")
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


def _bin_edges(lo: float, hi: float) -> np.ndarray:
    if hi - lo <= 10 and float(lo).is_integer() and float(hi).is_integer() and hi - lo >= 6:
        return np.arange(lo - 0.5, hi + 1.0, 1.0)  # 0–10 items: one bin per point
    if hi - lo <= 6:
        return np.linspace(lo, hi, int(round((hi - lo) * 2)) + 1)  # half points on 1–5
    return np.linspace(lo, hi, 11)  # tenths on 0–100


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


# -- module-level door --------------------------------------------------------------------------------


def _door(store, lang: str, today) -> Door:
    return Door(store, lang=lang, today=today)


def scale_scores(
    store,
    by: str = "team",
    waves=None,
    scales=None,
    filters=None,
    kind: str = "pulse",
    lang: str = "en",
    today: dt.date | None = None,
) -> pd.DataFrame:
    return _door(store, lang, today).scale_scores(by=by, waves=waves, scales=scales, filters=filters, kind=kind)


def score_distribution(
    store,
    by: str = "organisation",
    waves=None,
    scales=None,
    filters=None,
    kind: str = "pulse",
    lang: str = "en",
    today: dt.date | None = None,
) -> pd.DataFrame:
    return _door(store, lang, today).score_distribution(by=by, waves=waves, scales=scales, filters=filters, kind=kind)


def enps_by(
    store, by: str = "team", waves=None, filters=None, lang: str = "en", today: dt.date | None = None
) -> pd.DataFrame:
    return _door(store, lang, today).enps_by(by=by, waves=waves, filters=filters)


def response_rates(
    store, by: str = "team", waves=None, kind: str = "pulse", lang: str = "en", today: dt.date | None = None
) -> pd.DataFrame:
    return _door(store, lang, today).response_rates(by=by, waves=waves, kind=kind)


def reasons(
    store, kind: str = "exit", by: str = "organisation", waves=None, lang: str = "en", today: dt.date | None = None
) -> pd.DataFrame:
    return _door(store, lang, today).reasons(kind=kind, by=by, waves=waves)


def comments(
    store,
    by: str = "organisation",
    waves=None,
    kind: str = "pulse",
    question: str | None = None,
    filters=None,
    lang: str = "en",
    today: dt.date | None = None,
) -> pd.DataFrame:
    return _door(store, lang, today).comments(by=by, waves=waves, kind=kind, question=question, filters=filters)


def turnover(
    store,
    by: str = "team",
    start=None,
    end=None,
    freq: str | None = None,
    filters=None,
    lang: str = "en",
    today: dt.date | None = None,
) -> pd.DataFrame:
    return _door(store, lang, today).turnover(by=by, start=start, end=end, freq=freq, filters=filters)


def kpi_vs_people(
    store, start=None, end=None, wave=None, scales=None, lang: str = "en", today: dt.date | None = None
) -> pd.DataFrame:
    return _door(store, lang, today).kpi_vs_people(start=start, end=end, wave=wave, scales=scales)


def group_values(
    store, values: pd.DataFrame, by: str = "team", how: str = "mean", columns=None, lang: str = "en"
) -> pd.DataFrame:
    return Door(store, lang=lang).group_values(values, by=by, how=how, columns=columns)


__all__ = [
    "Door",
    "comments",
    "enps_by",
    "group_values",
    "kpi_vs_people",
    "reasons",
    "response_rates",
    "scale_scores",
    "score_distribution",
    "suppress_people",
    "turnover",
]
