"""`status`: what the published database holds, per indicator."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from etl.publish import resolve

STATUS_SQL = """
SELECT o.indicator_id, o.source_id, s.publisher,
       count(DISTINCT o.iso3) AS economies,
       count(DISTINCT o.year) AS years,
       min(o.year) AS first_year, max(o.year) AS latest_year,
       count(*) AS observations,
       string_agg(DISTINCT CASE WHEN o.sex <> 'total' OR o.area <> 'total' OR o.age <> 'total'
                  THEN concat_ws('/', nullif(o.sex, 'total'), nullif(o.area, 'total'), nullif(o.age, 'total'))
                  END, ', ') AS breakdowns
FROM observation o
JOIN source s USING (source_id)
GROUP BY ALL
ORDER BY o.indicator_id, o.source_id
"""


def status(db_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-indicator coverage, and the last runs recorded in the file."""
    with duckdb.connect(str(resolve(db_path)), read_only=True) as con:
        coverage = con.execute(STATUS_SQL).df()
        runs = con.execute(
            "SELECT strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished, status, rows, "
            "round(duration_s, 1) AS seconds, len(warnings) AS warnings, raw_dir "
            "FROM etl_run ORDER BY finished_at DESC LIMIT 5"
        ).df()
    return coverage, runs
