"""Round-trip time of the local web page: ``python -m benchmarks.web [--requests 20] [--words 1500]``.

Issue 8's target: a lint round-trip of at most 200 ms for a 1,500-word draft once the server has
started. The server is the real one (uvicorn on a free loopback port, ``create_app`` over a
Linter built once); the client is a plain HTTP client in the same process, on its own thread of
control, timing from sending the request to having the whole answer. Each request sends a
*different* generated draft (benchmarks/generate.py), since the tokenizer caches strings it has
seen. Three ways in are timed: ``POST /api/lint`` with JSON text, the same with a .docx upload,
and the page's own form post (the HTML page with the highlights). Median and maximum of N.
Needs the web extra (starlette, uvicorn, python-multipart) and python-docx.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
import urllib.request
import uuid

from benchmarks.generate import COLD_WORDS, generate_one

TARGET_MS = 200


def drafts(count: int, words: int, seed: int) -> list[str]:
    """``count`` different standard reports of about ``words`` words (one warm-up draft extra)."""
    return [generate_one(10**6 + i, seed, words, report_type="standard").text for i in range(count + 1)]


def multipart(fields: dict[str, str], file: tuple[str, bytes] | None) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    if file:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file[0]}"\r\n'
                     "Content-Type: application/octet-stream\r\n\r\n".encode() + file[1] + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def word_file(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def timed_post(url: str, body: bytes, content_type: str) -> float:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        assert response.status == 200, response.status
    return (time.perf_counter() - start) * 1000


def measure(requests: int, words: int, seed: int) -> dict:
    from psr_check.lint import Linter
    from psr_check.web import create_app
    from psr_check.web.server import BackgroundServer

    texts = drafts(requests, words, seed)
    app = create_app(Linter())
    token = app.state.form_token.value
    ways = {
        "api_json": lambda t: (json.dumps({"text": t}).encode(), "application/json", "api/lint"),
        "api_docx": lambda t: (*multipart({}, ("draft.docx", word_file(t))), "api/lint"),
        "page_form": lambda t: (*multipart({"text": t, "csrf_token": token}, None), ""),
    }
    results = {"words": [len(t.split()) for t in texts[1:]], "requests": requests}
    with BackgroundServer(app) as server:
        for way, build in ways.items():
            bodies = [build(t) for t in texts]  # built before timing: the client's work is not the server's
            timed_post(server.url + bodies[0][2], bodies[0][0], bodies[0][1])  # warm-up
            times = [timed_post(server.url + path, body, kind) for body, kind, path in bodies[1:]]
            results[way] = {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.web", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per way in (default 20)")
    parser.add_argument("--words", type=int, default=COLD_WORDS, help="words per draft (default 1500)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=None, help="also save the figures as JSON here")
    args = parser.parse_args(argv)
    results = measure(args.requests, args.words, args.seed)
    words = results["words"]
    print(f"{args.requests} drafts of {min(words)}-{max(words)} words (median {statistics.median(words):g}), "
          "after start-up:")
    for way in ("api_json", "api_docx", "page_form"):
        figure = results[way]
        verdict = "PASS" if figure["median_ms"] <= TARGET_MS else "MISS"
        print(f"  {way:<10} median {figure['median_ms']:7.1f} ms   max {figure['max_ms']:7.1f} ms   "
              f"target ≤ {TARGET_MS} ms: {verdict}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as stream:
            json.dump(results, stream, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
