"""Anonymous (the default) or confidential survey mode, and what respondents are told.

The survey app shows :func:`survey_notice` before the first question. In confidential mode the
codes are issued per person (``issue_tokens(..., people=[hr ids])``) and each answer carries a
keyed pseudonym (:mod:`verloop.surveys.keys`, the key outside the database), so individual
models can run; HR still sees only figures that pass the door (groups of at least k).
"""

from __future__ import annotations

from verloop.store.settings import get_settings

NOTICES: dict[str, dict[str, str]] = {
    "anonymous": {
        "nl": "Deze vragenlijst is anoniem: je code wordt niet aan je antwoorden gekoppeld, en je antwoorden "
              "worden pas leesbaar samen met die van minstens {k} anderen. HR ziet alleen uitkomsten van groepen "
              "van minstens {k} mensen.",
        "en": "This survey is anonymous: your code is not linked to your answers, and your answers become "
              "readable only together with those of at least {k} others. HR sees only results for groups of "
              "at least {k} people.",
    },
    "confidential": {
        "nl": "Let op: deze organisatie gebruikt de vertrouwelijke modus. Je antwoorden worden via een pseudoniem "
              "aan je HR-gegevens gekoppeld (de sleutel daarvan wordt buiten de database bewaard), zodat modellen "
              "per persoon kunnen rekenen. HR ziet nooit individuele antwoorden, alleen uitkomsten van groepen van "
              "minstens {k} mensen.",
        "en": "Please note: this organisation uses confidential mode. Your answers are linked to your HR record "
              "through a pseudonym (its key is kept outside the database), so that models can work per person. "
              "HR never sees individual answers, only results for groups of at least {k} people.",
    },
}


def survey_notice(session, language: str = "nl") -> tuple[str, str]:
    """``(mode, text)``: the organisation's survey mode and the sentence respondents read
    before the first question, in ``language`` (nl or en; anything else gets English)."""
    settings = get_settings(session)
    mode = settings.survey_mode
    texts = NOTICES[mode]
    return mode, texts.get(language, texts["en"]).format(k=settings.min_group_size)


__all__ = ["NOTICES", "survey_notice"]
