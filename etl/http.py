"""One careful HTTP GET: timeouts, bounded retries with backoff, and Retry-After honoured."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import requests
import urllib3

from etl.errors import HttpError, NetworkUnavailableError

RETRY_STATUSES = {429, 500, 502, 503, 504}
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 120
MAX_RETRY_AFTER_S = 120  # a server asking for longer than this is treated as down


def _retry_after_seconds(header: str | None, fallback: float) -> float:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not header:
        return fallback
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        parsed = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):  # neither seconds nor a date, e.g. "1.5" or "soon"
        return fallback
    return max(0.0, parsed.timestamp() - time.time())


def _host_unreachable(exc: requests.ConnectionError) -> bool:
    """True when no connection could be opened at all (refused, DNS failure): that is "offline"."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.exceptions.ConnectTimeout) or isinstance(
        reason, urllib3.exceptions.NewConnectionError
    )


def get(
    url: str,
    params: dict | None = None,
    *,
    session: requests.Session | None = None,
    attempts: int = 5,
    backoff_s: float = 1.0,
    timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
    sleep: Callable[[float], None] = time.sleep,
) -> requests.Response:
    """GET `url`, retrying 429/5xx, timeouts and dropped connections; raise HttpError when done.

    A refused or unresolvable host is retried only twice: that is "no network", and a user
    waiting for `make run` should hear so quickly.
    """
    http = session or requests.Session()
    full_url = requests.Request("GET", url, params=params).prepare().url or url
    unreachable_tries = 0
    for attempt in range(1, attempts + 1):
        wait = backoff_s * 2 ** (attempt - 1)
        try:
            response = http.get(url, params=params, timeout=timeout)
        except requests.ConnectionError as exc:
            if not _host_unreachable(exc):  # reached the host, then the connection dropped: transient
                if attempt == attempts:
                    raise HttpError(full_url, f"connection dropped {attempts} times") from exc
                sleep(wait)
                continue
            unreachable_tries += 1
            if unreachable_tries >= 3 or attempt == attempts:
                raise NetworkUnavailableError(full_url, f"cannot connect ({exc.__class__.__name__})") from exc
            sleep(wait)
            continue
        except requests.Timeout as exc:
            if attempt == attempts:
                raise HttpError(full_url, f"timed out after {attempts} attempts") from exc
            sleep(wait)
            continue
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            # The body was cut short or garbled mid-download: try again, it is usually transient.
            if attempt == attempts:
                raise HttpError(full_url, f"incomplete response body after {attempts} attempts") from exc
            sleep(wait)
            continue
        if response.status_code in RETRY_STATUSES and attempt < attempts:
            delay = _retry_after_seconds(response.headers.get("Retry-After"), wait)
            if delay > MAX_RETRY_AFTER_S:
                raise HttpError(full_url, f"HTTP {response.status_code}, Retry-After {delay:.0f} s",
                                response.status_code)
            sleep(delay)
            continue
        if response.status_code != 200:
            raise HttpError(full_url, f"HTTP {response.status_code} {response.reason}", response.status_code)
        return response
    raise HttpError(full_url, f"gave up after {attempts} attempts")  # pragma: no cover - loop always returns or raises
