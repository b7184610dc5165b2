"""When several files give the same series, pick one: the rule, in one place.

Candidates compete per slice, i.e. per (indicator, sex, area, age): a file that only adds a
breakdown (Internet use by sex) does not displace the file giving the total. Within a slice:

1. the newest vintage (the publisher's release date) wins; a file that states no date is ranked by
   the day it was retrieved (an upper bound of its release: from `pull`'s sidecar, or for a
   documented hand-imported file from etl/mappings/known_files.yaml); with neither it ranks last;
2. at equal vintage, the publisher's original beats a republication or re-saved copy;
3. the path breaks any remaining tie, so builds are repeatable.

Files compete only where their years overlap: taken in rank order, a file is kept whole when none
of its years is already given by a better file (one file per survey edition completes the
series), and passed over whole when any is. Rows of different files are never mixed within a
year. Every file passed over is reported (the run's warnings) and listed in `source_file` with
role 'passed_over'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from etl.tidy import RawFile

SLICE = ["indicator_id", "sex", "area", "age"]


def rank(file: RawFile) -> tuple[date, bool, str]:
    retrieved = file.retrieved_at.date() if file.retrieved_at else None
    return (file.vintage or retrieved or date.min, not file.republication, str(file.path))


@dataclass
class Choice:
    observations: pd.DataFrame  # the winners' rows
    passed_over: dict[str, str]  # loser raw_file → the winner it lost to (for reporting)


def choose(observations: pd.DataFrame, files: dict[str, RawFile]) -> Choice:
    """Keep, for each slice, the rows of the best-ranked files; `files` maps raw_file → RawFile."""
    if observations.empty:
        return Choice(observations, {})
    years = observations.groupby([*SLICE, "raw_file"])["year"].agg(frozenset).reset_index()
    years["_rank"] = years["raw_file"].map(lambda f: rank(files[f]))
    keep: list[tuple] = []
    passed_over: dict[str, str] = {}
    for _, candidates in years.sort_values("_rank", ascending=False).groupby(SLICE, sort=False):
        covered: dict[int, str] = {}  # year → the kept file that gives it
        for row in candidates.itertuples(index=False):
            overlap = row.year & covered.keys()
            if overlap:
                passed_over.setdefault(row.raw_file, covered[min(overlap)])
                continue
            covered.update(dict.fromkeys(row.year, row.raw_file))
            keep.append((*(getattr(row, column) for column in SLICE), row.raw_file))
    kept_keys = pd.DataFrame(keep, columns=[*SLICE, "raw_file"])
    kept = observations.merge(kept_keys, on=[*SLICE, "raw_file"], how="inner")
    # A file kept in some slice is not "passed over" as a whole.
    passed_over = {loser: winner for loser, winner in passed_over.items() if loser not in set(kept_keys["raw_file"])}
    return Choice(kept, passed_over)
