"""The dashboard's building blocks: labels, filter bar, charts, downloads, HR figures, themes.

Fast and without a browser: each part is checked on small frames whose answers are known.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from verloop.apps.dashboard import charts, i18n
from verloop.apps.dashboard.filters import ALL, FilterBar, Filters, OrgOptions, period_bounds
from verloop.apps.dashboard.themes import comment_themes, themes_of

OPTIONS = OrgOptions(
    sites=((1, "Utrecht"), (2, "Zwolle")),
    teams=((10, "Team A", 1), (11, "Team B", 1), (20, "Team C", 2)),
    first_month=dt.date(2024, 11, 1),
    last_month=dt.date(2026, 10, 1),
)


# -- labels ------------------------------------------------------------------------------------


def test_every_label_exists_in_both_languages_and_differs_where_words_are_dutch():
    for key in i18n.all_keys():
        nl, en = i18n.t(key, "nl"), i18n.t(key, "en")
        assert nl.strip() and en.strip(), key
    assert i18n.t("page_turnover", "nl") != i18n.t("page_turnover", "en")
    assert i18n.t("last_n_months", "en", n=6) == "Last 6 months"


def test_scale_and_reason_names_come_from_the_questionnaires():
    assert i18n.scale_label("mandate", "nl") == "Mandaat"
    assert i18n.scale_label("mandate", "en") == "Mandate"
    assert i18n.scale_label("no_such_scale", "en") == "no such scale"
    assert i18n.reason_label("team_lead", "en") == "My team lead"
    assert i18n.scale_higher_is_better("workload") is False


def test_unknown_languages_fall_back_to_dutch():
    assert i18n.check_lang("de") == "nl" and i18n.check_lang("en") == "en" and i18n.check_lang(None) == "nl"


# -- filter bar ----------------------------------------------------------------------------------


def test_filter_bar_offers_sites_teams_periods_and_reports_changes():
    bar = FilterBar(OPTIONS, "en")
    seen = []
    bar.on_change(lambda new, old: seen.append((new, old)))
    assert bar.value == Filters(
        site_id=None, team_id=None, months=12, start=dt.date(2025, 11, 1), end=dt.date(2026, 10, 31), lang="en"
    )
    bar.set(site_id=2)
    assert [v for _, v in bar.team.options] == [ALL, 20]  # teams follow the site
    bar.set(team_id=20)
    bar.set(months=0)
    assert bar.value.start == dt.date(2024, 11, 1)
    bar.set(lang="nl")
    assert bar.site.options[0][0] == "Alle vestigingen"
    assert bar.value.team_id == 20 and bar.value.lang == "nl"
    assert bar.site.label == "Zwolle" and FilterBar(OPTIONS, "en").site.label == "All sites"  # never an empty box
    assert len(seen) == 4 and seen[-1][0].lang == "nl" and seen[-1][1].lang == "en"
    assert "verloop-filter-site" in bar.site._dom_classes and "verloop-lang" in bar.language._dom_classes


def test_filter_bar_refuses_values_it_did_not_offer():
    from traitlets import TraitError

    bar = FilterBar(OPTIONS, "nl")
    with pytest.raises(TraitError):
        bar.site.value = 99
    with pytest.raises(TypeError):
        bar.set(colour="red")
    assert bar.value.site_id is None


def test_a_required_team_has_no_all_teams_choice_and_a_period_never_starts_before_the_data():
    bar = FilterBar(OPTIONS, "en", show=("team",), require_team=True)
    assert ALL not in [v for _, v in bar.team.options]
    assert bar.value.team_id == 10
    start, end = period_bounds(OPTIONS, 24)
    assert start == dt.date(2024, 11, 1) and end == dt.date(2026, 10, 31)
    start, _ = period_bounds(OPTIONS, 3)
    assert start == dt.date(2026, 8, 1)
    assert period_bounds(OrgOptions((), (), None, None), 12) == (None, None)


# -- charts --------------------------------------------------------------------------------------


def _is_png(payload: bytes) -> bool:
    return payload[:8] == b"\x89PNG\r\n\x1a\n" and len(payload) > 1000


def test_charts_draw_suppressed_groups_as_labelled_gaps():
    frame = pd.DataFrame(
        {
            "group": ["A", "B", "C"],
            "rate": [0.3, np.nan, 0.5],
            "lower": [0.2, np.nan, 0.4],
            "upper": [0.4, np.nan, 0.6],
            "note": [None, "fewer than 5 responses", None],
            "suppressed": [False, True, False],
        }
    )
    fig = charts.bar_ci(
        frame, label="group", value="rate", lower="lower", upper="upper", title="T", xlabel="x", percent=True
    )
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("fewer than 5 responses" in t for t in texts)
    assert _is_png(charts.to_png(fig))


def test_heatmap_lines_quadrant_forest_and_curves_render():
    values = pd.DataFrame({"Mandate": [3.2, np.nan], "Workload": [2.1, 3.9]}, index=["A", "B"])
    notes = pd.DataFrame({"Mandate": [None, "fewer than 5 responses"], "Workload": [None, None]}, index=["A", "B"])
    fig = charts.heatmap(values, notes, title="H", reverse_columns={"Workload"})
    assert "< 5" in [t.get_text() for t in fig.axes[0].texts]
    trend = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-01", "2026-02-15"] * 2),
            "score": [3, 3.2, 2, np.nan],
            "scale": ["a", "a", "b", "b"],
            "suppressed": [False, False, False, True],
        }
    )
    quad = pd.DataFrame(
        {"kpi": [1.0, -1.0, 0.5], "people": [-1.0, 1.0, 0.2], "team": ["X", "Y", "Z"], "flag": [True, False, False]}
    )
    forest = pd.DataFrame({"f": ["a", "b"], "e": [0.8, 1.3], "lo": [0.7, 1.1], "hi": [0.9, 1.5]})
    km = pd.DataFrame({"g": ["a"] * 3, "m": [0, 3, 6], "s": [1, 0.9, 0.8], "lo": [1, 0.85, 0.7], "hi": [1, 0.95, 0.9]})
    figures = [
        charts.lines(trend, x="date", y="score", hue="scale", title="L", ylabel="y"),
        charts.quadrant(
            quad,
            x="kpi",
            y="people",
            label="team",
            highlight="flag",
            title="Q",
            xlabel="x",
            ylabel="y",
            quadrant_labels=("a", "b", "c", "d"),
        ),
        charts.forest(forest, label="f", value="e", lower="lo", upper="hi", title="F", xlabel="x"),
        charts.step_curves(
            km, time="m", value="s", group="g", lower="lo", upper="hi", title="K", xlabel="x", ylabel="y"
        ),
        charts.lines(trend.iloc[:0], x="date", y="score", hue=None, title="E", ylabel="y", empty_message="none"),
    ]
    assert "X" in [t.get_text() for t in figures[1].axes[0].texts]  # the watermelon team is named
    assert all(_is_png(charts.to_png(f)) for f in figures)


# -- themes --------------------------------------------------------------------------------------


def test_comment_themes_in_dutch_and_english():
    assert themes_of("Mijn teamleider keek alleen naar cijfers.") == ["team_lead", "culture"]
    assert "no_mandate" in themes_of("I was never allowed to help customers myself, everything needed approval.")
    frame = comment_themes(pd.Series(["Het salaris is te laag", "The pay is too low", "Ik ga verhuizen.", None]))
    assert frame.iloc[0]["theme"] == "pay" and frame.iloc[0]["comments"] == 2
    assert frame.iloc[0]["share"] == pytest.approx(200 / 3)
    assert comment_themes(pd.Series([], dtype=object)).empty


# -- downloads -----------------------------------------------------------------------------------


def test_csv_download_is_the_frame_with_formulas_neutralised_made_on_click():
    from verloop.apps.dashboard.downloads import DownloadLinks, safe_filename

    frame = pd.DataFrame(
        {
            "team": ['=HYPERLINK("http://x")', "Team B"],
            "score": [3.5, np.nan],
            "n": pd.array([7, None], dtype="Int64"),
            "note": ["", "fewer than 5 responses"],
        }
    )
    png = b"\x89PNG\r\n\x1a\nxx"
    links = DownloadLinks().show("Scales by team / Utrecht", "en", frame=frame, png=png)
    assert "verloop-downloads" in links._dom_classes
    assert links.links == [
        ["csv", "scales-by-team-utrecht.csv", "Download CSV"],
        ["png", "scales-by-team-utrecht.png", "Download PNG"],
    ]
    sent = []
    links.send = lambda content, buffers=None: sent.append((content, buffers))
    links._handle_custom_msg({"download": "csv"}, [])  # a click in the browser
    links._handle_custom_msg({"download": "../x"}, [])  # not a file on offer: no answer
    links._handle_custom_msg("csv", [])
    assert [content for content, _ in sent] == [
        {"download": "csv", "name": "scales-by-team-utrecht.csv", "mime": "text/csv;charset=utf-8"}
    ]
    text = sent[0][1][0].decode("utf-8-sig")
    assert text.splitlines()[1].startswith("\"'=HYPERLINK")  # quoted by CSV, apostrophe first
    assert text.splitlines()[2] == "Team B,,,fewer than 5 responses"
    assert links.payload("png") == png
    assert links.show("x", "nl", frame=frame).links == [["csv", "x.csv", "CSV downloaden"]]
    assert safe_filename("../../etc/passwd") == "etc-passwd" and safe_filename("") == "verloop"
