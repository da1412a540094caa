"""Model cards: every trained model is a folder ``models/<name>/`` that says what it is for.

- ``model.joblib``: the fitted artefact; its sha256 is in the card and is checked before
  loading (joblib files are pickles: never load one whose hash does not match);
- ``card.json``: data window, sizes, metrics with intervals, drivers, limitations, intended use;
- ``card.md``: the same for people.

Dashboards read cards with ``load_card(name, root)`` and artefacts with ``load_model``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from verloop.errors import InputError

ARTEFACT = "model.joblib"
INTENDED_USE = (
    "Insight about groups: which teams are at risk and what drives leaving, shown only for "
    "groups of at least the minimum group size. Never for decisions about one person "
    "(hiring, promotion, dismissal, performance) — the model's individual scores do not leave "
    "the modelling code."
)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise InputError(f"Model name {name!r} is not allowed; use lower-case letters, digits, '-' and '_'.")
    return name


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _plain(value):
    """JSON-safe copy: numpy scalars, frames, dates, NaN → None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return [_plain(r) for r in value.to_dict("records")]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else value.isoformat()
    return value


def write_card(root: str | Path, name: str, artefact, card: dict) -> Path:
    """Write ``<root>/<name>/`` (artefact, card.json, card.md) and return the folder."""
    import joblib

    folder = Path(root) / _check_name(name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ARTEFACT
    joblib.dump(artefact, path, compress=3)
    card = dict(card)
    card["name"] = name
    card["artefact"] = {"file": ARTEFACT, "sha256": sha256_file(path), "bytes": path.stat().st_size}
    card.setdefault("intended_use", INTENDED_USE)
    card.setdefault("created", dt.date.today().isoformat())
    card = _plain(card)
    (folder / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "card.md").write_text(render_markdown(card), encoding="utf-8")
    return folder


def load_card(name: str, root: str | Path = "models") -> dict:
    """The card of model ``name`` under ``root`` (``models/`` by default)."""
    path = Path(root) / _check_name(name) / "card.json"
    if not path.exists():
        raise InputError(f"No model card '{name}' in {Path(root)}; run 'verloop train' first.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"The card {path} is not valid JSON ({exc.msg}); retrain the model.") from exc


def load_model(name: str, root: str | Path = "models"):
    """The fitted artefact, after checking its sha256 against the card."""
    import joblib

    card = load_card(name, root)
    path = Path(root) / name / card["artefact"]["file"]
    if not path.exists():
        raise InputError(f"The artefact of model '{name}' is missing; retrain the model.")
    if sha256_file(path) != card["artefact"]["sha256"]:
        raise InputError(
            f"The artefact of model '{name}' does not match the hash in its card; it was changed "
            "after training, so it is not loaded. Retrain the model."
        )
    try:
        return joblib.load(path)
    except (AttributeError, ImportError) as exc:  # a class renamed or moved since training
        raise InputError(
            f"The artefact of model '{name}' was written by another version of Verloop ({exc}); "
            "retrain it with 'verloop train'."
        ) from exc


def list_cards(root: str | Path = "models") -> list[dict]:
    """Every card under ``root`` (name, title, created), newest first."""
    root = Path(root)
    out = []
    for path in sorted(root.glob("*/card.json")) if root.exists() else []:
        try:
            card = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            continue
        out.append(
            {"name": card.get("name", path.parent.name), "title": card.get("title"), "created": card.get("created")}
        )
    return sorted(out, key=lambda c: c.get("created") or "", reverse=True)


# -- markdown ------------------------------------------------------------------------------------


def _fmt(x, digits=3):
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def _table(rows: list[dict], columns: list[str]) -> list[str]:
    if not rows:
        return ["(none)"]
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(c)) for c in columns) + " |")
    return lines


def render_markdown(card: dict) -> str:
    lines = [f"# Model card: {card.get('title', card['name'])}", ""]
    lines += [card.get("summary", ""), ""]
    lines += ["## Intended use", "", card["intended_use"], ""]
    data = card.get("data", {})
    lines += ["## Data", ""]
    for k, v in data.items():
        lines.append(f"- {k.replace('_', ' ')}: {_fmt(v)}")
    lines.append("")
    for block in card.get("metrics", []):
        lines += [f"## Metrics: {block.get('title', '')}", ""]
        if block.get("note"):
            lines += [block["note"], ""]
        rows = block.get("rows", [])
        cols = block.get("columns") or (list(rows[0]) if rows else [])
        lines += _table(rows, cols) + [""]
    drivers = card.get("drivers", [])
    if drivers:
        lines += ["## Drivers", ""]
        for d in drivers:
            if d.get("unit") in ("point", "10 points"):
                lines.append(f"- {d['sentence_en']}")
        lines += ["", "Nederlands:", ""]
        for d in drivers:
            if d.get("unit") in ("point", "10 points"):
                lines.append(f"- {d['sentence_nl']}")
        lines.append("")
    lines += ["## Limitations", ""] + [f"- {x}" for x in card.get("limitations", [])] + [""]
    lines += [
        "## Artefact",
        "",
        f"- file: `{card['artefact']['file']}`",
        f"- sha256: `{card['artefact']['sha256']}`",
        f"- created: {card.get('created')}",
        "",
    ]
    if card.get("versions"):
        lines += ["## Versions", ""] + [f"- {k}: {v}" for k, v in card["versions"].items()]
        lines.append("")
    return "\n".join(lines)
