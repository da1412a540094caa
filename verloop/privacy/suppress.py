"""Which group figures may be shown: primary, complementary and trend suppression on the tree.

The organisation is a tree: organisation → sites → teams. For one figure (a scale, eNPS, the
response count, comments …) and one wave, every node has ``n`` people behind it. A figure is
*additive* over people (a sum, a count, a histogram bin, promoters − detractors), so whatever
is published is a set of linear equations over the people's answers. This module picks the
published set so that no hidden figure — and no group of fewer than k people — can be solved
from it.

Rules per wave (proved for a tree in ``docs``-style comments below, checked with linear algebra
by the property test):

1. **Primary**: a node with 1 ≤ n < k is hidden.
2. **No subtraction** (complementary suppression). For a shown node p, let U(p) be the hidden
   teams under p that no shown node between them and p covers (what ``p`` minus everything
   shown below it reveals, as one sum). U(p) must be empty, or hold ≥ k people spread over ≥ 2
   children of p — otherwise the next-smallest child is hidden too (or p itself when nothing is
   left). A hidden node must keep at least one such uncovered team, or it could be added up
   from its children.
3. **Consecutive waves** (the trend guard). Many people answer about the same in consecutive
   waves, so comparing a group's figure in two waves isolates whoever joined or left. When the
   people who can differ between two waves of a node — joiners, leavers and non-respondents of
   either wave — are fewer than k and at least one person joined or left, the later figure is
   hidden (also when the earlier one was hidden: the later one would give it away). A node whose
   figure is pinned to an earlier shown one (same people, everyone answered both times) counts
   as known: it cannot serve to hide another. Every hidden sum under a shown node must include
   a team with at least one non-respondent, so that it cannot be matched across waves either.

Teams with n = 0 are empty (nothing to hide, shown as "no responses").
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from verloop.privacy.policy import COMPLEMENT, MIN_GROUP, NO_RESPONSES, SHOWN, TREND

ORG, SITE, TEAM = "organisation", "site", "team"
LEVELS = (ORG, SITE, TEAM)
Node = tuple[str, str]
ORG_NODE: Node = (ORG, "")
HIDDEN_REASONS = frozenset({MIN_GROUP, COMPLEMENT, TREND})


def check_level(level: str) -> str:
    from verloop.errors import InputError

    aliases = {"org": ORG, "organization": ORG, "all": ORG, "sites": SITE, "teams": TEAM}
    level = aliases.get(level, level)
    if level not in LEVELS:
        raise InputError(f"cannot group by '{level}'; use one of {', '.join(LEVELS)}.")
    return level


class Hierarchy:
    """Organisation → sites → teams, by name. Immutable once built."""

    def __init__(self, team_site: Mapping[str, str]):
        self.team_site: dict[str, str] = {str(t): str(s) for t, s in team_site.items()}
        self.sites: list[str] = sorted(set(self.team_site.values()))
        self.teams: list[str] = sorted(self.team_site)
        self.site_teams: dict[str, list[str]] = {s: [] for s in self.sites}
        for team in self.teams:
            self.site_teams[self.team_site[team]].append(team)

    def nodes(self, level: str | None = None) -> list[Node]:
        out: list[Node] = []
        if level in (None, ORG):
            out.append(ORG_NODE)
        if level in (None, SITE):
            out.extend((SITE, s) for s in self.sites)
        if level in (None, TEAM):
            out.extend((TEAM, t) for t in self.teams)
        return out

    def children(self, node: Node) -> list[Node]:
        level, name = node
        if level == ORG:
            return [(SITE, s) for s in self.sites]
        if level == SITE:
            return [(TEAM, t) for t in self.site_teams.get(name, [])]
        return []

    def parent(self, node: Node) -> Node | None:
        level, name = node
        if level == TEAM:
            return (SITE, self.team_site[name])
        if level == SITE:
            return ORG_NODE
        return None

    def teams_under(self, node: Node) -> list[str]:
        level, name = node
        if level == ORG:
            return list(self.teams)
        if level == SITE:
            return list(self.site_teams.get(name, []))
        return [name]

    def child_towards(self, node: Node, team: str) -> Node:
        """The child of ``node`` on the way down to ``team``."""
        if node[0] == ORG:
            return (SITE, self.team_site[team])
        return (TEAM, team)

    def internal_bottom_up(self) -> list[Node]:
        return [(SITE, s) for s in self.sites] + [ORG_NODE]


@dataclass(frozen=True)
class WaveCounts:
    """One wave of one figure, per team: who has a value, who was invited, who was a member.

    ``invited`` and ``members`` are optional: without them the trend guard cannot tell joiners
    from non-respondents and treats every team as possibly incomplete (see ``fresh``).
    """

    name: str
    n: Mapping[str, int]
    invited: Mapping[str, int] | None = None
    members: Mapping[str, frozenset] | None = None
    # Optional: members of sites and the organisation, when the caller has them already.
    group_members: Mapping[Node, frozenset] | None = None


@dataclass(frozen=True)
class NodeStats:
    n: int
    invited: int | None
    nonresp: int | None  # invited − n; None when unknown
    members: frozenset | None


@dataclass(frozen=True)
class Decision:
    """The verdict for one node in one wave."""

    n: int
    reason: str = SHOWN
    known: bool = False  # equal to a figure already shown in an earlier wave

    @property
    def hidden(self) -> bool:
        return self.reason in HIDDEN_REASONS

    @property
    def shown(self) -> bool:
        return self.reason == SHOWN


def node_stats(hierarchy: Hierarchy, counts: WaveCounts) -> dict[Node, NodeStats]:
    """n, invited, non-respondents and members for every node (sums over its teams)."""
    team_stats: dict[str, NodeStats] = {}
    for team in hierarchy.teams:
        n = int(counts.n.get(team, 0) or 0)
        members = None if counts.members is None else counts.members.get(team, frozenset())
        invited = None
        if counts.invited is not None and counts.invited.get(team) is not None:
            invited = int(counts.invited[team])
        elif members is not None:
            invited = len(members)
        nonresp = invited - n if invited is not None and invited >= n else None
        team_stats[team] = NodeStats(n, invited, nonresp, members)
    out: dict[Node, NodeStats] = {(TEAM, t): s for t, s in team_stats.items()}
    for node in hierarchy.internal_bottom_up():
        parts = [team_stats[t] for t in hierarchy.teams_under(node)]
        # answers stored without a team count for the site / organisation they were stored with
        below = [
            other for other in hierarchy.internal_bottom_up() if other != node and other[0] == SITE and node[0] == ORG
        ]
        n = sum(p.n for p in parts) + int(counts.n.get(node, 0) or 0) + sum(int(counts.n.get(b, 0) or 0) for b in below)
        invited = None if any(p.invited is None for p in parts) else sum(p.invited for p in parts)
        nonresp = None if any(p.nonresp is None for p in parts) else sum(p.nonresp for p in parts)
        members = None
        if counts.group_members is not None and node in counts.group_members:
            members = counts.group_members[node]
        elif parts and all(p.members is not None for p in parts):
            members = frozenset().union(*(p.members for p in parts))
        out[node] = NodeStats(n, invited, nonresp, members)
    return out


@dataclass(frozen=True)
class Drift:
    changed: int  # joiners + leavers (a lower bound when not exact)
    drift: int  # changed + non-respondents of both waves
    exact: bool  # membership known in both waves


def drift(earlier: NodeStats, later: NodeStats, cap: int | None = None) -> Drift | None:
    """How many people can differ between two waves of one node; None when unknowable.

    With ``cap``, a drift of at least ``cap`` is reported as exactly ``cap`` (the rules only
    compare it with k), which spares comparing member lists of whole sites.
    """
    if earlier.nonresp is None or later.nonresp is None:
        return None
    if cap is not None and earlier.nonresp + later.nonresp >= cap:
        return Drift(cap, cap, earlier.members is not None and later.members is not None)
    if earlier.members is not None and later.members is not None:
        changed = len(earlier.members ^ later.members)
        exact = True
    else:
        changed = abs(int(earlier.invited or 0) - int(later.invited or 0))
        exact = False
    return Drift(changed, changed + earlier.nonresp + later.nonresp, exact)


@dataclass
class _WaveState:
    hierarchy: Hierarchy
    stats: dict[Node, NodeStats]
    k: int
    hidden: dict[Node, str] = field(default_factory=dict)
    known: set[Node] = field(default_factory=set)
    derivable: set[Node] = field(default_factory=set)
    # People of a team whose answers are not pinned down by an earlier shown wave of it (at most n)
    uncertain: dict[str, int] = field(default_factory=dict)

    def n(self, node: Node) -> int:
        return self.stats[node].n

    def fresh(self, team: str) -> bool:
        """A team with a non-respondent (or unknown invitations): its sum cannot be matched
        to another wave's, because nobody outside knows exactly who answered."""
        nonresp = self.stats[(TEAM, team)].nonresp
        return nonresp is None or nonresp >= 1

    def is_hidden(self, node: Node) -> bool:
        return node in self.hidden and node not in self.derivable

    def uncovered(self, node: Node) -> list[str]:
        """Hidden teams under ``node`` with only hidden nodes between them and ``node``."""
        out: list[str] = []
        for child in self.hierarchy.children(node):
            if self.n(child) == 0 or not self.is_hidden(child):
                continue
            if child[0] == TEAM:
                out.append(child[1])
            else:
                out.extend(self.uncovered(child))
        return out

    def has_fresh(self, node: Node) -> bool:
        return any(self.fresh(t) for t in self.hierarchy.teams_under(node) if self.n((TEAM, t)) > 0)

    def pick(self, parent: Node, prefer_fresh: bool) -> Node | None:
        """The child to hide next: fresh ones first when needed, then the smallest."""
        candidates = [
            c for c in self.hierarchy.children(parent) if self.n(c) > 0 and c not in self.hidden and c not in self.known
        ]
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda c: (not (prefer_fresh and self.has_fresh(c)), self.n(c), c[1]),
        )

    def safe_union(self, parent: Node, teams: list[str]) -> bool:
        """What ``parent`` minus its shown parts reveals must be a sum over ≥ k people, from ≥ 2
        children, holding a team with a non-respondent, and ≥ k people must remain uncertain
        after matching each team with its earlier shown waves."""
        if not teams:
            return True
        size = sum(self.n((TEAM, t)) for t in teams)
        uncertain = sum(self.uncertain.get(t, self.n((TEAM, t))) for t in teams)
        branches = {self.hierarchy.child_towards(parent, t) for t in teams}
        return size >= self.k and uncertain >= self.k and len(branches) >= 2 and any(self.fresh(t) for t in teams)

    def protect(self) -> None:
        """Add complementary suppressions until rules 2 and 3 hold (monotone, so it ends)."""
        changed = True
        while changed:
            changed = False
            for node in self.hierarchy.internal_bottom_up():
                if self.n(node) == 0 or node in self.derivable:
                    continue
                teams = self.uncovered(node)
                if node in self.hidden:
                    if teams:
                        continue
                    child = self.pick(node, prefer_fresh=True)
                    if child is None:
                        # Every child is shown or known: this node can be added up anyway.
                        self.derivable.add(node)
                    else:
                        self.hidden[child] = COMPLEMENT
                    changed = True
                elif not self.safe_union(node, teams):
                    need_fresh = not any(self.fresh(t) for t in teams)
                    child = self.pick(node, prefer_fresh=need_fresh or not teams)
                    if child is None:
                        self.hidden[node] = COMPLEMENT
                    else:
                        self.hidden[child] = COMPLEMENT
                    changed = True


History = dict[Node, list[tuple[int, int, NodeStats, Decision]]]


def _primary(state: _WaveState, history: History, time_guard: bool) -> None:
    """Primary and trend suppression. ``history`` holds, per node, its earlier waves with a known
    non-response count as (non-respondents, order, stats, verdict), fewest non-respondents first,
    so only the few waves that can matter are looked at."""
    k = state.k
    for node, stats in state.stats.items():
        if stats.n == 0:
            continue
        comparisons = []
        if time_guard and stats.nonresp is not None and stats.nonresp < k:
            budget = k - stats.nonresp  # an earlier wave matters only with fewer non-respondents
            for nonresp, _, before, verdict in history.get(node, ()):
                if nonresp >= budget:
                    break  # this and every later entry has a drift of at least k: no rule fires
                comparisons.append((verdict, drift(before, stats, cap=k)))
        if node[0] == TEAM:
            state.uncertain[node[1]] = min([stats.n, *(d.drift for v, d in comparisons if v.shown)])
        if stats.n < k:
            state.hidden[node] = MIN_GROUP
            continue
        if any(v.shown and d.exact and d.drift == 0 for v, d in comparisons):
            # The same people, all answering, as in a wave already shown: the figure is known.
            state.known.add(node)
            continue
        for verdict, d in comparisons:
            if verdict.hidden:
                # Publishing a figure (nearly) equal to a hidden one would publish that one. A
                # figure hidden by this guard itself is protected by the direct comparisons with
                # the shown waves, so only an exact repeat of it matters.
                if d.drift == 0 or (verdict.reason != TREND and d.drift < k):
                    state.hidden[node] = TREND
                    break
            elif not d.exact or d.changed >= 1:
                if d.drift < k:
                    state.hidden[node] = TREND
                    break


def plan_waves(
    hierarchy: Hierarchy,
    waves: Sequence[WaveCounts],
    k: int,
    *,
    time_guard: bool = True,
) -> list[dict[Node, Decision]]:
    """Decide, wave by wave in the given (chronological) order, what each node may show."""
    history: History = {}
    plans: list[dict[Node, Decision]] = []
    for order, counts in enumerate(waves):
        state = _WaveState(hierarchy, node_stats(hierarchy, counts), k)
        _primary(state, history, time_guard)
        state.protect()
        plan: dict[Node, Decision] = {}
        for node, stats in state.stats.items():
            if stats.n == 0:
                plan[node] = Decision(0, NO_RESPONSES, known=True)
            elif node in state.hidden and node not in state.derivable:
                plan[node] = Decision(stats.n, state.hidden[node])
            elif node in state.derivable:
                # Its children add up to it and none can usefully be hidden (they repeat figures
                # shown earlier): hiding it would only pretend. Showing it adds nothing new.
                plan[node] = Decision(stats.n, SHOWN, known=True)
            else:
                plan[node] = Decision(stats.n, SHOWN, known=node in state.known)
            if time_guard and stats.n > 0 and stats.nonresp is not None and stats.nonresp < k:
                bisect.insort(
                    history.setdefault(node, []),
                    (stats.nonresp, order, stats, plan[node]),
                    key=lambda entry: (entry[0], entry[1]),
                )
        plans.append(plan)
    return plans


def plan_wave(hierarchy: Hierarchy, counts: WaveCounts, k: int) -> dict[Node, Decision]:
    """One wave on its own (no trend guard): comments, exit reasons, HR headcounts."""
    return plan_waves(hierarchy, [counts], k, time_guard=False)[0]


__all__ = [
    "Decision",
    "Drift",
    "HIDDEN_REASONS",
    "Hierarchy",
    "LEVELS",
    "Node",
    "NodeStats",
    "ORG",
    "ORG_NODE",
    "SITE",
    "TEAM",
    "WaveCounts",
    "check_level",
    "drift",
    "node_stats",
    "plan_wave",
    "plan_waves",
]
