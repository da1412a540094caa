"""Tables for people: headers in the reader's language, numbers formatted for it, suppression
notes folded into one line with a count — once, centrally, for every dashboard page."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from verloop.apps.dashboard import i18n
from verloop.apps.dashboard.downloads import csv_bytes
from verloop.apps.dashboard.layout import MAX_HIDDEN_NAMED, Block, BlockView, cell_text, hidden_line, table_html


def text_of(markup: str) -> str:
    return re.sub(r"<[^>]+>", " ", markup)


@pytest.mark.parametrize(
    ("value", "lang", "digits", "expected"),
    [
        (1234.5, "nl", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234567, "nl", None, "1.234.567"),
        (0.456, "en", None, "0.46"),
        (12.34, "nl", None, "12,3"),
        (-0.001, "nl", 1, "0,0"),  # no '-0,0'
        (None, "en", 1, "—"),
        (float("nan"), "nl", 0, "—"),
        (float("inf"), "nl", 0, "—"),
        ("n/a", "en", 0, "—"),
    ],
)
def test_numbers_follow_the_readers_language(value, lang, digits, expected):
    assert i18n.number(value, lang, digits) == expected


def test_percent_money_interval_and_months_in_both_languages():
    assert i18n.percent(12.345, "nl", 1) == "12,3%" and i18n.percent(12.345, "en", 1) == "12.3%"
    assert i18n.money(162710.4, "nl") == "€ 162.710" and i18n.money(162710.4, "en") == "€ 162,710"
    assert i18n.money(None, "en") == "—"
    assert i18n.span(10.25, 18.4, "nl", 1, "%") == "10,3–18,4%" and i18n.span(1, None, "en") == "—"
    assert i18n.month_span(dt.date(2025, 11, 1), dt.date(2026, 10, 31), "en") == "Nov 2025 – Oct 2026"
    assert i18n.month_span(dt.date(2025, 11, 1), dt.date(2026, 10, 31), "nl") == "nov 2025 – okt 2026"
    assert i18n.month_span(dt.date(2026, 10, 1), dt.date(2026, 10, 31), "en") == "Oct 2026"
    assert i18n.day_label(dt.date(2026, 10, 31), "nl") == "31 okt 2026"


def test_machine_column_names_become_words_and_worded_headers_stay():
    assert i18n.column_label("aht_s", "en") == "Avg. handling time (s)"
    assert i18n.column_label("aht_s", "nl") == "Gem. gespreksduur (s)"
    assert i18n.column_label("service_level", "nl") == "Servicelevel (%)"
    assert i18n.column_label("note", "nl") == "Toelichting" and i18n.column_label("note", "en") == "Note"
    assert i18n.column_label("site", "nl") == "Vestiging"  # a label the dashboards already have
    assert i18n.column_label("mandate", "nl") == "Mandaat"  # a scale: the questionnaire's words
    assert i18n.column_label("score_workload", "en") == i18n.scale_label("workload", "en")
    assert i18n.column_label("Vrijwillig (%)", "en") == "Vrijwillig (%)"  # already worded by a page
    assert i18n.column_label("some_new_column", "en") == "Some new column"  # never a raw underscore


def test_cells_are_formatted_for_the_language():
    assert cell_text(1234.5, "nl") == "1.235" and cell_text(12.5, "en") == "12.5"
    assert cell_text(np.int64(1500), "nl") == "1.500"
    assert cell_text(True, "nl") == "ja" and cell_text(np.bool_(False), "en") == "no"
    assert cell_text(pd.Timestamp("2026-10-31"), "en") == "2026-10-31"
    assert cell_text(pd.NA, "en") == cell_text(None, "nl") == "—"
    assert cell_text("Team <A>", "en") == "Team <A>"  # escaped by the table, not here


def _kpi_frame(hidden: int) -> pd.DataFrame:
    names = [f"Team {i:02d}" for i in range(3 + hidden)]
    shown = [False] * 3 + [True] * hidden
    return pd.DataFrame(
        {
            "group": names,
            "level": "team",
            "aht_s": [372.25, 1234.5, 300.0] + [np.nan] * hidden,
            "service_level": [81.24, 79.5, 90.0] + [np.nan] * hidden,
            "watermelon": [True, False, False] + [False] * hidden,
            "n": pd.array([12, 1500, 8] + [None] * hidden, dtype="Int64"),
            "suppressed": shown,
            "reason": [""] * 3 + ["min_group"] * hidden,
            "note": [""] * 3 + ["fewer than 5 responses"] * hidden,
        }
    )


def test_a_table_has_worded_headers_local_numbers_and_one_folded_note_line():
    frame = _kpi_frame(hidden=7)
    nl = table_html(frame, "nl")
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", nl)
    assert headers == ["Groep", "Niveau", "Gem. gespreksduur (s)", "Servicelevel (%)", "Watermeloen", "Aantal (n)"]
    assert not {"aht_s", "service_level", "note", "suppressed", "reason"} & set(headers)
    assert "<td>1.235</td>" in nl and "<td>81,2</td>" in nl and "<td>1.500</td>" in nl and "<td>ja</td>" in nl
    en = table_html(frame, "en")
    assert "<td>1,235</td>" in en and "<td>81.2</td>" in en and "<td>yes</td>" in en
    # the seven hidden rows: '—' cells, and ONE line with the count instead of seven notes
    assert en.count('class="verloop-suppressed">—</td>') == 7 * 3
    notes = re.findall(r'<p class="verloop-suppressed verloop-table-note">([^<]*)</p>', en)
    assert len(notes) == 1 and notes[0].startswith("Not shown — 7 teams: fewer than 5 responses (")
    assert text_of(en).count("fewer than 5 responses") == 1


def test_a_table_without_hidden_rows_has_no_note_line_and_escapes_cells():
    frame = pd.DataFrame({"group": ["<script>x</script>"], "score": [3.25], "suppressed": [False], "note": [""]})
    markup = table_html(frame, "en")
    assert "verloop-table-note" not in markup and "<script>" not in markup and "&lt;script&gt;" in markup


def test_hidden_line_counts_per_reason_and_names_at_most_a_dozen():
    frame = _kpi_frame(hidden=15)
    frame.loc[frame.index[-2:], "note"] = "together with the figures already shown, …"
    line = hidden_line(frame, "en")
    assert line.startswith("Not shown — 13 teams: fewer than 5 responses (Team 03, ")
    assert "; 2 teams: together with the figures already shown, …" in line
    named = re.findall(r"Team \d\d", line)
    assert len(named) == MAX_HIDDEN_NAMED and "… +1" in line  # the rest as a count
    assert "\n" not in line
    one = _kpi_frame(hidden=1)
    assert hidden_line(one, "nl") == "Niet getoond — 1 team: fewer than 5 responses (Team 03)"
    assert hidden_line(_kpi_frame(hidden=0), "en") == ""


def test_hidden_line_names_sites_waves_and_describer_rows():
    waves = pd.DataFrame(
        {"wave": ["W1", "W1", "W2"], "suppressed": [True, True, True], "note": ["fewer than 5 responses"] * 3}
    )
    assert hidden_line(waves, "en", label="wave") == "Not shown — 2 waves: fewer than 5 responses (W1, W2)"
    rows = pd.DataFrame({"scale": ["a", "b"], "suppressed": [True, True], "note": ["x", "x"]})
    line = hidden_line(rows, "nl", describe=lambda r: None if r["scale"] == "b" else "Schaal A")
    assert line == "Niet getoond — 1 groep: x (Schaal A)"


def test_a_block_prints_its_notes_once_and_the_csv_keeps_machine_names():
    frame = _kpi_frame(hidden=4)
    view = BlockView("kpis")
    box = view.update(Block(name="kpis", title="KPIs", frame=frame, table=frame), "nl", None)
    text = " ".join(text_of(w.value) for w in box.children if isinstance(getattr(w, "value", None), str))
    assert text.count("minder") + text.count("fewer than 5 responses") == 1  # the block's line, not the table's too
    assert "Gem. gespreksduur (s)" in view.table.value
    csv = csv_bytes(frame).decode("utf-8-sig").splitlines()[0]
    assert csv.split(",")[:4] == ["group", "level", "aht_s", "service_level"]  # machine names: scripts read them
