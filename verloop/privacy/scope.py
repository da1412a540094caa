"""Who may see which groups: the signed-in account's scope, applied inside the door.

A ``Scope`` is a role plus the sites or teams it covers:

* ``hr`` — every group, comments, exports, model cards and the access log;
* ``site`` — one site: the organisation, that site and its teams; comments and exports of those;
* ``lead`` — one or more teams: the organisation and those teams (not their site);
* ``research`` — every group, exports and model cards, but no comments.

The door (``verloop.privacy.door.Door``) gets the scope when it is made and filters every row it
publishes through ``ScopeView.sees``; asking explicitly for a site or team outside the scope is
refused with ``ScopeError``, whatever the page or a widget sent.

**Why k and differencing hold within every role.** Suppression is planned once for the whole
organisation (``verloop.privacy.suppress``) and the families of demographic filters are audited
for the whole organisation too (``verloop.privacy.families``). A scope only *removes* published
rows; it never re-plans on the smaller view. What a role sees is therefore a subset of one set of
figures from which no group of fewer than k people can be solved — and a subset of a system of
equations cannot solve more than the whole. In particular a lead cannot subtract their team from
a site figure to find a small hidden group: the global plan already keeps that difference ≥ k or
hidden, and every role meets the very same hidden cells (a plan made per role could show a lead
what HR sees hidden, and the two views together would reveal it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

import pandas as pd

from verloop.errors import ConfigError, PrivacyError
from verloop.i18n import t
from verloop.privacy.suppress import ORG, SITE, TEAM, Node

HR, SITE_ROLE, LEAD, RESEARCH = "hr", "site", "lead", "research"
ROLES = (HR, SITE_ROLE, LEAD, RESEARCH)

FIGURES = "figures"
COMMENTS = "comments"
EXPORTS = "exports"
MODEL_CARDS = "model_cards"
ACCESS_LOG = "access_log"
CAPABILITIES = (FIGURES, COMMENTS, EXPORTS, MODEL_CARDS, ACCESS_LOG)

ALLOWED: dict[str, frozenset[str]] = {
    HR: frozenset(CAPABILITIES),
    SITE_ROLE: frozenset({FIGURES, COMMENTS, EXPORTS}),
    LEAD: frozenset({FIGURES, COMMENTS, EXPORTS}),
    RESEARCH: frozenset({FIGURES, EXPORTS, MODEL_CARDS}),
}


class ScopeError(PrivacyError):
    """A request for groups or things outside the signed-in account's scope."""


@dataclasses.dataclass(frozen=True)
class Scope:
    """A role and the site / team ids it covers (ids of the ``sites`` / ``teams`` tables)."""

    role: str = HR
    site_ids: frozenset[int] = frozenset()
    team_ids: frozenset[int] = frozenset()

    def __post_init__(self):
        if self.role not in ROLES:
            raise ConfigError(f"unknown role '{self.role}'; use one of {', '.join(ROLES)}.")
        object.__setattr__(self, "site_ids", frozenset(_ids(self.site_ids, "site")))
        object.__setattr__(self, "team_ids", frozenset(_ids(self.team_ids, "team")))
        if self.role in (HR, RESEARCH) and (self.site_ids or self.team_ids):
            raise ConfigError(f"the role {self.role} covers the whole organisation; give it no site or team.")
        if self.role == SITE_ROLE and (len(self.site_ids) != 1 or self.team_ids):
            raise ConfigError("the role site covers exactly one site (and no separate teams).")
        if self.role == LEAD and (not self.team_ids or self.site_ids):
            raise ConfigError("the role lead covers one or more teams (and no site).")

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def everything(cls) -> Scope:
        """HR: the whole organisation (the CLI and the bootstrap HR token)."""
        return cls(HR)

    @classmethod
    def research(cls) -> Scope:
        return cls(RESEARCH)

    @classmethod
    def site(cls, site_id: int) -> Scope:
        return cls(SITE_ROLE, site_ids=frozenset({site_id}))

    @classmethod
    def lead(cls, team_ids: Iterable[int]) -> Scope:
        return cls(LEAD, team_ids=frozenset(team_ids))

    # -- what the role may do -------------------------------------------------------------------
    @property
    def whole_organisation(self) -> bool:
        return self.role in (HR, RESEARCH)

    def allows(self, capability: str) -> bool:
        if capability not in CAPABILITIES:
            raise ConfigError(f"unknown capability '{capability}'; use one of {', '.join(CAPABILITIES)}.")
        return capability in ALLOWED[self.role]

    def require(self, capability: str, lang: str = "en") -> None:
        """Raise ``ScopeError`` (one sentence, in ``lang``) unless the role may use ``capability``."""
        if self.allows(capability):
            return
        role, what = t(f"privacy.role.{self.role}", lang), t(f"privacy.capability.{capability}", lang)
        raise ScopeError(t("privacy.cannot_open", lang, role=role, what=what))

    def resolve(self, structure) -> ScopeView:
        """The scope in names, against the organisation's structure (``privacy.data.Structure``)."""
        if self.whole_organisation:
            return ScopeView(self, None, None)
        teams = structure.teams
        if self.role == SITE_ROLE:
            rows = teams[teams["site_id"].isin(list(self.site_ids))]
            return ScopeView(self, frozenset(rows["site"].astype(str)), frozenset(rows["team"].astype(str)))
        rows = teams[teams["team_id"].isin(list(self.team_ids))]
        return ScopeView(self, frozenset(), frozenset(rows["team"].astype(str)))


def _ids(values, what: str) -> list[int]:
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ConfigError(f"a {what} id must be a whole number, not {value!r}.") from None
        out.append(int(value))
    return out


@dataclasses.dataclass(frozen=True)
class ScopeView:
    """A scope resolved to site and team names. ``None`` means every site / team."""

    scope: Scope
    sites: frozenset[str] | None
    teams: frozenset[str] | None

    @property
    def role(self) -> str:
        return self.scope.role

    def sees(self, node: Node) -> bool:
        """May this scope see a figure of ``node`` (level, name)? The organisation: always."""
        level, name = node
        if level == ORG or self.teams is None:
            return True
        if level == SITE:
            return name in (self.sites or ())
        return name in self.teams

    def check_selection(self, selection: Mapping[str, str | None], lang: str = "en") -> dict:
        """The door's site / team selection, refused when it names a group outside the scope."""
        out = dict(selection)
        for level in (SITE, TEAM):
            name = out.get(level)
            if name is not None and not self.sees((level, str(name))):
                raise self.refusal(level, str(name), lang)
        return out

    def refusal(self, level: str, name: str, lang: str = "en") -> ScopeError:
        role = t(f"privacy.role.{self.role}", lang)
        words = t(f"privacy.level.{level}", lang)
        return ScopeError(t("privacy.outside_scope", lang, level=words, name=name, role=role))

    def filter(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows of a published frame (columns level / site / team) this scope may see."""
        if self.teams is None or frame is None or frame.empty:
            return frame
        if "level" not in frame.columns:
            if TEAM in frame.columns:
                return frame[frame[TEAM].astype(str).isin(self.teams)].reset_index(drop=True)
            raise ConfigError("a scoped frame needs a level column (or a team column).")
        level = frame["level"].astype(str)
        keep = level.eq(ORG)
        if SITE in frame.columns:
            keep |= level.eq(SITE) & frame[SITE].astype(str).isin(self.sites or ())
        if TEAM in frame.columns:
            keep |= level.eq(TEAM) & frame[TEAM].astype(str).isin(self.teams)
        return frame[keep].reset_index(drop=True)

    def team_ids(self, structure) -> list[int]:
        """Ids of the teams this scope sees (every team for HR and research)."""
        teams = structure.teams
        if self.teams is None:
            return sorted(int(t) for t in teams["team_id"])
        return sorted(int(t) for t in teams.loc[teams["team"].astype(str).isin(self.teams), "team_id"])

    def site_ids(self, structure) -> list[int]:
        """Ids of the sites this scope sees as a group (a lead sees none)."""
        teams = structure.teams
        if self.sites is None:
            return sorted({int(s) for s in teams["site_id"]})
        return sorted({int(s) for s in teams.loc[teams["site"].astype(str).isin(self.sites), "site_id"]})


__all__ = [
    "ACCESS_LOG",
    "ALLOWED",
    "CAPABILITIES",
    "COMMENTS",
    "EXPORTS",
    "FIGURES",
    "HR",
    "LEAD",
    "MODEL_CARDS",
    "RESEARCH",
    "ROLES",
    "SITE_ROLE",
    "Scope",
    "ScopeError",
    "ScopeView",
]
