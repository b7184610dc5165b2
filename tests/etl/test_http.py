"""etl.http.get against a real local HTTP server: retries, Retry-After, timeouts and unreachable hosts.

Every test passes a recording `sleep`, so waits are checked without being spent.
"""

from __future__ import annotations

import email.utils
import socket
import threading
import time

import pytest
from werkzeug import Request, Response

from etl import http
from etl.errors import HttpError, NetworkUnavailableError
from tests.conftest import free_port


class Sleeps(list):
    """A stand-in for time.sleep that records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def served_statuses(httpserver) -> list[int]:
    """Statuses of the requests the server answered, in order."""
    return [response.status_code for _, response in httpserver.log]


def test_429_with_retry_after_waits_that_long_then_returns_the_200_body(httpserver):
    """A rate-limited answer is retried after exactly the number of seconds the server asked for."""
    httpserver.expect_ordered_request("/data").respond_with_data("slow down", status=429, headers={"Retry-After": "2"})
    httpserver.expect_ordered_request("/data").respond_with_data("the body")
    sleeps = Sleeps()

    response = http.get(httpserver.url_for("/data"), sleep=sleeps, backoff_s=7)

    assert response.status_code == 200
    assert response.text == "the body"
    assert sleeps == [2.0]  # the header's value, not the 7 s backoff
    assert served_statuses(httpserver) == [429, 200]
    httpserver.check_assertions()


def test_502_is_retried_once_with_the_backoff_wait(httpserver):
    """A bad gateway without Retry-After is retried after backoff_s (the first step of the doubling)."""
    httpserver.expect_ordered_request("/data").respond_with_data("bad gateway", status=502)
    httpserver.expect_ordered_request("/data").respond_with_data("ok")
    sleeps = Sleeps()

    response = http.get(httpserver.url_for("/data"), sleep=sleeps, backoff_s=0.25)

    assert response.text == "ok"
    assert sleeps == [0.25]
    assert served_statuses(httpserver) == [502, 200]
    httpserver.check_assertions()


def test_backoff_doubles_on_each_retry(httpserver):
    """Consecutive 5xx answers wait backoff_s, 2·backoff_s, 4·backoff_s, … between attempts."""
    for status in (500, 503, 504):
        httpserver.expect_ordered_request("/data").respond_with_data("", status=status)
    httpserver.expect_ordered_request("/data").respond_with_data("ok")
    sleeps = Sleeps()

    response = http.get(httpserver.url_for("/data"), sleep=sleeps, backoff_s=0.5, attempts=4)

    assert response.text == "ok"
    assert sleeps == [0.5, 1.0, 2.0]
    assert served_statuses(httpserver) == [500, 503, 504, 200]


def test_404_fails_at_once_naming_the_full_url(httpserver):
    """A missing resource is not retried, and the error names the URL with its query string."""
    httpserver.expect_request("/en/indicator/XX.NOPE", query_string={"downloadformat": "csv", "page": "2"}) \
        .respond_with_data("not here", status=404)
    sleeps = Sleeps()
    url = httpserver.url_for("/en/indicator/XX.NOPE")

    with pytest.raises(HttpError) as caught:
        http.get(url, {"downloadformat": "csv", "page": "2"}, sleep=sleeps)

    assert caught.type is HttpError  # a reachable server is not "network unavailable"
    assert caught.value.status == 404
    assert caught.value.url == f"{url}?downloadformat=csv&page=2"
    assert f"{url}?downloadformat=csv&page=2" in str(caught.value)
    assert "404" in str(caught.value)
    assert len(httpserver.log) == 1
    assert sleeps == []


def test_persistent_503_gives_up_after_the_allowed_attempts(httpserver):
    """A server that stays unavailable is asked exactly `attempts` times, then the 503 is reported."""
    httpserver.expect_request("/data").respond_with_data("down", status=503)
    sleeps = Sleeps()

    with pytest.raises(HttpError) as caught:
        http.get(httpserver.url_for("/data"), sleep=sleeps, attempts=3, backoff_s=0.1)

    assert caught.value.status == 503
    assert len(httpserver.log) == 3
    assert sleeps == [0.1, 0.2]  # no wait after the last attempt


def test_read_timeout_is_retried_then_reported_as_timed_out(httpserver):
    """A server slower than the read timeout is retried, then reported as timed out (not as offline)."""
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(1.5)  # longer than the 0.5 s read timeout; cut short once the client has given up
        return Response("too late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    sleeps = Sleeps()
    started = time.monotonic()
    try:
        with pytest.raises(HttpError) as caught:
            http.get(httpserver.url_for("/slow"), sleep=sleeps, attempts=2, backoff_s=0.1, timeout=(2, 0.5))
    finally:
        release.set()
    elapsed = time.monotonic() - started

    assert caught.type is HttpError
    assert "timed out" in str(caught.value)
    assert caught.value.status is None
    assert sleeps == [0.1]
    assert elapsed < 1.45  # each attempt was cut off by the read timeout, not by the handler finishing
    deadline = time.monotonic() + 5
    while len(httpserver.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(httpserver.log) == 2


def test_connection_refused_is_network_unavailable_after_three_tries():
    """A closed port means no publisher to talk to: NetworkUnavailableError after two quick retries."""
    url = f"http://127.0.0.1:{free_port()}/en/indicator/IT.NET.USER.ZS"
    sleeps = Sleeps()

    with pytest.raises(NetworkUnavailableError) as caught:
        http.get(url, {"downloadformat": "csv"}, sleep=sleeps, attempts=5, backoff_s=0.5)

    assert caught.value.url == f"{url}?downloadformat=csv"
    assert caught.value.status is None
    assert sleeps == [0.5, 1.0]  # three tries, not the five allowed


def test_retry_after_beyond_the_cap_fails_without_waiting(httpserver):
    """A server asking for a longer pause than MAX_RETRY_AFTER_S is treated as down, not waited for."""
    too_long = int(http.MAX_RETRY_AFTER_S) + 1
    httpserver.expect_request("/data").respond_with_data("later", status=503, headers={"Retry-After": str(too_long)})
    sleeps = Sleeps()

    with pytest.raises(HttpError) as caught:
        http.get(httpserver.url_for("/data"), sleep=sleeps, attempts=5)

    assert caught.value.status == 503
    assert str(too_long) in str(caught.value)
    assert sleeps == []
    assert len(httpserver.log) == 1


def test_retry_after_at_the_cap_is_still_waited_for(httpserver):
    """The cap is inclusive: exactly MAX_RETRY_AFTER_S seconds is an acceptable wait."""
    cap = int(http.MAX_RETRY_AFTER_S)
    httpserver.expect_ordered_request("/data").respond_with_data("", status=429, headers={"Retry-After": str(cap)})
    httpserver.expect_ordered_request("/data").respond_with_data("ok")
    sleeps = Sleeps()

    assert http.get(httpserver.url_for("/data"), sleep=sleeps).text == "ok"
    assert sleeps == [float(cap)]


def test_retry_after_as_an_http_date_is_honoured(httpserver):
    """Retry-After may be an HTTP-date; the wait is the time until that moment."""
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    httpserver.expect_ordered_request("/data").respond_with_data("busy", status=503, headers={"Retry-After": when})
    httpserver.expect_ordered_request("/data").respond_with_data("ok")
    sleeps = Sleeps()

    response = http.get(httpserver.url_for("/data"), sleep=sleeps, backoff_s=0.01)

    assert response.text == "ok"
    assert len(sleeps) == 1
    assert 25 < sleeps[0] <= 30  # the date has whole seconds; never the 0.01 s backoff
    assert served_statuses(httpserver) == [503, 200]


def test_retry_after_date_in_the_past_retries_at_once(httpserver):
    """A Retry-After date already passed means "retry now", never a negative sleep."""
    when = email.utils.formatdate(time.time() - 3600, usegmt=True)
    httpserver.expect_ordered_request("/data").respond_with_data("busy", status=503, headers={"Retry-After": when})
    httpserver.expect_ordered_request("/data").respond_with_data("ok")
    sleeps = Sleeps()

    assert http.get(httpserver.url_for("/data"), sleep=sleeps, backoff_s=5).text == "ok"
    assert sleeps == [0.0]


# --- malformed headers and broken bodies ---


def test_unparseable_retry_after_falls_back_to_backoff(httpserver):
    """A malformed Retry-After should be ignored (use the backoff), not crash the pull."""
    httpserver.expect_ordered_request("/data").respond_with_data("", status=503, headers={"Retry-After": "1.5"})
    httpserver.expect_ordered_request("/data").respond_with_data("ok")
    sleeps = Sleeps()

    assert http.get(httpserver.url_for("/data"), sleep=sleeps, backoff_s=0.25).text == "ok"
    assert sleeps == [0.25]


def test_truncated_body_is_retried(httpserver):
    """A download that stops before Content-Length bytes is a dropped connection: retry, then succeed."""

    def truncated(request: Request) -> Response:
        # a streamed body with direct_passthrough keeps the stated length; the server then closes early
        return Response(iter([b"only-a-bit"]), headers={"Content-Length": "1000"}, direct_passthrough=True)

    httpserver.expect_ordered_request("/data").respond_with_handler(truncated)
    httpserver.expect_ordered_request("/data").respond_with_data("whole")
    sleeps = Sleeps()

    assert http.get(httpserver.url_for("/data"), sleep=sleeps, backoff_s=0.1).text == "whole"


def test_connection_dropped_by_a_reachable_host_is_not_reported_as_offline():
    """A host that accepts and then hangs up is flaky, not absent: retried, then an HttpError (not offline)."""

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def accept_and_close() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            connection.recv(1024)
            connection.close()

    thread = threading.Thread(target=accept_and_close, daemon=True)
    thread.start()
    sleeps = Sleeps()
    try:
        with pytest.raises(HttpError) as caught:
            http.get(f"http://127.0.0.1:{listener.getsockname()[1]}/data", sleep=sleeps, attempts=3, backoff_s=0.1)
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
    assert not isinstance(caught.value, NetworkUnavailableError)
    assert "dropped" in str(caught.value)
    assert sleeps == [0.1, 0.2]
