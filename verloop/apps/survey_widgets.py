"""The survey's own small widgets (anywidget): real radio groups, a guarded step bar, the code
field and a message that screen readers announce.

ipywidgets' ToggleButtons cannot carry ARIA roles, so an answer is an ``anywidget`` whose view is
plain HTML: a ``role=radiogroup`` labelled by the question (``aria-labelledby``), with one native
``<input type=radio>`` per answer (the browser gives it the ``radio`` role, its checked state and
arrow-key navigation; ARIA in HTML forbids a redundant ``aria-checked`` on a native radio). The
chosen answer shows a check mark and a bold border, not only a colour.

:class:`StepBar` holds Back / Next / Send. A click sends ``{"action", "step"}`` and the bar
ignores further clicks until the kernel acknowledges (``ack``), so a double click cannot skip a
page; the kernel also drops a message whose ``step`` is not the current one. When the step
changes the view scrolls to the top and moves the focus to the step heading, and it keeps
``<html lang>`` and the page title in the survey's language.

Everything is served by the survey server itself (anywidget's JupyterLab extension); no view
loads anything from another host, and no view renders text as HTML (``textContent`` only).
"""

from __future__ import annotations

import anywidget
import traitlets

_CSS = r"""
.verloop-survey { --vq-accent: #1f5fa8; --vq-accent-soft: #e9f1fb; --vq-ink: #1d2733; --vq-muted: #5b6675;
  --vq-line: #c9d2dc; color: var(--vq-ink); }
.vq-sr { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
.vq-choice { width: 100%; padding: 18px 0 20px; border-top: 1px solid #e4e8ee; }
.vq-stem { color: var(--vq-muted); font-size: 0.92em; margin: 0 0 4px; }
.vq-question { font-size: 1.22em; font-weight: 600; line-height: 1.35; margin: 0 0 12px; }
.vq-legend { color: var(--vq-muted); font-size: 0.9em; margin: -6px 0 10px; }
.vq-options { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; border: 0; }
.vq-option { position: relative; flex: 1 1 0; min-width: 0; display: flex; align-items: center;
  justify-content: center; gap: 6px; min-height: 48px; padding: 8px 10px; border: 1px solid var(--vq-line);
  border-radius: 10px; background: #fff; cursor: pointer; text-align: center; line-height: 1.25;
  font-size: 0.92em; user-select: none; }
.vq-option input { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; pointer-events: none; }
.vq-option:hover { border-color: var(--vq-accent); }
.vq-mark { display: none; font-weight: 700; }
.vq-option:has(input:checked) { border: 3px solid var(--vq-accent); padding: 6px 8px; background: var(--vq-accent-soft);
  font-weight: 700; }
.vq-option:has(input:checked) .vq-mark { display: inline; }
.vq-option:has(input:focus-visible) { outline: 3px solid #e39b00; outline-offset: 2px; }
.vq-numeric .vq-option { min-width: 34px; padding-left: 2px; padding-right: 2px; }
.vq-numeric .vq-option:has(input:checked) { padding-left: 0; padding-right: 0; }
.vq-numeric .vq-option:has(input:checked) .vq-mark { display: none; }
.vq-list { flex-direction: column; }
.vq-list .vq-option { justify-content: flex-start; text-align: left; flex: 0 0 auto; }
.vq-break { flex: 0 0 100%; height: 0; }
.vq-options .vq-skip { flex: 0 0 auto; justify-content: flex-start; min-height: 36px; padding: 4px 14px;
  border-style: dashed; color: var(--vq-muted); font-size: 0.88em; border-radius: 18px; }
.vq-options .vq-skip:has(input:checked) { padding: 2px 12px; color: var(--vq-ink); }
@media (max-width: 600px) {
  .vq-scale { flex-direction: column; }
  .vq-scale .vq-option { flex: 0 0 auto; justify-content: flex-start; text-align: left; min-height: 44px; }
  .vq-scale .vq-break { display: none; }
  .vq-options .vq-skip { align-self: flex-start; }
  .vq-numeric .vq-option { flex: 1 0 calc(100% / 6 - 8px); }
}
.vq-nav { width: 100%; }
.vq-navbar { display: flex; gap: 12px; justify-content: space-between; align-items: center; padding: 18px 0 8px;
  border-top: 1px solid #e4e8ee; }
.vq-navbar .vq-spacer { flex: 1 1 auto; }
.vq-btn { min-height: 48px; min-width: 120px; padding: 0 22px; border-radius: 10px; font-size: 1em; font-weight: 600;
  cursor: pointer; border: 2px solid var(--vq-accent); background: var(--vq-accent); color: #fff; }
.vq-btn.vq-back { background: #fff; color: var(--vq-accent); }
.vq-btn.vq-submit { background: #1d6b2f; border-color: #1d6b2f; }
.vq-btn:focus-visible { outline: 3px solid #e39b00; outline-offset: 2px; }
.vq-btn[aria-disabled="true"] { opacity: 0.6; cursor: progress; }
.vq-btn[hidden] { display: none; }
.vq-code { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin: 8px 0 4px; }
.vq-code label { flex: 1 1 100%; font-weight: 600; }
.vq-code input { flex: 1 1 240px; max-width: 360px; min-height: 48px; font-size: 1.1em; padding: 0 12px;
  letter-spacing: 0.04em; border: 2px solid var(--vq-line); border-radius: 10px; font-family: ui-monospace, monospace; }
.vq-code input:focus-visible { outline: 3px solid #e39b00; outline-offset: 1px; border-color: var(--vq-accent); }
.vq-message:empty { padding: 0; margin: 0; border: 0; background: none; }  /* stays in the tree: announced */
.vq-message:not(:empty) { margin: 10px 0; padding: 10px 14px; border-radius: 10px; border-left: 5px solid #a30000;
  background: #fdf0f0; color: #7a0000; font-weight: 600; }
@media (max-width: 600px) { .vq-btn { min-width: 0; flex: 1 1 0; } }
"""

_CHOICE_ESM = r"""
let serial = 0;
function render({ model, el }) {
  const uid = "vq" + (++serial) + Math.random().toString(36).slice(2, 7);
  el.classList.add("vq-choice");
  function build() {
    el.replaceChildren();
    const stem = model.get("stem");
    const questionId = uid + "-q";
    if (stem) {
      const s = document.createElement("p");
      s.className = "vq-stem";
      s.id = uid + "-s";
      s.textContent = stem;
      el.append(s);
    }
    const q = document.createElement("p");
    q.className = "vq-question";
    q.id = questionId;
    q.textContent = model.get("question");
    el.append(q);
    const group = document.createElement("div");
    group.setAttribute("role", "radiogroup");
    group.setAttribute("aria-labelledby", (stem ? uid + "-s " : "") + questionId);
    const legend = model.get("legend");
    if (legend) {
      const l = document.createElement("p");
      l.className = "vq-legend";
      l.id = uid + "-l";
      l.textContent = legend;
      el.append(l);
      group.setAttribute("aria-describedby", l.id);
    }
    group.className = "vq-options vq-" + model.get("shape");
    const current = model.get("value");
    for (const [value, label, hint] of model.get("options")) {
      const option = document.createElement("label");
      option.className = "vq-option" + (value === "skip" ? " vq-skip" : "");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = uid;
      input.value = JSON.stringify(value);
      input.checked = current === value;
      input.addEventListener("change", () => {
        if (input.checked) { model.set("value", value); model.save_changes(); }
      });
      const mark = document.createElement("span");
      mark.className = "vq-mark";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = "\u2713";
      const text = document.createElement("span");
      text.className = "vq-label";
      text.textContent = label;
      option.append(input, mark, text);
      if (hint) {
        const extra = document.createElement("span");
        extra.className = "vq-sr";
        extra.textContent = " \u2013 " + hint;
        option.append(extra);
        option.title = hint;
      }
      if (value === "skip") {
        const gap = document.createElement("span");
        gap.className = "vq-break";
        gap.setAttribute("aria-hidden", "true");
        group.append(gap);
      }
      group.append(option);
    }
    el.append(group);
  }
  function check() {
    const current = model.get("value");
    for (const input of el.querySelectorAll("input[type=radio]")) {
      input.checked = JSON.parse(input.value) === current;
    }
  }
  build();
  model.on("change:value", check);
  model.on("change:options", build);
  model.on("change:question", build);
  model.on("change:stem", build);
  model.on("change:legend", build);
}
export default { render };
"""

_STEP_ESM = r"""
function toTop(el) {
  for (let node = el.parentElement; node; node = node.parentElement) {
    if (node.scrollTop) node.scrollTop = 0;
  }
  const root = document.scrollingElement || document.documentElement;
  root.scrollTop = 0;
  window.scrollTo(0, 0);
}
function render({ model, el }) {
  el.classList.add("vq-nav");
  const bar = document.createElement("div");
  bar.className = "vq-navbar";
  let busy = false;
  const buttons = {};
  for (const action of ["back", "next", "submit"]) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "vq-btn vq-" + action + " verloop-" + action;
    b.addEventListener("click", () => press(action));
    buttons[action] = b;
  }
  const spacer = document.createElement("span");
  spacer.className = "vq-spacer";
  bar.append(buttons.back, spacer, buttons.next, buttons.submit);
  el.append(bar);
  function press(action) {
    if (busy || buttons[action].hidden) return;  // a second click while the step loads: nothing
    busy = true;
    sync();
    model.send({ action: action, step: model.get("step") });
  }
  function sync() {
    const labels = model.get("labels") || {};
    const shown = model.get("shown") || [];
    for (const [action, b] of Object.entries(buttons)) {
      b.textContent = labels[action] || action;
      b.hidden = !shown.includes(action);
      b.setAttribute("aria-disabled", busy ? "true" : "false");
    }
    bar.hidden = shown.length === 0;
    el.setAttribute("aria-busy", busy ? "true" : "false");
    const lang = model.get("lang");
    if (lang) document.documentElement.lang = lang;
    const title = model.get("title");
    if (title) document.title = title;
  }
  model.on("change:ack", () => { busy = false; sync(); });
  model.on("change:step", () => {
    busy = false;
    sync();
    toTop(el);
    setTimeout(() => {  // the new step's widgets render asynchronously
      toTop(el);
      const heading = document.querySelector(".verloop-survey .verloop-focus");
      // A keyboard user who already tabbed into the new step keeps their place.
      const active = document.activeElement;
      const moved = active && active !== document.body && !el.contains(active) && active.closest(".verloop-survey");
      if (heading && !moved) {
        if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
        heading.focus({ preventScroll: true });
      }
    }, 60);
  });
  model.on("change", sync);
  sync();
}
export default { render };
"""

_CODE_ESM = r"""
let serial = 0;
function render({ model, el }) {
  const id = "vq-code-" + (++serial);
  const form = document.createElement("form");
  form.className = "vq-code";
  form.noValidate = true;
  form.setAttribute("autocomplete", "off");
  const label = document.createElement("label");
  label.htmlFor = id;
  const input = document.createElement("input");
  input.id = id;
  input.type = "text";
  input.name = "verloop-code";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.setAttribute("autocapitalize", "characters");
  input.maxLength = 200;
  const button = document.createElement("button");
  button.type = "submit";
  button.className = "vq-btn verloop-start";
  form.append(label, input, button);
  el.append(form);
  let busy = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    sync();
    model.send({ action: "start", code: input.value });
  });
  function sync() {
    label.textContent = model.get("label");
    button.textContent = model.get("button");
    input.placeholder = model.get("placeholder");
    button.setAttribute("aria-disabled", busy ? "true" : "false");
    const visible = model.get("show_input");
    label.hidden = !visible;
    input.hidden = !visible;
    const described = model.get("describedby");
    if (described) input.setAttribute("aria-describedby", described);
  }
  model.on("change:value", () => { input.value = model.get("value"); });
  model.on("change:ack", () => { busy = false; sync(); });
  model.on("change", sync);
  input.value = model.get("value");
  sync();
  if (model.get("autofocus")) setTimeout(() => (model.get("show_input") ? input : button).focus(), 0);
}
export default { render };
"""

_MESSAGE_ESM = r"""
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "vq-message";
  box.setAttribute("role", "alert");
  box.setAttribute("aria-live", "assertive");
  box.setAttribute("aria-atomic", "true");
  const id = model.get("element_id");
  if (id && !document.getElementById(id)) box.id = id;
  el.append(box);
  function show() {
    box.textContent = "";
    const text = model.get("text");
    if (text) setTimeout(() => { box.textContent = text; }, 30);  // re-announced even when repeated
  }
  model.on("change:text", show);
  model.on("change:serial", show);
  box.textContent = model.get("text");
}
export default { render };
"""


class ChoiceGroup(anywidget.AnyWidget):
    """One question with its answers as a labelled radio group.

    ``options`` is a list of ``[value, label, hint]`` (``hint`` an extra spoken description,
    e.g. the anchor of a numbered point); ``shape`` is ``scale`` (one row, stacked on a
    phone), ``numeric`` (a row of numbers) or ``list`` (always stacked, for long labels).
    ``value`` is the chosen option's value, or ``None``; every value the browser sends is
    checked against ``options`` by the survey app before it is used.
    """

    # A trait of the class, not a string anywidget turns into a trait per instance: it goes with
    # the widget's first message and is not sent a second time (a page has up to 5 groups). Its
    # CSS comes with StepBar / Message (one style sheet, not one per item).
    _esm = traitlets.Unicode(_CHOICE_ESM).tag(sync=True)
    question = traitlets.Unicode("").tag(sync=True)
    stem = traitlets.Unicode("").tag(sync=True)
    legend = traitlets.Unicode("").tag(sync=True)
    shape = traitlets.Unicode("scale").tag(sync=True)
    options = traitlets.List().tag(sync=True)
    value = traitlets.Any(None, allow_none=True).tag(sync=True)


class StepBar(anywidget.AnyWidget):
    """Back / Next / Send, with the document's language and title (see the module docstring)."""

    _esm = _STEP_ESM
    _css = _CSS
    step = traitlets.Int(0).tag(sync=True)
    ack = traitlets.Int(0).tag(sync=True)
    shown = traitlets.List().tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    lang = traitlets.Unicode("nl").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)


class CodeEntry(anywidget.AnyWidget):
    """The code field and its Start button in one form: Enter or a click sends ``start``."""

    _esm = _CODE_ESM
    value = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    button = traitlets.Unicode("").tag(sync=True)
    placeholder = traitlets.Unicode("XXXX-XXXX-XXXX-XXXX-XXXX").tag(sync=True)
    describedby = traitlets.Unicode("").tag(sync=True)
    autofocus = traitlets.Bool(False).tag(sync=True)
    show_input = traitlets.Bool(True).tag(sync=True)
    ack = traitlets.Int(0).tag(sync=True)


class Message(anywidget.AnyWidget):
    """A message in a live region (``role=alert``): shown and spoken when it changes."""

    _esm = _MESSAGE_ESM
    _css = _CSS
    text = traitlets.Unicode("").tag(sync=True)
    serial = traitlets.Int(0).tag(sync=True)
    element_id = traitlets.Unicode("").tag(sync=True)

    def say(self, text: str) -> None:
        self.text = text
        self.serial += 1
