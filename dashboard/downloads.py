"""The Data page's files as plain URLs: /download/<selection|full>.<csv|parquet|xlsx>?<the Data page's query>.

Links rather than Dash callbacks: the file goes straight to the browser (no base64 inside a JSON
answer, which cost a full series 3–4× its size), and a link can be shared or fetched with curl. The
query is read as the page reads it, but strictly: an unknown indicator, country, group, year or breakdown is
a 400 with one line of text naming it (the page shows a notice and a default; a file must not silently hold
other rows than the link asks for). A link without an indicator gives the default one (Internet use).
That line is in the language of the page the link was followed from (its Referer: dashboard/i18n.py); the files
themselves keep English column ids and machine-readable numbers in every language.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request

from dashboard import data, data_files, data_selection, formatting
from dashboard.i18n import gettext as _
from dashboard.queries import data_download as queries

SCOPES = ("selection", "full")
FORMATS = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def download(scope: str, extension: str) -> Response:
    """One file of the selection (uncapped, in the on-screen order) or of the full series."""
    if scope not in SCOPES or extension not in FORMATS:
        abort(404, description=_("Downloads are /download/selection.csv|parquet|xlsx or "
                                 "/download/full.csv|parquet|xlsx"))
    try:
        errors = data_selection.query_errors(request.args.to_dict())
        if errors:
            return Response(_("Bad download link: {errors}.").format(errors="; ".join(errors)) + "\n", status=400,
                            mimetype="text/plain")
        state = data_selection.state_from_query(request.query_string.decode("utf-8", errors="replace"))
        if scope == "full":
            state = queries.DataState(state.indicators, sex="all", area="all", age="all")
        frame = queries.selection(state)
        if extension == "csv":
            content = data_files.csv_bytes(frame)
        elif extension == "parquet":
            content = data_files.parquet_bytes(frame)
        elif len(frame) > data_files.XLSX_MAX_ROWS:
            return Response(_("XLSX holds at most {max_rows} rows; this selection has {rows}: download it as CSV "
                              "or Parquet, or choose fewer indicators.").format(
                max_rows=formatting.count(data_files.XLSX_MAX_ROWS), rows=formatting.count(len(frame))) + "\n",
                status=413, mimetype="text/plain")
        else:
            content = data_files.xlsx_bytes(frame, queries.sources_of_rows(frame))
    except data.DatabaseMissingError as exc:
        return Response(str(exc) + "\n", status=503, mimetype="text/plain", headers={"Retry-After": "5"})
    filename = data_files.filename(state, scope, extension)
    return Response(content, mimetype=FORMATS[extension],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def register(server: Flask) -> None:
    server.add_url_rule("/download/<scope>.<extension>", "download", download)
