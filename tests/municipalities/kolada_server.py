"""A real local HTTP server that answers like Kolada's v3 API (the shapes of /work/shared/kolada/examples).

``FakeKolada`` holds the data (municipalities, key figures, values) and serves
it with paging (``per_page``, ``next_url``) and Kolada's 25-ids-per-segment
limit (HTTP 422 beyond). Tests script failures per path with ``script(path,
Reply(...))``: a queue of replies used before the data, so "500 then success"
is one scripted 500. Every request is recorded.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: object = None  # dict/list → JSON; bytes → sent as is (malformed JSON)
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts)


@dataclass
class Recorded:
    path: str
    query: dict
    headers: dict


class FakeKolada:
    def __init__(self, *, per_page_max: int = 5000, page_size: int | None = None):
        self.municipalities: list[dict] = []
        self.kpis: dict[str, dict] = {}
        # (kpi, municipality, year) -> [{"gender", "count", "status", "value", "isdeleted"}]
        self.data: dict[tuple[str, str, int], list[dict]] = {}
        self._keys_by_kpi: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        self.per_page_max = per_page_max
        self.page_size = page_size  # force small pages to test paging
        self.scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- life cycle ----------------------------------------------------------------

    def start(self) -> FakeKolada:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v3"

    # --- data and scripts ----------------------------------------------------------

    def add_municipality(self, code: str, title: str, type_: str = "K") -> None:
        self.municipalities.append({"id": code, "title": title, "type": type_})

    def add_kpi(self, kpi_id: str, title: str = "", *, gender: bool = False, **extra) -> None:
        self.kpis[kpi_id] = {
            "id": kpi_id,
            "title": title or f"Nyckeltal {kpi_id}",
            "description": f"Beskrivning av {kpi_id}.",
            "is_divided_by_gender": gender,
            "municipality_type": "K",
            "auspice": "X",
            "operating_area": "Befolkning",
            "perspective": "Volymer",
            "prel_publication_date": None,
            "publication_date": "2027-02-24",
            "publ_period": "2026",
            "has_ou_data": False,
            **extra,
        }

    def add_value(
        self, kpi: str, municipality: str, year: int, value, *, gender="T", status="", isdeleted=False
    ) -> None:
        entry = {"gender": gender, "count": 1, "status": status, "value": value, "isdeleted": isdeleted}
        if (kpi, municipality, year) not in self.data:
            self._keys_by_kpi[kpi].append((kpi, municipality, year))
        self.data.setdefault((kpi, municipality, year), []).append(entry)

    def script(self, path: str, *replies: Reply) -> None:
        """Replies for ``path`` (without the query), used in order before the data answers."""
        self.scripts[path].extend(replies)

    def paths(self, prefix: str = "") -> list[str]:
        return [request.path for request in self.requests if request.path.startswith(prefix)]

    # --- answering -----------------------------------------------------------------

    def answer(self, path: str, query: dict) -> Reply:
        with self._lock:
            scripted = self.scripts.get(path)
            if scripted:
                return scripted.popleft()
        parts = [urllib.parse.unquote(part) for part in path.strip("/").split("/")]
        if not parts or parts[0] != "v3":
            return Reply(404, {"error": "Not found"})
        segments = parts[1:]
        if any(len(segment.split(",")) > 25 for segment in segments):
            return Reply(422, {"detail": "Too many ids"})
        if segments[:1] == ["municipality"]:
            items = self._filter(self.municipalities, segments[1:2])
        elif segments[:1] == ["kpi"]:
            items = self._filter(list(self.kpis.values()), segments[1:2])
        elif segments[:1] == ["data"] and len(segments) % 2 == 1:
            items = self._data(dict(zip(segments[1::2], segments[2::2], strict=True)))
            if items is None:
                return Reply(400, {"detail": "Bad parameters"})
        else:
            return Reply(404, {"error": "Not found"})
        return self._page(path, query, items)

    @staticmethod
    def _filter(items: list[dict], ids: list[str]) -> list[dict]:
        if not ids:
            return items
        wanted = set(ids[0].split(","))
        return [item for item in items if item["id"] in wanted]

    def _data(self, filters: dict[str, str]) -> list[dict] | None:
        if set(filters) - {"kpi", "municipality", "year"} or len(filters) < 2:
            return None
        wanted = {name: set(value.split(",")) for name, value in filters.items()}
        keys = [key for kpi in sorted(wanted.get("kpi", self._keys_by_kpi)) for key in self._keys_by_kpi.get(kpi, [])]
        items = []
        for kpi, municipality, year in sorted(keys, key=lambda key: (key[2], key[1])):
            key = {"municipality": municipality, "year": str(year)}
            if all(key[name] in values for name, values in wanted.items() if name != "kpi"):
                entries = self.data[(kpi, municipality, year)]
                items.append({"kpi": kpi, "municipality": municipality, "period": year, "values": entries})
        return items

    def _page(self, path: str, query: dict, items: list[dict]) -> Reply:
        per_page = int(query.get("per_page", 5000))
        if per_page > self.per_page_max:
            return Reply(422, {"detail": "per_page too large"})
        size = min(per_page, self.page_size or per_page)
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * size : page * size]

        def link(number: int) -> str:
            return f"{self.base_url.removesuffix('/v3')}{path}?{urllib.parse.urlencode({**query, 'page': number})}"

        more = page * size < len(items)
        body = {
            "values": chunk,
            "count": len(chunk),
            "next_url": link(page + 1) if more else None,
            "previous_url": link(page - 1) if page > 1 else None,
        }
        return Reply(200, body)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                with fake._lock:
                    fake.requests.append(Recorded(url.path, query, dict(self.headers)))
                reply = fake.answer(url.path, query)
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, format, *args):
                pass

        return Handler


def start_fake(settings, monkeypatch, **kwargs) -> tuple[FakeKolada, list[float]]:
    """A running fake with the settings pointing at it; waiting is recorded instead of slept."""
    from municipalities import kolada

    fake = FakeKolada(**kwargs).start()
    settings.KOLADA_BASE_URL = fake.base_url
    settings.KOLADA_TIMEOUT_SECONDS = 0.3
    settings.KOLADA_REQUESTS_PER_SECOND = 1000
    sleeps: list[float] = []
    monkeypatch.setattr(kolada, "sleep", sleeps.append)
    return fake, sleeps
