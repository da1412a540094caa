"""Who may open which app: HR dashboards behind a secret, survey apps open but quiet.

``verloop serve`` starts two Voilà servers from one apps folder:

* the **HR side** (dashboards, index) on ``--port``; every request needs the HR token (Voilà's
  Jupyter-server token: ``?token=…`` once, then a cookie). Without it a page redirects to the
  login form and the APIs answer 403. The token comes from ``--hr-token``, else
  ``$VERLOOP_HR_TOKEN``, else a fresh random one printed once as a full URL;
* the **survey side** (pulse, exit, follow-up) on ``--survey-port`` (default: port + 1) with no
  login — the survey's own single-use code is the key — serving a folder that holds copies of
  the survey notebooks only, so no dashboard can be opened there.

Both run through :func:`main` here instead of ``python -m voila``: it installs a Tornado
``log_function`` that never writes client addresses, paths or query strings (a survey link
carries its code) and logs only server errors by status, and it strips the URI and client
address from Tornado's warnings about refused requests; ``--debug`` (which logs widget
messages, i.e. answers) is refused.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

SURVEY_NOTEBOOKS = ("pulse.ipynb", "exit.ipynb", "followup.ipynb")
TOKEN_ENV = "VERLOOP_HR_TOKEN"
MIN_TOKEN_LENGTH = 16

_log = logging.getLogger("verloop.apps.access")


def hr_token(explicit: str | None = None) -> tuple[str, bool]:
    """The HR secret and whether it was generated here (then it may be printed in full)."""
    from verloop.errors import ConfigError

    token = explicit or os.environ.get(TOKEN_ENV)
    if token:
        if len(token) < MIN_TOKEN_LENGTH:
            raise ConfigError(
                f"the HR token must be at least {MIN_TOKEN_LENGTH} characters; "
                "leave --hr-token out to get a random one."
            )
        return token, False
    return secrets.token_urlsafe(24), True


@contextlib.contextmanager
def survey_folder(apps_dir: Path) -> Iterator[Path]:
    """A temporary folder with copies of the survey notebooks only (removed afterwards)."""
    folder = Path(tempfile.mkdtemp(prefix="verloop-survey-apps-"))
    try:
        for name in SURVEY_NOTEBOOKS:
            source = Path(apps_dir) / name
            if source.is_file():
                shutil.copy2(source, folder / name)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def quiet_log(handler) -> None:
    """Tornado ``log_function``: no client address, path or query — server errors by status only."""
    status = handler.get_status()
    if status >= 500:
        _log.error("server error %d on a %s request", status, handler.request.method)


def main(argv: list[str] | None = None) -> None:
    """Run Voilà with the quiet access log (``python -m verloop.apps.access <voila arguments>``)."""
    from voila.app import Voila

    argv = list(sys.argv[1:] if argv is None else argv)
    if any(arg == "--debug" or arg.startswith("--Voila.log_level=DEBUG") for arg in argv):
        raise SystemExit("refusing --debug: Voilà would log widget messages, i.e. survey answers.")
    logging.getLogger("tornado.access").disabled = True
    # Tornado's warnings for 4xx / 5xx quote "<METHOD> <uri> (<client address>)": keep the method.
    import tornado.web

    tornado.web.RequestHandler._request_summary = lambda handler: handler.request.method

    class QuietVoila(Voila):
        def start(self):
            self.tornado_settings = {**self.tornado_settings, "log_function": quiet_log}
            super().start()

    QuietVoila.launch_instance(argv=argv)


if __name__ == "__main__":  # pragma: no cover - exercised through real servers in the tests
    main()
