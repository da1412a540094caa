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
from verloop.apps.dashboard.layout import Block, DashboardPage, set_value
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


def range_warning(lines: list[str], box: widgets.HTML | None = None) -> widgets.HTML:
    """The model's warning that a change leaves the range of team scores it has seen (``box``:
    the widget to reuse)."""
    box = box or _classed("verloop-whatif-warning")
    set_value(box, "<ul>" + "".join(f"<li>{html.escape(str(x))}</li>" for x in lines) + "</ul>")
    return box


def starting_point(sentence: str, box: widgets.HTML | None = None) -> widgets.HTML:
    """Which state the what-if starts from (each team's running mean over published waves)."""
    box = box or _classed("verloop-whatif-state")
    set_value(box, f"<p>{html.escape(sentence)}</p>")
    return box


def _classed(css: str) -> widgets.HTML:
    box = widgets.HTML()
    box.add_class(css)
    return box


class WhatIfPage(DashboardPage):
    key = "whatif"
    show_filters = ("site", "team")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sliders: dict[str, widgets.FloatSlider] = {}
        self.result_box = widgets.VBox()
        self.result_box.add_class("verloop-whatif-result")
        # made once and updated: a filter change or a slider move sends changed values only
        self.intro = widgets.HTML()
        self.reset = widgets.Button()
        self.reset.add_class("verloop-reset")
        self.reset.on_click(lambda _b: self._reset())
        self.controls = widgets.VBox()
        self.controls.add_class("verloop-whatif-controls")
        self.no_model = _classed("verloop-no-model")
        self.refused = _classed("verloop-refused")
        self.hidden_note = widgets.HTML()
        self.sentence = widgets.HTML()
        self.state = _classed("verloop-whatif-state")
        self.warning = _classed("verloop-whatif-warning")
        self.text = widgets.VBox()

    def compute(self, filters):
        return {"factors": figures.whatif_factors(self.source)}

    def changes(self) -> dict[str, float]:
        return {f: clamp_delta(s.value) for f, s in self.sliders.items() if clamp_delta(s.value) != 0.0}

    def sections(self, data, filters):
        lang = filters.lang
        factors = list(data["factors"])
        if not factors:
            set_value(self.no_model, f"<p>{html.escape(t('no_model', lang))}</p>")
            return [self.no_model]
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
        self.reset.description = t("reset", lang)
        set_value(self.intro, f"<p>{html.escape(t('whatif_intro', lang))}</p>")
        shown = (self.intro, *(self.sliders[f] for f in factors), self.reset)
        if self.controls.children != shown:
            self.controls.children = shown
        self.update_result()
        return [self.controls, self.result_box]

    def _reset(self) -> None:
        for slider in self.sliders.values():
            slider.unobserve_all("value")
            slider.value = 0.0
            slider.observe(lambda _change: self.update_result(), names="value")
        self.update_result()

    def _show(self, *parts: widgets.Widget) -> None:
        if self.result_box.children != parts:
            self.result_box.children = parts

    def update_result(self) -> None:
        """Recompute the scenario for the current scope and sliders and redraw the result. The
        chart is a function of the scope and the changes (and the model and data): kept in the
        figure cache, so the refresh has drawn every site's starting point (a moved slider's
        picture stays in this kernel)."""
        filters = self.filters
        lang = filters.lang
        changes = self.changes()
        try:
            result = figures.whatif(self.source, filters, changes)
        except VerloopError as exc:
            set_value(self.refused, f"<p>{html.escape(t('refused_filter', lang))}: {html.escape(str(exc))}</p>")
            self._show(self.refused)
            return
        frame = result["frame"]
        row = frame.iloc[0]
        key = (filters.data_key(), tuple(sorted(changes.items())))
        if bool(row.get("suppressed", False)):
            set_value(self.hidden_note, f"<p class='verloop-suppressed'>{html.escape(str(row.get('note') or ''))}</p>")
            block = Block(name="whatif", title=t("page_whatif", lang), frame=frame, key=key, persist=not changes)
            self._show(self.hidden_note, self.block(block))
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
        set_value(self.sentence, f"<p class='verloop-whatif-sentence'><b>{html.escape(sentence)}</b></p>")
        parts = [self.sentence]
        state = (result.get("state") or {}).get(lang)
        if state:
            parts.append(starting_point(state, self.state))
        warnings = getattr(result.get("result"), "warnings", None) or {}
        if warnings.get(lang):
            parts.append(range_warning(warnings[lang], self.warning))
        text = self.sentence
        if len(parts) > 1:
            if self.text.children != tuple(parts):
                self.text.children = tuple(parts)
            text = self.text
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
        block = Block(name="whatif", title=t("scenario", lang), figure=fig, frame=frame, key=key, persist=not changes)
        self._show(text, self.block(block))
