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
from verloop.privacy.data import Structure, SurveyData, load_employees, load_structure, load_survey_data, revision
from verloop.privacy.names import KINDS
from verloop.privacy.policy import Policy
from verloop.privacy.scope import ScopeView


class Loading:
    """Mixin of ``Door``: its state, its cache keyed by the data revision, and the loaders."""

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

    def _survey(self, kind: str) -> SurveyData:
        if kind not in KINDS:
            raise InputError(f"unknown survey '{kind}'; use one of {', '.join(KINDS)}.")

        def build():
            with self.store.session() as s:
                return load_survey_data(s, kind, self.structure(), self.today, self._employees())

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
