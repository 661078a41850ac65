"""A small client for Kolada's v3 API (https://api.kolada.se/v3): read-only GETs of JSON.

Only management commands and Celery tasks use it; pages never call Kolada.
The API has no documented rate limit, so the client is polite: a few requests a
second, at most 25 ids per comma-separated path segment (longer lists get HTTP
422), bounded retries with back-off on 429/5xx and network errors, and paging
by ``next_url`` (``count`` is the size of one page, not the total).
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from django.conf import settings

CHUNK_SIZE = 25
PER_PAGE = 5000
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 20.0
RETRY_AFTER_CAP_SECONDS = 30.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# Module level so tests can make waiting instant (monkeypatch kolada.sleep).
sleep = time.sleep
monotonic = time.monotonic


class KoladaError(Exception):
    """Kolada could not be reached or answered something we cannot use."""


class ValueRow(NamedTuple):
    """One value (a tuple: a full sync parses some 170 000 of them, and a frozen dataclass costs more)."""

    kpi: str
    municipality: str
    period: int
    gender: str
    value: float | None
    status: str
    isdeleted: bool


def chunked(ids: Iterable, size: int = CHUNK_SIZE) -> Iterator[list[str]]:
    iterator = iter(ids)
    while chunk := [str(item) for item in itertools.islice(iterator, size)]:
        yield chunk


class KoladaClient:
    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float | None = None,
        requests_per_second: float | None = None,
    ):
        self.base_url = (base_url or settings.KOLADA_BASE_URL).rstrip("/")
        self.timeout = timeout if timeout is not None else settings.KOLADA_TIMEOUT_SECONDS
        rate = requests_per_second if requests_per_second is not None else settings.KOLADA_REQUESTS_PER_SECOND
        self.min_interval = 1.0 / rate
        self.user_agent = f"Kommunnatverk/1.0 (+{settings.SITE_URL})"
        self.requests = 0  # HTTP requests sent, retries included
        self.http_seconds = 0.0  # time spent waiting on the network (benchmarks)
        self._last_request_at: float | None = None

    # --- the endpoints -------------------------------------------------------------

    def municipalities(self) -> list[dict]:
        """Every kommun, region, and ``0000`` Riket: ``{"id", "title", "type"}``."""
        return list(self._paged("/municipality"))

    def kpis(self, ids: Iterable[str]) -> list[dict]:
        return [item for chunk in chunked(ids) for item in self._paged(f"/kpi/{','.join(chunk)}")]

    def values(
        self,
        kpi_ids: Iterable[str],
        municipality_ids: Iterable[str] | None = None,
        years: Iterable[int] | None = None,
    ) -> Iterator[ValueRow]:
        """The values, one row per kpi, municipality, year and gender, isdeleted rows included."""
        kpi_chunks = list(chunked(kpi_ids))
        municipality_chunks = list(chunked(municipality_ids)) if municipality_ids is not None else [None]
        year_chunks = list(chunked(years)) if years is not None else [None]
        if municipality_ids is None and years is None:
            raise ValueError("Kolada needs municipalities or years besides the key figures")
        for kpis, municipalities, period in itertools.product(kpi_chunks, municipality_chunks, year_chunks):
            path = f"/data/kpi/{','.join(kpis)}"
            if municipalities is not None:
                path += f"/municipality/{','.join(municipalities)}"
            if period is not None:
                path += f"/year/{','.join(period)}"
            for item in self._paged(path):
                yield from _value_rows(item)

    # --- transport -----------------------------------------------------------------

    def _paged(self, path: str) -> Iterator[dict]:
        url: str | None = f"{self.base_url}{path}?{urllib.parse.urlencode({'per_page': PER_PAGE})}"
        while url:
            page = self.get_json(url)
            values = page.get("values") if isinstance(page, dict) else None
            if not isinstance(values, list):
                raise KoladaError(f"Kolada answered {url} without a list of values")
            yield from values
            next_url = page.get("next_url")
            url = urllib.parse.urljoin(url, next_url) if next_url else None

    def get_json(self, url: str):
        body = self._get(url)
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise KoladaError(f"Kolada answered {url} with malformed JSON: {error}") from None

    def _get(self, url: str) -> bytes:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise KoladaError(f"not an http(s) address: {url}")
        headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self._throttle()
            self.requests += 1
            started = monotonic()
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (http(s) only, checked above)  # nosec B310
                    return response.read()
            except urllib.error.HTTPError as error:
                problem = f"HTTP {error.code}"
                if error.code not in RETRY_STATUSES:
                    raise KoladaError(f"Kolada answered {url} with {problem}") from None
                delay = _retry_after(error.headers.get("Retry-After"))
            except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError) as error:
                reason = getattr(error, "reason", error)
                problem = "a timeout" if isinstance(reason, TimeoutError) else f"error {reason}"
                delay = None
            finally:
                self.http_seconds += monotonic() - started
            if attempt == MAX_ATTEMPTS:
                raise KoladaError(f"Kolada answered {url} with {problem} {MAX_ATTEMPTS} times; giving up")
            sleep(delay if delay is not None else min(BACKOFF_SECONDS * 2 ** (attempt - 1), BACKOFF_CAP_SECONDS))
        raise AssertionError("unreachable")

    def _throttle(self) -> None:
        now = monotonic()
        if self._last_request_at is not None:
            wait = self._last_request_at + self.min_interval - now
            if wait > 0:
                sleep(wait)
                now += wait
        self._last_request_at = now


def _retry_after(header: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is rare; fall back to our own back-off)."""
    try:
        seconds = float(header) if header else None
    except ValueError:
        return None
    return None if seconds is None else max(0.0, min(seconds, RETRY_AFTER_CAP_SECONDS))


YEARS_POSSIBLE = (1900, 2200)  # a year outside is a malformed row (and would overflow the column)


def _finite(value) -> float:
    number = float(value)
    if not math.isfinite(number):  # NaN or infinity would poison every median
        raise ValueError(f"value {value!r} is not a finite number")
    return number


def _value_rows(item: dict) -> list[ValueRow]:
    try:
        kpi, municipality, period = str(item["kpi"]), str(item["municipality"]), int(item["period"])
        if not YEARS_POSSIBLE[0] <= period <= YEARS_POSSIBLE[1]:
            raise ValueError(f"year {period} out of range")
        entries = item.get("values") or []
        item_deleted = item.get("isdeleted", False)
        rows = []
        for entry in entries:
            value = entry.get("value")
            rows.append(
                ValueRow(
                    kpi,
                    municipality,
                    period,
                    str(entry.get("gender") or "T"),
                    None if value is None else _finite(value),
                    str(entry.get("status") or ""),
                    bool(entry.get("isdeleted", item_deleted)),
                )
            )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise KoladaError(f"Kolada sent a data row we cannot read ({error!r}): {str(item)[:200]}") from None
    return rows
