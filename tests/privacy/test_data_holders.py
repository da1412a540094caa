"""The attackers who hold the data (docs/anonymity.md), each played the way they would try.

1. HR with its own employee table matches stored exit / follow-up answers to leavers.
2. Whoever holds the codes file, with a database copy, tries to tell who has answered.
3. A live reader copies the database files after every submission and reads the raw bytes.
4. Forensics at rest after the wave closes: logs, free pages, physical order, file times.
5. The survey server's operator: confidential mode sets the pseudonym, anonymous never does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, text

from tests.privacy.builders import reveal
from verloop.store.schema import Ballot, Employee, Response, Site, Team, Token, Wave

TODAY = dt.date(2026, 3, 2)
EXIT_WINDOW_DAYS = 7  # exit survey: within a week before the last day
FOLLOWUP_DAYS = (7 * 7, 13 * 7)  # follow-up: 7-13 weeks after leaving


# -- 1. HR with the employee table --------------------------------------------------------------


def candidates(response, leavers: pd.DataFrame, kind: str) -> int:
    """How many leavers HR's own records leave for one stored answer: same site (when stored),
    an exit date that fits the stored date at its stored precision (a quarter)."""
    start = pd.Timestamp(response.submitted_on)
    end = start + pd.offsets.QuarterEnd(0)
    if kind == "exit":
        low, high = start, end + pd.Timedelta(days=EXIT_WINDOW_DAYS)
    else:
        low, high = start - pd.Timedelta(days=FOLLOWUP_DAYS[1]), end - pd.Timedelta(days=FOLLOWUP_DAYS[0])
    fits = leavers[(leavers["exit_date"] >= low) & (leavers["exit_date"] <= high)]
    if pd.notna(response.team_id):
        fits = fits[fits["team_id"] == response.team_id]
    elif pd.notna(response.site_id):
        fits = fits[fits["site_id"] == response.site_id]
    return len(fits)


def test_hr_with_the_employee_table_cannot_narrow_exit_answers_below_k(tmp_path):
    """The demo (`verloop demo --seed 1`): every stored exit and follow-up answer fits at least
    k leavers given everything stored with it (site, quarter, language, tenure, contract)."""
    from verloop.cli import main
    from verloop.store import Store
    from verloop.store.settings import get_settings

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--seed", "1", "--db", url]) == 0
    store = Store.open(url)
    with store.session() as s:
        k = get_settings(s).min_group_size
        leavers = pd.DataFrame(
            s.execute(
                select(Employee.id, Employee.team_id, Employee.site_id, Employee.exit_date).where(
                    Employee.exit_date.is_not(None)
                )
            ).all(),
            columns=["id", "team_id", "site_id", "exit_date"],
        )
        leavers["exit_date"] = pd.to_datetime(leavers["exit_date"])
        rows = s.execute(
            select(
                Response.team_id,
                Response.site_id,
                Response.submitted_on,
                Response.tenure_band,
                Response.contract_type,
                Wave.kind,
            )
            .join(Wave, Wave.id == Response.wave_id)
            .where(Wave.kind.in_(["exit", "followup"]))
        ).all()
    store.dispose()
    assert len(rows) > 100, "the demo has exit and follow-up answers to attack"
    sizes = [candidates(r, leavers, r.kind) for r in rows]
    narrowed = [n for n in sizes if n < k]
    assert not narrowed, f"{len(narrowed)} of {len(rows)} answers narrow to fewer than {k} leavers"
    assert all(r.team_id is None for r in rows), "no team is stored with an exit or follow-up answer"
    assert all(r.tenure_band is None and r.contract_type is None for r in rows)
    assert all(r.submitted_on.day == 1 and r.submitted_on.month in (1, 4, 7, 10) for r in rows), "quarter only"
    # generalisation keeps the exit pages useful: most answers keep their site
    assert sum(r.site_id is not None for r in rows) / len(rows) > 0.5


def test_exit_answers_through_the_submission_path_are_stored_by_site_and_quarter(store):
    from tests.privacy.builders import org
    from verloop.surveys.submit import submit
    from verloop.surveys.tokens import issue_tokens
    from verloop.surveys.waves import close_wave, open_wave

    o = org(store)
    o.team("A1", "North", 6).team("A2", "North", 6).team("B1", "South", 6)
    open_wave(store, "exit", "exit-2026", opens=TODAY, today=TODAY)
    north = [t.code for t in issue_tokens(store, "exit-2026", "A1", 3, today=TODAY)]
    north += [t.code for t in issue_tokens(store, "exit-2026", "A2", 2, today=TODAY)]
    south = [t.code for t in issue_tokens(store, "exit-2026", "B1", 2, today=TODAY)]
    for i, code in enumerate(north + south):
        submit(store, code, {}, {}, "nl", reason="pay", today=TODAY + dt.timedelta(days=i), kind="exit")
    with store.session() as s:
        assert s.scalar(select(Response.id)) is None, "nothing readable before k"
    close_wave(store, "exit-2026", today=TODAY + dt.timedelta(days=30))
    with store.session() as s:
        rows = s.execute(select(Response.team_id, Response.site_id, Response.submitted_on)).all()
        north_id = s.scalar(select(Site.id).where(Site.name == "North"))
    assert len(rows) == 7
    assert {r.team_id for r in rows} == {None}
    assert {r.submitted_on for r in rows} == {dt.date(2026, 1, 1)}
    # North had 5 (= k) answers: kept its site; South's 2 were pooled over the organisation
    assert sorted((r.site_id or 0) for r in rows) == [0, 0] + [north_id] * 5


# -- 2. the codes file plus a database copy -----------------------------------------------------


def test_the_codes_file_and_a_database_copy_do_not_tell_who_answered(store, tmp_path):
    from tests.privacy.builders import org
    from verloop.surveys.keys import key_path
    from verloop.surveys.submit import submit
    from verloop.surveys.tokens import issue_tokens
    from verloop.surveys.waves import open_wave

    org(store).team("T", "Hub", 5)
    open_wave(store, "pulse", "P1", opens=TODAY, today=TODAY)
    codes = [t.code for t in issue_tokens(store, "P1", "T", 5, out=tmp_path / "codes.csv", today=TODAY)]
    submit(store, codes[0], {"engagement_1": 4}, {}, today=TODAY, kind="pulse")
    with store.session() as s:
        salt = s.scalar(select(Wave.token_salt))
        used = set(s.scalars(select(Token.token_hash).where(Token.used)))
        everything = set(s.scalars(select(Token.token_hash)))
    # the attacker hashes every code of the codes file with everything the database holds
    for code in codes:
        canonical = code.replace("-", "")
        for key in (salt.encode(), bytes.fromhex(salt), b""):
            assert hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest() not in everything
    assert len(used) == 1
    # the secret is in a file outside the database, private to its owner
    path = key_path(store.url)
    assert path.is_file() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    secret = path.read_text().strip()
    with store.engine.connect() as connection:
        for table in ("waves", "tokens", "ballots", "org_settings"):
            dump = " ".join(str(v) for row in connection.execute(text(f'SELECT * FROM "{table}"')).all() for v in row)
            assert secret not in dump


def test_the_key_file_is_created_private_configurable_and_checked(tmp_path, monkeypatch):
    from verloop.errors import ConfigError
    from verloop.surveys.keys import ENV, key_path, load_keys

    assert key_path(f"sqlite:///{tmp_path / 'x.db'}") == Path(f"{tmp_path / 'x.db'}.key")
    monkeypatch.setenv(ENV, str(tmp_path / "keys" / "k"))
    assert key_path("postgresql+psycopg://u@h/db") == tmp_path / "keys" / "k"
    keys = load_keys(tmp_path / "keys" / "k")
    assert stat.S_IMODE(os.stat(tmp_path / "keys" / "k").st_mode) == 0o600
    assert load_keys(tmp_path / "keys" / "k").key_id == keys.key_id  # created once
    assert keys.unseal(keys.seal(b"x", b"c"), b"c") == b"x"
    os.chmod(tmp_path / "keys" / "k", 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_keys(tmp_path / "keys" / "k")
    bad = tmp_path / "bad"
    bad.write_text("not a key")
    bad.chmod(0o600)
    with pytest.raises(ConfigError, match="damaged"):
        load_keys(bad)
    other = tmp_path / "other"
    with pytest.raises(ConfigError, match="not the key"):
        load_keys(other).unseal(keys.seal(b"x"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_keys(tmp_path / "absent", create=False)


def test_a_wave_from_before_the_key_file_issues_no_new_codes(store):
    from tests.privacy.builders import org
    from verloop.errors import SurveyError
    from verloop.surveys.submit import submit
    from verloop.surveys.tokens import _hmac, issue_tokens
    from verloop.surveys.waves import close_wave, open_wave

    org(store).team("T", "Hub", 5)
    open_wave(store, "pulse", "old", opens=TODAY, today=TODAY)
    code = "7KQ2XM9D7KQ2XM9D7KQ2"
    with store.session() as s:  # a token as the previous version wrote it: salt-only hash
        wave = s.scalar(select(Wave))
        team = s.scalar(select(Team))
        s.add(Token(token_hash=_hmac(wave.token_salt, code), wave_id=wave.id, team_id=team.id, used=False))
    with pytest.raises(SurveyError, match="before the code key moved out"):
        issue_tokens(store, "old", "T", 1, today=TODAY)
    submit(store, code, {"engagement_1": 3}, {}, today=TODAY, kind="pulse")  # handed-out codes still work
    close_wave(store, "old", today=TODAY)
    with store.session() as s:
        assert s.scalar(select(Token.token_hash)) is None, "its salt-only tokens are forgotten at close"
        assert s.scalar(select(Response.id)) is not None


# -- 3. a live reader of the database files -----------------------------------------------------


def test_a_live_reader_copying_the_files_after_each_of_20_submissions_reads_no_group_below_k(sqlite_store, tmp_path):
    from tests.privacy.builders import org
    from verloop.surveys.submit import submit
    from verloop.surveys.tokens import issue_tokens
    from verloop.surveys.waves import close_wave, open_wave

    store = sqlite_store
    database = Path(store.engine.url.database)
    org(store).team("T", "Hub", 20)
    open_wave(store, "pulse", "P1", opens=TODAY, today=TODAY)
    codes = [t.code for t in issue_tokens(store, "P1", "T", 20, today=TODAY)]
    readable_after: list[set[int]] = []
    for i, code in enumerate(codes):
        submit(store, code, {"engagement_1": 1 + i % 5}, {"start": f"geheim-{i:02d}-tekst"}, today=TODAY, kind="pulse")
        raw = b"".join(p.read_bytes() for p in (database, Path(f"{database}-wal")) if p.exists())
        copy = tmp_path / f"copy{i}.db"
        shutil.copy(database, copy)
        if Path(f"{database}-wal").exists():
            shutil.copy(f"{database}-wal", f"{copy}-wal")
        readable_after.append({j for j in range(20) if f"geheim-{j:02d}-tekst".encode() in raw})
    sizes = [len(b - a) for a, b in zip([set()] + readable_after, readable_after) if b - a]
    assert sizes, "answers become readable during the wave"
    k = 5
    assert all(size >= k for size in sizes), f"answers appeared in groups of {sizes}"
    assert readable_after[3] == set(), "no answer is readable before k are sealed"
    # the answers that became readable are not the ones that just arrived: a random k of 2k
    close_wave(store, "P1", today=TODAY)
    with store.session() as s:
        assert s.scalar(select(Ballot.id)) is None
        assert len(s.scalars(select(Response.id)).all()) == 20


# -- 4. forensics at rest -----------------------------------------------------------------------


def test_after_close_no_log_no_free_page_no_lock_file_and_no_timestamp_keep_submissions(sqlite_store):
    from tests.privacy.builders import org
    from verloop.surveys.submit import submit
    from verloop.surveys.tokens import issue_tokens
    from verloop.surveys.waves import close_wave, open_wave

    store = sqlite_store
    database = Path(store.engine.url.database)
    org(store).team("T", "Hub", 12)
    open_wave(store, "pulse", "P1", opens=TODAY, today=TODAY)
    for i, code in enumerate(t.code for t in issue_tokens(store, "P1", "T", 12, today=TODAY)):
        submit(store, code, {"engagement_1": 3}, {"start": f"spoor-{i:02d}"}, today=TODAY, kind="pulse")
    last_submission = max(p.stat().st_mtime for p in database.parent.iterdir())
    close_wave(store, "P1", today=TODAY)
    wal = Path(f"{database}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the write-ahead log is emptied"
    assert not Path(f"{database}-journal").exists()
    assert not list(database.parent.glob("*.lock")), "no lock file records the last submission"
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA freelist_count").scalar() == 0
    # every file was rewritten by the close: no timestamp is the moment of a submission
    for path in database.parent.iterdir():
        if path.name in (database.name, f"{database.name}-wal", f"{database.name}-shm"):
            assert path.stat().st_mtime >= last_submission


# -- 5. confidential mode, honestly -------------------------------------------------------------


def test_confidential_mode_sets_the_pseudonym_and_anonymous_mode_never_does(store):
    from tests.privacy.builders import org
    from verloop.errors import SurveyError
    from verloop.models.data import pseudonym
    from verloop.store.settings import update_settings
    from verloop.surveys.keys import key_path
    from verloop.surveys.modes import survey_notice
    from verloop.surveys.submit import submit
    from verloop.surveys.tokens import issue_tokens
    from verloop.surveys.waves import open_wave

    o = org(store)
    o.team("T", "Hub", 6)
    with store.session() as s:
        hr_ids = list(s.scalars(select(Employee.hr_id).order_by(Employee.hr_id)))[:6]
    with store.session() as s:
        assert survey_notice(s, "en")[0] == "anonymous"  # the default
    open_wave(store, "pulse", "anon", opens=TODAY, today=TODAY)
    with pytest.raises(SurveyError, match="only in confidential mode"):
        issue_tokens(store, "anon", "T", 1, people=hr_ids[:1], today=TODAY)
    with store.engine.begin() as connection:  # the mode is locked once a wave exists
        connection.execute(text("DELETE FROM waves"))
    with store.session() as s:
        update_settings(s, "test", survey_mode="confidential")
    with store.session() as s:
        mode, notice = survey_notice(s, "nl")
        assert mode == "confidential" and "pseudoniem" in notice
        assert "pseudonym" in survey_notice(s, "en")[1]
    open_wave(store, "pulse", "conf", opens=TODAY, today=TODAY)
    issued = issue_tokens(store, "conf", "T", 6, people=hr_ids, today=TODAY)
    with store.session() as s:
        links = list(s.scalars(select(Token.sealed_link)))
        assert all(link is not None for link in links)
        assert not any(h.encode() in b"".join(links) for h in hr_ids)
    for code in issued:
        submit(store, code.code, {"engagement_1": 4}, {}, today=TODAY, kind="pulse")
    reveal(store)
    key = key_path(store.url).read_text().strip()
    with store.session() as s:
        stored = set(s.scalars(select(Response.pseudonym)))
    assert stored == {pseudonym(key, h) for h in hr_ids}, "the models can link with --key-file"
