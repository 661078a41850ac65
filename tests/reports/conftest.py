"""Fixtures of the document tests: the demo once per module, a server that counts requests."""

import http.server
import threading

import pytest

from tests.portal.conftest import seeded_once  # noqa: F401 - the demo, seeded once per module


@pytest.fixture
def seeded(seeded_once, settings):  # noqa: F811
    settings.DEBUG = True


class HitCounter:
    """A local HTTP server that records every request made to it (a document must make none)."""

    def __init__(self):
        self.hits: list[str] = []
        counter = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                counter.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def hostile_texts(self) -> list[str]:
        """User text that would make a careless renderer fetch a URL or read a file."""
        return hostile_texts(self.port)


def hostile_texts(port: int) -> list[str]:
    base = f"http://127.0.0.1:{port}"
    return [
        f'<img src="{base}/img">',
        f"![bild]({base}/markdown-img)",
        f'<link rel="stylesheet" href="{base}/link.css">',
        f"<style>@import url({base}/import.css); body {{ background: url({base}/bg.png) }}</style>",
        f'<div style="background-image: url({base}/style.png)">x</div>',
        '<img src="file:///etc/passwd"> <iframe src="file:///etc/passwd"></iframe>',
        "<object data='file:///etc/passwd'></object> ../../../../etc/passwd",
        f"@import url({base}/plain-import.css); url({base}/plain-url)",
    ]


@pytest.fixture
def hit_server():
    counter = HitCounter()
    counter.thread.start()
    yield counter
    counter.server.shutdown()
    counter.server.server_close()
