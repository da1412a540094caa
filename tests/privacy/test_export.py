"""Exports: formula escaping, file handling and the `verloop export` command."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from tests.privacy.builders import org
from verloop.cli import main
from verloop.errors import InputError
from verloop.privacy import csv_text, escape_cell, escape_frame, write_table
from verloop.privacy.export import published_frame


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("u","t")'])
def test_text_a_spreadsheet_would_evaluate_gets_an_apostrophe(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", " =not first", "", "1-2y", "'already", 3, -0.5, None])
def test_other_values_stay_as_they_are(value):
    assert escape_cell(value) == value


def test_escape_frame_keeps_numbers_and_escapes_headers_and_text():
    frame = pd.DataFrame({"=head": ["=x", "y"], "score": [-1.5, 2.0], "n": pd.array([3, None], dtype="Int64")})
    out = escape_frame(frame)
    assert list(out.columns) == ["'=head", "score", "n"]
    assert out["'=head"].tolist() == ["'=x", "y"] and out["score"].tolist() == [-1.5, 2.0]
    text = csv_text(frame)
    assert text.splitlines()[0] == "'=head,score,n" and "-1.5" in text and "'=x" in text


def test_write_table_refuses_unknown_suffixes_and_missing_folders(tmp_path):
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(InputError):
        write_table(frame, tmp_path / "out.txt")
    with pytest.raises(InputError):
        write_table(frame, tmp_path / "missing" / "out.csv")
    path = write_table(frame.assign(day=pd.Timestamp("2025-01-02")), tmp_path / "out.xlsx")
    assert pd.read_excel(path)["a"].tolist() == [1]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".verloop-export")]


def test_export_command_writes_every_kind_with_n_and_note(store, tmp_path):
    o = org(store)
    o.team("T1", "Hub", 12, hired=dt.date(2024, 1, 1)).team("T2", "Hub", 12, hired=dt.date(2024, 1, 1))
    o.team("T3", "Hub", 3, hired=dt.date(2024, 1, 1))
    o.wave("W1", dt.date(2025, 3, 3))
    o.answer("W1", "T1", [4.0] * 11, comments=[f"c{i}" for i in range(11)])
    o.answer("W1", "T2", [3.0] * 10)
    o.answer("W1", "T3", [1.0] * 3)
    o.leave("T1", 2, dt.date(2025, 5, 1))
    for what in ("scores", "enps", "responses", "distribution", "turnover", "comments"):
        out = tmp_path / f"{what}.csv"
        args = ["export", what, "--by", "team", "--out", str(out), "--db", store.url, "--json"]
        if what == "turnover":
            args += ["--start", "2025-01-01", "--end", "2025-12-31"]
        assert main(args) == 0, what
        frame = pd.read_csv(out)
        assert {"n", "note", "suppressed"} <= set(frame.columns), what
        hidden = frame[frame["suppressed"]]
        assert hidden["note"].notna().all() and hidden["n"].isna().all(), what
    assert main(["export", "scores", "--out", str(tmp_path / "x.pdf"), "--db", store.url]) == 1
    assert main(["export", "gossip", "--out", str(tmp_path / "x.csv"), "--db", store.url]) == 1
    assert (
        main(["export", "turnover", "--start", "2025-13-01", "--out", str(tmp_path / "t.csv"), "--db", store.url]) == 1
    )


def test_export_command_prints_what_it_wrote(store, tmp_path, capsys):
    o = org(store)
    o.team("T1", "Hub", 12).team("T2", "Hub", 12)
    o.wave("W1", dt.date(2025, 3, 3))
    o.answer("W1", "T1", [4.0] * 11)
    o.answer("W1", "T2", [3.0] * 4)
    out = tmp_path / "scores.xlsx"
    assert (
        main(["export", "scores", "--by", "site", "--out", str(out), "--db", store.url, "--json", "--lang", "nl"]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["path"] == str(out) and report["rows"] > 0
    frame = pd.read_excel(out)
    assert not frame["suppressed"].any() or frame["note"].str.startswith("minder").any()


def test_published_frame_knows_reasons_and_refuses_the_unknown(store):
    from verloop.privacy import Door

    o = org(store)
    o.team("X", "Hub", 12)
    o.wave("Exit Q1", dt.date(2025, 3, 3), kind="exit")
    o.answer("Exit Q1", "X", [3.0] * 6, reason="pay")
    door = Door(store, today=dt.date(2026, 1, 1))
    frame = published_frame(door, "reasons", "organisation", kind="exit")
    assert frame["count"].sum() == 6 and np.isclose(frame["share"].sum(), 100.0)
    with pytest.raises(InputError):
        published_frame(door, "secrets", "team")
