"""Every figure a dashboard page shows, fetched through the privacy door (``verloop.privacy``).

This module is the pages' only source of numbers. It asks the kernel's one ``Door`` for
published frames (each row with ``n``, ``suppressed``, ``reason`` and ``note``), keeps them for
the life of the kernel, and slices them per filter choice: choosing a site or a team only picks
rows the door already published for everyone, so it can never show more than the door allows
(and it is fast). A period changes what the door computes, so it is a new door call.

The notes are re-worded per language from the door's own reason codes and policy
(``Policy.note``), so a language switch costs no new door call and the CSV download, written
from the same frame, says exactly what the screen says.

Where a page needs a figure the door does not publish, it is computed here from published
rows only (an interval from a published count and exposure, a share of two published counts,
a KPI/people status from published team figures). Retention curves are the door's own
(``Door.retention``); no page reads per-person rows. Every derived row keeps the suppression
of the rows it came from.
"""

from __future__ import annotations

import datetime as dt
import functools
import zlib

import numpy as np
import pandas as pd

from verloop.apps.dashboard.filters import Filters
from verloop.domain.period import resolve_period
from verloop.stats.intervals import poisson_interval, wilson_interval

UNITS = {"scores": "responses", "turnover": "employees", "comments": "comments", "reasons": "responses"}
LIKERT = (1.0, 5.0)


# -- ranges of the pulse scales (for colours and axes) --------------------------------------------------


@functools.lru_cache(maxsize=64)
def scale_range(scale: str) -> tuple[float, float]:
    """(min, max) of a scale's scores: 1–5 Likert, 0–100 WHO-5, 0–10 eNPS item, 0–100 rates."""
    if scale in ("response_rate",):
        return (0.0, 100.0)
    try:
        from verloop.apps.dashboard.i18n import _instrument

        s = _instrument("pulse").scale(scale)
        if s.scoring == "percent":
            return (0.0, 100.0)
        return (float(s.items[0].min), float(s.items[0].max))
    except Exception:
        return LIKERT


def is_likert(scale: str) -> bool:
    return scale_range(scale) == LIKERT


# -- the door, its caches, and the slicing of published frames ----------------------------------------


def door(source):
    """The kernel's one door (loads the data once; reloads itself when the database changes)."""
    if source.door is None:
        from verloop.privacy import Door

        source.door = Door(source.store, lang="en", scope=getattr(source, "scope", None))
    return source.door


def cached(source, key: tuple, build, persist: bool = True, code: tuple | None = None):
    """A door call's published frame, computed once per database state and shared with the
    other dashboard kernels through ``FigureCache`` (``persist=False``: memory only; ``code``:
    the source it depends on, ``cache.FRAME_CODE`` by default)."""
    from verloop.apps.dashboard.cache import FRAME_CODE, FigureCache

    code = FRAME_CODE if code is None else code
    if source.figure_cache is None:
        source.figure_cache = FigureCache(source.store)
    scope = getattr(source, "scope", None)
    if scope is not None and not scope.whole_organisation:
        # a site manager's or lead's frames are their own (issue 13), and whatever leaves the
        # cache passes the door's scope once more
        key = (*key, ("scope", scope.role, tuple(sorted(scope.site_ids)), tuple(sorted(scope.team_ids))))
        frame = source.figure_cache.get(key, build, persist=persist, code=code)
        if isinstance(frame, pd.DataFrame) and {"level", "team"} & set(frame.columns):
            frame = door(source).scoped(frame)
        return frame
    return source.figure_cache.get(key, build, persist=persist, code=code)


def _policy(source):
    """The organisation's privacy policy as the door applies it (k, comment k, the notes)."""
    return door(source).policy


def localise(frame: pd.DataFrame, lang: str, unit: str, policy) -> pd.DataFrame:
    """The published frame with its notes in ``lang``: the door's words for its reason codes.

    Rows the door gave a note of its own without a reason (none today) keep it."""
    if "reason" not in frame.columns or not len(frame):
        return frame
    out = frame.copy()
    words = {reason: (policy.note(reason, lang, unit) if reason else "") for reason in out["reason"].unique()}
    own = out["reason"].eq("") & out["note"].astype(str).ne("")
    out["note"] = np.where(own, out["note"], out["reason"].map(words))
    return out


def selection(source, filters: Filters) -> tuple[str, dict, str | None]:
    """(level, door filters, group name) for the chosen site/team: the node the page is about."""
    teams = source.teams
    if filters.team_id is not None:
        name = teams.loc[teams["team_id"] == filters.team_id, "team"]
        return "team", {"team_id": int(filters.team_id)}, (str(name.iloc[0]) if len(name) else None)
    if filters.site_id is not None:
        name = teams.loc[teams["site_id"] == filters.site_id, "site"]
        return "site", {"site_id": int(filters.site_id)}, (str(name.iloc[0]) if len(name) else None)
    return "organisation", {}, "organisation"


def within(frame: pd.DataFrame, source, filters: Filters) -> pd.DataFrame:
    """Rows of a published frame that lie inside the chosen site/team (no new figures)."""
    if not len(frame):
        return frame
    level, _, name = selection(source, filters)
    if level == "team":
        return frame[frame["team"] == name]
    if level == "site":
        return frame[frame["site"] == name]
    return frame


def _period(source, filters: Filters) -> tuple[dt.date, dt.date]:
    return resolve_period(filters.start, filters.end, last_day=source.today, first_day=source.options.first_month)


def all_pulse_waves(source) -> pd.DataFrame:
    """Every pulse wave with its state (cached: asking the door would load all answers)."""
    return cached(source, ("waves", "pulse"), lambda: door(source).waves("pulse"))


def pulse_waves(source, filters: Filters) -> pd.DataFrame:
    """Closed pulse waves opening inside the period (results exist only for closed waves)."""
    waves = all_pulse_waves(source)
    start, end = _period(source, filters)
    opens = pd.to_datetime(waves["opens_on"]).dt.date
    return waves[waves["results"] & (opens >= start) & (opens <= end)]


# -- turnover ---------------------------------------------------------------------------------------------


def _with_intervals(frame: pd.DataFrame, cost_per_leaver: float) -> pd.DataFrame:
    """Add figures derived from a published turnover row only: the involuntary rate's interval,
    first-90-day and regretted shares (Wilson), and the replacement cost with its interval."""
    out = frame.copy()
    exposure = out["person_years"].to_numpy(dtype=float)
    low, high = poisson_interval(out["involuntary"].to_numpy(dtype=float), exposure)
    out["involuntary_low"], out["involuntary_high"] = low * 100.0, high * 100.0
    out.loc[out["involuntary"].isna(), ["involuntary_low", "involuntary_high"]] = np.nan
    for name, part, whole in (("early", "early_leavers", "hires"), ("regretted", "regretted", "voluntary")):
        x, n = out[part].to_numpy(dtype=float), out[whole].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"{name}_share"] = np.where(n > 0, x / n * 100.0, np.nan)
        lo, hi = wilson_interval(x, n)
        out[f"{name}_low"], out[f"{name}_high"] = lo * 100.0, hi * 100.0
    out["cost_eur"] = out["voluntary"] * cost_per_leaver
    out["cost_low"] = out["voluntary_low"] / 100.0 * out["person_years"] * cost_per_leaver
    out["cost_high"] = out["voluntary_high"] / 100.0 * out["person_years"] * cost_per_leaver
    meta = ["n", "suppressed", "reason", "note"]
    return out[[c for c in out.columns if c not in meta] + meta]


def turnover_by(source, filters: Filters, by: str) -> pd.DataFrame:
    """Turnover per organisation / site / team over the period, for the chosen site/team (the
    intervals and costs are derived once, in the cached frame: a kernel needs no statsmodels)."""
    start, end = _period(source, filters)
    cost = source.replacement_cost_eur
    frame = cached(
        source,
        ("turnover+", by, start, end, cost),
        lambda: _with_intervals(door(source).turnover(by=by, start=start, end=end), cost),
    )
    return localise(within(frame, source, filters), filters.lang, "employees", _policy(source))


def turnover_summary(source, filters: Filters) -> pd.DataFrame:
    """One row: the chosen organisation / site / team over the period."""
    level, _, _ = selection(source, filters)
    return turnover_by(source, filters, level)


def turnover_trend(source, filters: Filters) -> pd.DataFrame:
    """Monthly annualised turnover of the chosen organisation / site / team (every group of the
    level is fetched in one door call, computed by the refresh, and sliced: choosing a team
    computes nothing)."""
    start, end = _period(source, filters)
    level, _, _ = selection(source, filters)
    cost = source.replacement_cost_eur
    frame = cached(
        source,
        ("turnover-m+", level, start, end, cost),
        lambda: _with_intervals(door(source).turnover(by=level, start=start, end=end, freq="M"), cost),
    )
    return localise(within(frame, source, filters), filters.lang, "employees", _policy(source))


def trend_long(frame: pd.DataFrame) -> pd.DataFrame:
    """Monthly turnover as long rows (month, kind, rate, lower, upper) for a line chart."""
    parts = []
    for kind in ("voluntary", "involuntary"):
        parts.append(
            pd.DataFrame(
                {
                    "month": pd.to_datetime(frame["period_start"]),
                    "kind": kind,
                    "rate": frame[f"{kind}_rate"],
                    "lower": frame[f"{kind}_low"],
                    "upper": frame[f"{kind}_high"],
                    "suppressed": frame["suppressed"],
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


# -- survey figures --------------------------------------------------------------------------------------


def _all_waves(source, what: str, by: str) -> pd.DataFrame:
    """One door call per figure and level over every pulse wave, cached and shared: any page,
    team or period is then a slice of it. (The door plans suppression over all waves anyway —
    that is its cost — so asking for one wave or one team saves little.)"""
    d = door(source)
    calls = {
        "scores": lambda: d.scale_scores(by=by),
        "enps": lambda: d.enps_by(by=by),
        "rr": lambda: d.response_rates(by=by),
    }
    return cached(source, (what, by, "all"), calls[what])


def _slice(source, frame: pd.DataFrame, waves: tuple, picks: tuple = ()) -> pd.DataFrame:
    """Rows of the given waves (and chosen site / team, by id) of a published frame."""
    if not len(frame):
        return frame
    keep = frame["wave"].isin(list(waves))
    teams = source.teams
    for key, value in picks:
        if key == "team_id":
            keep &= frame["team"].isin(teams.loc[teams["team_id"] == value, "team"])
        elif key == "site_id":
            keep &= frame["site"].isin(teams.loc[teams["site_id"] == value, "site"])
    return frame[keep].reset_index(drop=True)


TEAM_PARTS = 64  # the team-level frames are also kept in this many parts by team, and per wave


def team_part(team) -> int:
    """The part of the team-level frames that holds ``team``'s rows (stable across processes)."""
    return zlib.crc32(str(team).encode()) % TEAM_PARTS


def team_parts(teams: pd.Series) -> pd.Series:
    """``team_part`` of each row's team, computed once per team (a frame of every team in every
    wave has hundreds of thousands of rows, and the refresh splits it 64 times)."""
    return teams.map({team: team_part(team) for team in teams.dropna().unique()})


def _team_rows(source, what: str, part: tuple) -> pd.DataFrame:
    """A part of a team-level frame over every wave: ``("wave", name)`` (every team in one wave)
    or ``("teams", i)`` (every wave of the teams in ``team_part`` i). A page reads the part it
    shows — a few thousand rows — instead of every team in every wave (hundreds of thousands
    at 10,000 employees); the refresh writes them all (``split_team_frames``)."""

    def build():
        frame = _all_waves(source, what, "team")
        if not len(frame):
            return frame
        keep = frame["wave"].eq(part[1]) if part[0] == "wave" else team_parts(frame["team"]).eq(part[1])
        return frame[keep].reset_index(drop=True)

    return cached(source, (what, "team", *part), build)


def _rows(source, what: str, by: str, waves: tuple, picks: tuple = ()) -> pd.DataFrame:
    """Rows of the given waves (and chosen site / team) of a door figure at level ``by``; at
    team level from the part that holds them (``_team_rows``)."""
    if by == "team":
        chosen = dict(picks)
        teams = source.teams
        names = teams.loc[teams["team_id"] == chosen["team_id"], "team"] if "team_id" in chosen else ()
        if len(names):
            return _slice(source, _team_rows(source, what, ("teams", team_part(names.iloc[0]))), waves, picks)
        if len(waves) == 1:
            return _slice(source, _team_rows(source, what, ("wave", str(waves[0]))), waves, picks)
    return _slice(source, _all_waves(source, what, by), waves, picks)


def split_team_frames(source) -> int:
    """Write every part of the team-level frames (``_team_rows``) to the cache: what the
    refresh runs once the pages' views are built. Returns the number of parts."""
    from verloop.errors import VerloopError

    count = 0
    for what in ("scores", "enps", "rr"):
        try:
            frame = _all_waves(source, what, "team")
        except VerloopError:  # e.g. a pulse survey without an eNPS question
            continue
        parts = [("wave", str(w)) for w in dict.fromkeys(frame["wave"])] if len(frame) else []
        parts += [("teams", i) for i in range(TEAM_PARTS)]
        for part in parts:
            _team_rows(source, what, part)
            count += 1
    closed = waves_with_results(source)
    if len(closed):  # the engagement page's distribution for a team: its latest wave
        for part in range(TEAM_PARTS):
            _distribution(source, "team", str(closed["wave"].iloc[-1]), part)
            count += 1
    return count


def _scores(source, by: str, waves: tuple, picks: tuple = ()) -> pd.DataFrame:
    if not waves:
        return _empty_scores()
    return _rows(source, "scores", by, waves, picks)


def _empty_scores() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "wave",
            "opens_on",
            "closes_on",
            "level",
            "site",
            "team",
            "group",
            "scale",
            "score",
            "sd",
            "ci_low",
            "ci_high",
            "filter",
            "n",
            "suppressed",
            "reason",
            "note",
        ]
    )


def waves_with_results(source) -> pd.DataFrame:
    """Closed pulse waves the door shows organisation-wide figures for (at least k responses),
    oldest first: the waves a page may open on (never an open, empty or all-hidden wave)."""
    waves = all_pulse_waves(source)
    closed = waves[waves["results"]]
    if not len(closed):
        return closed
    rates = _all_waves(source, "rr", "organisation")
    shown = set(rates.loc[~rates["suppressed"].astype(bool) & (rates["n"].fillna(0).astype(int) > 0), "wave"])
    return closed[closed["wave"].isin(shown)]


def latest_wave(source, filters: Filters) -> str | None:
    """The latest wave with results (``waves_with_results``) that opens inside the period."""
    waves = pulse_waves(source, filters)
    waves = waves[waves["wave"].isin(set(waves_with_results(source)["wave"]))]
    return str(waves["wave"].iloc[-1]) if len(waves) else None


def scale_scores_by_team(source, filters: Filters) -> pd.DataFrame:
    """Latest wave in the period: every team's scales (the chosen site's or team's rows);
    without a site or team chosen, one row per site (an organisation of hundreds of teams does
    not fit one heatmap)."""
    wave = latest_wave(source, filters)
    lead = getattr(getattr(source, "scope", None), "role", None) == "lead"  # issue 13: a lead sees no site
    by = "team" if (filters.site_id is not None or filters.team_id is not None or lead) else "site"
    frame = _scores(source, by, (wave,) if wave else ())
    return localise(within(frame, source, filters), filters.lang, "responses", _policy(source))


def scale_trend(source, filters: Filters) -> pd.DataFrame:
    """The chosen organisation / site / team on every scale, per wave in the period."""
    level, picks, _ = selection(source, filters)
    waves = tuple(pulse_waves(source, filters)["wave"])
    frame = _scores(source, level, waves, tuple(picks.items()))
    out = localise(frame, filters.lang, "responses", _policy(source))
    return (
        out.assign(date=pd.to_datetime(out["opens_on"]))
        if len(out)
        else out.assign(date=pd.Series(dtype="datetime64[ns]"))
    )


def wave_summary(source, filters: Filters) -> pd.DataFrame:
    """Per wave for the chosen group: WHO-5 wellbeing, eNPS and the response rate, each with its
    own ``n``/note (one row per wave; the CSV holds all three door frames side by side)."""
    level, picks, _ = selection(source, filters)
    waves = tuple(pulse_waves(source, filters)["wave"])
    if not waves:
        return pd.DataFrame(
            columns=["wave", "date", "wellbeing", "enps", "response_rate", "n", "suppressed", "reason", "note"]
        )
    scores = _scores(source, level, waves, tuple(picks.items()))
    enps = _rows(source, "enps", level, waves, tuple(picks.items()))
    rates = _rows(source, "rr", level, waves, tuple(picks.items()))
    well = scores[scores["scale"] == "wellbeing"].set_index("wave")
    e = enps.set_index("wave")
    r = rates.set_index("wave")
    out = pd.DataFrame({"wave": list(waves)})
    out["date"] = pd.to_datetime(out["wave"].map(r["opens_on"]))
    out["wellbeing"] = out["wave"].map(well["score"])
    out["wellbeing_n"] = out["wave"].map(well["n"]).astype("Int64")
    out["enps"] = out["wave"].map(e["enps"])
    out["enps_n"] = out["wave"].map(e["n"]).astype("Int64")
    out["invited"] = out["wave"].map(r["invited"]).astype("Int64")
    out["response_rate"] = out["wave"].map(r["response_rate"])
    out["n"] = out["wave"].map(r["n"]).astype("Int64")
    hidden = out["wave"].map(e["suppressed"]).fillna(False).astype(bool) | out["wave"].map(well["suppressed"]).fillna(
        False
    ).astype(bool)
    out["suppressed"] = hidden
    out["reason"] = np.where(hidden, out["wave"].map(e["reason"]).fillna(""), "")
    out["reason"] = np.where(hidden & (out["reason"] == ""), out["wave"].map(well["reason"]).fillna(""), out["reason"])
    out["note"] = ""
    return localise(out, filters.lang, "responses", _policy(source))


def score_distribution(source, filters: Filters) -> pd.DataFrame:
    """How the chosen group's scores spread in the latest wave of the period."""
    level, _, _ = selection(source, filters)
    wave = latest_wave(source, filters)
    if wave is None:
        return pd.DataFrame(columns=["scale", "bin_low", "bin_high", "share", "n", "suppressed", "reason", "note"])
    _, _, name = selection(source, filters)
    frame = _distribution(source, level, wave, team_part(name) if level == "team" else None)
    frame = within(frame, source, filters).reset_index(drop=True)
    frame = frame[frame["scale"] != "enps"]
    return localise(frame, filters.lang, "responses", _policy(source))


def _distribution(source, level: str, wave: str, part: int | None = None) -> pd.DataFrame:
    """The door's score distribution of every group of ``level`` in ``wave`` (one door call,
    then sliced); at team level ``part`` reads only the teams of that ``team_part``."""
    whole = ("dist", level, wave)
    build = lambda: door(source).score_distribution(by=level, waves=[wave])  # noqa: E731
    if part is None:
        return cached(source, whole, build)

    def build_part():
        frame = cached(source, whole, build)
        return frame[team_parts(frame["team"]).eq(part)].reset_index(drop=True) if len(frame) else frame

    return cached(source, (*whole, "part", part), build_part)


def distribution_bands(frame: pd.DataFrame) -> pd.DataFrame:
    """The door's score bins folded into unfavourable / neutral / favourable shares per scale
    (the lowest 37.5 % of the range, the middle, the top 37.5 %; reversed for scales where high
    is bad). Sums of published bin shares only; hidden rows stay hidden with their note."""
    from verloop.apps.dashboard.i18n import scale_higher_is_better

    rows = []
    for (group, scale), part in frame.groupby(["group", "scale"], sort=False):
        lo, hi = scale_range(scale)
        low_cut, high_cut = lo + 0.375 * (hi - lo), lo + 0.625 * (hi - lo)
        low = part.loc[part["bin_high"] <= low_cut + 1e-9, "share"].sum(min_count=1)
        high = part.loc[part["bin_low"] >= high_cut - 1e-9, "share"].sum(min_count=1)
        middle = part["share"].sum(min_count=1) - low - high if pd.notna(low) and pd.notna(high) else np.nan
        if not scale_higher_is_better(scale):
            low, high = high, low
        first = part.iloc[0]
        rows.append(
            {
                "wave": first.get("wave"),
                "group": group,
                "scale": scale,
                "unfavourable": low,
                "neutral": middle,
                "favourable": high,
                "n": first["n"],
                "suppressed": bool(first["suppressed"]),
                "reason": first["reason"],
                "note": first["note"],
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "wave",
            "group",
            "scale",
            "unfavourable",
            "neutral",
            "favourable",
            "n",
            "suppressed",
            "reason",
            "note",
        ],
    )
    out["n"] = out["n"].astype("Int64")
    return out


def team_scale_trend(source, team_id: int, lang: str = "en") -> pd.DataFrame:
    """One team on every scale in every closed pulse wave (for before/after an action)."""
    waves = all_pulse_waves(source)
    names = tuple(waves.loc[waves["results"], "wave"])
    frame = _scores(source, "team", names, (("team_id", int(team_id)),))
    out = localise(frame, lang, "responses", _policy(source))
    return (
        out.assign(date=pd.to_datetime(out["opens_on"]).dt.date)
        if len(out)
        else out.assign(date=pd.Series(dtype=object))
    )


def team_vs_organisation(source, team_id: int, lang: str = "en") -> pd.DataFrame:
    """The latest closed wave: the team and the organisation on every scale, plus the response
    rate, as ``group_kind`` ('team' | 'organisation') rows of one frame."""
    closed = waves_with_results(source)
    if not len(closed):
        return pd.DataFrame(columns=["group_kind", "scale", "score", "n", "suppressed", "reason", "note"])
    wave = str(closed["wave"].iloc[-1])
    team = _scores(source, "team", (wave,), (("team_id", int(team_id)),))
    org = _scores(source, "organisation", (wave,))
    rates = {
        kind: _rows(source, "rr", kind, (wave,), picks)
        for kind, picks in (("team", (("team_id", int(team_id)),)), ("organisation", ()))
    }
    columns = [
        "group_kind",
        "wave",
        "group",
        "scale",
        "score",
        "ci_low",
        "ci_high",
        "n",
        "suppressed",
        "reason",
        "note",
    ]
    records = []
    for kind, frame in (("team", team), ("organisation", org)):
        rate = rates[kind]
        if len(rate):
            row = rate.iloc[0]
            records.append(
                {
                    "group_kind": kind,
                    "wave": wave,
                    "group": row["group"],
                    "scale": "response_rate",
                    "score": row["response_rate"],
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "n": row["n"],
                    "suppressed": bool(row["suppressed"]),
                    "reason": row["reason"],
                    "note": row["note"],
                }
            )
        records += frame.assign(group_kind=kind)[columns].to_dict("records")
    out = pd.DataFrame.from_records(records, columns=columns)
    out["n"] = pd.array([None if pd.isna(v) else int(v) for v in out["n"]], dtype="Int64")
    return localise(out, lang, "responses", _policy(source))


# -- exits ------------------------------------------------------------------------------------------------


def exit_reasons(source, filters: Filters) -> pd.DataFrame:
    """Stated (exit) and honest (follow-up) main reasons in the period for the chosen site (or
    the organisation): counts summed over the shown wave rows, and shares of those.

    Teams are too small for reasons: a team choice shows its site. Rows the door hid stay out
    of the sums and are listed with their note."""
    level = "site" if (filters.site_id is not None or filters.team_id is not None) else "organisation"
    site_filters = Filters(
        site_id=filters.site_id if filters.team_id is None else _site_of(source, filters.team_id),
        lang=filters.lang,
        start=filters.start,
        end=filters.end,
        months=filters.months,
    )
    start, end = _period(source, filters)
    d = door(source)
    parts = []
    for kind, label in (("exit", "stated"), ("followup", "honest")):
        frame = cached(source, ("reasons", kind, level), lambda kind=kind: d.reasons(kind=kind, by=level))
        frame = within(frame, source, site_filters) if level == "site" else frame
        opens = pd.to_datetime(frame["opens_on"]).dt.date
        frame = frame[(opens >= start) & (opens <= end)]
        shown = frame[~frame["suppressed"]]
        counts = shown.groupby("reason_code", sort=False)["count"].sum()
        total = counts.sum()
        hidden = frame[frame["suppressed"]].drop_duplicates("wave")
        row_hidden = len(hidden) > 0 and total == 0
        note = hidden["reason"].iloc[0] if len(hidden) else ""
        for code in dict.fromkeys(frame["reason_code"]):
            parts.append(
                {
                    "source": label,
                    "group": shown["group"].iloc[0] if len(shown) else (frame["group"].iloc[0] if len(frame) else ""),
                    "reason_code": code,
                    "count": float(counts.get(code, 0.0)) if not row_hidden else np.nan,
                    "share": float(counts.get(code, 0.0) / total * 100.0) if total else np.nan,
                    "waves": int(frame["wave"].nunique()),
                    "waves_hidden": int(hidden["wave"].nunique()),
                    "n": int(shown.drop_duplicates("wave")["n"].sum()) if len(shown) else (None if row_hidden else 0),
                    "suppressed": bool(row_hidden),
                    "reason": note if row_hidden else "",
                    "note": "",
                }
            )
    out = pd.DataFrame(
        parts,
        columns=[
            "source",
            "group",
            "reason_code",
            "count",
            "share",
            "waves",
            "waves_hidden",
            "n",
            "suppressed",
            "reason",
            "note",
        ],
    )
    out["n"] = out["n"].astype("Int64")
    return localise(out, filters.lang, "responses", _policy(source))


def _site_of(source, team_id: int) -> int | None:
    rows = source.teams.loc[source.teams["team_id"] == team_id, "site_id"]
    return int(rows.iloc[0]) if len(rows) else None


def _scope_refusal(scope, lang: str) -> str:
    """The door's sentence for what a scope may not open (issue 13)."""
    from verloop.privacy.scope import ScopeError

    try:
        scope.require("comments", lang)
    except ScopeError as exc:
        return str(exc)
    return ""


def exit_comments(source, lang: str = "en") -> pd.DataFrame:
    """Comments of leavers (exit and follow-up), organisation-wide only, per the door's
    comment threshold; never filtered by site, team or period."""
    d = door(source)
    if not d.scope.allows("comments"):  # issue 13: a researcher's account sees no comments
        why = _scope_refusal(d.scope, lang)
        return pd.DataFrame(
            {
                "survey": ["exit", "followup"],
                "text": [None, None],
                "suppressed": [True, True],
                "reason": ["", ""],
                "note": [why, why],
            }
        )
    parts = []
    for kind in ("exit", "followup"):
        frame = cached(
            source, ("comments", kind), lambda kind=kind: d.comments(by="organisation", kind=kind), persist=False
        )  # free text is never copied to disk
        parts.append(frame.assign(survey=kind))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return localise(out, lang, "comments", _policy(source))


# -- KPIs against people -----------------------------------------------------------------------------------


def kpi_vs_people(source, filters: Filters) -> dict:
    """The watermelon view: ``verloop.analysis.watermelon`` on the door's watermelon frame (people
    figures pooled over each team's shown waves), judged against the organisation's KPI targets;
    fitted over every team, then sliced to the chosen site."""
    start, end = _period(source, filters)

    def build():  # the detector's verdicts on published rows, kept with them (a kernel needs no sklearn)
        from verloop.analysis.watermelon import detect, targets_from_store

        frame = door(source).watermelon(start=start, end=end)
        targets = targets_from_store(source.store)
        return {"status": detect(frame, targets) if len(frame) else frame, "targets": targets}

    verdicts = cached(source, ("watermelon-status", start, end), build)
    status, targets = verdicts["status"], verdicts["targets"]
    if getattr(getattr(source, "scope", None), "whole_organisation", True) is False:
        status = door(source).scoped(status)  # a dict is not re-scoped by ``cached``
    return {
        "teams": localise(within(status, source, filters), filters.lang, "responses", _policy(source)),
        "targets": targets,
    }


# -- retention (the door's Kaplan–Meier curves) -------------------------------------------------------------


def retention_curves(source, filters: Filters, by: str) -> dict:
    """The door's retention curves per hiring cohort, site or lead style for the chosen site /
    team (``Door.retention``: delayed entry, the organisation's k, audited), with the per-group
    summary (people, leavers, median tenure). Hidden groups keep one placeholder row."""
    _, chosen, _ = selection(source, filters)
    key = tuple(sorted(chosen.items()))
    d = door(source)
    curves = cached(source, ("retention", by, key), lambda: d.retention(by=by, filters=chosen))
    groups = cached(source, ("retention-summary", by, key), lambda: d.retention_summary(by=by, filters=chosen))
    policy = _policy(source)
    return {
        "curves": localise(curves.drop(columns="by"), filters.lang, "employees", policy),
        "groups": localise(groups.drop(columns="by"), filters.lang, "employees", policy),
    }


# -- models (drivers, risk, what-if) ------------------------------------------------------------------------


def drivers(source) -> dict:
    """The drivers of the latest team-level model card (``verloop train``), if there is one."""
    from verloop.apps.dashboard import modelcards

    return modelcards.drivers(source)


def model_card_stamp() -> tuple:
    """(path, modified) of the team model's card that ``verloop train`` wrote (``None``: no
    model): part of the key of everything drawn from the model. The folder is the settings'
    (``modelcards.models_root``), read without importing the models."""
    from verloop.apps.dashboard.modelcards import TEAM_CARD
    from verloop.config import current

    card = current().models_dir / TEAM_CARD / "card.json"
    try:
        return (str(card), card.stat().st_mtime_ns)
    except OSError:
        return (str(card), None)


def team_risk(source, filters: Filters) -> dict:
    """The risk page's published table (``modelcards.team_risk``: the model's expectations per
    team, through ``suppress_people``), cached like a door frame: keyed by the model card too,
    so a page kernel loads neither HR records nor the model to show it."""
    from verloop.apps.dashboard import modelcards
    from verloop.apps.dashboard.cache import MODEL_CODE

    card = model_card_stamp()
    return cached(
        source,
        ("risk", filters.site_id, filters.lang, card),
        lambda: modelcards.team_risk(source, filters),
        code=MODEL_CODE,
    )


def whatif_factors(source) -> list[str]:
    from verloop.apps.dashboard import modelcards

    return modelcards.whatif_factors(source)


def whatif(source, filters: Filters, changes: dict) -> dict:
    from verloop.apps.dashboard import modelcards

    return modelcards.whatif(source, filters, changes)
