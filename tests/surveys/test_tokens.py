"""Waves and single-use tokens: codes are typeable and unguessable, only hashes are stored."""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
import stat

import pytest
from sqlalchemy import func, inspect, select

from verloop.cli import main
from verloop.errors import InputError, SurveyError
from verloop.store.schema import Invitation, Site, Team, Token, Wave
from verloop.surveys.keys import keys_for
from verloop.surveys.tokens import (
    ALPHABET,
    CODE_LENGTH,
    SurveyRefusal,
    check_token,
    issue_tokens,
    new_code,
    normalize_code,
    survey_link,
    token_hash,
)
from verloop.surveys.waves import close_wave, list_waves, open_wave, wave_state

TODAY = dt.date(2026, 3, 2)


def add_teams(store, *names):
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        s.add_all(Team(name=name, site_id=site.id) for name in names)


def test_codes_are_typeable_and_carry_at_least_80_bits():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:50]:
        assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}", code)
    assert CODE_LENGTH * math.log2(len(ALPHABET)) >= 80
    assert not set("ILOU") & set(ALPHABET)  # no look-alikes, no accidental words


def test_typed_codes_are_read_leniently_but_never_guessed():
    code = new_code()
    canonical = code.replace("-", "")
    sloppy = " " + code.lower().replace("-", " ") + "\n"
    assert normalize_code(sloppy) == canonical
    assert normalize_code(canonical.replace("0", "O").replace("1", "l")) == canonical
    salt = "ab" * 16
    assert token_hash(salt, sloppy) == token_hash(salt, code)
    assert token_hash(salt, code) != token_hash("cd" * 16, code)  # salted per wave
    with pytest.raises(SurveyRefusal, match="Enter the code") as missing:
        normalize_code("   ")
    assert "Vul de code" in missing.value.text("nl")
    for bad in ["hello", code + "X", code[:-1], "U" * 20, 12345, "<script>alert(1)</script>", "A" * 10_000]:
        with pytest.raises(SurveyRefusal, match="not a valid code"):
            normalize_code(bad)


def test_open_issue_and_close_a_wave(store, tmp_path):
    add_teams(store, "Team Noord", "Team Zuid")
    info = open_wave(store, "pulse", "2026-03", opens=TODAY, today=TODAY)
    assert (info["kind"], info["state"], info["instrument"], info["instrument_version"]) == (
        "pulse",
        "open",
        "pulse",
        1,
    )
    out = tmp_path / "noord.csv"
    issued = issue_tokens(store, "2026-03", "Team Noord", 5, out=out, today=TODAY)
    issue_tokens(store, "2026-03", "Team Noord", 2, base_url="https://survey.example.nl/", today=TODAY)
    issue_tokens(store, "2026-03", "Team Zuid", 3, today=TODAY)

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["code"] for r in rows] == [t.code for t in issued]
    assert rows[0]["link"] == f"http://127.0.0.1:8867/voila/render/pulse.ipynb?token={issued[0].code}"
    assert {r["team"] for r in rows} == {"Team Noord"} and {r["wave"] for r in rows} == {"2026-03"}
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600  # codes are secrets
    assert (
        survey_link("https://survey.example.nl/", "exit", "AB")
        == "https://survey.example.nl/voila/render/exit.ipynb?token=AB"
    )

    with store.session() as s:
        wave = s.scalar(select(Wave).where(Wave.name == "2026-03"))
        invited = dict(s.execute(select(Team.name, Invitation.invited).join(Team, Team.id == Invitation.team_id)).all())
        assert invited == {"Team Noord": 7, "Team Zuid": 3}
        hashes = set(s.scalars(select(Token.token_hash)))
        assert len(hashes) == 10 and s.scalar(select(func.count()).select_from(Token).where(Token.used)) == 0
        # only the keyed hash is stored: no code appears anywhere in the token table, and the
        # salt in the database alone does not give the hashes (the key file's secret is needed)
        keys = keys_for(store)
        assert wave.key_id == keys.key_id
        assert {token_hash(wave.token_salt, t.code, keys) for t in issued} <= hashes
        assert not {token_hash(wave.token_salt, t.code) for t in issued} & hashes
        assert not {t.code.replace("-", "") for t in issued} & hashes
        token, found = check_token(s, issued[0].code.lower(), kind="pulse", today=TODAY)
        assert found.id == wave.id and token.used is False
    columns = {c["name"] for c in inspect(store.engine).get_columns("tokens")}
    assert columns == {"token_hash", "wave_id", "team_id", "used", "sealed_link"}

    assert list_waves(store, today=TODAY)[0]["invited"] == 10
    closed = close_wave(store, "2026-03", today=TODAY + dt.timedelta(days=20))
    assert (closed["state"], closed["closes_on"]) == ("closed", "2026-03-22")
    with pytest.raises(SurveyError, match="is closed; open a new wave"):
        issue_tokens(store, "2026-03", "Team Noord", 1, today=TODAY)
    with store.session() as s, pytest.raises(SurveyRefusal, match="survey is closed"):
        check_token(s, issued[1].code, today=TODAY)


def test_wave_states_and_refusals(store):
    add_teams(store, "Team Noord")
    open_wave(store, "exit", "exit-2026", opens=TODAY, closes=TODAY + dt.timedelta(days=30), today=TODAY)
    code = issue_tokens(store, "exit-2026", "Team Noord", 1, today=TODAY)[0].code
    with store.session() as s:
        wave = s.scalar(select(Wave))
        assert wave_state(wave, TODAY - dt.timedelta(days=1)) == "not_yet"
        assert wave_state(wave, TODAY + dt.timedelta(days=30)) == "open"
        assert wave_state(wave, TODAY + dt.timedelta(days=31)) == "closed"
        with pytest.raises(SurveyRefusal, match="opens on 2026-03-02") as early:
            check_token(s, code, today=TODAY - dt.timedelta(days=1))
        assert "gaat open op 2026-03-02" in early.value.text("nl")
        with pytest.raises(SurveyRefusal, match=r"another survey \(exit\)"):
            check_token(s, code, kind="pulse", today=TODAY)
        with pytest.raises(SurveyRefusal, match="not known"):
            check_token(s, new_code(), today=TODAY)


def test_wave_and_token_input_is_checked(store, tmp_path):
    with pytest.raises(SurveyError, match="no wave named '2026-03'.*No wave has been opened yet"):
        issue_tokens(store, "2026-03", "Team Noord", 1)
    open_wave(store, "pulse", "2026-03")
    with pytest.raises(InputError, match="no team named 'Team Noord'.*no teams yet"):
        issue_tokens(store, "2026-03", "Team Noord", 1)
    add_teams(store, "Team Zuid")
    with pytest.raises(InputError, match="Known teams: Team Zuid"):
        issue_tokens(store, "2026-03", "Team Noord", 1)
    for count in (0, -1, 100_001, True, 2.5):
        with pytest.raises(InputError, match="whole number from 1 to"):
            issue_tokens(store, "2026-03", "Team Zuid", count)
    with pytest.raises(SurveyError, match="already exists"):
        open_wave(store, "pulse", "2026-03")
    with pytest.raises(InputError, match="unknown survey 'poll'"):
        open_wave(store, "poll", "x")
    for name in ("", "  ", "a;drop table", "x" * 101, "-leading"):
        with pytest.raises(InputError, match="wave"):
            open_wave(store, "pulse", name)
    with pytest.raises(InputError, match="lies before"):
        open_wave(store, "pulse", "later", opens=TODAY, closes=TODAY - dt.timedelta(days=1))
    with pytest.raises(InputError, match="folder .* does not exist"):
        issue_tokens(store, "2026-03", "Team Zuid", 2, out=tmp_path / "missing" / "t.csv")
    with store.session() as s:  # a failed CSV leaves no tokens and no invitation behind
        assert s.scalar(select(func.count()).select_from(Token)) == 0
        assert s.scalar(select(func.count()).select_from(Invitation)) == 0


def test_survey_cli(store, tmp_path, capsys):
    add_teams(store, "Team Noord")
    db = store.url
    out = tmp_path / "codes.csv"
    assert main(["survey", "open", "pulse", "--wave", "2026-03", "--opens", "2026-03-02", "--db", db]) == 0
    assert "open from 2026-03-02" in capsys.readouterr().out
    assert (
        main(
            [
                "survey",
                "tokens",
                "--wave",
                "2026-03",
                "--team",
                "Team Noord",
                "--count",
                "4",
                "--out",
                str(out),
                "--base-url",
                "https://enquete.example.nl",
                "--db",
                db,
            ]
        )
        == 0
    )
    assert "4 single-use codes" in capsys.readouterr().out
    links = [row["link"] for row in csv.DictReader(out.open())]
    assert len(links) == 4 and all(
        link.startswith("https://enquete.example.nl/voila/render/pulse.ipynb?token=") for link in links
    )
    assert main(["survey", "waves", "--db", db, "--json"]) == 0
    assert '"invited": 4' in capsys.readouterr().out
    assert (
        main(
            [
                "survey",
                "tokens",
                "--wave",
                "2026-03",
                "--team",
                "Team Noord",
                "--count",
                "1",
                "--out",
                str(out),
                "--base-url",
                "ftp://x",
                "--db",
                db,
            ]
        )
        == 1
    )
    assert "must start with http" in capsys.readouterr().err
    assert main(["survey", "open", "exit", "--wave", "x", "--opens", "2 maart", "--db", db]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["survey", "close", "--wave", "2026-03", "--db", db]) == 0
    assert "is closed" in capsys.readouterr().out
    assert (
        main(
            [
                "survey",
                "tokens",
                "--wave",
                "2026-03",
                "--team",
                "Team Noord",
                "--count",
                "1",
                "--out",
                str(out),
                "--db",
                db,
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert err.startswith("Error: wave '2026-03' is closed") and "Traceback" not in err
