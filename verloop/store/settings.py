"""Organisation settings: the minimum group size k and the survey mode, with an audit log.

k may never go below 3, and is locked once a wave has opened: lowering it afterwards would
let old results be re-cut into smaller groups. Every change is logged with who and when.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from verloop.errors import ConfigError
from verloop.store.schema import SURVEY_MODES, OrgSettings, SettingsChange, Wave

MIN_K = 3
LOCKED_WHEN_WAVES = ("min_group_size", "comment_min_group_size", "survey_mode")


def get_settings(session: Session) -> OrgSettings:
    """The single settings row, created with the defaults (k = 5, anonymous) when missing."""
    settings = session.get(OrgSettings, 1)
    if settings is None:
        settings = OrgSettings(
            id=1,
            name="Verloop",
            min_group_size=5,
            comment_min_group_size=10,
            survey_mode="anonymous",
            annual_salary_eur=32000.0,
            replacement_cost_share=0.20,
        )
        session.add(settings)
        session.flush()
    return settings


def update_settings(session: Session, changed_by: str, **changes) -> OrgSettings:
    """Apply changes after checking them; log each one. Raises ConfigError on a refused change."""
    if not changed_by or not changed_by.strip():
        raise ConfigError("say who changes the settings (changed_by), for the audit log.")
    settings = get_settings(session)
    has_waves = session.scalar(select(Wave.id).limit(1)) is not None
    for field, new in changes.items():
        if not hasattr(OrgSettings, field) or field == "id":
            raise ConfigError(f"unknown setting '{field}'.")
        old = getattr(settings, field)
        if old == new:
            continue
        if field in LOCKED_WHEN_WAVES and has_waves:
            raise ConfigError(
                f"'{field}' is locked because a survey wave has already opened; "
                "changing it now could expose earlier answers."
            )
        if field == "min_group_size" and (not isinstance(new, int) or new < MIN_K):
            raise ConfigError(f"the minimum group size must be a whole number of at least {MIN_K}.")
        if field == "comment_min_group_size":
            k = changes.get("min_group_size", settings.min_group_size)
            if not isinstance(new, int) or new < k:
                raise ConfigError("the comment threshold must be at least the minimum group size.")
        if field == "survey_mode" and new not in SURVEY_MODES:
            raise ConfigError(f"survey mode must be one of {', '.join(SURVEY_MODES)}.")
        setattr(settings, field, new)
        session.add(
            SettingsChange(
                changed_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
                changed_by=changed_by.strip(),
                field=field,
                old_value=None if old is None else str(old),
                new_value=None if new is None else str(new),
            )
        )
    if settings.comment_min_group_size < settings.min_group_size:
        raise ConfigError("the comment threshold must be at least the minimum group size.")
    session.flush()
    return settings
