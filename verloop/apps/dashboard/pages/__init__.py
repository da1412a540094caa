"""One module per dashboard page; ``page_class(key)`` finds the builder for a notebook."""

from __future__ import annotations

import importlib

from verloop.errors import ConfigError

MODULES = {
    "turnover": "verloop.apps.dashboard.pages.turnover:TurnoverPage",
    "engagement": "verloop.apps.dashboard.pages.engagement:EngagementPage",
    "drivers": "verloop.apps.dashboard.pages.drivers:DriversPage",
    "risk": "verloop.apps.dashboard.pages.risk:RiskPage",
    "watermelon": "verloop.apps.dashboard.pages.watermelon:WatermelonPage",
    "exits": "verloop.apps.dashboard.pages.exits:ExitsPage",
    "retention": "verloop.apps.dashboard.pages.retention:RetentionPage",
    "whatif": "verloop.apps.dashboard.pages.whatif:WhatIfPage",
    "actions": "verloop.apps.dashboard.pages.actions:ActionsPage",
    "employees": "verloop.apps.dashboard.pages.employees:EmployeesPage",
}


def page_class(key: str):
    """The page class for ``key``; a ConfigError names the known pages otherwise."""
    try:
        target = MODULES[key]
    except KeyError:
        raise ConfigError(f"there is no dashboard page '{key}'; choose one of {', '.join(MODULES)}.") from None
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)
