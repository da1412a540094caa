"""The HR dashboards and the HR home: titles, labels, sentences (keys without an area prefix),
and table columns by machine name (``column.<name>``, see ``column_label``).
"""

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {
        "nl": "Verloop — HR-dashboard",
        "en": "Verloop — HR dashboard",
    },
    "language": {
        "nl": "Taal",
        "en": "Language",
    },
    "site": {
        "nl": "Vestiging",
        "en": "Site",
    },
    "team": {
        "nl": "Team",
        "en": "Team",
    },
    "period": {
        "nl": "Periode",
        "en": "Period",
    },
    "all_sites": {
        "nl": "Alle vestigingen",
        "en": "All sites",
    },
    "all_teams": {
        "nl": "Alle teams",
        "en": "All teams",
    },
    "last_n_months": {
        "nl": "Laatste {n} maanden",
        "en": "Last {n} months",
    },
    "all_time": {
        "nl": "Alles",
        "en": "All time",
    },
    "loading": {
        "nl": "Gegevens laden…",
        "en": "Loading data…",
    },
    "updated": {
        "nl": "Bijgewerkt",
        "en": "Updated",
    },
    "no_data": {
        "nl": "Geen gegevens voor deze selectie.",
        "en": "No data for this selection.",
    },
    "download_csv": {
        "nl": "CSV downloaden",
        "en": "Download CSV",
    },
    "download_png": {
        "nl": "PNG downloaden",
        "en": "Download PNG",
    },
    "error": {
        "nl": "Er ging iets mis",
        "en": "Something went wrong",
    },
    "privacy_footer": {
        "nl": (
            "Groepen met minder dan {k} antwoorden worden niet getoond, ook niet als verschil van andere "
            "cijfers. Opmerkingen pas vanaf {kc} antwoorden, zonder filters."
        ),
        "en": (
            "Groups with fewer than {k} responses are not shown, not even as a difference of other "
            "figures. Comments only from {kc} responses on, without filters."
        ),
    },
    "not_shown": {
        "nl": "Niet getoond",
        "en": "Not shown",
    },
    "refused_filter": {
        "nl": "Filter niet toegepast",
        "en": "Filter not applied",
    },
    "n": {
        "nl": "n",
        "en": "n",
    },
    "note": {
        "nl": "opmerking",
        "en": "note",
    },
    "value": {
        "nl": "waarde",
        "en": "value",
    },
    "lower": {
        "nl": "ondergrens",
        "en": "lower",
    },
    "upper": {
        "nl": "bovengrens",
        "en": "upper",
    },
    "month": {
        "nl": "Maand",
        "en": "Month",
    },
    "wave": {
        "nl": "Meting",
        "en": "Wave",
    },
    "score": {
        "nl": "Score",
        "en": "Score",
    },
    "scale": {
        "nl": "Schaal",
        "en": "Scale",
    },
    "share": {
        "nl": "Aandeel",
        "en": "Share",
    },
    "count": {
        "nl": "Aantal",
        "en": "Count",
    },
    "interval": {
        "nl": "interval",
        "en": "interval",
    },
    "ci95": {
        "nl": "95%-betrouwbaarheidsinterval",
        "en": "95% confidence interval",
    },
    "nav_pages": {
        "nl": "Pagina's",
        "en": "Pages",
    },
    "page_turnover": {
        "nl": "Verloop, eerlijk",
        "en": "Turnover, honestly",
    },
    "page_engagement": {
        "nl": "Betrokkenheid en welzijn",
        "en": "Engagement and wellbeing",
    },
    "page_drivers": {
        "nl": "Wat drijft vertrek",
        "en": "What drives leaving",
    },
    "page_risk": {
        "nl": "Risico per team",
        "en": "Risk by team",
    },
    "page_watermelon": {
        "nl": "Watermeloenteams",
        "en": "Watermelon teams",
    },
    "page_exits": {
        "nl": "Waarom mensen écht vertrekken",
        "en": "Why people really leave",
    },
    "page_retention": {
        "nl": "Behoudcurves",
        "en": "Retention curves",
    },
    "page_whatif": {
        "nl": "Wat als…",
        "en": "What if…",
    },
    "page_actions": {
        "nl": "Acties per team",
        "en": "Team actions",
    },
    "page_employees": {
        "nl": "Resultaten voor medewerkers",
        "en": "Results for employees",
    },
    "voluntary": {
        "nl": "Vrijwillig",
        "en": "Voluntary",
    },
    "involuntary": {
        "nl": "Onvrijwillig",
        "en": "Involuntary",
    },
    "total": {
        "nl": "Totaal",
        "en": "Total",
    },
    "annual_rate": {
        "nl": "Verloop per jaar",
        "en": "Annual turnover",
    },
    "rate_pct": {
        "nl": "% per jaar",
        "en": "% per year",
    },
    "turnover_kpis": {
        "nl": "Kerncijfers",
        "en": "Key figures",
    },
    "kpi_voluntary": {
        "nl": "Vrijwillig verloop",
        "en": "Voluntary turnover",
    },
    "kpi_involuntary": {
        "nl": "Onvrijwillig verloop",
        "en": "Involuntary turnover",
    },
    "kpi_early": {
        "nl": "Vertrek binnen 90 dagen",
        "en": "Left within 90 days",
    },
    "kpi_regretted": {
        "nl": "Spijtig vertrek",
        "en": "Regretted leavers",
    },
    "kpi_cost": {
        "nl": "Vervangingskosten",
        "en": "Replacement cost",
    },
    "kpi_leavers": {
        "nl": "Vertrokken",
        "en": "Leavers",
    },
    "of_hires": {
        "nl": "van de nieuwe medewerkers",
        "en": "of new hires",
    },
    "of_voluntary": {
        "nl": "van de vrijwillige vertrekkers",
        "en": "of voluntary leavers",
    },
    "cost_basis": {
        "nl": "{share:.0%} van een jaarsalaris van {salary} per vrijwillige vertrekker",
        "en": "{share:.0%} of an annual salary of {salary} per voluntary leaver",
    },
    "turnover_trend": {
        "nl": "Verloop per maand (op jaarbasis)",
        "en": "Turnover per month (annualised)",
    },
    "turnover_by_site": {
        "nl": "Verloop per vestiging",
        "en": "Turnover by site",
    },
    "turnover_by_team": {
        "nl": "Verloop per team",
        "en": "Turnover by team",
    },
    "top_teams": {
        "nl": "De {n} teams (van {total}) met het hoogste vrijwillige verloop; alle teams staan in de CSV.",
        "en": "The {n} teams (of {total}) with the highest voluntary turnover; every team is in the CSV.",
    },
    "all_staff_counted": {
        "nl": "Alle medewerkers tellen mee: ook uitzendkrachten, tijdelijke contracten en vertrek in de eerste weken.",
        "en": "Every employee counts: temps, fixed-term contracts and people who left in their first weeks included.",
    },
    "heatmap_title": {
        "nl": "Schalen per team (gemiddelde)",
        "en": "Scales by team (mean)",
    },
    "heatmap_more": {
        "nl": "De {n} teams (van {total}) met de minst gunstige scores; alle teams staan in de CSV.",
        "en": "The {n} teams (of {total}) with the least favourable scores; every team is in the CSV.",
    },
    "heatmap_title_site": {
        "nl": "Schalen per vestiging (gemiddelde)",
        "en": "Scales by site (mean)",
    },
    "trend_title": {
        "nl": "Verloop van de schalen per meting",
        "en": "Scales per wave",
    },
    "enps_title": {
        "nl": "eNPS per meting",
        "en": "eNPS per wave",
    },
    "response_rate_title": {
        "nl": "Respons per meting",
        "en": "Response rate per wave",
    },
    "distribution_title": {
        "nl": "Verdeling van de scores",
        "en": "Distribution of scores",
    },
    "enps": {
        "nl": "eNPS",
        "en": "eNPS",
    },
    "unfavourable": {
        "nl": "Ongunstig",
        "en": "Unfavourable",
    },
    "neutral": {
        "nl": "Neutraal",
        "en": "Neutral",
    },
    "favourable": {
        "nl": "Gunstig",
        "en": "Favourable",
    },
    "distribution_lead": {
        "nl": "Aandeel antwoorden in het ongunstige, middelste en gunstige deel van elke schaal (laatste meting).",
        "en": "Share of answers in the unfavourable, middle and favourable part of each scale (latest wave).",
    },
    "response_rate": {
        "nl": "Respons",
        "en": "Response rate",
    },
    "promoters": {
        "nl": "Promotors",
        "en": "Promoters",
    },
    "passives": {
        "nl": "Passief",
        "en": "Passives",
    },
    "detractors": {
        "nl": "Criticasters",
        "en": "Detractors",
    },
    "reversed_scale_hint": {
        "nl": "Bij werkdruk en sturen op cijfers is hoger ongunstiger.",
        "en": "For workload and metric gaming, higher is worse.",
    },
    "drivers_title": {
        "nl": "Effect op vrijwillig vertrek (per schaalpunt)",
        "en": "Effect on voluntary leaving (per scale point)",
    },
    "rate_ratio": {
        "nl": "Rate ratio (1 = geen effect)",
        "en": "Rate ratio (1 = no effect)",
    },
    "drivers_sentences": {
        "nl": "In gewone woorden",
        "en": "In plain words",
    },
    "drivers_individual": {
        "nl": "Effect op vertrek per medewerker (Cox)",
        "en": "Effect on leaving per employee (Cox)",
    },
    "drivers_individual_lead": {
        "nl": (
            "Hazard ratio per schaalpunt uit het overlevingsmodel; alleen gerapporteerd voor groepen, "
            "nooit per persoon."
        ),
        "en": "Hazard ratio per scale point from the survival model; reported for groups only, never per person.",
    },
    "hazard_ratio": {
        "nl": "Hazard ratio (1 = geen effect)",
        "en": "Hazard ratio (1 = no effect)",
    },
    "no_model": {
        "nl": "Er is nog geen model getraind. Draai `verloop train` om de drijfveren te berekenen.",
        "en": "No model has been trained yet. Run `verloop train` to compute the drivers.",
    },
    "model_card": {
        "nl": "Modelkaart",
        "en": "Model card",
    },
    "factor": {
        "nl": "Factor",
        "en": "Factor",
    },
    "effect": {
        "nl": "Effect",
        "en": "Effect",
    },
    "risk_title": {
        "nl": "Verwachte vrijwillige vertrekkers",
        "en": "Expected voluntary leavers",
    },
    "next_6": {
        "nl": "komende 6 maanden",
        "en": "next 6 months",
    },
    "next_12": {
        "nl": "komende 12 maanden",
        "en": "next 12 months",
    },
    "expected": {
        "nl": "Verwacht",
        "en": "Expected",
    },
    "headcount": {
        "nl": "Bezetting",
        "en": "Headcount",
    },
    "risk_wave": {
        "nl": "Uitgangspunt: de gepubliceerde teamscores van {wave}.",
        "en": "Starting point: the published team scores of {wave}.",
    },
    "risk_rank_note": {
        "nl": (
            "Teams gerangschikt naar verwacht vrijwillig vertrek; de lijn is het 90%-interval. Alleen "
            "groepen, nooit personen."
        ),
        "en": (
            "Teams ranked by expected voluntary leavers; the whisker is the 90% interval. Groups only, "
            "never individuals."
        ),
    },
    "watermelon_title": {
        "nl": "KPI's tegen mensen",
        "en": "KPIs against people",
    },
    "kpi_status": {
        "nl": "KPI-status (hoger = groener)",
        "en": "KPI status (higher = greener)",
    },
    "people_status": {
        "nl": "Mensen-status (hoger = beter)",
        "en": "People status (higher = better)",
    },
    "watermelon_named": {
        "nl": "Groen van buiten, rood van binnen",
        "en": "Green outside, red inside",
    },
    "quadrant_green_green": {
        "nl": "Gezond",
        "en": "Healthy",
    },
    "quadrant_green_red": {
        "nl": "Watermeloen",
        "en": "Watermelon",
    },
    "quadrant_red_green": {
        "nl": "Drukte, goede sfeer",
        "en": "Struggling, good spirits",
    },
    "quadrant_red_red": {
        "nl": "Aandacht nodig",
        "en": "Needs attention",
    },
    "more_in_csv": {
        "nl": "… en nog {n} (zie de CSV)",
        "en": "… and {n} more (see the CSV)",
    },
    "none_watermelon": {
        "nl": "Geen watermeloenteams in deze selectie.",
        "en": "No watermelon teams in this selection.",
    },
    "watermelon_lead": {
        "nl": (
            "Mensen-status: per team de schalen van alle getoonde metingen in de periode, het vrijwillig "
            "verloop en het verzuim, kleine teams naar hun vestiging getrokken. Een team krijgt de vlag "
            "als het minstens 50% zeker groen van buiten is (KPI-status ≥ 0), rood van binnen "
            "(mensen-status onder het midden) en diep in die hoek zit: mensen-status min KPI-status "
            "minstens {gap} SD onder die van de andere teams. De streep is ± 1 standaardfout."
        ),
        "en": (
            "People status: per team the scales of every shown wave in the period, voluntary turnover and "
            "absenteeism, small teams drawn towards their site. A team is flagged when it is at least 50% "
            "sure to be green outside (KPI status ≥ 0), red inside (people status below the middle) and "
            "deep in that corner: people status minus KPI status at least {gap} SD below the other "
            "teams'. The whisker is ± 1 standard error."
        ),
    },
    "watermelon_targets": {
        "nl": "KPI's tegen uw doelen: {targets}.",
        "en": "KPIs against your targets: {targets}.",
    },
    "watermelon_not_counted": {
        "nl": "Telt niet mee: {kpis}.",
        "en": "Not counted: {kpis}.",
    },
    "watermelon_red_on": {
        "nl": "rood op {scales}",
        "en": "red on {scales}",
    },
    "watermelon_actions_link": {
        "nl": "acties van dit team",
        "en": "this team's actions",
    },
    "certainty": {
        "nl": "Zekerheid",
        "en": "Certainty",
    },
    "certainty_high": {
        "nl": "hoog",
        "en": "high",
    },
    "certainty_medium": {
        "nl": "redelijk",
        "en": "medium",
    },
    "certainty_low": {
        "nl": "laag",
        "en": "low",
    },
    "stated_vs_honest": {
        "nl": "Opgegeven reden tegen eerlijke reden",
        "en": "Stated reason against honest reason",
    },
    "stated": {
        "nl": "Bij vertrek opgegeven",
        "en": "Stated at exit",
    },
    "honest": {
        "nl": "Achteraf (eerlijk)",
        "en": "Afterwards (honest)",
    },
    "reason": {
        "nl": "Reden",
        "en": "Reason",
    },
    "themes_title": {
        "nl": "Thema's in exit-opmerkingen",
        "en": "Themes in exit comments",
    },
    "comments_title": {
        "nl": "Opmerkingen (anoniem, zonder filters)",
        "en": "Comments (anonymous, unfiltered)",
    },
    "comments_hidden": {
        "nl": "Opmerkingen worden pas getoond vanaf {k} antwoorden.",
        "en": "Comments are shown only from {k} responses on.",
    },
    "comments_unfiltered": {
        "nl": "Opmerkingen tonen we altijd voor de hele organisatie: filters gelden hier niet.",
        "en": "Comments are always shown for the whole organisation: filters do not apply here.",
    },
    "theme": {
        "nl": "Thema",
        "en": "Theme",
    },
    "culture": {
        "nl": "Cultuur en cijfers",
        "en": "Culture and numbers",
    },
    "km_title": {
        "nl": "Nog in dienst na … maanden",
        "en": "Still employed after … months",
    },
    "by_cohort": {
        "nl": "Naar instroomjaar",
        "en": "By hiring cohort",
    },
    "by_site": {
        "nl": "Naar vestiging",
        "en": "By site",
    },
    "by_lead_style": {
        "nl": "Naar stijl van de teamleider",
        "en": "By team-lead style",
    },
    "tenure_months": {
        "nl": "Diensttijd in maanden",
        "en": "Tenure in months",
    },
    "style_servant": {
        "nl": "Dienend",
        "en": "Servant",
    },
    "style_neutral": {
        "nl": "Neutraal",
        "en": "Neutral",
    },
    "style_taylorist": {
        "nl": "Controlerend (taylorist)",
        "en": "Controlling (Taylorist)",
    },
    "survival": {
        "nl": "Aandeel nog in dienst",
        "en": "Share still employed",
    },
    "median_tenure": {
        "nl": "Mediane diensttijd (maanden)",
        "en": "Median tenure (months)",
    },
    "whatif_intro": {
        "nl": "Schuif een factor omhoog of omlaag: wat betekent dat voor vrijwillig vertrek in 12 maanden?",
        "en": "Move a factor up or down: what does that mean for voluntary leaving over 12 months?",
    },
    "scope": {
        "nl": "Voor wie",
        "en": "For whom",
    },
    "everyone": {
        "nl": "Iedereen",
        "en": "Everyone",
    },
    "baseline": {
        "nl": "Nu",
        "en": "Now",
    },
    "scenario": {
        "nl": "Scenario",
        "en": "Scenario",
    },
    "leavers_avoided": {
        "nl": "Minder vertrekkers",
        "en": "Fewer leavers",
    },
    "money_saved": {
        "nl": "Bespaard",
        "en": "Saved",
    },
    "whatif_result": {
        "nl": (
            "Verwacht vrijwillig vertrek in 12 maanden: {base:.0f} → {new:.0f} ({lo:.0f}–{hi:.0f}); "
            "besparing {saved} ({slo} tot {shi})."
        ),
        "en": (
            "Expected voluntary leavers over 12 months: {base:.0f} → {new:.0f} ({lo:.0f}–{hi:.0f}); "
            "saving {saved} ({slo} to {shi})."
        ),
    },
    "whatif_state_all": {
        "nl": (
            "Vertrekpunt: per team het lopende gemiddelde van zijn gepubliceerde uitkomsten "
            "(gewogen naar respondenten) over {waves} metingen (mediaan; {lo} tot {hi}) tot en met "
            "{last}, voor {teams} teams; bezetting op {day}."
        ),
        "en": (
            "Starting point: each team's running mean of its published results (weighted by "
            "respondents) over {waves} waves (median; {lo} to {hi}) up to {last}, for {teams} teams; "
            "headcount on {day}."
        ),
    },
    "whatif_state_team": {
        "nl": (
            "Vertrekpunt: het lopende gemiddelde van de gepubliceerde uitkomsten van {team} over "
            "{waves} metingen ({first} tot en met {last}; {respondents} antwoorden); bezetting op {day}."
        ),
        "en": (
            "Starting point: the running mean of {team}'s published results over {waves} waves "
            "({first} to {last}; {respondents} responses); headcount on {day}."
        ),
    },
    "whatif_team_hidden": {
        "nl": "{team}: {note}; kies de vestiging of iedereen.",
        "en": "{team}: {note}; choose its site or everyone instead.",
    },
    "reset": {
        "nl": "Terugzetten",
        "en": "Reset",
    },
    "points": {
        "nl": "schaalpunten",
        "en": "scale points",
    },
    "actions_title": {
        "nl": "Stop/start-afspraken",
        "en": "Stop/start agreements",
    },
    "cycle": {
        "nl": "Cyclus",
        "en": "Cycle",
    },
    "stop": {
        "nl": "Stoppen met",
        "en": "Stop",
    },
    "start": {
        "nl": "Beginnen met",
        "en": "Start",
    },
    "status": {
        "nl": "Status",
        "en": "Status",
    },
    "open": {
        "nl": "Open",
        "en": "Open",
    },
    "closed": {
        "nl": "Afgerond",
        "en": "Closed",
    },
    "created_on": {
        "nl": "Aangemaakt",
        "en": "Created",
    },
    "closed_on": {
        "nl": "Afgerond op",
        "en": "Closed on",
    },
    "add": {
        "nl": "Toevoegen",
        "en": "Add",
    },
    "save": {
        "nl": "Opslaan",
        "en": "Save",
    },
    "close_action": {
        "nl": "Afronden",
        "en": "Close",
    },
    "edit": {
        "nl": "Bewerken",
        "en": "Edit",
    },
    "new_action": {
        "nl": "Nieuwe afspraak",
        "en": "New agreement",
    },
    "choose_team": {
        "nl": "Kies een team om de afspraken te zien.",
        "en": "Choose a team to see its agreements.",
    },
    "saved": {
        "nl": "Opgeslagen.",
        "en": "Saved.",
    },
    "before_after": {
        "nl": "Schalen vóór en na de cyclus",
        "en": "Scales before and after the cycle",
    },
    "before": {
        "nl": "Vóór",
        "en": "Before",
    },
    "after": {
        "nl": "Na",
        "en": "After",
    },
    "older_in_csv": {
        "nl": "En nog {n} eerdere afspraken (in de CSV).",
        "en": "And {n} earlier agreements (in the CSV).",
    },
    "no_actions": {
        "nl": "Nog geen afspraken voor dit team.",
        "en": "No agreements for this team yet.",
    },
    "employees_intro": {
        "nl": "Zo scoort jouw team, naast de hele organisatie. Alleen groepen van minstens {k} mensen.",
        "en": "How your team scores, next to the whole organisation. Only groups of at least {k} people.",
    },
    "your_team": {
        "nl": "Jouw team",
        "en": "Your team",
    },
    "organisation": {
        "nl": "Organisatie",
        "en": "Organisation",
    },
    "team_agreements": {
        "nl": "Afspraken van jouw team",
        "en": "Your team's agreements",
    },
    "hidden_count": {
        "nl": "{n} {what}: {note}",
        "en": "{n} {what}: {note}",
    },
    "yes": {
        "nl": "ja",
        "en": "yes",
    },
    "no": {
        "nl": "nee",
        "en": "no",
    },
    "unit_team": {
        "nl": "team|teams",
        "en": "team|teams",
    },
    "unit_site": {
        "nl": "vestiging|vestigingen",
        "en": "site|sites",
    },
    "unit_wave": {
        "nl": "meting|metingen",
        "en": "wave|waves",
    },
    "unit_group": {
        "nl": "groep|groepen",
        "en": "group|groups",
    },
    "unit_month": {
        "nl": "maand|maanden",
        "en": "month|months",
    },
    "unit_row": {
        "nl": "rij|rijen",
        "en": "row|rows",
    },
    "unit_scale": {
        "nl": "schaal|schalen",
        "en": "scale|scales",
    },
    "unit_reason": {
        "nl": "reden|redenen",
        "en": "reason|reasons",
    },
    "unit_employee": {
        "nl": "medewerker|medewerkers",
        "en": "employee|employees",
    },
    "unit_figure": {
        "nl": "cijfer|cijfers",
        "en": "figure|figures",
    },
    "teams_at_risk": {
        "nl": "Teams met verhoogd risico",
        "en": "Teams at risk",
    },
    "at_risk_rule": {
        "nl": (
            "Een team heeft verhoogd risico als zelfs de ondergrens van zijn verwachte vrijwillige "
            "vertrek (per medewerker, 12 maanden) boven het gemiddelde van de organisatie ligt."
        ),
        "en": (
            "A team is at risk when even the lower end of its expected voluntary leaving (per employee, "
            "12 months) lies above the organisation's average."
        ),
    },
    "at_risk_count": {
        "nl": "{n} van {total} teams met verhoogd risico.",
        "en": "{n} of {total} teams at risk.",
    },
    "at_risk": {
        "nl": "Verhoogd risico",
        "en": "At risk",
    },
    "home": {
        "nl": "Start",
        "en": "Home",
    },
    "home_title": {
        "nl": "Verloop — {org}",
        "en": "Verloop — {org}",
    },
    "home_lead": {
        "nl": (
            "Kerncijfers van de organisatie. Alles komt door dezelfde privacyregels als de dashboards: "
            "groepen onder de {k} antwoorden blijven verborgen."
        ),
        "en": (
            "The organisation's key figures. Everything passes the same privacy rules as the dashboards: "
            "groups under {k} responses stay hidden."
        ),
    },
    "home_data": {
        "nl": "Gegevens t/m {end}; periode {period}.",
        "en": "Data up to {end}; period {period}.",
    },
    "home_no_data": {
        "nl": "Nog geen gegevens. Laad HR-gegevens (`verloop import`) of maak een demo (`verloop demo`).",
        "en": "No data yet. Load HR data (`verloop import`) or create a demo (`verloop demo`).",
    },
    "home_pages": {
        "nl": "Dashboards",
        "en": "Dashboards",
    },
    "home_response_sub": {
        "nl": "{wave}: {n} van {invited} uitgenodigd",
        "en": "{wave}: {n} of {invited} invited",
    },
    "home_risk_sub": {
        "nl": "van {total} teams, komende 12 maanden",
        "en": "of {total} teams, next 12 months",
    },
    "home_watermelon_sub": {
        "nl": "KPI's groen, mensen rood (van {total} teams)",
        "en": "KPIs green, people red (of {total} teams)",
    },
    "kpi_response": {
        "nl": "Respons laatste meting",
        "en": "Response rate, latest wave",
    },
    "kpi_watermelon": {
        "nl": "Watermeloenteams",
        "en": "Watermelon teams",
    },
    "no_closed_wave": {
        "nl": "nog geen afgesloten meting",
        "en": "no closed wave yet",
    },
    "desc_turnover": {
        "nl": "Vrijwillig en onvrijwillig verloop met betrouwbaarheidsintervallen, per vestiging en team.",
        "en": "Voluntary and involuntary turnover with confidence intervals, by site and team.",
    },
    "desc_engagement": {
        "nl": "Schalen per team, trend per meting, eNPS en respons.",
        "en": "Scales by team, trend per wave, eNPS and response rate.",
    },
    "desc_drivers": {
        "nl": "Welke factoren vrijwillig vertrek voorspellen, in gewone woorden.",
        "en": "Which factors predict voluntary leaving, in plain words.",
    },
    "desc_risk": {
        "nl": "Verwachte vertrekkers per team voor de komende 6 en 12 maanden.",
        "en": "Expected leavers per team over the next 6 and 12 months.",
    },
    "desc_watermelon": {
        "nl": "Teams met groene KPI's en rode mensen-scores.",
        "en": "Teams with green KPIs and red people scores.",
    },
    "desc_exits": {
        "nl": "Opgegeven tegen eerlijke vertrekredenen, en thema's in opmerkingen.",
        "en": "Stated against honest reasons for leaving, and themes in comments.",
    },
    "desc_retention": {
        "nl": "Hoe lang mensen blijven, per instroomjaar, vestiging en leiderschapsstijl.",
        "en": "How long people stay, by hiring year, site and leadership style.",
    },
    "desc_whatif": {
        "nl": "Wat een betere score op een factor aan vertrek en kosten scheelt.",
        "en": "What a better score on one factor saves in leavers and money.",
    },
    "desc_actions": {
        "nl": "Stop/start-afspraken per team en hun effect.",
        "en": "Stop/start agreements per team and their effect.",
    },
    "desc_employees": {
        "nl": "Wat medewerkers van hun eigen team terugzien.",
        "en": "What employees see of their own team.",
    },
    "column.group": {
        "nl": "Groep",
        "en": "Group",
    },
    "column.note": {
        "nl": "Toelichting",
        "en": "Note",
    },
    "column.n": {
        "nl": "Aantal (n)",
        "en": "Count (n)",
    },
    "column.aht_s": {
        "nl": "Gem. gespreksduur (s)",
        "en": "Avg. handling time (s)",
    },
    "column.service_level": {
        "nl": "Servicelevel (%)",
        "en": "Service level (%)",
    },
    "column.csat": {
        "nl": "Klanttevredenheid (1–5)",
        "en": "Customer satisfaction (1–5)",
    },
    "column.kpi_status": {
        "nl": "KPI-status",
        "en": "KPI status",
    },
    "column.people_status": {
        "nl": "Mensen-status",
        "en": "People status",
    },
    "column.voluntary_rate": {
        "nl": "Vrijwillig verloop (%)",
        "en": "Voluntary turnover (%)",
    },
    "column.involuntary_rate": {
        "nl": "Onvrijwillig verloop (%)",
        "en": "Involuntary turnover (%)",
    },
    "column.turnover_rate": {
        "nl": "Verloop (%)",
        "en": "Turnover (%)",
    },
    "column.leavers": {
        "nl": "Vertrokken",
        "en": "Leavers",
    },
    "column.voluntary": {
        "nl": "Vrijwillig vertrokken",
        "en": "Voluntary leavers",
    },
    "column.involuntary": {
        "nl": "Onvrijwillig vertrokken",
        "en": "Involuntary leavers",
    },
    "column.hires": {
        "nl": "Ingestroomd",
        "en": "Hires",
    },
    "column.person_years": {
        "nl": "Persoonsjaren",
        "en": "Person-years",
    },
    "column.period_start": {
        "nl": "Vanaf",
        "en": "From",
    },
    "column.period_end": {
        "nl": "Tot en met",
        "en": "To",
    },
    "column.horizon_months": {
        "nl": "Horizon (maanden)",
        "en": "Horizon (months)",
    },
    "column.reason_code": {
        "nl": "Reden",
        "en": "Reason",
    },
    "column.watermelon": {
        "nl": "Watermeloen",
        "en": "Watermelon",
    },
    "column.certainty": {
        "nl": "Zekerheid",
        "en": "Certainty",
    },
    "column.red_scales": {
        "nl": "Rood op",
        "en": "Red on",
    },
    "column.fcr": {
        "nl": "Eerste-keer-goed (%)",
        "en": "First-contact resolution (%)",
    },
    "column.repeat_rate": {
        "nl": "Herhaalcontacten (%)",
        "en": "Repeat contacts (%)",
    },
    "column.absenteeism": {
        "nl": "Verzuim (%)",
        "en": "Absenteeism (%)",
    },
    "column.people_se": {
        "nl": "Mensen-status ± (SE)",
        "en": "People status ± (SE)",
    },
    "column.kpis_met": {
        "nl": "KPI's op doel",
        "en": "KPIs on target",
    },
    "column.waves_shown": {
        "nl": "Metingen getoond",
        "en": "Waves shown",
    },
    "column.median_months": {
        "nl": "Mediane diensttijd (maanden)",
        "en": "Median tenure (months)",
    },
    "column.invited": {
        "nl": "Uitgenodigd",
        "en": "Invited",
    },
    "column.response_rate": {
        "nl": "Respons (%)",
        "en": "Response rate (%)",
    },
    "column.wellbeing": {
        "nl": "Welzijn (WHO-5)",
        "en": "Wellbeing (WHO-5)",
    },
    "column.ci_low": {
        "nl": "ondergrens",
        "en": "lower",
    },
    "column.ci_high": {
        "nl": "bovengrens",
        "en": "upper",
    },
    "column.opens_on": {
        "nl": "Start",
        "en": "Opens",
    },
    "column.closes_on": {
        "nl": "Einde",
        "en": "Closes",
    },
    "column.date": {
        "nl": "Datum",
        "en": "Date",
    },
    "column.group_kind": {
        "nl": "Soort",
        "en": "Kind",
    },
    "column.level": {
        "nl": "Niveau",
        "en": "Level",
    },
    "drivers.model_lead": {
        "nl": (
            "Poissonmodel op teamniveau, {teams} teams, {leavers} vrijwillige vertrekkers, gegevens {start} – {end} "
            "(modelkaart van {created})."
        ),
        "en": (
            "Team-level Poisson model, {teams} teams, {leavers} voluntary leavers, data {start} – {end} "
            "(card of {created})."
        ),
    },
    "drivers.verdict_title": {
        "nl": "Wat vertrek drijft: oordeel per factor (per SD)",
        "en": "What drives leaving: verdict per factor (per SD)",
    },
    "drivers.ratio_sd": {
        "nl": "Verhouding per SD tussen medewerkers (1 = geen effect)",
        "en": "Ratio per SD between agents (1 = no effect)",
    },
    "drivers.sources_title": {
        "nl": "Alle bronnen naast elkaar",
        "en": "Every source side by side",
    },
    "drivers.col.factor": {"nl": "Factor", "en": "Factor"},
    "drivers.col.verdict": {"nl": "Oordeel", "en": "Verdict"},
    "drivers.col.rank": {"nl": "Rang", "en": "Rank"},
    "drivers.col.per_sd": {"nl": "Verhouding per SD (95 %-interval)", "en": "Ratio per SD (95 % interval)"},
    "drivers.col.per_point": {"nl": "Verhouding per eenheid (95 %-interval)", "en": "Ratio per unit (95 % interval)"},
    "drivers.col.unit_point": {"nl": "Eenheid", "en": "Unit"},
    "drivers.rule": {
        "nl": "Beslisregel",
        "en": "Verdict rule",
    },
    "drivers.clear": {
        "nl": "Medewerkers die {unit} hoger scoren op {label} vertrekken {size} % {dir} ({lo}–{hi} %).",
        "en": "Agents scoring {unit} higher on {label} leave {size} % {dir} often ({lo}–{hi} %).",
    },
    "drivers.less": {
        "nl": "minder vaak",
        "en": "less",
    },
    "drivers.more": {
        "nl": "vaker",
        "en": "more",
    },
    "drivers.no_clear_effect": {
        "nl": "{label}: geen duidelijk effect (het 95 %-interval omvat 'geen effect').",
        "en": "{label}: no clear effect (the 95 % interval includes 'no effect').",
    },
    "drivers.not_clear_among_factors": {
        "nl": "{label}: mogelijk een factor, maar niet duidelijk: het 95 %-interval sluit 'geen effect' uit, de correctie voor het toetsen van alle factoren tegelijk niet.",
        "en": "{label}: possibly a driver, but not clear: its 95 % interval excludes 'no effect', the correction for testing all factors at once does not.",
    },
    "drivers.too_little_data": {
        "nl": "{label}: te weinig gegevens om een effect van betekenis te zien.",
        "en": "{label}: too little data to see an effect that matters.",
    },
    "drivers.sources_disagree": {
        "nl": "{label}: de bronnen spreken elkaar tegen; geen oordeel.",
        "en": "{label}: the sources disagree; no verdict.",
    },
    "actions.text": {
        "nl": "{field} moet tekst zijn",
        "en": "{field} must be text",
    },
    "actions.nul": {
        "nl": "{field} bevat een NUL-teken",
        "en": "{field} contains a NUL character",
    },
    "actions.long": {
        "nl": "{field} heeft {length} tekens, meer dan de {max} toegestane",
        "en": "{field} has {length} characters, more than the {max} allowed",
    },
    "actions.cycle_long": {
        "nl": "de naam van de cyclus heeft meer dan {max} tekens",
        "en": "the cycle name has more than {max} characters",
    },
    "actions.cycle_missing": {
        "nl": "geef de cyclus een naam (bijv. '2026-C7' of 'sept–okt')",
        "en": "give the cycle a name (e.g. '2026-C7' or 'Sept–Oct')",
    },
    "actions.empty": {
        "nl": "schrijf op waarmee het team stopt of begint (of allebei)",
        "en": "write what the team stops or starts doing (or both)",
    },
    "actions.no_team": {
        "nl": "team {id} bestaat niet",
        "en": "team {id} does not exist",
    },
    "actions.no_action": {
        "nl": "afspraak {id} bestaat niet",
        "en": "agreement {id} does not exist",
    },
    "actions.needs_text": {
        "nl": "een afspraak heeft een stop- of een starttekst nodig",
        "en": "an agreement needs a stop or a start text",
    },
    "actions.refused": {
        "nl": "de afspraak is niet opgeslagen: {problem}{more}; pas het aan en sla opnieuw op.",
        "en": "the agreement was not saved: {problem}{more}; correct it and save again.",
    },
    "actions.more": {
        "nl": " (en nog {n})",
        "en": " (and {n} more)",
    },
    "actions.cycle": {
        "nl": "de cyclus",
        "en": "the cycle",
    },
    "actions.stop": {
        "nl": "'stoppen met'",
        "en": "'stop'",
    },
    "actions.start": {
        "nl": "'beginnen met'",
        "en": "'start'",
    },
}
