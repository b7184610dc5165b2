"""Text answers gzipped for clients that accept gzip (dashboard/compression.py), on the app served by gunicorn."""

from __future__ import annotations

import gzip
import re

import pytest
import requests

from dashboard.compression import CompressedCopies, accepts_gzip

PLAIN = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def packed_get(url: str, headers: dict) -> tuple[requests.Response, bytes]:
    """The answer and its body as sent (not decoded by requests)."""
    answer = requests.get(url, headers=headers, timeout=60, stream=True)
    return answer, answer.raw.read(decode_content=False)


@pytest.mark.parametrize(("header", "accepted"), [
    ("gzip", True), ("GZIP, deflate", True), ("br;q=1.0, gzip;q=0.5", True), ("*", True),
    ("gzip;q=0", False), ("identity", False), ("", False), ("deflate, br", False), ("gzip;q=x", False),
])
def test_accept_encoding_is_read_as_browsers_write_it(header: str, accepted: bool):
    assert accepts_gzip(header) is accepted


def test_copies_are_reused_and_bounded():
    copies = CompressedCopies(budget=64 * 1024)
    body = b'{"a": "' + b"x" * 50_000 + b'"}'
    first = copies.packed(body, 1)
    assert gzip.decompress(first) == body and copies.packed(body, 1) is first  # the kept copy, not a new one
    for n in range(200):  # distinct bodies push the oldest out: the budget holds
        copies.packed(bytes(str(n), "ascii") * 30_000, 1)
    assert copies.size <= copies.budget
    assert copies.packed(body, 1) is not first


def test_pages_layouts_and_scripts_come_gzipped_with_the_same_content(app_url: str):
    index_html = requests.get(app_url + "/explore", headers=PLAIN, timeout=60).text
    bundle = next(path for path in re.findall(r'src="([^"]+)"', index_html) if "dash_renderer" in path or
                  "react-dom" in path)
    asks = [("/explore", {}), ("/_dash-layout", {"Referer": app_url + "/gaps", "Accept": "application/json"}),
            (bundle, {})]
    for path, headers in asks:
        plain, plain_bytes = packed_get(app_url + path, {**headers, **PLAIN})
        packed, packed_bytes = packed_get(app_url + path, {**headers, **GZIP})
        assert plain.status_code == packed.status_code == 200, path
        assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == "gzip", path
        assert int(packed.headers["Content-Length"]) == len(packed_bytes) < len(plain_bytes) / 2, path
        assert gzip.decompress(packed_bytes) == plain_bytes, path  # one server, one process order: equal bytes
        assert "Accept-Encoding" in packed.headers["Vary"], path
    layout = packed_get(app_url + "/_dash-layout", {"Referer": app_url + "/gaps", **GZIP})[0]
    assert {part.strip() for part in layout.headers["Vary"].split(",")} >= {"Referer", "Accept-Encoding"}


def test_a_gzipped_index_still_revalidates_to_304(app_url: str):
    first, _ = packed_get(app_url + "/targets", GZIP)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"'), etag  # the gzipped bytes are not the plain form's: a weak validator
    again = requests.get(app_url + "/targets", headers={**GZIP, "If-None-Match": etag}, timeout=60)
    assert again.status_code == 304
    plain = requests.get(app_url + "/targets", headers=PLAIN, timeout=60)
    assert plain.headers["ETag"] == etag.removeprefix("W/")  # the plain form keeps the strong one


def test_what_is_not_text_or_not_asked_for_goes_out_as_it_is(app_url: str):
    head = requests.head(app_url + "/explore", headers=GZIP, timeout=60)
    assert head.status_code == 200 and "Content-Encoding" not in head.headers
    missing, _ = packed_get(app_url + "/download/nothing-here.csv", GZIP)
    assert missing.status_code < 500 and "Content-Encoding" not in missing.headers  # not a 200: untouched
    parquet, _ = packed_get(app_url + "/download/selection.parquet?indicator=internet_use", GZIP)
    assert parquet.status_code == 200 and "Content-Encoding" not in parquet.headers  # binary: not text
