"""Errors meant for people: one clear sentence saying what, where and how to fix it.

The CLI and the apps show ``str(error)`` and never a traceback; anything that is not a
``VerloopError`` is a bug and is reported as such.
"""


class VerloopError(Exception):
    """A problem the user can act on."""


class ConfigError(VerloopError):
    """Bad settings: a malformed database URL, an unknown option value."""


class StoreError(VerloopError):
    """The database is unreachable, read-only, full, or from a newer schema."""


class InputError(VerloopError):
    """Rejected input (a file, a form, a submission); nothing was stored."""

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class SurveyError(InputError):
    """A survey submission or token was refused; nothing was stored."""


class PrivacyError(VerloopError):
    """A request would reveal a group smaller than the minimum reporting size."""
