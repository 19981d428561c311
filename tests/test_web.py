"""The local web page and its JSON API (psr_check/web), through Starlette's TestClient.

The API must answer exactly what `psr-check lint --format json` prints for the same draft, and
the page's download exactly what `--format html` writes; so several tests run the real CLI on the
same file and compare bytes.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from word_files import docx_bytes

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[test]'")

from starlette.testclient import TestClient  # noqa: E402

from psr_check.ingest import case_from_text  # noqa: E402
from psr_check.render import build_output, render  # noqa: E402
from psr_check.web import create_app  # noqa: E402
from psr_check.web.guard import allowed_hosts, cross_site_reason, host_name, is_loopback  # noqa: E402
from psr_check.web.server import exposure_warning, uvicorn_config  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "corpus" / "examples" / "oral-record-da.txt"
DA_TEXT = "Offence analysis\nMr A assaulted his partner on 3 May. They have two children together."


@pytest.fixture(scope="module")
def app(linter):
    return create_app(linter, bound_host="testserver")


@pytest.fixture()
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def token(app) -> str:
    return app.state.form_token.value


def expected_json(linter, text: str, name: str = "pasted text", **options) -> str:
    """What `lint` prints for this draft: the same Case, the same Linter, the same renderer."""
    case = case_from_text(text, name, options.get("report_type"))
    case.record, case.region = options.get("record"), options.get("region")
    return render(build_output([linter.lint_case(case)], []), "json")


def error_of(response) -> dict:
    body = response.json()
    assert body["schema"] == "psr-check/findings/v1" and body["documents"] == []
    assert len(body["errors"]) == 1
    return body["errors"][0]


class HiddenInputs(HTMLParser):
    """The hidden fields of the page's download form."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.in_download = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.in_download = attributes.get("action") == "/download"
        elif tag == "input" and self.in_download and attributes.get("type") == "hidden":
            self.fields[attributes["name"]] = attributes.get("value") or ""


# -- health and the API ---------------------------------------------------------------------

def test_healthz_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_api_text_is_exactly_the_lint_json(client, linter):
    response = client.post("/api/lint", data={"text": DA_TEXT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.text == expected_json(linter, DA_TEXT)
    assert {f["code"] for f in response.json()["documents"][0]["findings"]} >= {"DA001"}


def test_api_json_body_with_record_region_and_report_type(client, linter):
    from psr_check.commands import record_from_data

    record = {"case_id": "X1", "registrations": ["ADVP"], "da_enquiry_sent_date": "2026-03-01"}
    body = {"text": DA_TEXT, "record": record, "region": "North West", "report_type": "short"}
    response = client.post("/api/lint", json=body)
    assert response.status_code == 200
    assert response.text == expected_json(linter, DA_TEXT, record=record_from_data(record, "record"),
                                          region="North West", report_type="short")
    document = response.json()["documents"][0]
    assert document["report_type"] == "short"
    # the record's sent date satisfies DA001 (its result not being recorded is DA003's business)
    assert "DA001" not in {f["code"] for f in document["findings"]}


def test_api_record_as_a_form_field_changes_the_result(client):
    without = client.post("/api/lint", data={"text": DA_TEXT}).json()
    record = json.dumps({"da_enquiry_sent_date": "2026-03-01"})
    with_record = client.post("/api/lint", data={"text": DA_TEXT, "record": record}).json()
    codes = [{f["code"] for f in body["documents"][0]["findings"]} for body in (without, with_record)]
    assert "DA001" in codes[0] and "DA001" not in codes[1]


def test_api_txt_upload_matches_the_cli(client, cli, tmp_path):
    data = EXAMPLE.read_bytes()
    (tmp_path / "draft.txt").write_bytes(data)
    response = client.post("/api/lint", files={"file": ("draft.txt", data, "text/plain")})
    assert response.status_code == 200
    result = cli("lint", "draft.txt", "--format", "json")
    assert result.returncode == 1  # the example has errors
    assert response.text == result.stdout.decode("utf-8")


def test_api_docx_upload_matches_the_cli(client, cli, tmp_path):
    data = docx_bytes(EXAMPLE.read_text(encoding="utf-8"))
    (tmp_path / "draft.docx").write_bytes(data)
    response = client.post("/api/lint", files={"file": ("C:\\fakepath\\draft.docx", data)})
    assert response.status_code == 200
    assert response.text == cli("lint", "draft.docx", "--format", "json").stdout.decode("utf-8")
    codes = {f["code"] for f in response.json()["documents"][0]["findings"]}
    assert {"DA001", "SG002"} <= codes


# -- bad requests: one line each, in the findings/v1 shape ----------------------------------

def test_too_big_by_content_length(linter):
    small = TestClient(create_app(linter, bound_host="testserver", limit=1000))
    response = small.post("/api/lint", files={"file": ("draft.txt", b"x" * 5000)})
    assert response.status_code == 413
    message = error_of(response)["message"]
    assert "over the" in message and "limit" in message and "right file" in message


def test_too_big_when_streamed_without_a_length(linter):
    small = TestClient(create_app(linter, bound_host="testserver", limit=1000))

    def chunks():
        for _ in range(10):
            yield b"{\"text\": \"" + b"a" * 200

    response = small.post("/api/lint", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "limit" in error_of(response)["message"]


@pytest.mark.parametrize("request_kwargs, status, words", [
    ({"data": {"text": "   \n "}}, 400, "nothing to check"),
    ({"json": {}}, 400, "nothing to check"),
    ({"files": {"file": ("draft.txt", b"")}}, 400, "empty"),
    ({"files": {"file": ("draft.pdf", b"%PDF-1.4 ...")}}, 415, ".docx"),
    ({"files": {"file": ("draft.doc", b"\xd0\xcf\x11\xe0 old word")}}, 415, ".docx"),
    ({"files": {"file": ("draft.docx", b"this is not a zip")}}, 400, "not a readable Word document"),
    ({"files": {"file": ("draft.txt", b"a\x00b\x00c")}}, 400, "binary"),
    ({"content": b"plain body", "headers": {"content-type": "text/plain"}}, 415, "multipart/form-data"),
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "not valid JSON"),
    ({"json": ["a list"]}, 400, "one JSON object"),
    ({"data": {"text": DA_TEXT, "record": "{\"rosh_level\": "}}, 400, "allocation record"),
    ({"data": {"text": DA_TEXT, "record": "[1, 2]"}}, 400, "one JSON object"),
    ({"json": {"text": DA_TEXT, "record": {"rosh_level": "enormous"}}}, 400, "rosh_level"),
    ({"json": {"text": DA_TEXT, "region": "Atlantis"}}, 400, "unknown region"),
    ({"json": {"text": DA_TEXT, "report_type": "long"}}, 400, "oral, short or standard"),
    ({"json": {"text": DA_TEXT, "colour": "red"}}, 400, "unknown field 'colour'"),
    ({"data": {"text": DA_TEXT}, "files": {"file": ("draft.txt", b"Another draft")}}, 400, "not both"),
])
def test_bad_requests_give_one_clear_line(client, request_kwargs, status, words):
    response = client.post("/api/lint", **request_kwargs)
    assert response.status_code == status, response.text
    error = error_of(response)
    assert words in error["message"]
    assert "\n" not in error["message"] and "Traceback" not in response.text


def test_an_empty_file_input_beside_text_is_not_a_file(client):
    """A browser sends an empty part for a file input left empty: that is not 'both'."""
    response = client.post("/api/lint", data={"text": DA_TEXT}, files={"file": ("", b"")})
    assert response.status_code == 200


# -- escaping, headers, CSRF -----------------------------------------------------------------

def test_report_text_and_file_names_are_escaped(client, token):
    text = "Offence analysis\n<script>alert('x')</script> Mr A assaulted his partner.\n\"quoted\" & <b>"
    response = client.post("/", data={"text": text, "csrf_token": token})
    assert response.status_code == 200
    page = response.text
    assert "<script>alert" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    named = client.post("/api/lint", files={"file": ("<img src=x onerror=alert(1)>.txt", b"Mr A hit his wife.")})
    assert named.json()["documents"][0]["path"] == "<img src=x onerror=alert(1)>.txt"  # JSON is data
    shown = client.post("/", data={"csrf_token": token}, files={"file": ("<img src=x>.txt", b"Mr A hit his wife.")})
    assert "<img src=x>" not in shown.text and "&lt;img src=x&gt;.txt" in shown.text


def test_page_has_no_inline_script_or_outside_resources(client):
    response = client.get("/")
    page = response.text
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script src="/static/page.js" defer>']
    assert " style=" not in page and "<style" not in page
    assert not re.search(r"""(?:src|href|action)=["'](?:https?:)?//""", page)
    for name in ("page.js", "page.css", "report.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/static/../cli.py").status_code == 404


def test_security_headers_on_every_answer(client):
    for response in (client.get("/"), client.get("/healthz"), client.post("/api/lint", data={"text": "x"})):
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"


def test_page_form_needs_the_token(client, token):
    missing = client.post("/", data={"text": DA_TEXT})
    wrong = client.post("/", data={"text": DA_TEXT, "csrf_token": token[:-2] + "xx"})
    for response in (missing, wrong):
        assert response.status_code == 403
        assert "out of date" in response.text
        assert "Mr A assaulted his partner" in response.text  # the pasted draft is not lost
    assert client.post("/download", data={"text": DA_TEXT}).status_code == 403
    assert client.post("/", data={"text": DA_TEXT, "csrf_token": token}).status_code == 200


def test_cross_site_posts_are_refused(client, token):
    evil = {"origin": "http://evil.example"}
    assert client.post("/api/lint", data={"text": DA_TEXT}, headers=evil).status_code == 403
    assert client.post("/", data={"text": DA_TEXT, "csrf_token": token}, headers=evil).status_code == 403
    cross = {"sec-fetch-site": "cross-site", "origin": "http://testserver"}
    assert client.post("/api/lint", data={"text": DA_TEXT}, headers=cross).status_code == 403
    assert "another site" in error_of(client.post("/api/lint", data={"text": DA_TEXT}, headers=cross))["message"]
    assert client.post("/api/lint", data={"text": DA_TEXT}, headers={"origin": "null"}).status_code == 403
    # our own page: same origin, or Origin: null (no-referrer) with the token
    same = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}
    assert client.post("/api/lint", data={"text": DA_TEXT}, headers=same).status_code == 200
    own_form = client.post("/", data={"text": DA_TEXT, "csrf_token": token}, headers={"origin": "null"})
    assert own_form.status_code == 200


def test_unknown_host_is_refused(client):
    """DNS rebinding: a hostile name pointed at 127.0.0.1 must not reach the app."""
    response = client.get("/healthz", headers={"host": "attacker.example:8000"})
    assert response.status_code == 400 and "Unknown host" in response.text


def test_guard_helpers():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20") and not is_loopback("example.org")
    assert host_name("127.0.0.1:8000") == "127.0.0.1" and host_name("[::1]:8000") == "::1"
    assert host_name("LOCALHOST") == "localhost"
    assert allowed_hosts("127.0.0.1") == {"localhost", "127.0.0.1", "::1"}
    assert allowed_hosts("0.0.0.0") is None
    assert cross_site_reason({}, "127.0.0.1:8000") is None  # curl, scripts
    assert cross_site_reason({"origin": "http://127.0.0.1:8000"}, "127.0.0.1:8000") is None
    assert cross_site_reason({"origin": "http://127.0.0.1:9999"}, "127.0.0.1:8000")


def test_exposure_warning_only_off_loopback():
    assert exposure_warning("127.0.0.1") is None and exposure_warning("localhost") is None
    warning = exposure_warning("0.0.0.0")
    assert warning and "WARNING" in warning and "personal data" in warning


# -- the page --------------------------------------------------------------------------------

def test_page_shows_highlighted_findings_by_severity_with_fix_and_rationale(client, token):
    response = client.post("/", data={"text": EXAMPLE.read_text(encoding="utf-8"), "csrf_token": token})
    page = response.text
    assert response.status_code == 200
    assert re.search(r'<mark id="d1-m\d+" class="sev-error"[^>]*>pushed his partner(, Ms Kelly)?</mark>', page)
    assert re.search(r'<a class="tag sev-error" href="#finding-1-\d+">DA001</a>', page)
    assert page.index("Must fix before court") < page.index("Should check")
    assert "What to do" in page and "Why it matters" in page
    for label in ('for="text"', 'for="file"', 'for="region"', 'for="report_type"', 'for="record"'):
        assert label in page


def test_page_problem_links_to_its_field_and_keeps_the_text(client, token):
    response = client.post("/", data={"text": DA_TEXT, "record": "{oops", "csrf_token": token})
    assert response.status_code == 400
    assert 'href="#record"' in response.text and "There is a problem" in response.text
    assert "Mr A assaulted his partner" in response.text and "{oops" in response.text


def test_download_is_exactly_the_cli_html(client, cli, token, tmp_path):
    """Upload a .docx on the page, press Download: the same bytes as `lint --format html`."""
    data = docx_bytes(EXAMPLE.read_text(encoding="utf-8"))
    (tmp_path / "draft.docx").write_bytes(data)
    page = client.post("/", data={"csrf_token": token, "region": "Wales", "report_type": "oral"},
                       files={"file": ("draft.docx", data)})
    assert page.status_code == 200
    hidden = HiddenInputs()
    hidden.feed(page.text)
    assert hidden.fields["name"] == "draft.docx" and hidden.fields["region"] == "Wales"
    # a browser sends the hidden text's line breaks as CRLF
    hidden.fields["text"] = hidden.fields["text"].replace("\n", "\r\n")
    download = client.post("/download", data=hidden.fields)
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith('attachment; filename="draft-check.html"')
    expected = cli("lint", "draft.docx", "--format", "html", "--region", "Wales", "--report-type", "oral")
    assert download.text == expected.stdout.decode("utf-8")


# -- nothing on disk, nothing in the log ------------------------------------------------------

@pytest.fixture()
def disk_watch(tmp_path, monkeypatch):
    """Point tempfile at an empty folder and record every way tempfile could create a file."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    calls: list[str] = []
    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp"):
        original = getattr(tempfile, name)

        def recording(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(tempfile, name, recording)
    return folder, calls


def test_the_disk_watch_sees_a_spooled_file_roll_over(disk_watch):
    """The watch below can fail: a spooled file past its size does create a temporary file."""
    _, calls = disk_watch
    with tempfile.SpooledTemporaryFile(max_size=10) as spooled:
        spooled.write(b"x" * 100)
    assert calls == ["TemporaryFile"]


def test_uploads_stay_in_memory(client, token, disk_watch):
    folder, calls = disk_watch
    big = b"Mr A hit his wife.\n" * 200_000  # 3.8 MB: over Starlette's 1 MB spool threshold
    refused = client.post("/api/lint", files={"file": ("big.pdf", big)})  # read whole, then refused
    assert refused.status_code == 415
    docx = client.post("/api/lint", files={"file": ("draft.docx", docx_bytes(DA_TEXT))})
    page = client.post("/", data={"text": DA_TEXT, "csrf_token": token})
    assert docx.status_code == 200 and page.status_code == 200
    assert calls == [] and list(folder.iterdir()) == []


def test_no_report_text_in_the_log(client, token, caplog):
    marker = "Zebedee-Quillfeather"
    with caplog.at_level("DEBUG"):
        client.post("/api/lint", data={"text": f"Offence analysis\n{marker} assaulted his partner."})
        client.post("/", data={"text": f"{marker} hit his wife.", "csrf_token": token})
        client.post("/api/lint", data={"text": marker, "record": "{bad"})
    assert marker not in caplog.text


def test_access_log_is_method_path_status_only():
    config = uvicorn_config(object())
    fmt = config.log_config["formatters"]["access"]["fmt"]
    assert "request_line" in fmt and "status_code" in fmt and "client_addr" not in fmt


# -- the command -------------------------------------------------------------------------------

def test_help_does_not_import_the_web_stack():
    code = ("import sys; from psr_check.cli import app; from typer.testing import CliRunner; "
            "CliRunner().invoke(app, ['--help']); "
            "print(sorted(m for m in ('starlette', 'uvicorn', 'multipart') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def test_serve_without_the_web_extra_says_how_to_install(monkeypatch):
    from typer.testing import CliRunner

    from psr_check.cli import app as cli_app

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # `import uvicorn` now raises ImportError
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 2
    assert 'pip install "psr-check[web]"' in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_serve_reports_a_port_in_use(cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port), timeout=60)
    assert result.returncode == 2
    assert "cannot listen on 127.0.0.1" in result.stderr.decode() and "another --port" in result.stderr.decode()


def test_serve_starts_answers_and_warns_off_loopback(tmp_path):
    """The real command: a process, a port, a health check; and the loud warning for 0.0.0.0."""
    import urllib.request

    process = subprocess.Popen([sys.executable, "-m", "psr_check.cli", "serve", "--host", "0.0.0.0", "--port", "0"],
                               cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            lines.append(line)
            if "is ready" in line or not line:
                break
        said = "".join(lines)
        assert "WARNING: psr-check is listening on 0.0.0.0" in said
        url = re.search(r"open (http://127\.0\.0\.1:\d+/)", said).group(1)
        with urllib.request.urlopen(url + "healthz", timeout=10) as response:
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
