"""Drivers against the generator's truth (issue 11): does each design find what makes people leave?

    nice -n 10 .venv/bin/python bench/drivers.py [--sizes 600,3000,5000] [--seeds 1-8] [--boot 1000]

For each organisation size and seed the synthetic generator builds an organisation (confidential
mode, so the person-level model can run; the anonymous designs never use the key), every design
is fitted, and its estimates are compared with the truth:

- ``before``: the old team model — one row per team and wave, 6-month leavers among the people
  employed at the wave, adjusted for mean tenure and share of new hires (post-treatment);
- ``team``: the pooled team model (``PooledTeamModel``): means over all waves, all staff, no
  tenure controls, 1,000 bootstrap resamples of teams;
- ``exit``: exit answers vs everyone's pulse answers (logistic, anonymous);
- ``cox``: person-level Cox on calibrated own scores (confidential mode);
- ``verdict_anonymous`` / ``verdict_confidential``: the triangulated verdict (``triangulate``)
  without and with the pseudonym key.

Per design, summed over seeds: ``both_top_clear`` (mandate and wellbeing both clear, in the
right direction; out of the seeds), ``mandate_first``, ``false_discoveries`` (no-effect scales
flagged clear; out of 6 × seeds), ``covered`` (true per-point effect of mandate, wellbeing,
autonomy and workload inside the 95 % interval; out of 4 × seeds), and the median ratio of
estimate to truth for mandate. The truth per point is β / λ, with λ the slope of the observed
score on the latent construct (points per latent SD), read from the generator's person-waves.
What-if (mandate +1 point for everyone, 12 months): baseline within ±10 % of the truth's expected
voluntary leavers, and whether the interval of leavers avoided covers the truth-implied number.

Per seed (``--per-seed``) each design also lists the no-effect scales it ``flagged`` and the
true effects its interval ``missed`` (with estimate / truth), and ``stage_seconds`` says where the
time went (generate, triangulate incl. the 1,000-resample team bootstrap and the Cox model,
before); the summary counts the flagged scales over seeds.

``--recall-bias 0.3`` lets leavers colour their exit answers (the generator's
``exit_recall_bias``): the exit comparison then flags no-effect scales, and the verdict's
false-alarm rate under that bias is what the drivers card reports.

Prints one JSON object. Seconds per seed are reported too (the machine is shared: run it niced).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verloop.models.data import DRIVER_SCALES, from_frames, link_pseudonyms  # noqa: E402

TOP = ("mandate", "wellbeing")
TRUE_DRIVERS = ("mandate", "wellbeing", "autonomy", "workload")


def points_per_sd(org, synth) -> dict[str, float]:
    """λ per scale: slope of the observed score on the latent construct (person-waves)."""
    linked = link_pseudonyms(org, synth.config.pseudonym_key)
    joined = linked.merge(synth.person_waves, on=["employee_id", "wave_id"], suffixes=("", "_z"))
    out = {}
    for k in DRIVER_SCALES:
        pair = joined[[f"{k}_z", k]].dropna()
        out[k] = float(np.polyfit(pair[f"{k}_z"], pair[k], 1)[0])
    return out


def _per_point(entry: dict) -> tuple[float, float, float]:
    """log ratio per single point (undoing the 10-point unit of 0–100 scales)."""
    step = 10.0 if entry.get("unit_point") == "10 points" else 1.0
    return tuple(float(np.log(entry[k]) / step) for k in ("ratio_point", "low_point", "high_point"))


def score_design(rows: dict[str, dict], truth_point: dict, zero: list[str], ranked_by: str = "size") -> dict:
    """rows: factor → {ratio (per SD), low, high, clear, ratio_point, low_point, high_point,
    unit_point, rank}."""
    clear = {f: bool(r["clear"]) for f, r in rows.items()}
    both = all(clear.get(f) and rows[f]["ratio"] < 1 for f in TOP)
    if ranked_by == "rank":
        first = next((f for f, r in rows.items() if r.get("rank") == 1), None)
    else:
        first = max(rows, key=lambda f: abs(np.log(rows[f]["ratio"])))
    flagged = [f for f in zero if f in rows and clear[f]]
    fd = len(flagged)
    covered, ratio_m, missed = 0, float("nan"), []
    for f in TRUE_DRIVERS:
        if f not in rows:
            continue
        b, lo, hi = _per_point(rows[f])
        covered += int(lo <= truth_point[f] <= hi)
        if not lo <= truth_point[f] <= hi:
            missed.append(f"{f} {b / truth_point[f]:.2f}")  # which effect, and estimate / truth
        if f == "mandate":
            ratio_m = b / truth_point[f]
    return {
        "both_top_clear": int(both),
        "mandate_first": int(first == "mandate"),
        "false_discoveries": fd,
        "flagged": flagged,
        "covered": covered,
        "missed": missed,
        "mandate_estimate_over_truth": ratio_m,
    }


def _from_sources(report: dict, source: str) -> dict[str, dict]:
    out = {}
    for d in report["drivers"]:
        for s in d["sources"]:
            if s["source"] == source:
                out[d["factor"]] = dict(s)
    return out


def _before(org, truth_point, zero, boot: int, seed: int) -> tuple[dict, dict]:
    from verloop.models.features import team_panel
    from verloop.models.results import bounds_columns
    from verloop.models.team import TeamPoissonModel, panel_xy
    from verloop.models.threads import limited
    from verloop.models.whatif import what_if

    panel = team_panel(org, horizons=(6,))
    scales = [s for s in DRIVER_SCALES if s in panel]
    feats = [*scales, "mean_tenure_years", "share_new_3m", "share_part_time"]
    X, y, weight, teams = panel_xy(panel, 6, feats)
    with limited():
        model = TeamPoissonModel(n_boot=boot, seed=seed).fit(X, y, sample_weight=weight, groups=teams)
    table = model.summary
    cols = bounds_columns(model.level)
    rows = {}
    for f in scales:
        r = table.loc[f]
        rows[f] = {
            "ratio": r["exp(coef*sd)"],
            "low": r[cols["sd_lower"]],
            "high": r[cols["sd_upper"]],
            "clear": r[cols["sd_upper"]] < 1 or r[cols["sd_lower"]] > 1,
            "ratio_point": r["exp(coef)"],
            "low_point": r[cols["ratio_lower"]],
            "high_point": r[cols["ratio_upper"]],
            "unit_point": "point",
        }
    result = what_if(model, panel, {"mandate": 1.0}, months=12)
    return score_design(rows, truth_point, zero), {
        "baseline": result.baseline_leavers,
        "avoided": result.leavers_avoided,
        "avoided_interval": list(result.avoided_interval),
    }


def run_seed(
    n: int, seed: int, boot: int, with_before: bool = True, with_cox: bool = True, recall_bias: float = 0.0
) -> dict:
    from verloop.models.triangulate import triangulate
    from verloop.models.whatif import what_if
    from verloop.synth.generate import generate

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth = generate(employees=n, seed=seed, mode="confidential", exit_recall_bias=recall_bias)
    org = from_frames(synth.frames(), settings={"survey_mode": "confidential"})
    stages = {"generate": round(time.perf_counter() - t0, 1)}
    truth = synth.truth
    betas = truth["hazard"]["betas"]
    zero = list(truth["hazard"]["zero_effect_constructs"])
    lam = points_per_sd(org, synth)
    truth_point = {k: betas.get(k, 0.0) / lam[k] for k in DRIVER_SCALES}
    out: dict = {"seed": seed, "teams": int(org.teams["id"].nunique())}
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        conf = triangulate(org, key=synth.config.pseudonym_key if with_cox else None, n_boot=boot, seed=seed)
        anon = conf.without("cox")  # what the same organisation sees in anonymous mode
    stages["triangulate"] = round(time.perf_counter() - t1, 1)
    a, c = anon.to_dict(), conf.to_dict()
    designs = {
        "team": score_design(_from_sources(a, "team"), truth_point, zero),
        "exit": score_design(_from_sources(a, "exit"), truth_point, zero),
        "verdict_anonymous": score_design({d["factor"]: d for d in a["drivers"]}, truth_point, zero, "rank"),
    }
    designs["verdict_anonymous"]["powered"] = int(a["powered"])
    if with_cox:
        designs["cox"] = score_design(_from_sources(c, "cox"), truth_point, zero)
        designs["verdict_confidential"] = score_design(
            {d["factor"]: d for d in c["drivers"]}, truth_point, zero, "rank"
        )
        designs["verdict_confidential"]["powered"] = int(c["powered"])
    # what-if on the corrected model, against the truth
    teams = pd.DataFrame(truth["teams"])
    expected = teams["expected_voluntary_leavers_per_year"].to_numpy(dtype=float)
    truth_base = float(expected.sum())
    truth_avoided = float(np.sum(expected * (1 - np.exp(truth_point["mandate"]))))
    result = what_if(anon.team_model, anon.team_rows, {"mandate": 1.0}, months=12)
    lo, hi = result.avoided_interval
    whatif = {
        "truth_baseline": truth_base,
        "truth_avoided": truth_avoided,
        "baseline": result.baseline_leavers,
        "avoided": result.leavers_avoided,
        "avoided_interval": [lo, hi],
        "baseline_within_10pct": int(abs(result.baseline_leavers / truth_base - 1) <= 0.10),
        "covers": int(lo <= truth_avoided <= hi),
    }
    out["whatif"] = whatif
    if with_before:
        t2 = time.perf_counter()
        designs["before"], before_w = _before(org, truth_point, zero, min(boot, 200), seed)
        before_w["baseline_within_10pct"] = int(abs(before_w["baseline"] / truth_base - 1) <= 0.10)
        lo_b, hi_b = before_w["avoided_interval"]
        before_w["covers"] = int(lo_b <= truth_avoided <= hi_b)
        out["whatif_before"] = before_w
        stages["before"] = round(time.perf_counter() - t2, 1)
    out["designs"] = designs
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["stage_seconds"] = stages
    return out


def summarise(runs: list[dict]) -> dict:
    seeds = len(runs)
    designs = {}
    for name in runs[0]["designs"]:
        rows = [r["designs"][name] for r in runs]
        designs[name] = {
            "both_top_clear": f"{sum(x['both_top_clear'] for x in rows)}/{seeds}",
            "mandate_first": f"{sum(x['mandate_first'] for x in rows)}/{seeds}",
            "false_discoveries": f"{sum(x['false_discoveries'] for x in rows)}/{6 * seeds}",
            "covered": f"{sum(x['covered'] for x in rows)}/{4 * seeds}",
            "mandate_estimate_over_truth_median": round(
                float(np.nanmedian([x["mandate_estimate_over_truth"] for x in rows])), 2
            ),
        }
        flagged = [f for x in rows for f in x["flagged"]]
        designs[name]["flagged"] = {f: flagged.count(f) for f in sorted(set(flagged))}
        if "powered" in rows[0]:
            designs[name]["powered"] = f"{sum(x['powered'] for x in rows)}/{seeds}"
    out = {"designs": designs}
    for key in ("whatif", "whatif_before"):
        if key in runs[0]:
            w = [r[key] for r in runs]
            out[key] = {
                "covers": f"{sum(x['covers'] for x in w)}/{seeds}",
                "baseline_within_10pct": f"{sum(x['baseline_within_10pct'] for x in w)}/{seeds}",
                "median_avoided": round(float(np.median([x["avoided"] for x in w])), 1),
                "median_truth_avoided": round(float(np.median([r["whatif"]["truth_avoided"] for r in runs])), 1),
                "median_baseline_over_truth": round(
                    float(np.median([x["baseline"] / r["whatif"]["truth_baseline"] for x, r in zip(w, runs)])), 3
                ),
            }
    out["teams_median"] = int(np.median([r["teams"] for r in runs]))
    out["seconds_per_seed_median"] = float(np.median([r["seconds"] for r in runs]))
    return out


def parse_seeds(text: str) -> list[int]:
    if "-" in text:
        a, b = text.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(s) for s in text.split(",") if s]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="600,3000,5000")
    parser.add_argument("--seeds", default="1-8")
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--no-before", action="store_true", help="skip the old per-wave model")
    parser.add_argument(
        "--recall-bias", type=float, default=0.0, help="leavers colour their exit answers by this many latent SDs"
    )
    parser.add_argument("--no-cox", action="store_true", help="skip the person-level model (anonymous only)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="also write the JSON here (e.g. models/drivers-benchmark-recall.json: "
        "'verloop train' then shows it in the drivers card)",
    )
    parser.add_argument("--per-seed", action="store_true", help="include every seed's numbers")
    args = parser.parse_args(argv)
    report = {
        "benchmark": "drivers against the generator's truth (issue 11)",
        "seeds": args.seeds,
        "bootstrap": args.boot,
        "exit_recall_bias": args.recall_bias,
        "sizes": {},
    }
    for n in [int(s) for s in args.sizes.split(",") if s]:
        runs = []
        for s in parse_seeds(args.seeds):
            runs.append(run_seed(n, s, args.boot, not args.no_before, not args.no_cox, args.recall_bias))
            print(json.dumps({"size": n, "seed": s, **runs[-1]}, default=float), file=sys.stderr, flush=True)
        report["sizes"][str(n)] = summarise(runs)
        if args.per_seed:
            report["sizes"][str(n)]["runs"] = runs
        print(json.dumps({"size": n, **report["sizes"][str(n)]}), file=sys.stderr, flush=True)
    text = json.dumps(report, indent=1, default=float)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return report


if __name__ == "__main__":
    main()
