"""A cache of the privacy door's published frames, shared by every dashboard kernel, and the
refresh that fills it whenever the data change.

Why: Voilà starts a kernel per page load, and the door builds its figures from all survey
answers — for a 10,000-employee organisation that is tens of seconds and hundreds of MB per
kernel. What the door *publishes* (suppressed, with notes) is small and the same for every HR
reader, so it is computed once per data revision, by ``refresh`` (run in the background by
``watch`` beside the servers, or by hand: ``python -m verloop.apps.dashboard.cache``), and page
kernels only read it.

What is stored: only published frames — exactly what any HR reader sees on screen or in a CSV —
never answers or HR records; comments stay out of it (free text is not copied to disk). Each
entry is keyed by the database's data revision (``verloop.store.data_revision``: bumped in the
same transaction by every write that can change a figure — an import that corrects one exit
type, a submission, a closed wave, a changed setting) and today's date (a wave closes by date;
periods end today). A value built while the revision moved is not written to disk. The
folder is private (mode 0700, owned by the user running Voilà); if it is not, the disk cache is
not used at all, because its files are unpickled.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import pickle
import stat
import tempfile
import time
from pathlib import Path

MAX_FILES = 6000
PRUNE_EVERY = 250


def default_folder(url: str) -> Path:
    """$VERLOOP_DASHBOARD_CACHE (``verloop.config``), else a private folder per user and database
    in the temp dir."""
    from verloop.config import current

    configured = current().figure_cache_dir
    base = configured or Path(tempfile.gettempdir()) / f"verloop-dashboard-{os.getuid()}"
    return base / hashlib.sha256(url.encode()).hexdigest()[:16]


def _private(folder: Path) -> bool:
    """Create ``folder`` (and its parent) as 0700; True only when both are ours and private."""
    try:
        for path in (folder.parent, folder):
            path.mkdir(mode=0o700, exist_ok=True)
            info = path.stat()
            if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
                return False
        return True
    except OSError:
        return False


# The code a cached value depends on (paths under ``verloop/``). Only this code is hashed into
# the keys, so that an edit elsewhere (the survey apps, the CLI, the models' training) does not
# throw away every published frame of a running installation: the frames come from the door and
# its building blocks, the pictures and the risk table from the pages, charts and words too.
FRAME_CODE = (
    "privacy",
    "stats",
    "domain",
    "analysis",
    "store",
    "surveys/scoring.py",
    "surveys/registry.py",
    "surveys/waves.py",
    "surveys/instruments.py",
    "apps/dashboard/figures.py",
    "apps/dashboard/cache.py",
    "apps/dashboard/data.py",
    "apps/dashboard/filters.py",
)
MODEL_CODE = FRAME_CODE + ("models", "apps/dashboard/modelcards.py")
PICTURE_CODE = FRAME_CODE + (
    "i18n",
    "apps/dashboard/charts.py",
    "apps/dashboard/layout.py",
    "apps/dashboard/i18n.py",
    "apps/dashboard/downloads.py",
    "apps/dashboard/themes.py",
)


@functools.lru_cache(maxsize=64)
def code_version(parts: tuple[str, ...] = FRAME_CODE) -> str:
    """A digest of the source of ``parts`` (folders or files under ``verloop/``): a value
    pickled by other code (an upgrade, a fix) is never served from the disk cache, even for an
    unchanged data revision."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for part in sorted(set(parts)):
        path = root / part
        files = sorted(path.rglob("*.py")) if path.is_dir() else ([path] if path.exists() else [])
        for file in files:
            digest.update(file.relative_to(root).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def current_stamp(store) -> tuple[int, str]:
    """(data revision, today): the one key of every cached figure."""
    from verloop.store import data_revision

    with store.engine.connect() as connection:
        return (data_revision(connection), dt.date.today().isoformat())


class FigureCache:
    """Memory and disk cache of published frames, keyed by (key, data revision, today)."""

    def __init__(self, store, folder: Path | None = None, disk: bool | None = None):
        self.store = store
        self.folder = Path(folder) if folder else default_folder(store.url)
        if disk is None:
            from verloop.config import current

            disk = not current().figure_cache_off
        self.disk = bool(disk) and _private(self.folder)
        self.memory: dict = {}
        self.hits = {"memory": 0, "disk": 0, "computed": 0}
        self.computed: list[tuple] = []  # (key, persisted?) of every value built here
        self.written = 0

    def stamp(self) -> tuple:
        """(data revision, today): what every cached figure depends on (one indexed row read)."""
        return current_stamp(self.store)

    def _path(self, key: tuple, stamp: tuple, code: tuple[str, ...] = FRAME_CODE) -> Path:
        digest = hashlib.sha256(repr((key, stamp, code_version(tuple(code)))).encode()).hexdigest()
        return self.folder / f"{digest}.pkl"

    def get(self, key: tuple, build, persist: bool = True, code: tuple[str, ...] = FRAME_CODE):
        """The value for ``key`` under the current stamp: from memory, disk, or ``build()``.
        ``code``: the source it depends on (``FRAME_CODE``, ``MODEL_CODE``, ``PICTURE_CODE``…)."""
        stamp = self.stamp()
        full = (key, stamp)
        if full in self.memory:
            self.hits["memory"] += 1
            return self.memory[full]
        value = None
        path = self._path(key, stamp, code) if (self.disk and persist) else None
        if path is not None and path.exists():
            try:
                with open(path, "rb") as handle:
                    value = pickle.load(handle)
                self.hits["disk"] += 1
            except Exception:
                value = None
        if value is None:
            value = build()
            self.hits["computed"] += 1
            self.computed.append((key, persist))
            if self.stamp() != stamp:  # the data moved while building: keep it for this call only
                return value
            if path is not None:
                self._write(path, value)
        if len(self.memory) > 256:
            self.memory.clear()
        self.memory[full] = value
        return value

    def _write(self, path: Path, value) -> None:
        try:
            handle, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            self.written += 1
            if self.written % PRUNE_EVERY == 1:  # a look at the folder now and then, not per file
                self._prune()
        except OSError:
            pass  # a full or read-only disk only costs speed

    def _prune(self) -> None:
        files = sorted(self.folder.glob("*.pkl"), key=lambda p: p.stat().st_mtime)
        for old in files[: max(0, len(files) - MAX_FILES)]:
            old.unlink(missing_ok=True)


def refresh_tasks(source, sites: bool = True, langs: tuple[str, ...] | None = None) -> list[tuple[str, dict]]:
    """(page, filter choice) for every view the refresh builds, in each language: each page's
    default view, each site where the page has a site filter, one team where it has a team
    filter, each period of the filter bar where it has a period filter, and one site and one
    team in each period; last the HR home (``HOME``) in each language. The frames of a level
    are fetched for all its groups at once (``figures``), so one team's view leaves every
    team's frames in the cache: any team choice then computes no frame, only its pictures; the
    other views are drawn here too."""
    from verloop.apps.dashboard import PAGE_KEYS
    from verloop.apps.dashboard.filters import PERIOD_CHOICES
    from verloop.apps.dashboard.i18n import LANGS
    from verloop.apps.dashboard.pages import page_class

    tasks: list[tuple[str, dict]] = []
    site_ids = [int(site_id) for site_id, _ in source.options.sites] if sites else []
    first_team = source.options.teams[0] if (sites and source.options.teams) else None
    for key in PAGE_KEYS:
        page = page_class(key)
        shown = page.show_filters
        default = page.default_period if page.default_period in PERIOD_CHOICES else None
        periods = [m for m in PERIOD_CHOICES if m != default] if "period" in shown else []
        for lang in langs or LANGS:
            views = [{}]
            views += [{"site_id": site_id} for site_id in site_ids if "site" in shown]
            if first_team is not None and "team" in shown:
                views.append({"site_id": int(first_team[2]), "team_id": int(first_team[0])})
            for months in periods:
                views.append({"months": months})
                if site_ids and "site" in shown:
                    views.append({"months": months, "site_id": site_ids[0]})
                if first_team is not None and "team" in shown:
                    views.append({"months": months, "site_id": int(first_team[2]), "team_id": int(first_team[0])})
            for view in views:
                tasks.append((key, {"lang": lang, **view}))
    tasks += [(HOME, {"lang": lang}) for lang in langs or LANGS]
    return tasks


HOME = "home"  # the HR home (``verloop.apps.index``): its facts and headline figures


def _choose(filterbar, choice: dict, default_period: int) -> None:
    """Put the page's filter bar on ``choice`` as a reader would (unchosen filters: all, the
    page's default period)."""
    filterbar.set(lang=choice.get("lang", filterbar.value.lang))
    shown = filterbar.show
    if "period" in shown:
        filterbar.set(months=choice.get("months", default_period))
    if "site" in shown:
        filterbar.set(site_id=choice.get("site_id"))
    if "team" in shown:
        team = choice.get("team_id")
        if team is None and filterbar.require_team:  # the page's own first team, as it opens
            options = [value for _, value in filterbar.team.options]
            team = options[0] if options else None
        if team is not None or not filterbar.require_team:
            filterbar.set(team_id=team)


def refresh(store, sites: bool = True, progress: bool | None = None, log=None) -> dict:
    """Compute every published frame and picture the pages need for the current data revision
    and leave it in the shared cache, so that no page load computes it: each page's views of
    ``refresh_tasks`` (default, sites, a team, the periods; both languages) are built once, in
    this process, as a page kernel would.

    ``progress``: a tqdm bar on stderr (None: only when stderr is a terminal). Returns the
    revision it started from, whether the data moved meanwhile (``stale``: run it again),
    the seconds per page and in total and the peak memory; writes the same as ``refresh.json``
    in the cache folder.
    """
    import json
    import resource
    import sys

    from tqdm import tqdm

    from verloop.apps.dashboard.data import DashboardSource
    from verloop.apps.dashboard.pages import page_class

    started = time.perf_counter()
    stamp = current_stamp(store)
    source = DashboardSource.open(store)
    tasks = refresh_tasks(source, sites)
    timings: dict[str, float] = {}
    pages: dict[str, object] = {}
    bar = tqdm(
        total=len(tasks),
        desc=f"dashboards r{stamp[0] % 100000}",
        unit="view",
        file=sys.stderr,
        disable=(not progress) if progress is not None else None,
        leave=False,
    )
    try:
        for key, choice in tasks:
            begun = time.perf_counter()
            if key == HOME:
                from verloop.apps.index import HomePage

                HomePage(source=source, lang=choice["lang"]).body(choice["lang"])
            else:
                page = pages.get(key)
                if page is None:
                    page = pages[key] = page_class(key)(source=source, lang=choice.get("lang", "nl"))
                    page.build()
                _choose(page.filterbar, choice, page.default_period)
            timings[key] = round(timings.get(key, 0.0) + time.perf_counter() - begun, 2)
            bar.set_postfix_str(key, refresh=False)
            bar.update(1)
        from verloop.apps.dashboard.figures import split_team_frames

        begun = time.perf_counter()
        split_team_frames(source)  # any team's page then reads a small part
        parts_s = round(time.perf_counter() - begun, 2)
        if log:
            log(", ".join(f"{key} {seconds} s" for key, seconds in timings.items()))
    finally:
        bar.close()
    result = {
        "revision": stamp[0],
        "today": stamp[1],
        "stale": current_stamp(store) != stamp,
        "views": len(tasks),
        "seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "pages": timings,
        "team_parts_s": parts_s,
    }
    cache = source.figure_cache
    if cache is not None and cache.disk:
        try:
            (cache.folder / "refresh.json").write_text(json.dumps(result))
        except OSError:
            pass
    return result


def last_refresh(store) -> dict | None:
    """What the last ``refresh`` of this database's cache folder reported (None: never ran)."""
    import json

    try:
        return json.loads((default_folder(store.url) / "refresh.json").read_text())
    except (OSError, ValueError):
        return None


def watch(
    store, interval: float = 2.0, settle: float = 1.0, sites: bool = True, once: bool = False, log=None
) -> dict | None:
    """Refresh the cache each time the data revision changes (after an import, a closed wave,
    a changed setting, a training run, a batch of answers) — the background job beside
    ``verloop serve``. Waits until the revision has been still for ``settle`` seconds, then runs
    ``refresh``; runs again at once if the data moved meanwhile. ``once``: stop after the first
    refresh (tests). Runs until interrupted."""
    done = None
    result = None
    while True:
        stamp = current_stamp(store)
        if stamp != done:
            time.sleep(settle)
            if current_stamp(store) != stamp:
                continue
            result = refresh(store, sites=sites, progress=False, log=log)  # a log line, not a bar
            if log:
                log(
                    f"refreshed revision {result['revision']}: {result['views']} views in {result['seconds']} s"
                    + (" (data moved meanwhile: again)" if result["stale"] else "")
                )
            done = None if result["stale"] else stamp
            if once and not result["stale"]:
                return result
            continue
        time.sleep(interval)


def watch_command(db_url: str) -> list[str]:
    """The command line that runs ``watch`` for ``db_url`` in its own process (for servers)."""
    import sys

    return [sys.executable, "-m", "verloop.apps.dashboard.cache", "--db", db_url, "--watch"]


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    import sys

    from verloop.store import Store

    parser = argparse.ArgumentParser(
        description="Fill the dashboards' shared figure cache for a database "
        "(once, or --watch: whenever its data change)."
    )
    parser.add_argument("--db", help="database URL (default: $VERLOOP_DB, else sqlite:///var/verloop.db)")
    parser.add_argument("--no-sites", action="store_true", help="only the organisation-wide views")
    parser.add_argument("--watch", action="store_true", help="keep running; refresh after every change")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between looks at the revision")
    args = parser.parse_args(argv)
    store = Store.open(args.db, migrate=False)
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    if args.watch:
        try:
            os.nice(5)  # page kernels first
        except OSError:
            pass
        try:
            watch(store, interval=args.interval, sites=not args.no_sites, log=say)
        except KeyboardInterrupt:
            return 0
    print(json.dumps(refresh(store, sites=not args.no_sites, progress=None, log=say)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
