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

import pandas as pd

from verloop.errors import InputError
from verloop.privacy.hr_figures import HRFigures
from verloop.privacy.loading import Loading
from verloop.privacy.planning import Planning, suppress_people
from verloop.privacy.policy import Policy, check_lang
from verloop.privacy.scope import Scope
from verloop.privacy.survey_figures import SurveyFigures


class Door(HRFigures, SurveyFigures, Planning, Loading):
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
