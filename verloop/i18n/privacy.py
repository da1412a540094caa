"""Why a figure is not shown (``privacy.<reason>.<unit>``): the privacy door's notes, used by
``verloop.privacy.policy.Policy.note``. ``{k}`` is the minimum group size that applies.
"""

TEXTS: dict[str, dict[str, str]] = {
    "privacy.min_group.responses": {
        "nl": "minder dan {k} reacties",
        "en": "fewer than {k} responses",
    },
    "privacy.min_group.employees": {
        "nl": "minder dan {k} medewerkers",
        "en": "fewer than {k} employees",
    },
    "privacy.min_group.comments": {
        "nl": "minder dan {k} reacties: opmerkingen worden niet getoond",
        "en": "fewer than {k} responses: comments are not shown",
    },
    "privacy.complement.responses": {
        "nl": "verborgen zodat een kleinere groep niet door aftrekken te achterhalen is",
        "en": "hidden so that a smaller group cannot be worked out by subtraction",
    },
    "privacy.trend.responses": {
        "nl": "verborgen: sinds een eerdere meting van deze groep zijn minder dan {k} mensen gewisseld",
        "en": "hidden: fewer than {k} people changed since an earlier wave of this group",
    },
    "privacy.no_responses.responses": {
        "nl": "geen reacties",
        "en": "no responses",
    },
    "privacy.no_responses.employees": {
        "nl": "geen medewerkers",
        "en": "no employees",
    },
    "privacy.no_responses.comments": {
        "nl": "geen reacties",
        "en": "no responses",
    },
    "privacy.open_wave.responses": {
        "nl": "resultaten verschijnen als de meting is gesloten",
        "en": "results appear when the wave has closed",
    },
    "privacy.few_leavers.employees": {
        "nl": "minder dan {k} vertrekkers",
        "en": "fewer than {k} leavers",
    },
    "privacy.no_comments.comments": {
        "nl": "geen opmerkingen",
        "en": "no comments",
    },
}
