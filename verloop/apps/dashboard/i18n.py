"""Dutch and English labels for the dashboards.

One dictionary, key → (nl, en); ``t(key, lang, **values)`` formats it. Scale and reason names
come from the survey instruments themselves (``surveys/*.yaml``), so the dashboard and the
questionnaire always use the same words. Suppression notes ("fewer than 5 responses") are the
privacy door's own words, in either language (see ``verloop.privacy.policy``).
"""

from __future__ import annotations

import functools

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"

_LABELS: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("Verloop — HR-dashboard", "Verloop — HR dashboard"),
    "language": ("Taal", "Language"),
    "site": ("Vestiging", "Site"),
    "team": ("Team", "Team"),
    "period": ("Periode", "Period"),
    "all_sites": ("Alle vestigingen", "All sites"),
    "all_teams": ("Alle teams", "All teams"),
    "last_n_months": ("Laatste {n} maanden", "Last {n} months"),
    "all_time": ("Alles", "All time"),
    "loading": ("Gegevens laden…", "Loading data…"),
    "updated": ("Bijgewerkt", "Updated"),
    "no_data": ("Geen gegevens voor deze selectie.", "No data for this selection."),
    "download_csv": ("CSV downloaden", "Download CSV"),
    "download_png": ("PNG downloaden", "Download PNG"),
    "error": ("Er ging iets mis", "Something went wrong"),
    "privacy_footer": (
        "Groepen met minder dan {k} antwoorden worden niet getoond, ook niet als verschil van "
        "andere cijfers. Opmerkingen pas vanaf {kc} antwoorden, zonder filters.",
        "Groups with fewer than {k} responses are not shown, not even as a difference of other "
        "figures. Comments only from {kc} responses on, without filters.",
    ),
    "not_shown": ("Niet getoond", "Not shown"),
    "refused_filter": ("Filter niet toegepast", "Filter not applied"),
    "n": ("n", "n"),
    "note": ("opmerking", "note"),
    "value": ("waarde", "value"),
    "lower": ("ondergrens", "lower"),
    "upper": ("bovengrens", "upper"),
    "month": ("Maand", "Month"),
    "wave": ("Meting", "Wave"),
    "score": ("Score", "Score"),
    "scale": ("Schaal", "Scale"),
    "share": ("Aandeel", "Share"),
    "count": ("Aantal", "Count"),
    "interval": ("interval", "interval"),
    "ci95": ("95%-betrouwbaarheidsinterval", "95% confidence interval"),
    "nav_pages": ("Pagina's", "Pages"),
    # page titles
    "page_turnover": ("Verloop, eerlijk", "Turnover, honestly"),
    "page_engagement": ("Betrokkenheid en welzijn", "Engagement and wellbeing"),
    "page_drivers": ("Wat drijft vertrek", "What drives leaving"),
    "page_risk": ("Risico per team", "Risk by team"),
    "page_watermelon": ("Watermeloenteams", "Watermelon teams"),
    "page_exits": ("Waarom mensen écht vertrekken", "Why people really leave"),
    "page_retention": ("Behoudcurves", "Retention curves"),
    "page_whatif": ("Wat als…", "What if…"),
    "page_actions": ("Acties per team", "Team actions"),
    "page_employees": ("Resultaten voor medewerkers", "Results for employees"),
    # turnover
    "voluntary": ("Vrijwillig", "Voluntary"),
    "involuntary": ("Onvrijwillig", "Involuntary"),
    "total": ("Totaal", "Total"),
    "annual_rate": ("Verloop per jaar", "Annual turnover"),
    "rate_pct": ("% per jaar", "% per year"),
    "turnover_kpis": ("Kerncijfers", "Key figures"),
    "kpi_voluntary": ("Vrijwillig verloop", "Voluntary turnover"),
    "kpi_involuntary": ("Onvrijwillig verloop", "Involuntary turnover"),
    "kpi_early": ("Vertrek binnen 90 dagen", "Left within 90 days"),
    "kpi_regretted": ("Spijtig vertrek", "Regretted leavers"),
    "kpi_cost": ("Vervangingskosten", "Replacement cost"),
    "kpi_leavers": ("Vertrokken", "Leavers"),
    "of_hires": ("van de nieuwe medewerkers", "of new hires"),
    "of_voluntary": ("van de vrijwillige vertrekkers", "of voluntary leavers"),
    "cost_basis": (
        "{share:.0%} van een jaarsalaris van {salary} per vrijwillige vertrekker",
        "{share:.0%} of an annual salary of {salary} per voluntary leaver",
    ),
    "turnover_trend": ("Verloop per maand (op jaarbasis)", "Turnover per month (annualised)"),
    "turnover_by_site": ("Verloop per vestiging", "Turnover by site"),
    "turnover_by_team": ("Verloop per team", "Turnover by team"),
    "top_teams": (
        "De {n} teams (van {total}) met het hoogste vrijwillige verloop; alle teams staan in de CSV.",
        "The {n} teams (of {total}) with the highest voluntary turnover; every team is in the CSV.",
    ),
    "all_staff_counted": (
        "Alle medewerkers tellen mee: ook uitzendkrachten, tijdelijke contracten en vertrek in de eerste weken.",
        "Every employee counts: temps, fixed-term contracts and people who left in their first weeks included.",
    ),
    # engagement
    "heatmap_title": ("Schalen per team (gemiddelde)", "Scales by team (mean)"),
    "heatmap_more": (
        "De {n} teams (van {total}) met de minst gunstige scores; alle teams staan in de CSV.",
        "The {n} teams (of {total}) with the least favourable scores; every team is in the CSV.",
    ),
    "heatmap_title_site": ("Schalen per vestiging (gemiddelde)", "Scales by site (mean)"),
    "trend_title": ("Verloop van de schalen per meting", "Scales per wave"),
    "enps_title": ("eNPS per meting", "eNPS per wave"),
    "response_rate_title": ("Respons per meting", "Response rate per wave"),
    "distribution_title": ("Verdeling van de scores", "Distribution of scores"),
    "enps": ("eNPS", "eNPS"),
    "unfavourable": ("Ongunstig", "Unfavourable"),
    "neutral": ("Neutraal", "Neutral"),
    "favourable": ("Gunstig", "Favourable"),
    "distribution_lead": (
        "Aandeel antwoorden in het ongunstige, middelste en gunstige deel van elke schaal (laatste meting).",
        "Share of answers in the unfavourable, middle and favourable part of each scale (latest wave).",
    ),
    "response_rate": ("Respons", "Response rate"),
    "promoters": ("Promotors", "Promoters"),
    "passives": ("Passief", "Passives"),
    "detractors": ("Criticasters", "Detractors"),
    "reversed_scale_hint": (
        "Bij werkdruk en sturen op cijfers is hoger ongunstiger.",
        "For workload and metric gaming, higher is worse.",
    ),
    # drivers
    "drivers_title": ("Effect op vrijwillig vertrek (per schaalpunt)", "Effect on voluntary leaving (per scale point)"),
    "rate_ratio": ("Rate ratio (1 = geen effect)", "Rate ratio (1 = no effect)"),
    "drivers_sentences": ("In gewone woorden", "In plain words"),
    "drivers_individual": ("Effect op vertrek per medewerker (Cox)", "Effect on leaving per employee (Cox)"),
    "drivers_individual_lead": (
        "Hazard ratio per schaalpunt uit het overlevingsmodel; alleen gerapporteerd voor groepen, nooit per persoon.",
        "Hazard ratio per scale point from the survival model; reported for groups only, never per person.",
    ),
    "hazard_ratio": ("Hazard ratio (1 = geen effect)", "Hazard ratio (1 = no effect)"),
    "no_model": (
        "Er is nog geen model getraind. Draai `verloop train` om de drijfveren te berekenen.",
        "No model has been trained yet. Run `verloop train` to compute the drivers.",
    ),
    "model_card": ("Modelkaart", "Model card"),
    "factor": ("Factor", "Factor"),
    "effect": ("Effect", "Effect"),
    # risk
    "risk_title": ("Verwachte vrijwillige vertrekkers", "Expected voluntary leavers"),
    "next_6": ("komende 6 maanden", "next 6 months"),
    "next_12": ("komende 12 maanden", "next 12 months"),
    "expected": ("Verwacht", "Expected"),
    "headcount": ("Bezetting", "Headcount"),
    "risk_wave": ("Uitgangspunt: de gepubliceerde teamscores van {wave}.", "Starting point: the published team scores of {wave}."),
    "risk_rank_note": (
        "Teams gerangschikt naar verwacht vrijwillig vertrek; de lijn is het 90%-interval. Alleen groepen, nooit personen.",
        "Teams ranked by expected voluntary leavers; the whisker is the 90% interval. Groups only, never individuals.",
    ),
    # watermelon
    "watermelon_title": ("KPI's tegen mensen", "KPIs against people"),
    "kpi_status": ("KPI-status (hoger = groener)", "KPI status (higher = greener)"),
    "people_status": ("Mensen-status (hoger = beter)", "People status (higher = better)"),
    "watermelon_named": ("Groen van buiten, rood van binnen", "Green outside, red inside"),
    "quadrant_green_green": ("Gezond", "Healthy"),
    "quadrant_green_red": ("Watermeloen", "Watermelon"),
    "quadrant_red_green": ("Drukte, goede sfeer", "Struggling, good spirits"),
    "quadrant_red_red": ("Aandacht nodig", "Needs attention"),
    "more_in_csv": ("… en nog {n} (zie de CSV)", "… and {n} more (see the CSV)"),
    "none_watermelon": ("Geen watermeloenteams in deze selectie.", "No watermelon teams in this selection."),
    # exits
    "stated_vs_honest": ("Opgegeven reden tegen eerlijke reden", "Stated reason against honest reason"),
    "stated": ("Bij vertrek opgegeven", "Stated at exit"),
    "honest": ("Achteraf (eerlijk)", "Afterwards (honest)"),
    "reason": ("Reden", "Reason"),
    "themes_title": ("Thema's in exit-opmerkingen", "Themes in exit comments"),
    "comments_title": ("Opmerkingen (anoniem, zonder filters)", "Comments (anonymous, unfiltered)"),
    "comments_hidden": (
        "Opmerkingen worden pas getoond vanaf {k} antwoorden.",
        "Comments are shown only from {k} responses on.",
    ),
    "comments_unfiltered": (
        "Opmerkingen tonen we altijd voor de hele organisatie: filters gelden hier niet.",
        "Comments are always shown for the whole organisation: filters do not apply here.",
    ),
    "theme": ("Thema", "Theme"),
    "culture": ("Cultuur en cijfers", "Culture and numbers"),
    # retention
    "km_title": ("Nog in dienst na … maanden", "Still employed after … months"),
    "by_cohort": ("Naar instroomjaar", "By hiring cohort"),
    "by_site": ("Naar vestiging", "By site"),
    "by_lead_style": ("Naar stijl van de teamleider", "By team-lead style"),
    "tenure_months": ("Diensttijd in maanden", "Tenure in months"),
    "style_servant": ("Dienend", "Servant"),
    "style_neutral": ("Neutraal", "Neutral"),
    "style_taylorist": ("Controlerend (taylorist)", "Controlling (Taylorist)"),
    "survival": ("Aandeel nog in dienst", "Share still employed"),
    "median_tenure": ("Mediane diensttijd (maanden)", "Median tenure (months)"),
    # what-if
    "whatif_intro": (
        "Schuif een factor omhoog of omlaag: wat betekent dat voor vrijwillig vertrek in 12 maanden?",
        "Move a factor up or down: what does that mean for voluntary leaving over 12 months?",
    ),
    "scope": ("Voor wie", "For whom"),
    "everyone": ("Iedereen", "Everyone"),
    "baseline": ("Nu", "Now"),
    "scenario": ("Scenario", "Scenario"),
    "leavers_avoided": ("Minder vertrekkers", "Fewer leavers"),
    "money_saved": ("Bespaard", "Saved"),
    "whatif_result": (
        "Verwacht vrijwillig vertrek in 12 maanden: {base:.0f} → {new:.0f} ({lo:.0f}–{hi:.0f}); "
        "besparing {saved} ({slo} tot {shi}).",
        "Expected voluntary leavers over 12 months: {base:.0f} → {new:.0f} ({lo:.0f}–{hi:.0f}); "
        "saving {saved} ({slo} to {shi}).",
    ),
    "reset": ("Terugzetten", "Reset"),
    "points": ("schaalpunten", "scale points"),
    # actions
    "actions_title": ("Stop/start-afspraken", "Stop/start agreements"),
    "cycle": ("Cyclus", "Cycle"),
    "stop": ("Stoppen met", "Stop"),
    "start": ("Beginnen met", "Start"),
    "status": ("Status", "Status"),
    "open": ("Open", "Open"),
    "closed": ("Afgerond", "Closed"),
    "created_on": ("Aangemaakt", "Created"),
    "closed_on": ("Afgerond op", "Closed on"),
    "add": ("Toevoegen", "Add"),
    "save": ("Opslaan", "Save"),
    "close_action": ("Afronden", "Close"),
    "edit": ("Bewerken", "Edit"),
    "new_action": ("Nieuwe afspraak", "New agreement"),
    "choose_team": ("Kies een team om de afspraken te zien.", "Choose a team to see its agreements."),
    "saved": ("Opgeslagen.", "Saved."),
    "before_after": ("Schalen vóór en na de cyclus", "Scales before and after the cycle"),
    "before": ("Vóór", "Before"),
    "after": ("Na", "After"),
    "older_in_csv": ("En nog {n} eerdere afspraken (in de CSV).", "And {n} earlier agreements (in the CSV)."),
    "no_actions": ("Nog geen afspraken voor dit team.", "No agreements for this team yet."),
    # employees
    "employees_intro": (
        "Zo scoort jouw team, naast de hele organisatie. Alleen groepen van minstens {k} mensen.",
        "How your team scores, next to the whole organisation. Only groups of at least {k} people.",
    ),
    "your_team": ("Jouw team", "Your team"),
    "organisation": ("Organisatie", "Organisation"),
    "team_agreements": ("Afspraken van jouw team", "Your team's agreements"),
}


def t(key: str, lang: str, **values) -> str:
    """The label ``key`` in ``lang`` ('nl' or 'en'), formatted with ``values``."""
    nl, en = _LABELS[key]
    text = en if lang == "en" else nl
    return text.format(**values) if values else text


def money(value, lang: str) -> str:
    """Euros without cents: '€ 162.710' in Dutch, '€ 162,710' in English; '—' when missing."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "—"
    if value != value or value in (float("inf"), float("-inf")):
        return "—"
    text = f"{value:,.0f}"
    return "€ " + (text.replace(",", ".") if lang == "nl" else text)


def check_lang(lang: str | None) -> str:
    """A valid language code; anything unknown falls back to Dutch (the default)."""
    return lang if lang in LANGS else DEFAULT_LANG


def all_keys() -> list[str]:
    return list(_LABELS)


@functools.lru_cache(maxsize=4)
def _instrument(key: str):
    from verloop.surveys import load_instrument

    return load_instrument(key)


def scale_label(scale: str, lang: str) -> str:
    """The scale's name as the pulse questionnaire gives it (falls back to the key)."""
    try:
        return _instrument("pulse").scale(scale).label[lang]
    except Exception:  # an unknown key or a missing instrument file: show the key itself
        return str(scale).replace("_", " ")


def scale_higher_is_better(scale: str) -> bool:
    try:
        return bool(_instrument("pulse").scale(scale).higher_is_better)
    except Exception:
        return True


def reason_label(code: str, lang: str) -> str:
    """A reason-for-leaving code in words, from the exit questionnaire."""
    for instrument in ("exit", "followup"):
        try:
            for reason in _instrument(instrument).reasons:
                if reason.code == code:
                    return reason.label[lang]
        except Exception:
            continue
    return str(code).replace("_", " ")
