"""Small hand-built organisations for the privacy tests, written straight into a store.

Scores are chosen per respondent (one number per scale); items are written so that the keyed
scale score equals that number. Employees, invitations and waves are written too, so that the
door sees what it sees in production: who was a member, who was invited, which waves closed.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from verloop.store.schema import (
    Answer,
    Comment,
    Employee,
    Invitation,
    Response,
    Site,
    Team,
    Wave,
    random_id,
)

START = dt.date(2025, 1, 6)
_ids = itertools.count(1)


@dataclass
class Org:
    store: object
    site_ids: dict[str, int] = field(default_factory=dict)
    team_ids: dict[str, int] = field(default_factory=dict)
    wave_ids: dict[str, int] = field(default_factory=dict)
    employees: dict[str, list[int]] = field(default_factory=dict)  # team -> employee ids (current)
    instrument_id: int | None = None

    # -- structure ----------------------------------------------------------------------------
    def team(self, name: str, site: str, members: int = 0, hired: dt.date = dt.date(2020, 1, 1)) -> Org:
        with self.store.session() as s:
            if site not in self.site_ids:
                row = Site(name=site)
                s.add(row)
                s.flush()
                self.site_ids[site] = row.id
            team = Team(name=name, site_id=self.site_ids[site])
            s.add(team)
            s.flush()
            self.team_ids[name] = team.id
        self.employees[name] = []
        self.hire(name, members, hired)
        return self

    def hire(self, team: str, count: int, on: dt.date, hours: float = 36.0) -> list[int]:
        ids = []
        with self.store.session() as s:
            for _ in range(count):
                row = Employee(
                    hr_id=f"E{next(_ids):06d}",
                    team_id=self.team_ids[team],
                    site_id=self._site_of(s, team),
                    contract_hours=hours,
                    hire_date=on,
                )
                s.add(row)
                s.flush()
                ids.append(row.id)
        self.employees[team] += ids
        return ids

    def leave(self, team: str, count: int, on: dt.date, kind: str = "voluntary") -> None:
        leaving, self.employees[team] = self.employees[team][:count], self.employees[team][count:]
        with self.store.session() as s:
            for employee_id in leaving:
                row = s.get(Employee, employee_id)
                row.exit_date, row.exit_type = on, kind

    def _site_of(self, session, team: str) -> int:
        return session.get(Team, self.team_ids[team]).site_id

    # -- survey -------------------------------------------------------------------------------
    def wave(self, name: str, opens: dt.date, closed: bool = True, kind: str = "pulse") -> Org:
        from verloop.surveys import load_instrument
        from verloop.surveys.registry import register_instrument

        with self.store.session() as s:
            instrument_id = register_instrument(s, load_instrument(kind))
            row = Wave(
                name=name,
                instrument_id=instrument_id,
                kind=kind,
                opens_on=opens,
                closes_on=opens + dt.timedelta(days=13),
                status="closed" if closed else "open",
            )
            s.add(row)
            s.flush()
            self.wave_ids[name] = row.id
        return self

    def invite(self, wave: str, team: str, count: int | None = None) -> None:
        with self.store.session() as s:
            invited = len(self.employees[team]) if count is None else count
            row = s.get(Invitation, (self.wave_ids[wave], self.team_ids[team]))
            if row is None:
                s.add(Invitation(wave_id=self.wave_ids[wave], team_id=self.team_ids[team], invited=invited))
            else:
                row.invited = invited

    def answer(
        self,
        wave: str,
        team: str,
        scores: list[float],
        *,
        tenure: list[str | None] | None = None,
        contract: list[str | None] | None = None,
        comments: list[str | None] | None = None,
        invited: int | None = None,
        scales: tuple[str, ...] = ("engagement", "enps"),
        reason: str | None = None,
    ) -> list[str]:
        """One response per score (the same score on every scale in ``scales`` the wave asks)."""
        from verloop.surveys import load_instrument

        instrument = load_instrument(self._wave_kind(wave))
        scales = tuple(s for s in scales if s in {scale.key for scale in instrument.scales})
        day = self._wave_day(wave)
        ids = []
        with self.store.session() as s:
            for i, score in enumerate(scores):
                response = Response(
                    id=random_id(),
                    wave_id=self.wave_ids[wave],
                    team_id=self.team_ids[team],
                    submitted_on=day,
                    language="nl",
                    tenure_band=(tenure or [None] * len(scores))[i],
                    contract_type=(contract or [None] * len(scores))[i],
                    reason=reason,
                )
                s.add(response)
                s.flush()
                for scale in scales:
                    for item in instrument.scale(scale).items:
                        value = score if scale != "enps" else round(min(10, max(0, score * 2)))
                        raw = item.min + item.max - value if item.reverse else value
                        s.add(Answer(response_id=response.id, item_id=item.id, value=float(raw)))
                text = (comments or [None] * len(scores))[i]
                if text is not None:
                    s.add(Comment(id=random_id(), response_id=response.id, question="start", text=text))
                ids.append(response.id)
        self.invite(wave, team, invited if invited is not None else max(len(self.employees[team]), len(scores)))
        return ids

    def _wave_kind(self, wave: str) -> str:
        with self.store.session() as s:
            return s.get(Wave, self.wave_ids[wave]).kind

    def _wave_day(self, wave: str) -> dt.date:
        with self.store.session() as s:
            return s.get(Wave, self.wave_ids[wave]).opens_on + dt.timedelta(days=2)


def org(store) -> Org:
    return Org(store)


def reveal(store) -> int:
    """Tests only: open every sealed ballot now (as closing each wave would, without closing it
    or tidying the files), so a test can read what a submission stored. Returns how many."""
    from sqlalchemy import select

    from verloop.store.schema import Ballot
    from verloop.surveys.ballots import finalise_wave

    with store.session() as s:
        wave_ids = sorted(set(s.scalars(select(Ballot.wave_id))))
    return sum(finalise_wave(store, wave_id, tidy=False)["opened"] for wave_id in wave_ids)
