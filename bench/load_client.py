"""A small browser for the load test: cookies kept by hand, forms read from the HTML, every request timed.

Standard library only. The server believes it is behind a TLS proxy (``X-Forwarded-Proto: https``), so its
cookies are Secure and its CSRF check compares the Origin with https://<host>; this client sends both as a
browser on https would, and one connection per request (gunicorn's sync workers close it after each response).
"""

from __future__ import annotations

import http.client
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from bench.server import HEADERS

TIMEOUT = 60


@dataclass
class Sample:
    """One request: which step, how long (wall-clock ms), its status and whether it was what we expected."""

    step: str
    method: str
    path: str
    status: int
    ms: float
    started: float
    ok: bool = True
    error: str = ""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Recorder:
    """Every sample of every client, thread-safe."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self._lock = threading.Lock()

    def add(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)


class UnexpectedPage(Exception):
    """A response that is not what the real flow gives (wrong status, missing form, error summary)."""


@dataclass
class Browser:
    base_url: str
    recorder: Recorder
    real_ip: str = ""
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        self.host, self.port = parts.hostname, parts.port
        self.origin = f"https://{parts.netloc}"  # what the server, behind its "proxy", believes it serves

    def request(self, step: str, method: str, path: str, *, body: bytes = b"", content_type: str = "") -> Response:
        headers = {
            **HEADERS,
            "Host": f"{self.host}:{self.port}",
            "User-Agent": "natverk-load/1",
            "Accept": "text/html,application/xhtml+xml",
            "Accept-Language": "sv",
        }
        if self.real_ip:
            headers["X-Real-IP"] = self.real_ip  # each municipality from its own address, as the proxy passes it
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
            headers["Content-Type"] = content_type
            headers["Content-Length"] = str(len(body))
        started = time.time()
        start = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
            try:
                connection.request(method, path, body=body or None, headers=headers)
                raw = connection.getresponse()
                content = raw.read()
                response = Response(
                    raw.status, {k.lower(): v for k, v in raw.getheaders()}, content.decode("utf-8", "replace")
                )
                set_cookies = raw.headers.get_all("Set-Cookie") or []
            finally:
                connection.close()
        except OSError as error:
            ms = (time.perf_counter() - start) * 1000
            self.recorder.add(Sample(step, method, path, 0, ms, started, ok=False, error=repr(error)))
            raise UnexpectedPage(f"{step}: {error!r}") from error
        ms = (time.perf_counter() - start) * 1000
        for header in set_cookies:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=thu, 01 jan 1970" in header.lower() or "max-age=0" in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        sample = Sample(step, method, path, response.status, ms, started)
        if not 200 <= response.status < 400:
            sample.ok, sample.error = False, f"HTTP {response.status}"
        self.recorder.add(sample)
        if not sample.ok:
            raise UnexpectedPage(f"{step}: {method} {path} answered {response.status}")
        return response

    def get(self, step: str, path: str) -> Response:
        return self.request(step, "GET", path)

    def post(self, step: str, path: str, fields: list[tuple[str, str]], *, multipart: bool = False) -> Response:
        if multipart:
            body, content_type = encode_multipart(fields)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request(step, "POST", path, body=body, content_type=content_type)

    def fail(self, step: str, message: str) -> UnexpectedPage:
        """Mark the last sample of ``step`` as unexpected (the page answered, but not as the flow should)."""
        with self.recorder._lock:
            for sample in reversed(self.recorder.samples):
                if sample.step == step:
                    sample.ok, sample.error = False, message
                    break
        return UnexpectedPage(f"{step}: {message}")


def encode_multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """multipart/form-data as a browser sends the apply form (its file input empty)."""
    boundary = "----natverkload" + secrets.token_hex(12)
    parts = []
    for name, value in fields:
        if name == "attachment":
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
                "Content-Type: application/octet-stream\r\n\r\n\r\n"
            )
        else:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


# --- Forms in the HTML ----------------------------------------------------------------------


@dataclass
class Control:
    tag: str  # input, textarea, select
    type: str
    name: str
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected) of a select


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    controls: list[Control] = field(default_factory=list)

    def names(self) -> set[str]:
        return {c.name for c in self.controls}

    def control(self, name: str) -> Control | None:
        return next((c for c in self.controls if c.name == name), None)

    def defaults(self) -> dict[str, list[str]]:
        """What a browser would send untouched (submit buttons and files left out)."""
        values: dict[str, list[str]] = {}
        for c in self.controls:
            if c.type in ("submit", "button", "reset", "image", "file"):
                continue
            if c.type in ("checkbox", "radio") and not c.checked:
                continue
            if c.tag == "select":
                chosen = [v for v, selected in c.options if selected] or ([c.options[0][0]] if c.options else [])
                values.setdefault(c.name, []).extend(chosen)
                continue
            values.setdefault(c.name, []).append(c.value if c.value is not None else "")
        return values


class FormParser(HTMLParser):
    """Every <form> with its controls (inputs, textareas, selects and their options)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Control | None = None
        self._select: Control | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(
                a.get("action", ""),
                a.get("method", "get").lower(),
                a.get("enctype", "application/x-www-form-urlencoded"),
            )
            self.forms.append(self._form)
        if self._form is None or ("name" not in a and tag in ("input", "textarea", "select")):
            return
        if tag == "input":
            self._form.controls.append(
                Control("input", a.get("type", "text").lower(), a["name"], a.get("value", ""), "checked" in a)
            )
        elif tag == "textarea":
            self._textarea = Control("textarea", "textarea", a["name"], "")
            self._form.controls.append(self._textarea)
        elif tag == "select":
            self._select = Control("select", "select", a["name"])
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append((a.get("value", ""), "selected" in a))
        elif tag == "button" and "name" in a:
            self._form.controls.append(Control("button", a.get("type", "submit"), a["name"], a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            # The first newline after <textarea> is not part of the value (HTML parsing rule).
            self._textarea.value += data.removeprefix("\n") if not self._textarea.value else data


def forms_in(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def post_form(html: str) -> Form:
    """The page's main POST form (the one with a CSRF token and the most controls)."""
    forms = [f for f in forms_in(html) if f.method == "post" and "csrfmiddlewaretoken" in f.names()]
    if not forms:
        raise UnexpectedPage("no POST form with a CSRF token on the page")
    return max(forms, key=lambda f: len(f.controls))


def absolute_path(current: str, location: str) -> str:
    """The path of a redirect's Location (relative or absolute) for this server."""
    target = urlsplit(urljoin(current, location))
    return target.path + (f"?{target.query}" if target.query else "")


ERROR_SUMMARY = re.compile(r'class="[^"]*alert-danger')
