"""Dutch and English labels for the dashboards, and numbers, months and column headers in the
reader's language.

One dictionary, key → (nl, en); ``t(key, lang, **values)`` formats it. Numbers, money and
months are formatted by the locale through Babel (nl: 1.234,5 · en: 1,234.5), in one place
(``number``, ``percent``, ``money``, ``month_span``); tables name their columns through
``column_label``, so a machine name (``aht_s``, ``service_level``, ``note``) never reaches a
reader. Scale and reason names
come from the survey instruments themselves (``surveys/*.yaml``), so the dashboard and the
questionnaire always use the same words. Suppression notes ("fewer than 5 responses") are the
privacy door's own words, in either language (see ``verloop.privacy.policy``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from decimal import ROUND_HALF_UP, Decimal

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
    "risk_wave": (
        "Uitgangspunt: de gepubliceerde teamscores van {wave}.",
        "Starting point: the published team scores of {wave}.",
    ),
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
    "watermelon_lead": (
        "Mensen-status: per team de schalen van alle getoonde metingen in de periode, het vrijwillig verloop en het "
        "verzuim, kleine teams naar hun vestiging getrokken. Een team krijgt de vlag als het minstens 50% zeker "
        "groen van buiten is (KPI-status ≥ 0), rood van binnen (mensen-status onder het midden) en diep in die hoek "
        "zit: mensen-status min KPI-status minstens {gap} SD onder die van de andere teams. De streep is ± 1 "
        "standaardfout.",
        "People status: per team the scales of every shown wave in the period, voluntary turnover and absenteeism, "
        "small teams drawn towards their site. A team is flagged when it is at least 50% sure to be green outside "
        "(KPI status ≥ 0), red inside (people status below the middle) and deep in that corner: people status minus "
        "KPI status at least {gap} SD below the other teams'. The whisker is ± 1 standard error.",
    ),
    "watermelon_targets": ("KPI's tegen uw doelen: {targets}.", "KPIs against your targets: {targets}."),
    "watermelon_not_counted": ("Telt niet mee: {kpis}.", "Not counted: {kpis}."),
    "watermelon_red_on": ("rood op {scales}", "red on {scales}"),
    "watermelon_actions_link": ("acties van dit team", "this team's actions"),
    "certainty": ("Zekerheid", "Certainty"),
    "certainty_high": ("hoog", "high"),
    "certainty_medium": ("redelijk", "medium"),
    "certainty_low": ("laag", "low"),
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
    # tables for people: folded suppression notes, yes/no, units
    "hidden_count": ("{n} {what}: {note}", "{n} {what}: {note}"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    "unit_team": ("team|teams", "team|teams"),
    "unit_site": ("vestiging|vestigingen", "site|sites"),
    "unit_wave": ("meting|metingen", "wave|waves"),
    "unit_group": ("groep|groepen", "group|groups"),
    "unit_month": ("maand|maanden", "month|months"),
    "unit_row": ("rij|rijen", "row|rows"),
    "unit_scale": ("schaal|schalen", "scale|scales"),
    "unit_reason": ("reden|redenen", "reason|reasons"),
    # risk
    "teams_at_risk": ("Teams met verhoogd risico", "Teams at risk"),
    "at_risk_rule": (
        "Een team heeft verhoogd risico als zelfs de ondergrens van zijn verwachte vrijwillige vertrek "
        "(per medewerker, 12 maanden) boven het gemiddelde van de organisatie ligt.",
        "A team is at risk when even the lower end of its expected voluntary leaving (per employee, "
        "12 months) lies above the organisation's average.",
    ),
    "at_risk_count": ("{n} van {total} teams met verhoogd risico.", "{n} of {total} teams at risk."),
    "at_risk": ("Verhoogd risico", "At risk"),
    # home
    "home": ("Start", "Home"),
    "home_title": ("Verloop — {org}", "Verloop — {org}"),
    "home_lead": (
        "Kerncijfers van de organisatie. Alles komt door dezelfde privacyregels als de dashboards: "
        "groepen onder de {k} antwoorden blijven verborgen.",
        "The organisation's key figures. Everything passes the same privacy rules as the dashboards: "
        "groups under {k} responses stay hidden.",
    ),
    "home_data": ("Gegevens t/m {end}; periode {period}.", "Data up to {end}; period {period}."),
    "home_no_data": (
        "Nog geen gegevens. Laad HR-gegevens (`verloop import`) of maak een demo (`verloop demo`).",
        "No data yet. Load HR data (`verloop import`) or create a demo (`verloop demo`).",
    ),
    "home_pages": ("Dashboards", "Dashboards"),
    "home_response_sub": ("{wave}: {n} van {invited} uitgenodigd", "{wave}: {n} of {invited} invited"),
    "home_risk_sub": ("van {total} teams, komende 12 maanden", "of {total} teams, next 12 months"),
    "home_watermelon_sub": (
        "KPI's groen, mensen rood (van {total} teams)",
        "KPIs green, people red (of {total} teams)",
    ),
    "kpi_response": ("Respons laatste meting", "Response rate, latest wave"),
    "kpi_watermelon": ("Watermeloenteams", "Watermelon teams"),
    "no_closed_wave": ("nog geen afgesloten meting", "no closed wave yet"),
    "desc_turnover": (
        "Vrijwillig en onvrijwillig verloop met betrouwbaarheidsintervallen, per vestiging en team.",
        "Voluntary and involuntary turnover with confidence intervals, by site and team.",
    ),
    "desc_engagement": (
        "Schalen per team, trend per meting, eNPS en respons.",
        "Scales by team, trend per wave, eNPS and response rate.",
    ),
    "desc_drivers": (
        "Welke factoren vrijwillig vertrek voorspellen, in gewone woorden.",
        "Which factors predict voluntary leaving, in plain words.",
    ),
    "desc_risk": (
        "Verwachte vertrekkers per team voor de komende 6 en 12 maanden.",
        "Expected leavers per team over the next 6 and 12 months.",
    ),
    "desc_watermelon": (
        "Teams met groene KPI's en rode mensen-scores.",
        "Teams with green KPIs and red people scores.",
    ),
    "desc_exits": (
        "Opgegeven tegen eerlijke vertrekredenen, en thema's in opmerkingen.",
        "Stated against honest reasons for leaving, and themes in comments.",
    ),
    "desc_retention": (
        "Hoe lang mensen blijven, per instroomjaar, vestiging en leiderschapsstijl.",
        "How long people stay, by hiring year, site and leadership style.",
    ),
    "desc_whatif": (
        "Wat een betere score op een factor aan vertrek en kosten scheelt.",
        "What a better score on one factor saves in leavers and money.",
    ),
    "desc_actions": (
        "Stop/start-afspraken per team en hun effect.",
        "Stop/start agreements per team and their effect.",
    ),
    "desc_employees": ("Wat medewerkers van hun eigen team terugzien.", "What employees see of their own team."),
}

# Machine column names → words (tables). Keys that are also labels above use those words.
_COLUMNS: dict[str, tuple[str, str]] = {
    "group": ("Groep", "Group"),
    "note": ("Toelichting", "Note"),
    "n": ("Aantal (n)", "Count (n)"),
    "aht_s": ("Gem. gespreksduur (s)", "Avg. handling time (s)"),
    "service_level": ("Servicelevel (%)", "Service level (%)"),
    "csat": ("Klanttevredenheid (1–5)", "Customer satisfaction (1–5)"),
    "kpi_status": ("KPI-status", "KPI status"),
    "people_status": ("Mensen-status", "People status"),
    "voluntary_rate": ("Vrijwillig verloop (%)", "Voluntary turnover (%)"),
    "involuntary_rate": ("Onvrijwillig verloop (%)", "Involuntary turnover (%)"),
    "turnover_rate": ("Verloop (%)", "Turnover (%)"),
    "leavers": ("Vertrokken", "Leavers"),
    "voluntary": ("Vrijwillig vertrokken", "Voluntary leavers"),
    "involuntary": ("Onvrijwillig vertrokken", "Involuntary leavers"),
    "hires": ("Ingestroomd", "Hires"),
    "person_years": ("Persoonsjaren", "Person-years"),
    "period_start": ("Vanaf", "From"),
    "period_end": ("Tot en met", "To"),
    "horizon_months": ("Horizon (maanden)", "Horizon (months)"),
    "reason_code": ("Reden", "Reason"),
    "watermelon": ("Watermeloen", "Watermelon"),
    "certainty": ("Zekerheid", "Certainty"),
    "red_scales": ("Rood op", "Red on"),
    "fcr": ("Eerste-keer-goed (%)", "First-contact resolution (%)"),
    "repeat_rate": ("Herhaalcontacten (%)", "Repeat contacts (%)"),
    "absenteeism": ("Verzuim (%)", "Absenteeism (%)"),
    "people_se": ("Mensen-status ± (SE)", "People status ± (SE)"),
    "kpis_met": ("KPI's op doel", "KPIs on target"),
    "waves_shown": ("Metingen getoond", "Waves shown"),
    "median_months": ("Mediane diensttijd (maanden)", "Median tenure (months)"),
    "invited": ("Uitgenodigd", "Invited"),
    "response_rate": ("Respons (%)", "Response rate (%)"),
    "wellbeing": ("Welzijn (WHO-5)", "Wellbeing (WHO-5)"),
    "ci_low": ("ondergrens", "lower"),
    "ci_high": ("bovengrens", "upper"),
    "opens_on": ("Start", "Opens"),
    "closes_on": ("Einde", "Closes"),
    "date": ("Datum", "Date"),
    "group_kind": ("Soort", "Kind"),
    "level": ("Niveau", "Level"),
}
_MACHINE = re.compile(r"^[a-z][a-z0-9_]*$")


def t(key: str, lang: str, **values) -> str:
    """The label ``key`` in ``lang`` ('nl' or 'en'), formatted with ``values``."""
    nl, en = _LABELS[key]
    text = en if lang == "en" else nl
    return text.format(**values) if values else text


def _locale(lang: str) -> str:
    return "en_GB" if lang == "en" else "nl_NL"


def _finite(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def number(value, lang: str, digits: int | None = None) -> str:
    """A number the way the reader writes it: nl '1.234,5', en '1,234.5'; '—' when missing.

    ``digits=None`` picks the precision from the size (whole numbers stay whole; otherwise
    0 decimals from 100 on, 1 from 1 on, else 2), which suits mixed columns in a table."""
    from babel.numbers import format_decimal

    value = _finite(value)
    if value is None:
        return "—"
    if digits is None:
        size = abs(value)
        digits = 0 if value == int(value) or size >= 100 else (1 if size >= 1 else 2)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)  # 10.25 → 10.3
    text = format_decimal(rounded, format=pattern, locale=_locale(lang))
    return "0" + text[2:] if text.startswith("-0") and not any(c in "123456789" for c in text) else text


def percent(value, lang: str, digits: int = 0) -> str:
    """A percentage given in percent (12.34 → nl '12,3%', en '12.3%'); '—' when missing."""
    text = number(value, lang, digits)
    return text if text == "—" else f"{text}%"


def span(low, high, lang: str, digits: int = 0, unit: str = "") -> str:
    """An interval 'low–high' in the reader's numbers ('12,1–18,4%'); '—' when either is missing."""
    lo, hi = number(low, lang, digits), number(high, lang, digits)
    return "—" if "—" in (lo, hi) else f"{lo}–{hi}{unit}"


def money(value, lang: str) -> str:
    """Euros without cents: '€ 162.710' in Dutch, '€ 162,710' in English; '—' when missing."""
    text = number(value, lang, 0)
    return text if text == "—" else "€ " + text


def month_label(day: dt.date, lang: str) -> str:
    """'nov 2025' / 'Nov 2025'."""
    from babel.dates import format_date

    return format_date(day, "LLL yyyy", locale=_locale(lang))


def month_span(start: dt.date | None, end: dt.date | None, lang: str) -> str:
    """The months a period covers: 'Nov 2025 – Oct 2026' (one month: 'Oct 2026')."""
    if start is None or end is None:
        return "—"
    first, last = month_label(start, lang), month_label(end, lang)
    return first if first == last else f"{first} – {last}"


def day_label(day: dt.date, lang: str) -> str:
    """'31 okt 2026' / '31 Oct 2026'."""
    from babel.dates import format_date

    return format_date(day, "d MMM yyyy", locale=_locale(lang))


def unit_word(unit: str, n: int, lang: str) -> str:
    """'team' / 'teams' (and 'vestiging' / 'vestigingen'...) for a count of ``n``."""
    key = f"unit_{unit}"
    one, many = t(key if key in _LABELS else "unit_group", lang).split("|")
    return one if n == 1 else many


def column_label(name, lang: str) -> str:
    """A table column in words: a machine name (``aht_s``, ``voluntary_rate``, a scale key)
    becomes the reader's header; a header a page already worded is kept as it is."""
    name = str(name)
    if name in _COLUMNS:
        nl, en = _COLUMNS[name]
        return en if lang == "en" else nl
    if not _MACHINE.match(name):
        return name
    if name in _LABELS:
        return t(name, lang)
    label = scale_label(name, lang)
    if label != name.replace("_", " "):
        return label
    if name.startswith("score_") and scale_label(name[6:], lang) != name[6:].replace("_", " "):
        return scale_label(name[6:], lang)
    return label[:1].upper() + label[1:]


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
