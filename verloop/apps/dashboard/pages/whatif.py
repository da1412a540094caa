"""Page 8 — what-if: a slider per factor (scale points up or down) for everyone, a site or a
team → expected voluntary leavers over 12 months and the money saved, both with intervals.

Each team starts from the running mean of its published wave means (``modelcards.running_state``),
and the page says so; a change that takes teams beyond the team scores the model has seen shows
the model's warning. The scope is the filter bar's site/team choice; a team the door never
published is refused like everywhere else. Slider values are checked (range, step) before use.
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import money, scale_label, t
from verloop.apps.dashboard.layout import Block, DashboardPage
from verloop.errors import VerloopError

SLIDER_MIN, SLIDER_MAX, SLIDER_STEP = -1.0, 1.0, 0.1


def clamp_delta(value) -> float:
    """A slider value as a finite number within the slider's range (browser input is untrusted)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(value):
        return 0.0
    return round(min(SLIDER_MAX, max(SLIDER_MIN, value)), 2)


def range_warning(lines: list[str]) -> widgets.HTML:
    """The model's warning that a change leaves the range of team scores it has seen."""
    box = widgets.HTML("<ul>" + "".join(f"<li>{html.escape(str(x))}</li>" for x in lines) + "</ul>")
    box.add_class("verloop-whatif-warning")
    return box


def starting_point(sentence: str) -> widgets.HTML:
    """Which state the what-if starts from (each team's running mean over published waves)."""
    box = widgets.HTML(f"<p>{html.escape(sentence)}</p>")
    box.add_class("verloop-whatif-state")
    return box


class WhatIfPage(DashboardPage):
    key = "whatif"
    show_filters = ("site", "team")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sliders: dict[str, widgets.FloatSlider] = {}
        self.result_box = widgets.VBox()
        self.result_box.add_class("verloop-whatif-result")

    def compute(self, filters):
        return {"factors": figures.whatif_factors(self.source)}

    def changes(self) -> dict[str, float]:
        return {f: clamp_delta(s.value) for f, s in self.sliders.items() if clamp_delta(s.value) != 0.0}

    def sections(self, data, filters):
        lang = filters.lang
        factors = list(data["factors"])
        if not factors:
            note = widgets.HTML(f"<p>{html.escape(t('no_model', lang))}</p>")
            note.add_class("verloop-no-model")
            return [note]
        for factor in factors:
            if factor not in self.sliders:
                slider = widgets.FloatSlider(
                    value=0.0,
                    min=SLIDER_MIN,
                    max=SLIDER_MAX,
                    step=SLIDER_STEP,
                    continuous_update=False,
                    readout_format="+.1f",
                    style={"description_width": "14em"},
                    layout=widgets.Layout(width="34em"),
                )
                slider.add_class("verloop-slider")
                slider.add_class(f"verloop-slider-{factor}")
                slider.observe(lambda _change: self.update_result(), names="value")
                self.sliders[factor] = slider
            self.sliders[factor].description = f"{scale_label(factor, lang)} ({t('points', lang)})"
        reset = widgets.Button(description=t("reset", lang))
        reset.add_class("verloop-reset")
        reset.on_click(lambda _b: self._reset())
        intro = widgets.HTML(f"<p>{html.escape(t('whatif_intro', lang))}</p>")
        controls = widgets.VBox([intro] + [self.sliders[f] for f in factors] + [reset])
        controls.add_class("verloop-whatif-controls")
        self.update_result()
        return [controls, self.result_box]

    def _reset(self) -> None:
        for slider in self.sliders.values():
            slider.unobserve_all("value")
            slider.value = 0.0
            slider.observe(lambda _change: self.update_result(), names="value")
        self.update_result()

    def update_result(self) -> None:
        """Recompute the scenario for the current scope and sliders and redraw the result."""
        filters = self.filters
        lang = filters.lang
        try:
            result = figures.whatif(self.source, filters, self.changes())
        except VerloopError as exc:
            message = widgets.HTML(f"<p>{html.escape(t('refused_filter', lang))}: {html.escape(str(exc))}</p>")
            message.add_class("verloop-refused")
            self.result_box.children = (message,)
            return
        frame = result["frame"]
        row = frame.iloc[0]
        if bool(row.get("suppressed", False)):
            text = widgets.HTML(f"<p class='verloop-suppressed'>{html.escape(str(row.get('note') or ''))}</p>")
            self.result_box.children = (
                text,
                self.block(Block(name="whatif", title=t("page_whatif", lang), frame=frame)),
            )
            return
        sentence = t(
            "whatif_result",
            lang,
            base=row["baseline"],
            new=row["scenario"],
            lo=row["scenario_lower"],
            hi=row["scenario_upper"],
            saved=money(row["saved_eur"], lang),
            slo=money(row["saved_lower"], lang),
            shi=money(row["saved_upper"], lang),
        )
        text = widgets.HTML(f"<p class='verloop-whatif-sentence'><b>{html.escape(sentence)}</b></p>")
        parts = [text]
        state = (result.get("state") or {}).get(lang)
        if state:
            parts.append(starting_point(state))
        warnings = getattr(result.get("result"), "warnings", None) or {}
        if warnings.get(lang):
            parts.append(range_warning(warnings[lang]))
        if len(parts) > 1:
            text = widgets.VBox(parts)
        bars = pd.DataFrame(
            {
                "label": [t("baseline", lang), t("scenario", lang)],
                "value": [row["baseline"], row["scenario"]],
                "lower": [row["baseline_lower"], row["scenario_lower"]],
                "upper": [row["baseline_upper"], row["scenario_upper"]],
            }
        )
        fig = lambda: charts.bar_ci(
            bars,
            label="label",
            value="value",
            lower="lower",
            upper="upper",
            title=t("risk_title", lang) + " — " + t("next_12", lang),
            xlabel=t("expected", lang),
            height=2.2,
        )
        self.result_box.children = (
            text,
            self.block(Block(name="whatif", title=t("scenario", lang), figure=fig, frame=frame, cache=False)),
        )
