"""Tidy frames for researchers, built on the one loader the models use (``verloop.models.data``).

The organisation is read once into an ``OrgData`` (``open_org``); the functions here only
reshape it: pulse items as a keyed respondent × item matrix for psychometrics, scale scores in
long form with team, site and team-lead style, employees with their team context, and exit and
follow-up reasons. Nothing here links an answer to a person: responses keep their team and
wave only (ANONYMITY.md), and group figures built from these frames must show ``n`` and hide
groups below the organisation's minimum group size (``min_group_size``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from verloop.errors import InputError
from verloop.models.data import OrgData, load_org

DEFAULT_MIN_GROUP = 5
SOURCES = {"exit": "stated", "followup": "honest"}
"""Which reason each survey kind gives: stated at exit, honest in the anonymous follow-up."""


def database_url(url: str | None = None) -> str | None:
    """``url``, else ``$VERLOOP_DB``, else the demo database ``var/verloop.db`` of this checkout
    (so a notebook opened from ``analysis/`` finds it too), else None (the store's default)."""
    from verloop.config import checkout_root, current

    if url or current().db:
        return url or current().db
    root = checkout_root()
    checkout = root / "var" / "verloop.db" if root is not None else None
    return f"sqlite:///{checkout}" if checkout is not None and checkout.is_file() else None


def open_org(url: str | None = None, as_of=None) -> OrgData:
    """Open the database (see ``database_url``) and read the organisation into memory."""
    from verloop.store import Store

    store = Store.open(database_url(url))
    try:
        return load_org(store, as_of=as_of)
    finally:
        store.dispose()


def truth_path(url: str | None = None) -> Path | None:
    """Where the synthetic organisation's ground truth lies, if there is one: ``$VERLOOP_TRUTH``,
    else the file ``verloop demo`` writes beside a SQLite database (``<db>.truth.json``)."""
    from sqlalchemy.engine import make_url

    from verloop.config import current
    from verloop.store import resolve_url

    explicit = current().truth
    if explicit:
        return explicit if explicit.is_file() else None
    parsed = make_url(resolve_url(database_url(url)))
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    candidate = Path(f"{Path(parsed.database).with_suffix('')}.truth.json")
    return candidate if candidate.is_file() else None


def load_truth(url: str | None = None) -> dict | None:
    """The ground truth of a synthetic organisation (see ``truth_path``), or None."""
    from verloop.synth import read_truth

    path = truth_path(url)
    return read_truth(path) if path is not None else None


def min_group_size(org: OrgData) -> int:
    """The organisation's minimum reporting group k (default 5)."""
    return int(org.settings.get("min_group_size") or DEFAULT_MIN_GROUP)


def group_size_of(frame: pd.DataFrame, k: int | None = None) -> int:
    """``k`` if given, else the organisation's k that the frame's loader recorded
    (``frame.attrs["min_group_size"]``: ``employees_frame``, ``exit_reasons``); never a k of
    its own, so a helper cannot quietly suppress with 5 where the organisation chose 10."""
    if k is not None:
        return int(k)
    if frame.attrs.get("min_group_size") is None:
        raise InputError(
            "pass k, the organisation's minimum group size (min_group_size(org)); this frame does not carry it."
        )
    return int(frame.attrs["min_group_size"])


def team_context(org: OrgData) -> pd.DataFrame:
    """One row per team: ``team_id, team, site_id, site, lead_style`` (style as a category in
    the order servant < neutral < taylorist when those are the styles used)."""
    from verloop.domain.constants import LEAD_STYLES

    teams = org.teams.rename(columns={"id": "team_id", "name": "team"})
    if org.sites is not None and len(org.sites):
        sites = org.sites.rename(columns={"id": "site_id", "name": "site"})[["site_id", "site"]]
        teams = teams.merge(sites, on="site_id", how="left")
    else:
        teams = teams.assign(site=teams["site_id"].map(lambda s: f"site {s}"))
    out = teams[["team_id", "team", "site_id", "site", "lead_style"]].copy()
    styles = out["lead_style"].dropna().unique().tolist()
    order = [s for s in LEAD_STYLES if s in styles] + sorted(set(styles) - set(LEAD_STYLES))
    out["lead_style"] = pd.Categorical(out["lead_style"], categories=order)
    return out.astype({"team_id": "int64", "site_id": "int64", "team": "object", "site": "object"})


def _with_team(frame: pd.DataFrame, org: OrgData) -> pd.DataFrame:
    context = team_context(org).drop(columns="site_id")
    return frame.merge(context, on="team_id", how="left")


def _waves(org: OrgData) -> pd.DataFrame:
    return org.waves[["id", "name", "kind", "opens_on"]].rename(columns={"id": "wave_id", "name": "wave"})


@dataclass(frozen=True)
class PulseItems:
    """Pulse answers ready for psychometrics.

    ``items``: one row per response (index ``response_id``), one column per item, reverse-keyed
    items already turned around; ``scales``: scale → its item columns (scales with ≥ 2 items);
    ``responses``: ``response_id, wave_id, wave, opens_on, team_id, team, site, lead_style``.
    """

    items: pd.DataFrame
    scales: dict[str, list[str]]
    responses: pd.DataFrame

    def describe(self) -> str:
        """One line: responses, items, scales, single items."""
        singles = ", ".join(self.single_items) or "none"
        return (
            f"{self.items.shape[0]} pulse responses × {self.items.shape[1]} items; "
            f"{len(self.scales)} multi-item scales; single items: {singles}"
        )

    @property
    def multi_items(self) -> list[str]:
        """Item columns of the multi-item scales, scale by scale (for a factor analysis)."""
        return [c for cols in self.scales.values() for c in cols]

    @property
    def single_items(self) -> list[str]:
        """Item columns that belong to no multi-item scale (e.g. eNPS)."""
        used = {c for cols in self.scales.values() for c in cols}
        return [c for c in self.items.columns if c not in used]


def pulse_items(org: OrgData) -> PulseItems:
    """Keyed respondent × item matrix of every pulse response (latest instrument's items)."""
    from verloop.surveys import item_matrix

    instrument = org.pulse_instrument()
    scores = org.scale_scores()
    answers = org.answers[org.answers["response_id"].isin(scores["response_id"])]
    known = {item.id for item in instrument.items}
    answers = answers[answers["item_id"].isin(known)]
    if answers.empty:
        raise InputError("There are no pulse answers yet; run a pulse survey before analysing scales.")
    items = item_matrix(answers, instrument)
    responses = scores[["response_id", "wave_id", "team_id"]].merge(_waves(org), on="wave_id")
    responses = _with_team(responses.drop(columns="kind"), org)
    responses = responses.set_index("response_id").reindex(items.index).reset_index()
    return PulseItems(items=items, scales=instrument.scale_items(min_items=2), responses=responses)


def scale_scores_long(org: OrgData) -> pd.DataFrame:
    """Pulse scale scores, one row per response × scale: ``response_id, wave_id, wave,
    opens_on, team_id, team, site, lead_style, scale, score`` (unanswered scales left out)."""
    scores = org.scale_scores()
    scales = org.scales()
    long = scores.melt(
        id_vars=["response_id", "wave_id", "team_id"],
        value_vars=scales,
        var_name="scale",
        value_name="score",
    )
    long = long.dropna(subset=["score"])
    long = long.merge(_waves(org).drop(columns="kind"), on="wave_id", how="left")
    long = _with_team(long, org)
    long["scale"] = pd.Categorical(long["scale"], categories=scales)
    columns = ["response_id", "wave_id", "wave", "opens_on", "team_id", "team", "site", "lead_style", "scale", "score"]
    return long[columns].astype({"score": "float64"}).reset_index(drop=True)


def employees_frame(org: OrgData) -> pd.DataFrame:
    """HR records with ``team, site, lead_style`` and ``contract`` (part-time below 32 h)."""
    from verloop.privacy.turnover import contract_type

    employees = org.employees.rename(columns={"id": "employee_id"})
    employees = _with_team(employees, org)
    employees["contract"] = pd.Categorical(
        contract_type(employees["contract_hours"]), categories=["full-time", "part-time"]
    )
    employees.attrs["min_group_size"] = min_group_size(org)
    return employees


def reason_labels(org: OrgData, lang: str = "en") -> dict[str, str]:
    """Reason code → label in ``lang``, from the exit and follow-up instruments, in list order."""
    labels: dict[str, str] = {}
    kinds = org.waves.set_index("id")["kind"]
    for wave_id, instrument in sorted(org.instruments.items()):
        if kinds.get(wave_id) not in SOURCES:
            continue
        for reason in instrument.reasons:
            labels.setdefault(reason.code, reason.label[lang])
    return labels


def exit_reasons(org: OrgData) -> pd.DataFrame:
    """One row per exit or follow-up response with a reason: ``response_id, kind, source``
    (stated | honest), ``wave_id, wave, submitted_on, team_id, team, site, lead_style, reason``.

    Exit and follow-up answers are anonymous and cannot be paired per person: compare the two
    distributions, not individuals."""
    waves = _waves(org)
    reasons = org.responses.merge(waves[waves["kind"].isin(list(SOURCES))], on="wave_id")
    reasons = reasons[reasons["reason"].notna()].rename(columns={"id": "response_id"})
    reasons["source"] = pd.Categorical(reasons["kind"].map(SOURCES), categories=list(SOURCES.values()))
    codes = list(reason_labels(org)) or sorted(reasons["reason"].unique())
    codes += sorted(set(reasons["reason"]) - set(codes))
    reasons["reason"] = pd.Categorical(reasons["reason"], categories=codes)
    reasons = _with_team(reasons, org)
    if "site_id" in reasons.columns:  # stored by site (or organisation) only: docs/anonymity.md
        sites = team_context(org).drop_duplicates("site_id").set_index("site_id")["site"]
        reasons["site"] = reasons["site"].fillna(reasons["site_id"].map(sites))
    columns = [
        "response_id",
        "kind",
        "source",
        "wave_id",
        "wave",
        "submitted_on",
        "team_id",
        "team",
        "site",
        "lead_style",
        "reason",
    ]
    reasons = reasons[columns].sort_values(["source", "submitted_on", "reason"], kind="stable").reset_index(drop=True)
    reasons.attrs["min_group_size"] = min_group_size(org)
    return reasons


def overview(org: OrgData) -> pd.DataFrame:
    """What the data holds: one row per fact with its count (for a notebook's first cell)."""
    waves = org.waves["kind"].value_counts()
    kinds = org.responses.merge(_waves(org), on="wave_id")["kind"].value_counts()
    start, end = org.data_window()
    employees = org.employees
    rows = [
        ("data from", start.date().isoformat()),
        ("data to", end.date().isoformat()),
        ("sites", int(org.teams["site_id"].nunique())),
        ("teams", int(len(org.teams))),
        ("employees (HR records)", int(len(employees))),
        ("voluntary leavers", int((employees["exit_type"] == "voluntary").sum())),
        ("involuntary leavers", int((employees["exit_type"] == "involuntary").sum())),
        ("pulse waves", int(waves.get("pulse", 0))),
        ("pulse responses", int(kinds.get("pulse", 0))),
        ("exit responses", int(kinds.get("exit", 0))),
        ("follow-up responses", int(kinds.get("followup", 0))),
        ("survey mode", org.survey_mode),
        ("minimum group size k", min_group_size(org)),
    ]
    return pd.DataFrame(rows, columns=["what", "value"]).astype({"value": "object"})


__all__ = [
    "PulseItems",
    "SOURCES",
    "database_url",
    "employees_frame",
    "exit_reasons",
    "load_truth",
    "min_group_size",
    "open_org",
    "overview",
    "pulse_items",
    "reason_labels",
    "scale_scores_long",
    "team_context",
    "truth_path",
]
