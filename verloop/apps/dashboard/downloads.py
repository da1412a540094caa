"""PNG and CSV downloads for every chart and table, made when the reader clicks.

The CSV is written from the very frame the privacy door published for the chart — the same
rows, the same ``n`` and ``note`` columns, the same suppressed cells — so a download can never
show more than the screen. Cells are escaped against formula injection by the door's export
helper.

``DownloadLinks`` is a small anywidget: the page holds the frame and the picture in the kernel
and the browser gets only the links (file name and label). A click asks the kernel for that one
file, which answers with its bytes in a binary message, and the browser saves them (a ``blob:``
link). So a filter change sends no download data at all — before this, every chart carried its
CSV and a second copy of its PNG as ``data:`` URIs: up to 1 MB of text per chart at 10,000
employees, re-sent and re-parsed on every change (issue 12).
"""

from __future__ import annotations

import re

import anywidget
import pandas as pd
import traitlets

from verloop.apps.dashboard.i18n import t

_SAFE_NAME = re.compile(r"[^a-z0-9_.-]+")
MIME = {"csv": "text/csv;charset=utf-8", "png": "image/png"}


def safe_filename(name: str) -> str:
    """A short ASCII file name (no path, no spaces) for a download."""
    cleaned = _SAFE_NAME.sub("-", str(name).lower()).strip("-.")
    return (cleaned or "verloop")[:80]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The published frame as UTF-8 CSV (with BOM for Excel), formula-escaped by the door."""
    from verloop.privacy import csv_text

    return csv_text(frame).encode("utf-8-sig")


_ESM = r"""
function initialize({ model }) {
  // once per widget (not per view): the kernel's answer to a click is saved as a file
  model.on("msg:custom", (msg, buffers) => {
    if (!msg || !msg.download || !buffers || !buffers.length) return;
    const url = URL.createObjectURL(new Blob([buffers[0]], { type: msg.mime }));
    const a = document.createElement("a");
    a.href = url;
    a.download = msg.name;
    a.style.display = "none";
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  });
}
function render({ model, el }) {
  function draw() {
    el.replaceChildren();
    (model.get("links") || []).forEach(([kind, name, label], i) => {
      if (i) el.append(" · ");
      const a = document.createElement("a");
      a.className = "verloop-download-" + kind;
      a.href = "#";
      a.download = name;
      a.textContent = "⬇ " + label;
      a.addEventListener("click", (event) => {
        event.preventDefault();
        model.send({ download: kind });
      });
      el.append(a);
    });
  }
  model.on("change:links", draw);
  draw();
}
export default { initialize, render };
"""


class DownloadLinks(anywidget.AnyWidget):
    """'Download CSV' / 'Download PNG' links (classes ``verloop-download-csv`` / ``-png``; the
    widget has ``verloop-downloads``) whose files are made on click (see the module docstring).

    ``show`` points the links at a block's frame and picture; only a changed file name or
    label is sent to the browser. ``payload(kind)`` is the file a click receives."""

    _esm = _ESM
    links = traitlets.List().tag(sync=True)  # [kind, file name, label] per link

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._files: dict[str, tuple[str, object]] = {}  # kind → (file name, frame or PNG bytes)
        self.add_class("verloop-downloads")
        self.on_msg(self._asked)

    def show(
        self, name: str, lang: str, *, frame: pd.DataFrame | None = None, png: bytes | None = None
    ) -> DownloadLinks:
        base = safe_filename(name)
        files = {}
        if frame is not None:
            files["csv"] = (f"{base}.csv", frame)
        if png is not None:
            files["png"] = (f"{base}.png", png)
        self._files = files
        links = [[kind, file, t(f"download_{kind}", lang)] for kind, (file, _) in files.items()]
        if self.links != links:
            self.links = links
        return self

    def payload(self, kind: str) -> bytes:
        """The bytes of the ``csv`` or ``png`` file the links offer now."""
        content = self._files[kind][1]
        return csv_bytes(content) if isinstance(content, pd.DataFrame) else bytes(content)

    def _asked(self, _widget, content, _buffers) -> None:
        kind = content.get("download") if isinstance(content, dict) else None
        if kind not in self._files:  # a message from the browser is input: only a file on offer
            return
        self.send({"download": kind, "name": self._files[kind][0], "mime": MIME[kind]}, [self.payload(kind)])
