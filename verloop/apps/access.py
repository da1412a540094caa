"""Who may open which app: HR dashboards behind a secret, survey apps open but quiet.

``verloop serve`` starts two Voilà servers on the one apps folder:

* the **HR side** on ``--port`` serves the HR home (``index.ipynb``, at ``/``) and the dashboard
  notebooks, nothing else. Every request needs the HR secret: ``?token=…`` once (the printed
  address), then a signed cookie; without it a page goes to Verloop's own sign-in page
  (``verloop.apps.auth``) and the APIs answer 403. The secret comes from ``--hr-token``, else
  ``$VERLOOP_HR_TOKEN``, else a fresh random one printed once as a full URL;
* the **survey side** on ``--survey-port`` (default: port + 1) serves the survey home
  (``survey_home.ipynb``, at ``/``), the surveys and the employees' team results
  (:data:`SURVEY_NOTEBOOKS`) with no sign-in — the survey's own single-use code is the key.

Neither side lists files: only the named notebooks are routed (``/voila/render/<name>``), the
tree pages and the contents API are gone, and every other address is Verloop's "not found"
page. Pages and error pages come from the ``verloop`` Voilà template, which loads nothing from
another host.

Both run through :func:`main` here instead of ``python -m voila``: it installs a Tornado
``log_function`` that never writes client addresses, paths or query strings (a survey link
carries its code) and logs only server errors by status, and it strips the URI and client
address from Tornado's warnings about refused requests; ``--debug`` (which logs widget
messages, i.e. answers) is refused.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
from pathlib import Path

SURVEY_HOME = "survey_home.ipynb"
HR_HOME = "index.ipynb"
SURVEY_NOTEBOOKS = (SURVEY_HOME, "pulse.ipynb", "exit.ipynb", "followup.ipynb", "team_results.ipynb")
TEMPLATE = "verloop"
# Voilà finds the "verloop" template (no CDN, Verloop's error pages) through $JUPYTER_PATH.
JUPYTER_DATA = Path(__file__).resolve().parent / "jupyter"
TEMPLATE_DIR = JUPYTER_DATA / "voila" / "templates" / TEMPLATE
TOKEN_ENV = "VERLOOP_HR_TOKEN"
MIN_TOKEN_LENGTH = 16

_log = logging.getLogger("verloop.apps.access")


def hr_token(explicit: str | None = None) -> tuple[str, bool]:
    """The HR secret and whether it was generated here (then it may be printed in full)."""
    from verloop.config import current
    from verloop.errors import ConfigError

    configured = current().hr_token
    token = explicit or (configured.get_secret_value() if configured else None)
    if token:
        if len(token) < MIN_TOKEN_LENGTH:
            raise ConfigError(
                f"the HR token must be at least {MIN_TOKEN_LENGTH} characters; "
                "leave --hr-token out to get a random one."
            )
        return token, False
    return secrets.token_urlsafe(24), True


def hr_notebooks(apps_dir: Path) -> list[str]:
    """The notebooks the HR side serves: its home and the dashboards (never a survey)."""
    folder = Path(apps_dir)
    names = [HR_HOME] if (folder / HR_HOME).is_file() else []
    return names + sorted(p.name for p in folder.glob("dashboard*.ipynb") if p.name not in SURVEY_NOTEBOOKS)


def survey_notebooks(apps_dir: Path) -> list[str]:
    """The notebooks the survey side serves: the survey home, the surveys, the team results."""
    return [name for name in SURVEY_NOTEBOOKS if (Path(apps_dir) / name).is_file()]


def quiet_log(handler) -> None:
    """Tornado ``log_function``: no client address, path or query — server errors by status only."""
    status = handler.get_status()
    if status >= 500:
        _log.error("server error %d on a %s request", status, handler.request.method)


def page_pattern(pages: list[str]) -> str:
    """The ``/voila/render/…`` route that matches exactly ``pages`` (any notebook when empty)."""
    if not pages:
        return r"/voila/render/(.*)"
    return r"/voila/render/(" + "|".join(re.escape(name) for name in pages) + r")"


def make_app_class():
    """:class:`VerloopVoila`, built on first use so that importing this module needs no Voilà."""
    import jinja2
    from jupyter_server import DEFAULT_TEMPLATE_PATH_LIST
    from jupyter_server.base.handlers import JupyterHandler
    from tornado import web
    from traitlets import Dict, Integer, List, Unicode
    from voila.app import Voila
    from voila.static_file_handler import AllowListFileHandler
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    from verloop.accounts.web import account_handler
    from verloop.apps.auth import allow_unauthenticated

    class HomeHandler(JupyterHandler):
        """``/``: the side's home notebook (the query string kept, the HR token dropped: the
        sign-in cookie is set by now)."""

        def initialize(self, home: str):
            self.home = home

        @web.authenticated
        def get(self):
            from verloop.apps.auth import _without_token

            target, _ = _without_token(self.request.uri)
            query = target.partition("?")[2]
            self.redirect(f"{self.base_url}voila/render/{self.home}" + (f"?{query}" if query else ""))

    class NotFoundHandler(JupyterHandler):
        """Every other address, file lists included: Verloop's 'page does not exist'."""

        @allow_unauthenticated
        def prepare(self):
            self.current_user = None  # nobody is looked up for a page that does not exist
            raise web.HTTPError(404)

    class PageHandler(account_handler(TornadoVoilaHandler)):
        """Voilà's page handler with the signed-in account (``account_handler``) and the
        ``_xsrf`` cookie: a page shuts its kernel down when it is left, by a beacon carrying that
        cookie's value, which Voilà's page handler never sets (voila-dashboards/voila#1458).
        Without it the server refused every such beacon ("403 POST: '_xsrf' argument missing")
        and each page left kept its kernel (~190 MB on the HR side) until the idle culler."""

        async def prepare(self, *args, **kwargs):
            result = await super().prepare(*args, **kwargs)
            self.xsrf_token  # noqa: B018  (reading it sets the cookie when the browser has none)
            return result

    class VerloopVoila(Voila):
        """Voilà as Verloop serves it: only ``pages`` are routed (no file list, no contents API),
        ``/`` opens ``home``, every page and error page comes from the ``verloop`` template,
        the access log is :func:`quiet_log`, and ``pools`` preheats kernels per notebook."""

        pages = List(Unicode(), config=True, help="Notebooks this server serves (all when empty).")
        home = Unicode("", config=True, help="Notebook opened at / (none: / is 'not found').")
        pools = Dict(
            value_trait=Integer(),
            key_trait=Unicode(),
            config=True,
            help="Preheated kernels per notebook, e.g. index.ipynb=1 (with --preheat_kernel=True).",
        )

        def init_settings(self):
            if self.voila_configuration.preheat_kernel and self.pools:
                # per notebook; the others get --pool_size (voila_command passes 0)
                config = {"default": {"pool_size": self.voila_configuration.default_pool_size}}
                config.update({name: {"pool_size": max(0, int(size))} for name, size in self.pools.items()})
                self.config.VoilaKernelManager.kernel_pools_config = config
            settings = super().init_settings()
            # Jupyter Server's own pages (sign-in, errors of non-notebook handlers) look in
            # Verloop's template folder first: no Jupyter wording reaches a person.
            server_env = settings["jinja2_env"]
            settings["jinja2_env"] = server_env.overlay(
                loader=jinja2.FileSystemLoader([str(TEMPLATE_DIR), *DEFAULT_TEMPLATE_PATH_LIST])
            )
            return settings

        def init_handlers(self):
            handlers = []
            for spec in super().init_handlers():
                pattern, handler = spec[0], spec[1]
                if handler in (TornadoVoilaTreeHandler, VoilaContentsHandler, AllowListFileHandler):
                    continue  # no file list, no contents API, no raw files
                if handler is TornadoVoilaHandler and pattern.endswith("/voila/render/(.*)"):
                    pattern = pattern[: -len("/voila/render/(.*)")] + page_pattern(list(self.pages))
                    spec = (pattern, handler, *spec[2:])
                if handler is TornadoVoilaHandler:
                    # issue 13: the signed-in account reaches the kernel as a header only the
                    # server sets (verloop.accounts.web)
                    spec = (spec[0], PageHandler, *spec[2:])
                handlers.append(spec)
            if self.home:
                handlers.insert(0, (self.server_url, HomeHandler, {"home": self.home}))
            return handlers

        def start(self):
            self.tornado_settings = {
                **self.tornado_settings,
                "log_function": quiet_log,
                "default_handler_class": NotFoundHandler,
            }
            super().start()

    return VerloopVoila


def _not_the_ping_mismatch(record: logging.LogRecord) -> bool:
    """False for Tornado's "websocket_ping_timeout (90000) cannot be longer than the
    websocket_ping_interval (30000)" warning, printed once per server. Jupyter Server hands
    Tornado its keep-alive settings in milliseconds where Tornado reads seconds
    (jupyter-server/jupyter_server#1612), so Tornado's own pings are off either way; the
    keep-alive that runs is Jupyter Server's (a ping every 30 s, closed after 90 s without a
    pong). Nothing to act on, so not shown; every other warning is."""
    return not str(record.msg).startswith("The websocket_ping_timeout (")


def main(argv: list[str] | None = None) -> None:
    """Run Voilà the Verloop way (``python -m verloop.apps.access <voila arguments>``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(arg == "--debug" or arg.startswith("--Voila.log_level=DEBUG") for arg in argv):
        raise SystemExit("refusing --debug: Voilà would log widget messages, i.e. survey answers.")
    logging.getLogger("tornado.access").disabled = True
    logging.getLogger("tornado.general").addFilter(_not_the_ping_mismatch)
    # Tornado's warnings for 4xx / 5xx quote "<METHOD> <uri> (<client address>)": keep the method.
    import tornado.web

    tornado.web.RequestHandler._request_summary = lambda handler: handler.request.method
    make_app_class().launch_instance(argv=argv)


if __name__ == "__main__":  # pragma: no cover - exercised through real servers in the tests
    main()
