"""The door's loading and state: what it reads from the store, once per data revision.

Nothing here is published. The per-person frames (one row per employee, per response) stay
inside ``verloop.privacy``: the door's figures are built from them (``survey_figures``,
``hr_figures``), suppressed by ``planning``. Modelling code that genuinely needs per-person
rows gets them through one named entry point, :func:`training_rows` — never a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from verloop.errors import InputError
from verloop.privacy import turnover as hr
from verloop.privacy.data import (
    Structure,
    SurveyData,
    group_sums_in_database,
    load_employees,
    load_structure,
    load_survey_data,
    load_survey_meta,
    revision,
    score_counts_in_database,
)
from verloop.privacy.names import KINDS
from verloop.privacy.policy import Policy
from verloop.privacy.scope import ScopeView


class Loading:
    """Mixin of ``Door``: its state, its cache keyed by the data revision, and the loaders."""

    # Group figures that need only counts and sums (scale scores without demographic filters,
    # response rates, the plans' counts, distributions) come from GROUP BY in the database;
    # False: from the per-response frames (the earlier path, kept for demographic filters and
    # for the test that both agree).
    _set_based = True

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

    def _employees(self) -> pd.DataFrame:
        def build():
            with self.store.session() as s:
                frame = load_employees(s, self.structure())
            frame["contract_type"] = (
                hr.contract_type(frame["contract_hours"]) if len(frame) else pd.Series(dtype=object)
            )
            return frame

        return self._cached("employees", build)

    def _members_source(self, kind: str) -> pd.DataFrame:
        """The HR rows a survey's meta needs: pulse waves record who was a member of each team;
        exit and follow-up answers need no HR rows at all (none are loaded for them)."""
        return self._employees() if kind == "pulse" else pd.DataFrame()

    def _survey(self, kind: str, scores: bool = True) -> SurveyData:
        """Every response of ``kind`` with its comments and (``scores``) its scale scores;
        ``scores=False`` reads no answer (comments, reasons, response counts)."""
        if kind not in KINDS:
            raise InputError(f"unknown survey '{kind}'; use one of {', '.join(KINDS)}.")
        if not scores and ("survey", kind) in self._cache:
            return self._cache[("survey", kind)]

        def build():
            with self.store.session() as s:
                return load_survey_data(s, kind, self.structure(), self.today, self._members_source(kind), scores)

        return self._cached(("survey", kind) if scores else ("survey-texts", kind), build)

    def _meta(self, kind: str) -> SurveyData:
        """The survey without its answers (waves, scales, invitations, members): enough for the
        plans and the set-based figures, a few kB where ``_survey`` holds every response."""
        if kind not in KINDS:
            raise InputError(f"unknown survey '{kind}'; use one of {', '.join(KINDS)}.")
        for loaded in (("survey", kind), ("survey-texts", kind)):
            if loaded in self._cache:
                return self._cache[loaded]

        def build():
            with self.store.session() as s:
                return load_survey_meta(s, kind, self.structure(), self.today, self._members_source(kind))

        return self._cached(("survey-meta", kind), build)

    def _group_sums(self, kind: str, scales: bool = True) -> pd.DataFrame:
        """Responses and scale-score sums per wave, team (or site) and scale, grouped in the
        database (``data.group_sums_in_database``); ``scales=False``: the responses' counts
        only (the rows whose ``scale`` is None), read without the answers."""
        if not scales and ("group-sums", kind) in self._cache:
            return self._cache[("group-sums", kind)]

        def build():
            with self.store.session() as s:
                return group_sums_in_database(s, kind, self.structure(), self._meta(kind).waves, scales=scales)

        return self._cached(("group-sums", kind) if scales else ("response-counts", kind), build)

    def _score_counts(self, kind: str, wave_id: int) -> pd.DataFrame:
        """How many responses of one wave have each scale score, per team (or site) and scale,
        grouped in the database (``data.score_counts_in_database``): a distribution of any
        group of that wave without loading its answers."""

        def build():
            waves = self._meta(kind).waves
            with self.store.session() as s:
                return score_counts_in_database(s, self.structure(), waves[waves["wave_id"] == wave_id])

        return self._cached(("score-counts", kind, int(wave_id)), build)

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


def training_rows(source, what: str = "employees") -> pd.DataFrame:
    """Per-person rows for modelling code: the one documented way out of ``verloop.privacy``
    for rows of individual people.

    ``source`` is a ``Door`` (its loaded rows are reused) or a store. ``what`` is
    ``"employees"``: one row per employee with ``id, team_id, site_id, role, contract_hours,
    hire_date, exit_date, exit_type, regretted, team, site, contract_type``.

    Use it only to fit a model or to build a model's inputs (``verloop.models``); whatever
    such code shows a person must leave through the door again (``Door.group_values`` or
    ``suppress_people``). Pages and exports never call it: their figures are the door's
    published frames (``tests/privacy/test_door_split.py`` checks that the apps do not reach
    per-person rows).
    """
    from verloop.privacy.door import Door

    if what != "employees":
        raise InputError(f"unknown per-person rows '{what}'; use 'employees'.")
    door = source if isinstance(source, Door) else Door(source)
    door._check()
    return door._employees().copy()
