"""Page 3 — what drives leaving: effect sizes with 95 % CIs and the models' plain-language
sentences, read from the model card that ``verloop train`` wrote (organisation-wide, so the
page offers no group filters)."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import scale_label, t
from verloop.apps.dashboard.layout import Block, DashboardPage


class DriversPage(DashboardPage):
    key = "drivers"
    show_filters = ()

    def compute(self, filters):
        return figures.drivers(self.source)

    def sections(self, data, filters):
        lang = filters.lang
        frame = data["drivers"]
        if frame is None or not len(frame):
            note = widgets.HTML(f"<p>{html.escape(t('no_model', lang))}</p>")
            note.add_class("verloop-no-model")
            return [note]
        shown = frame.assign(label=[f"{scale_label(f, lang)}{' (×10)' if u == '10 points' else ''}"
                                    for f, u in zip(frame["factor"], frame["unit"])])
        shown = shown.sort_values("effect", key=lambda s: -np.abs(np.log(s.astype(float))))
        fig = lambda: charts.forest(
            shown, label="label", value="effect", lower="lower", upper="upper",
            title=t("drivers_title", lang), xlabel=t("rate_ratio", lang), reference=1.0,
        )
        sentences = [s for s in shown[f"sentence_{lang}"].dropna()] if f"sentence_{lang}" in shown else []
        sentence_html = widgets.HTML(
            f"<h3>{html.escape(t('drivers_sentences', lang))}</h3><ul>"
            + "".join(f"<li>{html.escape(str(s))}</li>" for s in sentences)
            + "</ul>"
        )
        sentence_html.add_class("verloop-sentences")
        out = [
            self.block(Block(name="drivers", title=t("drivers_title", lang), figure=fig, frame=frame,
                             lead=data.get("lead", {}).get(lang))),
            sentence_html,
        ]
        individual = data.get("individual")
        if individual is not None and len(individual):
            ind = individual.assign(label=individual["factor"].map(lambda f: scale_label(str(f).removeprefix("team_"), lang)))
            ind = ind.sort_values("effect", key=lambda s: -np.abs(np.log(s.astype(float))))
            title = t("drivers_individual", lang)
            out.append(
                self.block(
                    Block(
                        name="drivers-individual", title=title, frame=individual,
                        figure=lambda: charts.forest(ind, label="label", value="effect", lower="lower", upper="upper",
                                                     title=title, xlabel=t("hazard_ratio", lang), reference=1.0),
                        lead=t("drivers_individual_lead", lang),
                    )
                )
            )
        card = data.get("card_md")
        if card:
            box = widgets.HTML(f"<details><summary>{html.escape(t('model_card', lang))}</summary><pre>{html.escape(card)}</pre></details>")
            box.add_class("verloop-model-card")
            out.append(box)
        return out
