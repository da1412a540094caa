"""Small helpers shared by the app builders."""

from __future__ import annotations

import os

from verloop.store import Store


def app_store() -> Store:
    """The store a Voila kernel uses: $VERLOOP_DB (set by `verloop serve`), else the default."""
    return Store.open(os.environ.get("VERLOOP_DB"))
