"""The local web page for court duty officers (``psr-check serve``).

A small Starlette app over the one ``Linter`` the process builds at start-up: a page to paste or
upload a draft and read the findings, and a JSON API beside it (``POST /api/lint``) that returns
exactly what ``psr-check lint --format json`` prints. Nothing is written to disk and no report
text is logged. Needs the ``web`` extra: ``pip install "psr-check[web]"``.

Modules: ``app`` (routes, built by ``create_app(linter)``), ``intake`` (reading a request into a
submission), ``limits`` (sizes, and reading uploads in memory), ``guard`` (CSRF, host and
security headers), ``server`` (binding the socket and running uvicorn).
"""

from psr_check.web.app import create_app

__all__ = ["create_app"]
