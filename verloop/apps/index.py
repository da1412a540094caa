"""The landing page: what the organisation in the database looks like, and links to the apps."""

from __future__ import annotations

import html

import ipywidgets as widgets

from verloop.apps.common import app_store
from verloop.status import organisation_status

LABELS = {
    "sites": ("Vestigingen", "Sites"),
    "teams": ("Teams", "Teams"),
    "current_employees": ("Medewerkers nu", "Current employees"),
    "leavers": ("Vertrokken (totaal)", "Leavers (all time)"),
    "voluntary_leavers": ("Vrijwillig vertrokken", "Voluntary leavers"),
    "kpi_rows": ("KPI-maanden", "KPI team-months"),
    "waves": ("Meetrondes", "Survey waves"),
    "pulse_responses": ("Pulsresponsen", "Pulse responses"),
    "exit_responses": ("Exitresponsen", "Exit responses"),
    "min_group_size": ("Minimale groepsgrootte", "Minimum group size"),
}


def index_rows(status: dict) -> list[tuple[str, str, str]]:
    return [(nl, en, str(status[key])) for key, (nl, en) in LABELS.items() if key in status]


def build(store=None) -> widgets.Widget:
    status = organisation_status(store or app_store())
    rows = "".join(
        f"<tr><td>{html.escape(nl)}</td><td>{html.escape(en)}</td><td style='text-align:right'>{html.escape(v)}</td></tr>"
        for nl, en, v in index_rows(status)
    )
    page = widgets.HTML(
        f"<h2>Verloop — {html.escape(str(status['organisation']))}</h2>"
        f"<table class='verloop-status'><thead><tr><th>Nederlands</th><th>English</th><th>#</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    page.add_class("verloop-index")
    return page
