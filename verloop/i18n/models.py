"""The models' sentences for HR (``model.``): effects in plain words, units of a factor and the
factors' names when no instrument is at hand. Numbers in them are whole percentages."""

TEXTS: dict[str, dict[str, str]] = {
    "model.team_clear": {
        "nl": "Teams die {unit} hoger scoren op {label} verliezen per jaar {size} % ({lo}–{hi} %) {direction} medewerkers.",
        "en": "Teams scoring {unit} higher on {label} lose {size} % ({lo}–{hi} %) {direction} agents a year.",
    },
    "model.team_unclear": {
        "nl": (
            "Teams die {unit} hoger scoren op {label} verliezen per jaar {size} % {direction} medewerkers, maar het "
            "95 %-interval (van {low_end} tot {high_end}) omvat ook geen effect."
        ),
        "en": (
            "Teams scoring {unit} higher on {label} lose {size} % {direction} agents a year, but the 95 % interval "
            "(from {low_end} to {high_end}) includes no effect."
        ),
    },
    "model.individual_clear": {
        "nl": (
            "Medewerkers die {unit} hoger scoren op {label} hebben {size} % ({lo}–{hi} %) {direction} kans om in een "
            "maand te vertrekken."
        ),
        "en": "Agents scoring {unit} higher on {label} are {size} % ({lo}–{hi} %) {direction} likely to leave in any given month.",
    },
    "model.individual_unclear": {
        "nl": (
            "Medewerkers die {unit} hoger scoren op {label} hebben {size} % {direction} kans om in een maand te "
            "vertrekken, maar het 95 %-interval (van {low_end} tot {high_end}) omvat ook geen effect."
        ),
        "en": (
            "Agents scoring {unit} higher on {label} are {size} % {direction} likely to leave in any given month, but "
            "the 95 % interval (from {low_end} to {high_end}) includes no effect."
        ),
    },
    # direction of an effect: fewer / more leavers (teams), less / more likely (people), and the
    # ends of an interval that crosses "no effect"
    "model.team.down": {"nl": "minder", "en": "fewer"},
    "model.team.up": {"nl": "meer", "en": "more"},
    "model.individual.down": {"nl": "minder", "en": "less"},
    "model.individual.up": {"nl": "meer", "en": "more"},
    "model.individual.lower": {"nl": "lager", "en": "lower"},
    "model.individual.higher": {"nl": "hoger", "en": "higher"},
    # a factor's unit (the models and the drivers page)
    "model.unit.point": {"nl": "één punt", "en": "one point"},
    "model.unit.10_points": {"nl": "tien punten", "en": "ten points"},
    "model.unit.SD": {"nl": "één standaarddeviatie", "en": "one standard deviation"},
    "model.unit.other": {"nl": "één {unit}", "en": "one {unit}"},
    # scale names when no instrument is at hand (the instrument's own labels win)
    "model.scale.engagement": {"nl": "bevlogenheid", "en": "engagement"},
    "model.scale.wellbeing": {"nl": "welbevinden", "en": "wellbeing"},
    "model.scale.autonomy": {"nl": "autonomie", "en": "autonomy"},
    "model.scale.mandate": {"nl": "mandaat", "en": "mandate"},
    "model.scale.workload": {"nl": "werkdruk", "en": "workload"},
    "model.scale.connection": {"nl": "verbondenheid", "en": "connection"},
    "model.scale.growth": {"nl": "groei", "en": "growth"},
    "model.scale.leadership": {"nl": "leiderschap", "en": "leadership"},
    "model.scale.voice": {"nl": "inspraak en waardering", "en": "voice and recognition"},
    "model.scale.metric_gaming": {"nl": "sturen op cijfers", "en": "metric gaming"},
    "model.scale.intent_stay": {"nl": "blijven", "en": "intent to stay"},
    "model.scale.enps": {"nl": "eNPS", "en": "eNPS"},
}
