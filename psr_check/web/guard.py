"""Keeping other web sites out: host check, origin check, the form token, and security headers.

Why these, for a server on 127.0.0.1 that holds no session or cookie:

- **DNS rebinding.** A hostile page can point its own domain name at 127.0.0.1 and then read the
  answers as "same origin". Every request must therefore name this computer in its ``Host``
  header (``localhost``, ``127.0.0.1``, ``[::1]``, or the host the server was started on).
- **Cross-site posts (CSRF).** Any page the officer visits can make the browser post a form to
  ``http://127.0.0.1:8000``. A browser marks such posts with ``Sec-Fetch-Site`` (which a page
  cannot set) and ``Origin``. A POST whose ``Sec-Fetch-Site`` says ``cross-site`` or
  ``same-site``, or whose ``Origin`` is another site, is refused with 403. Requests that carry
  neither header do not come from a web page (curl, a script), so the JSON API stays usable from
  the command line without a token.
- **The page's forms** also carry a random token made when the process starts
  (``secrets.token_urlsafe``) and checked in constant time. Another site cannot read it, because
  the answers carry no CORS headers; so the form routes are safe even in a browser that sends
  neither header.
- **Headers on every answer**: a strict Content-Security-Policy (scripts and styles only from this
  server, no inline script, nothing from any other host, no framing), ``nosniff``,
  ``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store`` (a report is personal data:
  the browser should not keep a copy in its cache).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this computer can reach."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def allowed_hosts(bound_host: str) -> set[str] | None:
    """Host names a request may use; None (any) only when the server was started on all addresses."""
    name = bound_host.strip("[]").lower()
    if name in ("0.0.0.0", "::", ""):
        return None
    return {*LOOPBACK_NAMES, name}


def host_name(host_header: str) -> str:
    """``127.0.0.1:8000`` → ``127.0.0.1``; ``[::1]:8000`` → ``::1``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def cross_site_reason(headers, host_header: str, *, opaque_ok: bool = False) -> str | None:
    """Why a POST looks like it came from another site, or None when it did not.

    ``Sec-Fetch-Site`` decides when the browser sends it (it cannot be set by a page). Else a
    real ``Origin`` must be this server. ``Origin: null`` is what a browser sends for our own form
    under ``Referrer-Policy: no-referrer`` when it lacks Sec-Fetch-Site, and also what a sandboxed
    frame sends: it passes only where the form token is checked too (``opaque_ok``).
    """
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site:
        if fetch_site in ("same-origin", "none"):
            return None
        return f"the browser says this request came from another site ({fetch_site})"
    origin = headers.get("origin")
    if origin is None or (origin == "null" and opaque_ok):
        return None
    parts = urlsplit(origin)
    if origin == "null" or parts.scheme not in ("http", "https") or parts.netloc.lower() != host_header.lower():
        return "the request came from another web page, not from this psr-check page"
    return None


class FormToken:
    """One random token per process, put in the page's forms and checked when they come back."""

    def __init__(self) -> None:
        self.value = secrets.token_urlsafe(32)

    def matches(self, given: str) -> bool:
        return hmac.compare_digest(self.value.encode(), (given or "").encode())


class Guard:
    """ASGI middleware: refuse unknown hosts (400) and add the security headers to every answer."""

    def __init__(self, app, hosts: set[str] | None) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if self.hosts is not None and host_name(host) not in self.hosts:
            await _plain(send, 400, b"Unknown host: open this page at http://127.0.0.1 on this computer.")
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _plain(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
