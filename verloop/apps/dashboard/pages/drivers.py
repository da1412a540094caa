"""Page 3 — what drives leaving: one verdict per factor with every source of evidence beside it
(team level, exit answers vs pulse, honest follow-up reasons, the person-level model in
confidential mode), the power statement in plain words and the written verdict rule. Read from
the ``drivers`` card that ``verloop train`` wrote — the same report ``verloop drivers`` prints
(``verloop.models.triangulate``). Organisation-wide, so the page offers no group filters.

Without a ``drivers`` card (only the team card trained) the page shows the pooled team model's
effects. The "one scale at a time" view is gone: it flagged most no-effect scales as drivers."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import scale_label, t
from verloop.apps.dashboard.layout import Block, DashboardPage
from verloop.i18n import CATALOGUE


def verdict_sentence(row: dict, lang: str) -> str:
    """One line per factor, in the verdict's own terms (never a ranked guess)."""
    label = scale_label(row["factor"], lang)
    if row["verdict"] != "clear":
        return t(f"drivers.{row['verdict']}", lang, label=label)
    ratio, low, high = row["ratio_point"], row["low_point"], row["high_point"]
    down = ratio < 1
    size = abs(1 - ratio) * 100
    lo, hi = ((1 - high) * 100, (1 - low) * 100) if down else ((low - 1) * 100, (high - 1) * 100)
    unit_key = "model.unit." + str(row.get("unit_point") or "point").replace(" ", "_")
    unit = t(unit_key if unit_key in CATALOGUE else "model.unit.point", lang)
    return t(
        "drivers.clear",
        lang,
        unit=unit,
        label=label,
        size=f"{size:.0f}",
        dir=t("drivers.less" if down else "drivers.more", lang),
        lo=f"{lo:.0f}",
        hi=f"{hi:.0f}",
    )


def report_table(report: dict) -> pd.DataFrame:
    """The published frame behind the page (CSV download): one row per factor, verdict first,
    then each source's estimate."""
    rows = []
    for d in report["drivers"]:
        row = {
            "factor": d["factor"],
            "verdict": d["verdict"],
            "clear": d["clear"],
            "rank": d["rank"],
            "effect": d["ratio"],
            "lower": d["low"],
            "upper": d["high"],
            "unit": "SD",
            "effect_point": d["ratio_point"],
            "lower_point": d["low_point"],
            "upper_point": d["high_point"],
            "unit_point": d["unit_point"],
            "primary": d["primary"],
            "sentence_en": verdict_sentence(d, "en"),
            "sentence_nl": verdict_sentence(d, "nl"),
        }
        for s in d["sources"]:
            key = s["source"]
            row[f"{key}_estimate"], row[f"{key}_low"], row[f"{key}_high"] = s["ratio"], s["low"], s["high"]
            row[f"{key}_unit"] = s["unit"]
        rows.append(row)
    return pd.DataFrame(rows)


def sources_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``verloop.models.report.report_frame`` as a reader sees it: the scale's label with a capital,
    column headers and units in ``lang`` (the sources' columns are already translated)."""
    out = frame.drop(columns=["factor"]).copy()
    out["label"] = [scale_label(f, lang) for f in frame["factor"]]
    out["unit_point"] = [
        t("model.unit." + str(u).replace(" ", "_"), lang)
        if f"model.unit.{str(u).replace(' ', '_')}" in CATALOGUE
        else u
        for u in out["unit_point"]
    ]
    names = {"label": "factor", **{c: c for c in ("verdict", "rank", "per_sd", "per_point", "unit_point")}}
    return out.rename(columns={c: t(f"drivers.col.{k}", lang) for c, k in names.items()})


class DriversPage(DashboardPage):
    key = "drivers"
    show_filters = ()

    def compute(self, filters):
        from verloop.apps.dashboard.modelcards import models_root
        from verloop.models.report import load_report

        data = dict(figures.drivers(self.source))
        data["report"] = load_report(models_root())
        return data

    def sections(self, data, filters):
        report = data.get("report")
        if report:
            return self._triangulated(report, data, filters.lang)
        return self._team_only(data, filters.lang)

    def _triangulated(self, report, data, lang):
        from verloop.models.report import report_frame

        frame = report_table(report)
        shown = frame.assign(
            label=[f"{scale_label(f, lang)}{' ✓' if c else ''}" for f, c in zip(frame["factor"], frame["clear"])]
        )
        fig = lambda: charts.forest(  # noqa: E731
            shown,
            label="label",
            value="effect",
            lower="lower",
            upper="upper",
            title=t("drivers.verdict_title", lang),
            xlabel=t("drivers.ratio_sd", lang),
            reference=1.0,
        )
        power = widgets.HTML(f"<p><b>{html.escape(report['power_note'][lang])}</b></p>")
        power.add_class("verloop-power-note")
        sentences = widgets.HTML(
            f"<h3>{html.escape(t('drivers_sentences', lang))}</h3><ul>"
            + "".join(f"<li>{html.escape(s)}</li>" for s in frame[f"sentence_{lang}"])
            + "</ul>"
        )
        sentences.add_class("verloop-sentences")
        side = sources_table(report_frame(report, lang), lang)
        side_html = widgets.HTML(
            f"<h3>{html.escape(t('drivers.sources_title', lang))}</h3>"
            + side.to_html(index=False, na_rep="—", classes="verloop-table", escape=True)
        )
        side_html.add_class("verloop-driver-sources")
        rule = widgets.HTML(
            f"<p><b>{html.escape(t('drivers.rule', lang))}</b>: {html.escape(report['rule'][lang].split(': ', 1)[-1])}</p>"
        )
        rule.add_class("verloop-verdict-rule")
        out = [
            power,
            self.block(Block(name="drivers", title=t("drivers.verdict_title", lang), figure=fig, frame=frame)),
            sentences,
            side_html,
            rule,
        ]
        card = data.get("card_md")
        if card:
            out.append(self._card_box(card, lang))
        return out

    def _team_only(self, data, lang):
        frame = data.get("drivers")
        if frame is None or not len(frame):
            note = widgets.HTML(f"<p>{html.escape(t('no_model', lang))}</p>")
            note.add_class("verloop-no-model")
            return [note]
        shown = frame.assign(
            label=[
                f"{scale_label(f, lang)}{' (×10)' if u == '10 points' else ''}"
                for f, u in zip(frame["factor"], frame["unit"])
            ]
        )
        fig = lambda: charts.forest(  # noqa: E731
            shown,
            label="label",
            value="effect",
            lower="lower",
            upper="upper",
            title=t("drivers_title", lang),
            xlabel=t("rate_ratio", lang),
            reference=1.0,
        )
        sentences = [s for s in shown[f"sentence_{lang}"].dropna()] if f"sentence_{lang}" in shown else []
        sentence_html = widgets.HTML(
            f"<h3>{html.escape(t('drivers_sentences', lang))}</h3><ul>"
            + "".join(f"<li>{html.escape(str(s))}</li>" for s in sentences)
            + "</ul>"
        )
        sentence_html.add_class("verloop-sentences")
        out = [
            self.block(
                Block(
                    name="drivers",
                    title=t("drivers_title", lang),
                    figure=fig,
                    frame=frame,
                    lead=data.get("lead", {}).get(lang),
                )
            ),
            sentence_html,
        ]
        card = data.get("card_md")
        if card:
            out.append(self._card_box(card, lang))
        return out

    @staticmethod
    def _card_box(card: str, lang: str):
        box = widgets.HTML(
            f"<details><summary>{html.escape(t('model_card', lang))}</summary><pre>{html.escape(card)}</pre></details>"
        )
        box.add_class("verloop-model-card")
        return box


__all__ = ["DriversPage", "report_table", "sources_table", "verdict_sentence"]
