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

# The drivers' triangulation: its written rule, sources, verdicts and power statement.
TEXTS.update(
    {
        "model.rule": {
            "nl": "Beslisregel: het teammodel is de hoofdbron als het factoren kan onderscheiden; anders het model per medewerker (vertrouwelijke modus) als dat er is, en anders het teammodel. Een factor heet duidelijk alleen als het 95 %-interval van de hoofdbron 'geen effect' uitsluit en de p-waarde onder 5 % blijft na de Benjamini–Hochberg-correctie over alle factoren (wie tien factoren tegelijk toetst, ziet anders in ongeveer een op de vier organisaties een factor zonder effect als duidelijk), die bron in deze organisatie een verandering van 25 % per SD met 80 % kans kan zien (mediaan over de factoren), en geen andere bron duidelijk de andere kant op wijst. Exitantwoorden en redenen uit de nameting ondersteunen of spreken tegen, maar beslissen nooit alleen. Alleen duidelijke factoren krijgen een rangorde.",
            "en": "Verdict rule: the team model is the primary source when it can separate drivers; otherwise the person-level model (confidential mode) when it exists, else the team model. A factor is called clear only when the primary source's 95 % interval excludes 'no effect' and its p-value stays below 5 % after the Benjamini–Hochberg correction over all factors (testing ten factors at once would otherwise call a no-effect factor clear in about one organisation in four), that source can detect a 25 % change per SD with 80 % power in this organisation (median over the factors), and no other source points clearly the other way. Exit answers and follow-up reasons support or contradict but never decide alone. Only clear factors are ranked.",
        },
        "model.source.team": {
            "nl": "teamniveau (gemiddelden over alle metingen)",
            "en": "team level (pooled team means)",
        },
        "model.source.exit": {"nl": "exitantwoorden vs alle pulsantwoorden", "en": "exit answers vs everyone's pulse"},
        "model.source.followup": {"nl": "eerlijke redenen uit de nameting", "en": "honest follow-up reasons"},
        "model.source.cox": {"nl": "per medewerker (vertrouwelijke modus)", "en": "person level (confidential mode)"},
        "model.verdict.clear": {"nl": "duidelijk", "en": "clear"},
        "model.verdict.no_clear_effect": {"nl": "geen duidelijk effect", "en": "no clear effect"},
        "model.verdict.not_clear_among_factors": {
            "nl": "mogelijk, maar niet duidelijk na correctie voor het aantal factoren",
            "en": "possible, but not clear after correcting for the number of factors",
        },
        "model.verdict.too_little_data": {"nl": "te weinig gegevens", "en": "too little data"},
        "model.verdict.sources_disagree": {"nl": "bronnen spreken elkaar tegen", "en": "sources disagree"},
        "model.power.no_source": {"nl": "Geen enkele bron kon worden geschat.", "en": "No source could be fitted."},
        "model.power.unit_team": {"nl": "teams", "en": "teams"},
        "model.power.unit_person": {"nl": "medewerkers", "en": "agents"},
        "model.power.enough": {
            "nl": "Met {n} {unit} kunnen de gegevens een factor zien die het vertrek met ongeveer {typical:.0%} per SD verandert (80 % kans): genoeg om factoren te onderscheiden. De eigen kracht van elke bron per factor staat bij de schatting.",
            "en": "With {n} {unit} the data can detect a driver that changes leaving by about {typical:.0%} per SD (80 % power), enough to separate drivers. Each source's own power per factor is listed with its estimate.",
        },
        "model.power.cox_attenuated": {
            "nl": "De effecten per medewerker zijn waarschijnlijk wat kleiner dan de werkelijke: persoonlijke omstandigheden die de peiling niet meet (verhuizen, studie) en wat een paar antwoorden niet van iemand vangen, vertroebelen ze, en geen correctie van de scores haalt dat helemaal terug. Op nagebootste organisaties met bekende waarheid waren ze gemiddeld 10 à 20 % te klein en viel de werkelijke waarde soms buiten het 95 %-interval; lees ze als ondergrens. De factoren die duidelijk heten, waren daar wel echte factoren (zie de modelkaart).",
            "en": "The person-level effects are probably somewhat smaller than the true ones: personal circumstances the survey does not measure (moving, study plans) and what a few answers cannot capture of a person dilute them, and no correction of the scores fully recovers that. On synthetic organisations with known truth they were on average 10–20 % too small and the true value sometimes fell outside the 95 % interval; read them as lower bounds. The factors called clear there were real drivers (see the model card).",
        },
        "model.power.too_small": {
            "nl": "Deze organisatie is te klein om de factoren uit elkaar te houden: met {n} {unit} valt alleen een factor op die het vertrek met ongeveer {typical:.0%} per SD of meer verandert, en echte factoren zijn meestal kleiner. De schattingen hieronder staan er ter verantwoording, niet als rangorde. Meer metingen helpen een beetje; de vertrouwelijke modus (antwoorden per medewerker) helpt het meest.",
            "en": "This organisation is too small to tell its drivers apart: with {n} {unit} only a factor that changes leaving by about {typical:.0%} per SD or more would stand out, and real drivers are usually smaller. The estimates below are shown for transparency, not as a ranking. More waves help a little; confidential mode (person-level answers) helps most.",
        },
    }
)

# What if a factor changed: the result in one sentence, and a warning where the change leaves the
# team scores the model has seen. Numbers come formatted by the locale (``verloop.i18n.numbers``).
TEXTS.update(
    {
        "model.whatif.result": {
            "nl": "Met {change} ({headcount} medewerkers in {teams} team(s)) verwachten we in {months} maanden {avoided} ({lo} tot {hi}) minder vrijwillige vertrekkers: {saved} ({saved_lo} tot {saved_hi}) minder vervangingskosten.",
            "en": "With {change} ({headcount} agents in {teams} team(s)) we expect {avoided} ({lo} to {hi}) fewer voluntary leavers in {months} months, saving {saved} ({saved_lo} to {saved_hi}) in replacement costs.",
        },
        "model.whatif.outside": {
            "nl": "{factor}: de verandering brengt {share:.0%} van de teams buiten de tot nu toe geziene teamscores ({lo}–{hi}); daar is de schatting een extrapolatie.",
            "en": "{factor}: the change takes {share:.0%} of the teams outside the team scores seen so far ({lo}–{hi}); there the estimate is an extrapolation.",
        },
    }
)
