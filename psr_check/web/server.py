"""Starting the page: bind the socket, say where to open it, run uvicorn until Ctrl-C.

The socket is bound here rather than by uvicorn so a port already in use is one plain line
(not a log record), and so tests can bind port 0 and learn the port. Logging is uvicorn's access
line without the client address: method, path and status, never a draft's text.
"""

from __future__ import annotations

import socket

from psr_check.web.guard import is_loopback

ACCESS_FORMAT = '%(asctime)s %(levelprefix)s "%(request_line)s" %(status_code)s'


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; OSError (port in use, bad address) for the caller to report."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(64)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def exposure_warning(host: str) -> str | None:
    """The loud warning for any host other than this computer's own (loopback) address."""
    if is_loopback(host):
        return None
    bar = "!" * 78
    return (f"{bar}\n"
            f"WARNING: psr-check is listening on {host}, not only on this computer.\n"
            "Anyone on the network who can reach this address can send drafts to it and read the\n"
            "results. Pre-sentence reports hold special-category personal data. Stop it (Ctrl-C) and\n"
            "run `psr-check serve` without --host unless your IT team has approved this set-up.\n"
            f"{bar}")


def uvicorn_config(app, *, log_level: str = "info"):
    """uvicorn settings: no server header, no proxy headers, access lines without the client."""
    import copy

    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    logging_config = copy.deepcopy(LOGGING_CONFIG)
    logging_config["formatters"]["access"]["fmt"] = ACCESS_FORMAT
    logging_config["formatters"]["access"]["datefmt"] = "%H:%M:%S"
    return uvicorn.Config(app, log_config=logging_config, log_level=log_level, access_log=True,
                          server_header=False, proxy_headers=False, lifespan="off", ws="none")


def run(app, sock: socket.socket) -> None:
    """Serve ``app`` on the bound socket until interrupted."""
    import uvicorn

    uvicorn.Server(uvicorn_config(app)).run(sockets=[sock])


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class BackgroundServer:
    """The app served from a thread on a free loopback port: for the browser tests and the docs'
    screenshots, which drive a real browser against the real server (same socket, same uvicorn)."""

    def __init__(self, app, host: str = "127.0.0.1") -> None:
        import threading

        import uvicorn

        self.sock = bind(host, 0)
        self.url = address(self.sock)
        self.server = uvicorn.Server(uvicorn_config(app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "BackgroundServer":
        import time

        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the psr-check web server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
