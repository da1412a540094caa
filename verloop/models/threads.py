"""How many threads the numeric libraries may use while Verloop fits models.

Many small fits (cross-validation folds, bootstrap refits) gain nothing from OpenMP / BLAS
threads and lose a lot when the cores are shared: on a busy 2-core machine a histogram
gradient boosting fit took 25 s with default threads and 2 s with one. So model code runs inside
``limited()``; set ``VERLOOP_THREADS`` (e.g. to the number of free cores) for big single fits.
"""

from __future__ import annotations

import contextlib

from threadpoolctl import threadpool_limits


def thread_count() -> int:
    """$VERLOOP_THREADS (``verloop.config``; anything but a positive whole number means 1)."""
    from verloop.config import current

    return current().threads


@contextlib.contextmanager
def limited(threads: int | None = None):
    """Limit BLAS and OpenMP pools to ``threads`` (default: $VERLOOP_THREADS, else 1)."""
    with threadpool_limits(limits=threads or thread_count()):
        yield
