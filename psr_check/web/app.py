"""The routes: the page, its download, the JSON API and a health check, over one Linter.

``create_app(linter)`` takes a Linter already built (rule pack and spaCy pipeline, about a second),
so every request reuses it. The page and ``POST /api/lint`` share one path: ``read_submission``
(intake.py) → ``check`` (below) → ``LintOutput``; the API answers ``render(output, "json")`` and
the download ``render(output, "html")``, byte for byte what ``psr-check lint --format json|html``
writes for the same draft. The page shows the same output through the report's own template
body (templates/_report_body.html.j2) inside a form (templates/web/page.html.j2), and works as a
plain form post with JavaScript turned off.

Nothing is stored: uploads are read in memory (limits.py), results go back in the answer and are
forgotten. Logging is uvicorn's access line (method, path, status); errors log only their type.
"""

from __future__ import annotations

import logging
import re
import threading

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from psr_check import __version__
from psr_check.models import InputError, LintOutput
from psr_check.render import build_output, render
from psr_check.web.guard import FormToken, Guard, allowed_hosts, cross_site_reason
from psr_check.web.intake import PASTED, Rejected, Submission, read_submission
from psr_check.web.limits import MAX_UPLOAD_BYTES

log = logging.getLogger("psr_check.web")

STATIC = {  # name under /static/ → (file under templates/, media type)
    "report.css": ("report.css", "text/css; charset=utf-8"),
    "page.css": ("web/page.css", "text/css; charset=utf-8"),
    "page.js": ("web/page.js", "text/javascript; charset=utf-8"),
}
REPORT_TYPE_LABELS = {"oral": "Oral report", "short": "Short format report", "standard": "Standard report"}
FIELD_IDS = {"record": "record", "region": "region", "report_type": "report_type"}


def create_app(linter, *, limit: int = MAX_UPLOAD_BYTES, bound_host: str = "127.0.0.1") -> Starlette:
    """The web app over ``linter``; ``bound_host`` decides which Host headers are accepted."""
    web = _Web(linter, limit)
    routes = [
        Route("/", web.page, methods=["GET"]),
        Route("/", web.check_on_page, methods=["POST"]),
        Route("/download", web.download, methods=["POST"]),
        Route("/api/lint", web.api_lint, methods=["POST"]),
        Route("/healthz", web.healthz, methods=["GET"]),
        Route("/static/{name}", web.static, methods=["GET"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),  # no icon, no 404
    ]
    app = Starlette(routes=routes, middleware=[Middleware(Guard, hosts=allowed_hosts(bound_host))])
    app.state.form_token = web.token  # tests and screenshots read it from here
    return app


class _Web:
    """The handlers, sharing the Linter, the form token and the static files read at start-up."""

    def __init__(self, linter, limit: int) -> None:
        from psr_check.resources import data_dir

        self.linter, self.limit, self.token = linter, limit, FormToken()
        self.lock = threading.Lock()  # one lint at a time: the spaCy pipeline is shared
        programmes = getattr(linter.pack, "programmes", None)
        self.regions: list[str] | None = list(programmes.regions) if programmes else None
        folder = data_dir("templates")
        self.static_files = {name: ((folder / path).read_bytes(), media) for name, (path, media) in STATIC.items()}

    # -- checking ----------------------------------------------------------------------------

    async def check(self, submission: Submission) -> LintOutput:
        """Lint one submission off the event loop, exactly as `lint` would, and build the output."""
        def run() -> LintOutput:
            with self.lock:
                return build_output([self.linter.lint_case(submission.case())], [])
        return await run_in_threadpool(run)

    # -- the JSON API ----------------------------------------------------------------------

    async def api_lint(self, request: Request) -> Response:
        """``POST /api/lint``: the findings/v1 JSON; a bad request is the same JSON with ``errors``."""
        try:
            reason = cross_site_reason(request.headers, request.headers.get("host", ""))
            if reason:
                raise Rejected(403, f"refused: {reason}", "request")
            submission = await read_submission(request, limit=self.limit, regions=self.regions)
            output = await self.check(submission)
        except Rejected as exc:
            return _json(error_output(exc), exc.status)
        except Exception as exc:  # noqa: BLE001 - never a traceback (or report text) in the log
            return _json(error_output(_internal(request, exc)), 500)
        return _json(output, 200)

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    # -- the page ---------------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        return self._page()

    async def check_on_page(self, request: Request) -> Response:
        """The form's plain POST: the page again, with the results above the form (or the problem)."""
        submission = None
        try:
            submission = await self._form_submission(request)
            output = await self.check(submission)
        except Rejected as exc:
            return self._page(problem=exc, status=exc.status, echo=submission)
        except Exception as exc:  # noqa: BLE001
            return self._page(problem=_internal(request, exc), status=500)
        return self._page(output=output, echo=submission)

    async def download(self, request: Request) -> Response:
        """The results as the one-file HTML report that `psr-check lint --format html` writes."""
        try:
            submission = await self._form_submission(request)
            output = await self.check(submission)
        except Rejected as exc:
            return self._page(problem=exc, status=exc.status)
        except Exception as exc:  # noqa: BLE001
            return self._page(problem=_internal(request, exc), status=500)
        return Response(render(output, "html"), media_type="text/html; charset=utf-8",
                        headers={"content-disposition": attachment(submission.name)})

    async def _form_submission(self, request: Request) -> Submission:
        reason = cross_site_reason(request.headers, request.headers.get("host", ""), opaque_ok=True)
        if reason:
            raise Rejected(403, f"refused: {reason}. Open the page at http://127.0.0.1 and try again", "request")
        submission = await read_submission(request, limit=self.limit, regions=self.regions)
        if not self.token.matches(submission.token):
            problem = Rejected(403, "this form is out of date (psr-check may have been restarted): "
                               "press the button again to check the draft", "request")
            problem.form = _form_values(submission, None)
            raise problem
        return submission

    def _page(self, *, output: LintOutput | None = None, problem: Rejected | None = None,
              status: int = 200, echo: Submission | None = None) -> Response:
        from psr_check.render.html import html_context
        from psr_check.render.output import environment

        context = html_context(output) if output else {"output": None, "summary": None, "documents": None}
        html = environment().get_template("web/page.html.j2").render(
            **context, token=self.token.value, regions=self.regions or [],
            report_types=REPORT_TYPE_LABELS, limit_mb=f"{self.limit / 1_000_000:g} MB", limit=self.limit,
            problem=problem, problem_field=_field_id(problem, echo), form=_form_values(echo, problem),
            draft=echo, version=__version__,
        )
        return HTMLResponse(html, status_code=status)

    async def static(self, request: Request) -> Response:
        found = self.static_files.get(request.path_params["name"])
        if found is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        return Response(found[0], media_type=found[1])


def error_output(exc: Rejected) -> LintOutput:
    """A refused request in the findings/v1 shape: no documents, one error (as `lint` reports one)."""
    return build_output([], [InputError(path=exc.path, message=exc.message)])


def _json(output: LintOutput, status: int) -> Response:
    return Response(render(output, "json"), status_code=status, media_type="application/json")


def _internal(request: Request, exc: Exception) -> Rejected:
    log.error("internal error (%s) on %s %s", type(exc).__name__, request.method, request.url.path)
    return Rejected(500, "psr-check hit an internal error and nothing was stored: try again, or check "
                    "the draft with `psr-check lint`", "request")


def _form_values(echo: Submission | None, problem: Rejected | None) -> dict[str, str]:
    """What the form shows again: pasted text (not a file's text), and the options chosen."""
    if echo is not None:
        return {"text": echo.text if echo.name == PASTED else "", "region": echo.region or "",
                "report_type": echo.report_type or "", "record": echo.record_text}
    form = problem.form if problem is not None else {}
    return {key: form.get(key, "") for key in ("text", "region", "report_type", "record")}


def _field_id(problem: Rejected | None, echo: Submission | None) -> str:
    """Which control the problem message links to, so a keyboard user lands on it."""
    if problem is None:
        return ""
    if problem.path in FIELD_IDS:
        return FIELD_IDS[problem.path]
    if problem.path in (PASTED, "request") or problem.form.get("text", "").strip():
        return "text"
    return "file"


def attachment(name: str) -> str:
    """``attachment; filename="draft-check.html"``, with the UTF-8 name beside an ASCII one."""
    from urllib.parse import quote

    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem or "draft"
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "draft"
    return (f'attachment; filename="{ascii_stem}-check.html"; '
            f"filename*=UTF-8''{quote(stem + '-check.html', safe='')}")
