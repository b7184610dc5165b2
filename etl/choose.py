"""When several files give the same series, pick one: the rule, in one place.

Candidates compete per slice, i.e. per (indicator, sex, area, age): a file that only adds a
breakdown (Internet use by sex) does not displace the file giving the total. Within a slice:

1. the newest vintage (the publisher's release date) wins; a file that states no date is ranked by
   the day it was retrieved (an upper bound of its release: from `pull`'s sidecar, or for a
   documented hand-imported file from etl/mappings/known_files.yaml); with neither it ranks last;
2. at equal vintage, the publisher's original beats a republication or re-saved copy;
3. the path breaks any remaining tie, so builds are repeatable.

The winner's rows are kept whole; the losers' rows are not mixed in. Every loser is reported
(the run's message) and listed in `source_file` with role 'passed_over'.
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
    """Keep, for each slice, the rows of the best-ranked file; `files` maps raw_file → RawFile."""
    if observations.empty:
        return Choice(observations, {})
    candidates = observations[[*SLICE, "raw_file"]].drop_duplicates()
    candidates = candidates.assign(_rank=candidates["raw_file"].map(lambda f: rank(files[f])))
    best = candidates.sort_values("_rank", ascending=False).drop_duplicates(SLICE)
    winners = best.set_index(SLICE)["raw_file"]
    keyed = candidates.set_index(SLICE)
    keyed = keyed.assign(winner=winners.reindex(keyed.index).to_numpy())
    losers = keyed[keyed["raw_file"] != keyed["winner"]]
    passed_over = dict(zip(losers["raw_file"], losers["winner"], strict=True))
    kept = observations.merge(best[[*SLICE, "raw_file"]], on=[*SLICE, "raw_file"], how="inner")
    return Choice(kept, passed_over)
