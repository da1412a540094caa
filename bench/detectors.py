"""Benchmark: the watermelon detector against the generator's truth, before and after issue 14.

    nice -n 10 .venv/bin/python bench/detectors.py [--seeds 1-8] [--positions 600] [--cache DIR]

For every seed a synthetic organisation (``verloop demo``'s generator) is written to a temporary
SQLite file and read back through the privacy door, exactly as the dashboard reads it (period:
the last 12 months of data). Two detectors run on it in the same process:

* **before** — the dashboard's detector until issue 14 (kept verbatim below as
  ``legacy_status``): one wave's team means (the latest closed wave) and the period's voluntary
  turnover, z-scored, flag when KPI status ≥ 0 and people status ≤ −0.5 SD; a team hidden in
  that wave (fewer than k, the consecutive-wave guard, or to protect another team) is not
  judged.
* **after** — ``verloop.analysis.watermelon.WatermelonDetector`` on ``Door.watermelon`` (people
  figures pooled over each team's shown waves, reliability-weighted, shrunk to the site).

Prints one JSON object: per seed and pooled over the seeds, for both detectors, the watermelon
precision and recall among the teams shown (truth: ``truth["teams"][i]["watermelon"]``, the
Taylorist-led teams), the ROC AUC of the people status (redder = riskier) against the truth's
``high_risk`` teams (top quartile of the true annual voluntary rate, the definition
``verloop.analysis.drivers.team_risk_auc`` uses), the share of teams hidden, and the share of
team × scale cells hidden (before: in the one wave used; after: with no shown wave in the
period). Also the share of single-wave team cells the door hides in the period (the same for
both: the guard on single waves is unchanged) and the calibration of the certainty
(mean certainty beside the share of correct verdicts). Targets (issue 14): precision ≥ 0.8,
recall ≥ 0.8, ≤ 15 % of teams hidden, AUC ≥ 0.9 (pooled over seeds 1–8 at 600 positions).
Seconds: generating + writing, the door, each detector (its own floor: the legacy detector).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGETS = {"precision": 0.8, "recall": 0.8, "hidden_share_max": 0.15, "auc": 0.9}


def log(message: str) -> None:
    print(f"[bench/detectors {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the detector before issue 14, verbatim from verloop/apps/dashboard/figures.py ----------------------

LEGACY_TARGETS = {"aht_s": 360.0, "service_level": 80.0, "csat": 3.8}
LEGACY_DIRECTION = {"aht_s": -1.0, "service_level": 1.0, "csat": 1.0}
LEGACY_SCALES = (
    "engagement",
    "wellbeing",
    "autonomy",
    "mandate",
    "workload",
    "connection",
    "leadership",
    "voice",
    "metric_gaming",
    "intent_stay",
)


def legacy_status(frame: pd.DataFrame) -> pd.DataFrame:
    from verloop.analysis.watermelon import higher_is_better

    out = frame.copy()
    gaps = []
    for column, target in LEGACY_TARGETS.items():
        values = out[column].astype(float)
        sd = values.std(ddof=0)
        gaps.append(LEGACY_DIRECTION[column] * (values - target) / (sd if sd and sd > 0 else 1.0))
    out["kpi_status"] = pd.concat(gaps, axis=1).mean(axis=1)
    parts = []
    for scale in LEGACY_SCALES:
        column = f"score_{scale}"
        if column not in out:
            continue
        values = out[column].astype(float)
        z = (values - values.mean()) / (values.std(ddof=0) or 1.0)
        parts.append(z if higher_is_better(scale) else -z)
    rate = out["voluntary_rate"].astype(float)
    parts.append(-(rate - rate.mean()) / (rate.std(ddof=0) or 1.0))
    people = pd.concat(parts, axis=1).mean(axis=1, skipna=True)
    people[out["suppressed"].astype(bool)] = np.nan
    out["people_status"] = people
    out["watermelon"] = (out["kpi_status"] >= 0) & (out["people_status"] <= -0.5)
    return out


# -- scoring ---------------------------------------------------------------------------------------------


def score(status: pd.DataFrame, truth: dict, cells_hidden: float, cells: int) -> dict:
    from sklearn.metrics import roc_auc_score

    teams = pd.DataFrame(truth["teams"]).set_index("name")
    shown = ~status["suppressed"].astype(bool).to_numpy() & status["people_status"].notna().to_numpy()
    true = status["team"].map(teams["watermelon"]).fillna(False).astype(bool).to_numpy()
    high = status["team"].map(teams["high_risk"]).fillna(False).astype(bool).to_numpy()
    flag = status["watermelon"].fillna(False).astype(bool).to_numpy() & shown
    tp = int((flag & true).sum())
    out = {
        "teams": int(len(status)),
        "teams_hidden": int((~shown).sum()),
        "hidden_share": float((~shown).mean()),
        "true_watermelon": int(true.sum()),
        "true_watermelon_shown": int((true & shown).sum()),
        "flagged": int(flag.sum()),
        "true_positives": tp,
        "precision": tp / flag.sum() if flag.sum() else float("nan"),
        "recall": tp / (true & shown).sum() if (true & shown).sum() else float("nan"),
        "auc_high_risk": float(roc_auc_score(high[shown], -status["people_status"].to_numpy()[shown]))
        if len(set(high[shown])) == 2
        else float("nan"),
        "cells": cells,
        "cells_hidden_share": cells_hidden,
    }
    if "certainty" in status:
        c = status["certainty"].to_numpy(dtype=float)[shown]
        correct = (flag == true)[shown]
        out["mean_certainty"] = float(np.nanmean(c))
        out["share_correct"] = float(correct.mean())
    return out


def run_seed(seed: int, positions: int, cache: Path | None) -> dict:
    from verloop.analysis.watermelon import detect
    from verloop.privacy import Door
    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write

    start = time.perf_counter()
    frames_file = cache / f"seed{seed}-{positions}.pkl" if cache else None
    if frames_file is not None and frames_file.is_file():
        before_frame, after_frame, wave_cells, truth = pd.read_pickle(frames_file)
        generate_s = door_s = float("nan")
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            org = generate(SynthConfig(employees=positions, seed=seed))
        truth = org.truth
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(f"sqlite:///{tmp}/bench.db")
            write(store, org)
            generate_s = time.perf_counter() - start
            t0 = time.perf_counter()
            door = Door(store)
            before_frame = door.kpi_vs_people()
            after_frame = door.watermelon()
            from verloop.privacy.watermelon import PEOPLE_SCALES, window_waves

            start_d, end_d = after_frame["period_start"].iloc[0], after_frame["period_end"].iloc[0]
            waves = window_waves(door, start_d, end_d)
            scores = door.scale_scores(by="team", waves=waves, scales=[s for s in PEOPLE_SCALES if s in door.scales()])
            wave_cells = {
                "cells": int(len(scores)),
                "hidden": int(scores["suppressed"].sum()),
                "trend": int((scores["reason"] == "trend").sum()),
                "min_group": int((scores["reason"] == "min_group").sum()),
                "complement": int((scores["reason"] == "complement").sum()),
            }
            door_s = time.perf_counter() - t0
            store.dispose()
        if frames_file is not None:
            cache.mkdir(parents=True, exist_ok=True)
            pd.to_pickle((before_frame, after_frame, wave_cells, truth), frames_file)
    t0 = time.perf_counter()
    before = legacy_status(before_frame)
    legacy_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    after = detect(after_frame)
    detector_s = time.perf_counter() - t0
    score_columns = [c for c in before_frame.columns if c.startswith("score_")]
    before_cells = before_frame[score_columns]
    after_scales = [c for c in after_frame.columns if f"{c}_var" in after_frame.columns]
    after_cells = after_frame[after_scales]
    result = {
        "seed": seed,
        "before": score(before, truth, float(before_cells.isna().to_numpy().mean()), int(before_cells.size)),
        "after": score(after, truth, float(after_cells.isna().to_numpy().mean()), int(after_cells.size)),
        "single_wave_cells": wave_cells,
        "seconds": {
            "generate_and_write": round(generate_s, 2),
            "door": round(door_s, 2),
            "legacy_detector": round(legacy_s, 4),
            "detector": round(detector_s, 4),
            "detector_over_legacy": round(detector_s / legacy_s, 1) if legacy_s else None,
        },
    }
    log(
        f"seed {seed}: before P {result['before']['precision']:.2f} R {result['before']['recall']:.2f} "
        f"hidden {result['before']['hidden_share']:.2f}; after P {result['after']['precision']:.2f} "
        f"R {result['after']['recall']:.2f} hidden {result['after']['hidden_share']:.2f} "
        f"AUC {result['after']['auc_high_risk']:.2f}"
    )
    return result


def pooled(results: list[dict], which: str) -> dict:
    parts = [r[which] for r in results]
    flagged = sum(p["flagged"] for p in parts)
    tp = sum(p["true_positives"] for p in parts)
    true_shown = sum(p["true_watermelon_shown"] for p in parts)
    teams = sum(p["teams"] for p in parts)
    hidden = sum(p["teams_hidden"] for p in parts)
    out = {
        "precision": round(tp / flagged, 3) if flagged else None,
        "recall": round(tp / true_shown, 3) if true_shown else None,
        "hidden_share": round(hidden / teams, 3),
        "auc_high_risk_mean": round(float(np.nanmean([p["auc_high_risk"] for p in parts])), 3),
        "auc_high_risk_min": round(float(np.nanmin([p["auc_high_risk"] for p in parts])), 3),
        "precision_min": round(float(np.nanmin([p["precision"] for p in parts])), 3),
        "recall_min": round(float(np.nanmin([p["recall"] for p in parts])), 3),
        "cells_hidden_share": round(
            sum(p["cells_hidden_share"] * p["cells"] for p in parts) / max(sum(p["cells"] for p in parts), 1), 3
        ),
        "teams": teams,
        "teams_hidden": hidden,
        "flagged": flagged,
        "true_positives": tp,
        "true_watermelon_shown": true_shown,
    }
    if all("mean_certainty" in p for p in parts):
        out["mean_certainty"] = round(float(np.mean([p["mean_certainty"] for p in parts])), 3)
        out["share_correct"] = round(float(np.mean([p["share_correct"] for p in parts])), 3)
    return out


def seeds_arg(text: str) -> list[int]:
    if "-" in text:
        a, b = text.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(s) for s in text.split(",")]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=seeds_arg, default=seeds_arg("1-8"))
    parser.add_argument("--positions", type=lambda s: [int(x) for x in s.split(",")], default=[600])
    parser.add_argument("--cache", type=Path, default=None, help="keep the door's frames here and reuse them")
    args = parser.parse_args(argv)
    out: dict = {"targets": TARGETS, "sizes": {}}
    for positions in args.positions:
        results = [run_seed(seed, positions, args.cache) for seed in args.seeds]
        cells = {k: sum(r["single_wave_cells"][k] for r in results) for k in results[0]["single_wave_cells"]}
        summary = {
            "before": pooled(results, "before"),
            "after": pooled(results, "after"),
            "single_wave_cells_hidden_share": round(cells["hidden"] / max(cells["cells"], 1), 3),
            "single_wave_cells": cells,
        }
        after = summary["after"]
        summary["targets_met"] = {
            "precision": bool(after["precision"] is not None and after["precision"] >= TARGETS["precision"]),
            "recall": bool(after["recall"] is not None and after["recall"] >= TARGETS["recall"]),
            "hidden_share": bool(after["hidden_share"] <= TARGETS["hidden_share_max"]),
            "auc": bool(after["auc_high_risk_mean"] >= TARGETS["auc"]),
        }
        out["sizes"][str(positions)] = {"seeds": args.seeds, "summary": summary, "per_seed": results}
    print(json.dumps(out, indent=1, default=float))
    return out


if __name__ == "__main__":
    main()
