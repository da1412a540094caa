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

# The door's words for groups, roles and what a role may open, and its refusals: one sentence
# instead of a figure when a selection would narrow a group below k or leave the account's scope.
TEXTS.update(
    {
        "privacy.level.organisation": {"nl": "organisatie", "en": "organisation"},
        "privacy.level.site": {"nl": "vestiging", "en": "site"},
        "privacy.level.team": {"nl": "team", "en": "team"},
        "privacy.refusal.small_cell": {
            "nl": "minstens één {level} zou er (of voor de rest van de groep) minder dan {k} mensen tonen",
            "en": "at least one {level} would show fewer than {k} people for it (or for the rest of its people)",
        },
        "privacy.refusal.linked": {
            "nl": "het zou teams splitsen waarin iedereen reageerde, en die zijn met andere metingen te vergelijken",
            "en": "it would split teams in which everyone answered, whose answers can be matched with other waves",
        },
        "privacy.refusal.differencing": {
            "nl": "samen met wat al getoond wordt zou een groep van minder dan {k} door aftrekken te achterhalen zijn",
            "en": (
                "together with the figures already shown, a group of fewer than {k} could be worked out by subtraction"
            ),
        },
        "privacy.filter_refused": {
            "nl": (
                "het filter {described} kan niet per {level} getoond worden voor meting '{wave}': {reason}; kies een "
                "bredere groep of laat het filter weg."
            ),
            "en": (
                "the filter {described} cannot be shown by {level} for wave '{wave}': {reason}; choose a broader "
                "group or remove the filter."
            ),
        },
        "privacy.turnover_filter_refused": {
            "nl": (
                "het filter {described} kan niet per {level} getoond worden voor {first} – {last}: minstens één "
                "{level} zou dan minder dan {k} medewerkers tonen (of minder dan {k} overhouden); kies een bredere "
                "groep of laat het filter weg."
            ),
            "en": (
                "the filter {described} cannot be shown by {level} for {first} – {last}: at least one {level} would "
                "show fewer than {k} employees (or leave fewer than {k}); choose a broader group or remove the filter."
            ),
        },
        "privacy.retention_no_curve": {
            "nl": "geen curve: te weinig mensen in hun eerste {months} maanden binnen de HR-gegevens",
            "en": "no curve: too few people were at risk in their first {months} months within the HR data",
        },
        "privacy.comments_unfiltered": {
            "nl": (
                "opmerkingen worden per meting en groep getoond zonder filters op groepskenmerken: met een filter zijn "
                "de opmerkingen van enkelen te herkennen."
            ),
            "en": (
                "comments are shown per wave and group without demographic filters: with a filter a few people's "
                "comments could be told apart."
            ),
        },
        "privacy.no_demographic_filter": {
            "nl": "{what} worden per groep getoond zonder filters op groepskenmerken; laat het filter {key} weg.",
            "en": "{what} are shown per group without demographic filters; remove the {key} filter.",
        },
        "privacy.role.hr": {"nl": "HR", "en": "HR"},
        "privacy.role.site": {"nl": "vestigingsmanager", "en": "site manager"},
        "privacy.role.lead": {"nl": "teamleider", "en": "team lead"},
        "privacy.role.research": {"nl": "onderzoeker", "en": "researcher"},
        "privacy.capability.figures": {"nl": "cijfers", "en": "figures"},
        "privacy.capability.comments": {"nl": "opmerkingen", "en": "comments"},
        "privacy.capability.exports": {"nl": "exports", "en": "exports"},
        "privacy.capability.model_cards": {"nl": "modelkaarten", "en": "model cards"},
        "privacy.capability.access_log": {"nl": "het toegangslogboek", "en": "the access log"},
        "privacy.cannot_open": {
            "nl": "een account met de rol {role} kan {what} niet openen.",
            "en": "an account with the role {role} cannot open {what}.",
        },
        "privacy.outside_scope": {
            "nl": "de {level} '{name}' valt buiten wat dit account ({role}) mag zien.",
            "en": "the {level} '{name}' is outside what this account ({role}) may see.",
        },
    }
)
