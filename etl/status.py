"""`status`: what the published database holds, per indicator."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

STATUS_SQL = """
SELECT i.indicator_id, i.source_code, s.publisher, o.vintage,
       count(DISTINCT o.iso3) AS economies,
       min(o.year) AS first_year, max(o.year) AS latest_year,
       count(*) AS observations
FROM indicator i
JOIN source s USING (source_id)
LEFT JOIN observation o USING (indicator_id)
GROUP BY ALL
ORDER BY i.indicator_id
"""


def status(db_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-indicator coverage, and the last runs recorded in the file."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        coverage = con.execute(STATUS_SQL).df()
        runs = con.execute(
            "SELECT finished_at, status, rows, raw_dir FROM etl_run ORDER BY finished_at DESC LIMIT 5"
        ).df()
    return coverage, runs
