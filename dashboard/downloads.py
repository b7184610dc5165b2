"""The Data page's files as plain URLs: /download/<selection|full>.<csv|parquet>?<the Data page's query>.

Links rather than Dash callbacks: the file goes straight to the browser (no base64 inside a JSON
answer, which cost a full series 3–4× its size), and a link can be shared or fetched with curl. The
query is read exactly as the page reads it, so odd parameters give the page's default selection.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request

from dashboard import data

SCOPES = ("selection", "full")
FORMATS = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


def download(scope: str, extension: str) -> Response:
    """One file of the selection (uncapped, in the on-screen order) or of the full series."""
    if scope not in SCOPES or extension not in FORMATS:
        abort(404, description="Downloads are /download/selection.csv|parquet or /download/full.csv|parquet")
    from dashboard.pages import data_download as page  # the page module registers itself once the app exists

    try:
        state = page.state_from_query(request.query_string.decode("utf-8", errors="replace"))
        frame = page.selection(state) if scope == "selection" else page.full_series(state.indicators)
    except data.DatabaseMissingError as exc:
        return Response(str(exc), status=503, mimetype="text/plain")
    content = page.csv_bytes(frame) if extension == "csv" else page.parquet_bytes(frame)
    filename = page.filename(state, scope, extension)
    return Response(content, mimetype=FORMATS[extension],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def register(server: Flask) -> None:
    server.add_url_rule("/download/<scope>.<extension>", "download", download)
