"""Word material for the synthetic organisation: site and lead names, and short comment,
action and exit texts in Dutch and English. Themes follow the constructs and exit reasons, so
that comment analysis finds what the generator put in."""

from __future__ import annotations

SITE_NAMES = (
    "Utrecht",
    "Groningen",
    "Eindhoven",
    "Zwolle",
    "Rotterdam",
    "Arnhem",
    "Leeuwarden",
    "Heerlen",
    "Amersfoort",
    "Enschede",
    "Breda",
    "Almere",
)

FIRST_NAMES = (
    "Anouk",
    "Bram",
    "Daan",
    "Eva",
    "Fleur",
    "Gijs",
    "Hanna",
    "Iris",
    "Jasper",
    "Kim",
    "Lars",
    "Lotte",
    "Mila",
    "Noah",
    "Priya",
    "Ruben",
    "Sanne",
    "Thijs",
    "Yara",
    "Youssef",
    "Zoë",
    "Mehmet",
    "Femke",
    "Koen",
    "Nadia",
    "Stijn",
    "Marloes",
    "Rik",
    "Esra",
    "Wouter",
)

LAST_NAMES = (
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Yilmaz",
    "El Amrani",
    "Kramer",
    "van Dijk",
    "Verhoeven",
    "Postma",
    "Kok",
    "Janssens",
)

# Pulse "stop" comments by the theme a respondent is unhappiest about: (nl, en) pairs.
STOP: dict[str, list[tuple[str, str]]] = {
    "workload": [
        (
            "Stop met die strakke AHT-norm, ik heb geen tijd om klanten echt te helpen.",
            "Stop the strict AHT target, I have no time to really help customers.",
        ),
        (
            "Stop met het inplannen van gesprekken achter elkaar zonder adempauze.",
            "Stop scheduling calls back to back without a breather.",
        ),
        ("Stoppen met pauzes schuiven als het druk is.", "Stop moving our breaks when it gets busy."),
    ],
    "mandate": [
        (
            "Stop met overal toestemming voor moeten vragen, laat ons zelf een oplossing geven.",
            "Stop making us ask permission for everything, let us solve it ourselves.",
        ),
        (
            "Stop met het doorzetten van klachten naar de tweede lijn die wij zelf kunnen oplossen.",
            "Stop escalating complaints we could solve ourselves.",
        ),
        (
            "Stoppen met de limiet op tegemoetkomingen, die kost ons juist herhaalcontact.",
            "Stop the cap on goodwill gestures, it only causes repeat contacts.",
        ),
    ],
    "autonomy": [
        (
            "Stop met het verplichte script, elk gesprek is anders.",
            "Stop the mandatory script, every call is different.",
        ),
        (
            "Stop met roosters die drie dagen van tevoren nog veranderen.",
            "Stop changing the rota three days in advance.",
        ),
    ],
    "leadership": [
        (
            "Stop met meeluisteren om af te rekenen in plaats van te coachen.",
            "Stop listening in to judge instead of to coach.",
        ),
        (
            "Stop met alleen naar de cijfers kijken in het teamoverleg.",
            "Stop looking only at the numbers in team meetings.",
        ),
    ],
    "connection": [
        (
            "Stop met het opsplitsen van het team over verschillende diensten.",
            "Stop splitting the team across different shifts.",
        ),
    ],
    "growth": [
        ("Stop met trainingen schrappen zodra het druk wordt.", "Stop cancelling training as soon as it gets busy."),
    ],
    "voice": [
        (
            "Stop met vragen om ideeën als er toch niets mee gebeurt.",
            "Stop asking for ideas when nothing is done with them.",
        ),
    ],
    "metric_gaming": [
        (
            "Stop met gesprekken afkappen om de wachtrij mooi te houden.",
            "Stop cutting calls short to keep the queue looking good.",
        ),
        ("Stop met rapporten die beter lijken dan het is.", "Stop reports that look better than reality."),
    ],
    "wellbeing": [
        ("Stop met avonddiensten direct na een vroege dienst.", "Stop late shifts straight after an early one."),
    ],
}

START: dict[str, list[tuple[str, str]]] = {
    "workload": [
        (
            "Begin met tijd na een zwaar gesprek om even bij te komen.",
            "Start giving time to recover after a tough call.",
        ),
        ("Begin met meer mensen inroosteren op maandagochtend.", "Start rostering more people on Monday mornings."),
    ],
    "mandate": [
        (
            "Begin met een budget per medewerker om klanten zelf tegemoet te komen.",
            "Start giving each of us a budget to compensate customers ourselves.",
        ),
        (
            "Begin met ons terugkerende problemen zelf laten oplossen met de afdeling die ze veroorzaakt.",
            "Start letting us fix recurring problems with the department that causes them.",
        ),
    ],
    "autonomy": [
        ("Begin met zelf roosteren binnen het team.", "Start letting the team make its own rota."),
        ("Begin met thuiswerken op vaste dagen.", "Start fixed working-from-home days."),
    ],
    "leadership": [
        ("Begin met wekelijkse coaching in plaats van beoordelen.", "Start weekly coaching instead of assessments."),
    ],
    "connection": [
        ("Begin met een vast teammoment in de week.", "Start a fixed weekly team moment."),
        ("Begin met buddy's voor nieuwe collega's.", "Start a buddy for every new colleague."),
    ],
    "growth": [
        (
            "Begin met doorgroeimogelijkheden naar tweede lijn of kwaliteit.",
            "Start career paths into second line or quality.",
        ),
    ],
    "voice": [
        ("Begin met laten zien wat er met onze ideeën gebeurt.", "Start showing what happens with our ideas."),
    ],
    "metric_gaming": [
        (
            "Begin met sturen op opgeloste vragen in plaats van op gesprekstijd.",
            "Start steering on resolved questions instead of handling time.",
        ),
    ],
    "wellbeing": [
        (
            "Begin met aandacht voor hoe het met ons gaat, niet alleen met de cijfers.",
            "Start asking how we are doing, not only how the numbers are.",
        ),
    ],
    "positive": [
        ("Ga zo door, het team is top.", "Keep it up, the team is great."),
        ("Meer van die klantverhalen in het teamoverleg.", "More of those customer stories in team meetings."),
    ],
}

# Team stop/start agreements per targeted construct: (nl stop, nl start, en stop, en start).
ACTIONS: dict[str, list[tuple[str, str, str, str]]] = {
    "workload": [
        (
            "AHT-norm op het teamdashboard",
            "Hersteltijd na lastige gesprekken",
            "AHT target on the team dashboard",
            "Recovery time after difficult calls",
        ),
        (
            "Pauzes verschuiven bij drukte",
            "Vaste pauzes in het rooster",
            "Moving breaks when busy",
            "Fixed breaks in the rota",
        ),
    ],
    "mandate": [
        (
            "Akkoord vragen voor tegemoetkomingen tot 50 euro",
            "Eigen budget per agent voor goodwill",
            "Asking approval for goodwill up to 50 euro",
            "Own goodwill budget per agent",
        ),
        (
            "Klachten standaard doorzetten",
            "Zelf oplossen en terugkoppelen aan de bron",
            "Escalating complaints by default",
            "Solve it ourselves and report back to the source",
        ),
    ],
    "autonomy": [
        (
            "Verplicht script bij elk gesprek",
            "Script alleen als geheugensteun",
            "Mandatory script on every call",
            "Script only as a reminder",
        ),
        (
            "Rooster top-down vastleggen",
            "Team roostert zelf binnen de bezetting",
            "Rota set top-down",
            "Team makes its own rota within the staffing level",
        ),
    ],
    "leadership": [
        (
            "Meeluisteren om te beoordelen",
            "Meeluisteren om te coachen, op verzoek",
            "Listening in to assess",
            "Listening in to coach, on request",
        ),
    ],
    "connection": [
        (
            "Teamoverleg overslaan bij drukte",
            "Wekelijks kwartier met het hele team",
            "Skipping team meetings when busy",
            "A weekly quarter of an hour with the whole team",
        ),
    ],
    "growth": [
        (
            "Trainingen schrappen bij drukte",
            "Vast leeruur per maand",
            "Cancelling training when busy",
            "A fixed learning hour a month",
        ),
    ],
    "voice": [
        (
            "Ideeënbus zonder terugkoppeling",
            "Ideeënbord met status per idee",
            "Suggestion box without feedback",
            "Idea board with the status of each idea",
        ),
    ],
    "metric_gaming": [
        (
            "Sturen op gemiddelde gesprekstijd",
            "Sturen op opgeloste vragen",
            "Steering on average handling time",
            "Steering on resolved questions",
        ),
    ],
    "wellbeing": [
        (
            "Late dienst na vroege dienst",
            "Rustmoment na elke dienst",
            "Late shift after early shift",
            "A moment of rest after every shift",
        ),
    ],
}

# Exit comments by the reason the leaver gives (stated at exit, honest at follow-up).
EXIT: dict[str, list[tuple[str, str]]] = {
    "pay": [
        ("Het salaris is te laag voor dit werk.", "The pay is too low for this work."),
        ("Elders verdien ik meer.", "I can earn more elsewhere."),
    ],
    "schedule": [
        ("De roosters passen niet bij mijn leven.", "The rota does not fit my life."),
        ("Te veel avond- en weekenddiensten.", "Too many evening and weekend shifts."),
    ],
    "workload": [
        ("De werkdruk was niet vol te houden.", "The workload was not sustainable."),
        (
            "Altijd haast, nooit tijd om een klant echt te helpen.",
            "Always rushing, never time to really help a customer.",
        ),
    ],
    "team_lead": [
        ("Mijn teamleider keek alleen naar cijfers.", "My team lead only looked at the numbers."),
        ("Ik voelde me niet gesteund door mijn leidinggevende.", "I did not feel supported by my manager."),
    ],
    "no_mandate": [
        (
            "Ik mocht klanten nooit zelf helpen, voor alles was toestemming nodig.",
            "I was never allowed to help customers myself, everything needed approval.",
        ),
        (
            "Steeds dezelfde problemen en niemand deed er iets mee.",
            "The same problems over and over and nobody did anything about them.",
        ),
    ],
    "no_growth": [
        ("Er was geen doorgroeimogelijkheid.", "There was no way to move up."),
        ("Ik leerde niets nieuws meer.", "I was not learning anything new any more."),
    ],
    "personal": [("Ik ga verhuizen.", "I am moving house."), ("Om persoonlijke redenen.", "For personal reasons.")],
    "study": [
        ("Ik ga fulltime studeren.", "I am going to study full time."),
        ("Mijn studie vraagt meer tijd.", "My studies need more time."),
    ],
    "health": [
        ("Ik moet beter op mijn gezondheid letten.", "I need to look after my health."),
        ("Ik raakte uitgeput.", "I was getting exhausted."),
    ],
    "other": [
        ("Ik heb een andere baan gevonden.", "I found another job."),
        ("Tijd voor iets anders.", "Time for something else."),
    ],
}
