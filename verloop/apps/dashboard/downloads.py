"""PNG and CSV downloads for every chart and table, as plain links with ``data:`` URIs.

The CSV is written from the very frame the privacy door published for the chart — the same
rows, the same ``n`` and ``note`` columns, the same suppressed cells — so a download can never
show more than the screen. Cells are escaped against formula injection by the door's export
helper. Links need no server round trip: the browser saves the bytes it already holds.
"""

from __future__ import annotations

import base64
import html
import re

import pandas as pd

from verloop.apps.dashboard.i18n import t

_SAFE_NAME = re.compile(r"[^a-z0-9_.-]+")


def safe_filename(name: str) -> str:
    """A short ASCII file name (no path, no spaces) for a download."""
    cleaned = _SAFE_NAME.sub("-", str(name).lower()).strip("-.")
    return (cleaned or "verloop")[:80]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The published frame as UTF-8 CSV (with BOM for Excel), formula-escaped by the door."""
    from verloop.privacy import csv_text

    return csv_text(frame).encode("utf-8-sig")


def data_uri(payload: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def download_links(
    name: str,
    lang: str,
    *,
    frame: pd.DataFrame | None = None,
    png: bytes | None = None,
) -> str:
    """HTML links 'Download CSV' / 'Download PNG' (classes ``verloop-download-csv`` / ``-png``)."""
    base = safe_filename(name)
    links = []
    if frame is not None:
        links.append(
            f'<a class="verloop-download-csv" download="{html.escape(base)}.csv" '
            f'href="{data_uri(csv_bytes(frame), "text/csv;charset=utf-8")}">⬇ {html.escape(t("download_csv", lang))}</a>'
        )
    if png is not None:
        links.append(
            f'<a class="verloop-download-png" download="{html.escape(base)}.png" '
            f'href="{data_uri(png, "image/png")}">⬇ {html.escape(t("download_png", lang))}</a>'
        )
    return " · ".join(links)
