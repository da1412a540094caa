"""The employee side: the survey app (``survey.``), the survey home (``survey_home.``) and the
team results page (``results.``). The questionnaires' own texts are data in ``surveys/*.yaml``.
"""

TEXTS: dict[str, dict[str, str]] = {
    "survey.code_label": {
        "nl": "Je code (staat in je uitnodiging)",
        "en": "Your code (from your invitation)",
    },
    "survey.start": {
        "nl": "Beginnen",
        "en": "Start",
    },
    "survey.back": {
        "nl": "Vorige",
        "en": "Back",
    },
    "survey.next": {
        "nl": "Volgende",
        "en": "Next",
    },
    "survey.submit": {
        "nl": "Versturen",
        "en": "Send",
    },
    "survey.skip": {
        "nl": "Sla over",
        "en": "Skip",
    },
    "survey.step": {
        "nl": "Stap {page} van {pages} · {answered} van {items} vragen beantwoord",
        "en": "Step {page} of {pages} · {answered} of {items} questions answered",
    },
    "survey.chars": {
        "nl": "{n} van {max} tekens",
        "en": "{n} of {max} characters",
    },
    "survey.too_long": {
        "nl": "Je antwoord op “{question}” is {n} tekens lang; het mag er hoogstens {max} zijn. Maak het wat korter.",
        "en": "Your answer to “{question}” is {n} characters long; the maximum is {max}. Please shorten it.",
    },
    "survey.empty": {
        "nl": "Je hebt nog geen enkele vraag beantwoord. Beantwoord er minstens één, of sluit dit venster.",
        "en": "You have not answered any question yet. Answer at least one, or close this window.",
    },
    "survey.thanks": {
        "nl": "Dank je wel! Je antwoorden zijn anoniem opgeslagen. Je kunt dit venster nu sluiten.",
        "en": "Thank you! Your answers have been saved anonymously. You can close this window now.",
    },
    "survey.store_error": {
        "nl": (
            "Je antwoorden konden door een technisch probleem niet worden opgeslagen. Er is niets "
            "bewaard: probeer het over een minuutje opnieuw met de knop Versturen."
        ),
        "en": (
            "Your answers could not be saved because of a technical problem. Nothing was saved: please "
            "try again in a minute with the Send button."
        ),
    },
    "survey.race": {
        "nl": (
            "Je antwoorden in dit venster zijn NIET opgeslagen: deze code is zojuist in een ander venster "
            "of tabblad gebruikt, en elke code telt maar één keer. Was jij dat, dan zijn de antwoorden "
            "van dat andere venster bewaard."
        ),
        "en": (
            "Your answers in this window were NOT saved: this code was used a moment ago in another "
            "window or tab, and each code counts only once. If that was you, the answers from that other "
            "window have been saved."
        ),
    },
    "survey.refused": {
        "nl": "Je antwoorden zijn niet verstuurd: {reason}",
        "en": "Your answers were not sent: {reason}",
    },
    "survey.bug": {
        "nl": "Sorry, er ging iets mis aan onze kant. Er is niets bewaard; probeer het later opnieuw.",
        "en": "Sorry, something went wrong on our side. Nothing was saved; please try again later.",
    },
    "survey.unavailable": {
        "nl": "De vragenlijst is nu niet beschikbaar. Probeer het later opnieuw.",
        "en": "The survey is not available right now. Please try again later.",
    },
    "survey.confidential": {
        "nl": (
            "Let op: deze organisatie gebruikt de vertrouwelijke modus. Je antwoorden kunnen via een "
            "pseudoniem aan je HR-gegevens worden gekoppeld (de sleutel daarvan wordt buiten deze "
            "database bewaard). HR ziet nooit individuele antwoorden, alleen uitkomsten van groepen van "
            "minstens {k} mensen."
        ),
        "en": (
            "Please note: this organisation uses confidential mode. Your answers can be linked to your HR "
            "record through a pseudonym (its key is kept outside this database). HR never sees individual "
            "answers, only results for groups of at least {k} people."
        ),
    },
    "survey_home.title": {
        "nl": "Vragenlijst",
        "en": "Questionnaire",
    },
    "survey_home.page_title": {
        "nl": "Vragenlijst · Verloop",
        "en": "Questionnaire · Verloop",
    },
    "survey_home.lead": {
        "nl": "Vul de code uit je uitnodiging in. De code bepaalt welke vragenlijst je krijgt.",
        "en": "Enter the code from your invitation. The code decides which questionnaire you get.",
    },
    "survey_home.privacy": {
        "nl": (
            "Je antwoorden zijn anoniem: je code wordt niet aan je antwoorden gekoppeld, en uitkomsten "
            "worden alleen getoond voor groepen van minstens {k} mensen."
        ),
        "en": (
            "Your answers are anonymous: your code is not linked to your answers, and results are shown "
            "only for groups of at least {k} people."
        ),
    },
    "survey_home.go": {
        "nl": "Verder",
        "en": "Continue",
    },
    "survey_home.results": {
        "nl": "Resultaten van je team",
        "en": "Your team's results",
    },
    "survey_home.results_hint": {
        "nl": "Open ze met de teamlink uit je uitnodiging; ze verschijnen zodra een meting is afgesloten.",
        "en": "Open them with the team link from your invitation; they appear once a wave has closed.",
    },
    "results.title": {
        "nl": "Resultaten van {team}",
        "en": "Results for {team}",
    },
    "results.page_title": {
        "nl": "Teamresultaten · Verloop",
        "en": "Team results · Verloop",
    },
    "results.intro": {
        "nl": (
            "Zo scoort jouw team in de afgesloten metingen, naast de hele organisatie. Alleen groepen met "
            "minstens {k} antwoorden worden getoond, en geen enkel cijfer laat zich terugrekenen tot één "
            "persoon."
        ),
        "en": (
            "How your team scores in the closed survey waves, next to the whole organisation. Only groups "
            "with at least {k} answers are shown, and no figure can be traced back to one person."
        ),
    },
    "results.latest": {
        "nl": "Laatste afgesloten meting: {wave}",
        "en": "Latest closed wave: {wave}",
    },
    "results.trend_team": {
        "nl": "Verloop per meting — jouw team",
        "en": "Trend per wave — your team",
    },
    "results.trend_org": {
        "nl": "Verloop per meting — organisatie",
        "en": "Trend per wave — organisation",
    },
    "results.scale": {
        "nl": "Onderwerp",
        "en": "Topic",
    },
    "results.range": {
        "nl": "schaal {lo}–{hi}",
        "en": "scale {lo}–{hi}",
    },
    "results.hidden": {
        "nl": "Niet getoond — {n} {what}: {note}",
        "en": "Not shown — {n} {what}: {note}",
    },
    "results.open_wave": {
        "nl": "De meting {wave} loopt nog; de resultaten verschijnen hier zodra ze is afgesloten.",
        "en": "The wave {wave} is still open; its results appear here once it has closed.",
    },
    "results.no_results": {
        "nl": "Er zijn nog geen afgesloten metingen met resultaten. Kom terug nadat de meting is afgesloten.",
        "en": "There are no closed waves with results yet. Come back after the wave has closed.",
    },
    "results.need_link": {
        "nl": (
            "De resultaten van je team open je met de link die je samen met je code kreeg (van HR of je "
            "leidinggevende). Die link hoort bij jouw team; zonder die link tonen we hier niets."
        ),
        "en": (
            "You open your team's results with the link you received together with your code (from HR or "
            "your manager). That link belongs to your team; without it this page shows nothing."
        ),
    },
    "results.bad_link": {
        "nl": (
            "Deze link naar teamresultaten klopt niet. Open de link precies zoals je hem kreeg, of vraag "
            "HR om de link van jouw team."
        ),
        "en": (
            "This team results link is not valid. Open the link exactly as you received it, or ask HR for "
            "your team's link."
        ),
    },
    "results.unavailable": {
        "nl": "De resultaten zijn nu niet beschikbaar. Probeer het later opnieuw.",
        "en": "The results are not available right now. Please try again later.",
    },
    "results.back_home": {
        "nl": "Naar de vragenlijst (code invullen)",
        "en": "To the questionnaire (enter your code)",
    },
}

# Refusals of a survey code or a submission (``survey.refusal.<key>``, ``SurveyRefusal``) and the
# notice before the first question per survey mode (``survey.notice.<mode>``, ``survey_notice``).
TEXTS.update(
    {
        "survey.refusal.token_missing": {
            "nl": "Vul de code uit je uitnodiging in om te beginnen.",
            "en": "Enter the code from your invitation to start.",
        },
        "survey.refusal.token_malformed": {
            "nl": "Dit is geen geldige code: controleer of je hem precies zo hebt overgenomen als in je uitnodiging (20 letters en cijfers, de streepjes mogen weg).",
            "en": "This is not a valid code: check that you typed it exactly as in your invitation (20 letters and digits, the dashes are optional).",
        },
        "survey.refusal.token_unknown": {
            "nl": "Deze code is niet bekend: controleer of je hem precies zo hebt overgenomen als in je uitnodiging.",
            "en": "This code is not known: check that you typed it exactly as in your invitation.",
        },
        "survey.refusal.token_used": {
            "nl": "Deze code is al gebruikt; elke code werkt maar één keer. Heb je net je antwoorden verstuurd en een foutmelding gezien, dan zijn ze toch bewaard.",
            "en": "This code has already been used, and each code can be used only once. If you just sent your answers and saw an error, they were saved after all.",
        },
        "survey.refusal.wave_closed": {
            "nl": "Deze vragenlijst is gesloten; er kunnen geen antwoorden meer worden verstuurd.",
            "en": "This survey is closed; answers can no longer be sent.",
        },
        "survey.refusal.wave_not_open": {
            "nl": "Deze vragenlijst gaat open op {opens}; probeer het dan opnieuw.",
            "en": "This survey opens on {opens}; please come back then.",
        },
        "survey.refusal.wrong_survey": {
            "nl": "Deze code hoort bij een andere vragenlijst ({kind}); open de link uit je uitnodiging.",
            "en": "This code belongs to another survey ({kind}); open the link from your invitation.",
        },
        "survey.notice.anonymous": {
            "nl": "Deze vragenlijst is anoniem: je code wordt niet aan je antwoorden gekoppeld, en je antwoorden worden pas leesbaar samen met die van minstens {k} anderen. HR ziet alleen uitkomsten van groepen van minstens {k} mensen.",
            "en": "This survey is anonymous: your code is not linked to your answers, and your answers become readable only together with those of at least {k} others. HR sees only results for groups of at least {k} people.",
        },
        "survey.notice.confidential": {
            "nl": "Let op: deze organisatie gebruikt de vertrouwelijke modus. Je antwoorden worden via een pseudoniem aan je HR-gegevens gekoppeld (de sleutel daarvan wordt buiten de database bewaard), zodat modellen per persoon kunnen rekenen. HR ziet nooit individuele antwoorden, alleen uitkomsten van groepen van minstens {k} mensen.",
            "en": "Please note: this organisation uses confidential mode. Your answers are linked to your HR record through a pseudonym (its key is kept outside the database), so that models can work per person. HR never sees individual answers, only results for groups of at least {k} people.",
        },
    }
)

# Any Voilà app whose database is missing (``verloop.apps.common``): the body is HTML, with the
# path and URL escaped by the caller.
TEXTS.update(
    {
        "app.no_database_title": {"nl": "Er is nog geen database", "en": "There is no database yet"},
        "app.no_database_html": {
            "nl": (
                "Verloop verwachtte de database op <code>{path}</code>, maar daar staat niets. Maak haar aan met "
                "<code>verloop demo --db {url}</code> (een voorbeeldorganisatie) of <code>verloop init --db {url}</code> "
                "(leeg, voor uw eigen gegevens), en start daarna <code>verloop serve</code> opnieuw met dezelfde "
                "<code>--db</code>."
            ),
            "en": (
                "Verloop expected the database at <code>{path}</code>, but there is nothing there. Create it with "
                "<code>verloop demo --db {url}</code> (a demo organisation) or <code>verloop init --db {url}</code> "
                "(empty, for your own data), then start <code>verloop serve</code> again with the same "
                "<code>--db</code>."
            ),
        },
    }
)
