"""Anonymous (the default) or confidential survey mode, and what respondents are told.

The survey app shows :func:`survey_notice` before the first question. In confidential mode the
codes are issued per person (``issue_tokens(..., people=[hr ids])``) and each answer carries a
keyed pseudonym (:mod:`verloop.surveys.keys`, the key outside the database), so individual
models can run; HR still sees only figures that pass the door (groups of at least k).
"""

from __future__ import annotations

from verloop.i18n import t
from verloop.store.settings import get_settings


def survey_notice(session, language: str = "nl") -> tuple[str, str]:
    """``(mode, text)``: the organisation's survey mode and the sentence respondents read
    before the first question, in ``language`` (see ``verloop.i18n.check_lang``)."""
    settings = get_settings(session)
    mode = settings.survey_mode
    return mode, t(f"survey.notice.{mode}", language, k=settings.min_group_size)


__all__ = ["survey_notice"]
