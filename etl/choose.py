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

A winner must not shrink the series: a kept file whose best year (the year it gives most economies)
covers under half (SHRINK_LIMIT) of the economies of the best file it displaces in the same slice
is a truncated or broken copy. It fails the build with one line per such winner, naming it and
the file it would replace in its worst slice (`Choice.problems`). Newest-wins would otherwise
publish it silently, and the catalogue's usual coverage alone cannot tell which copy is at fault.
Every file is also validated on its own before the choice (etl/validate.py, check_files).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from etl.tidy import RawFile

SLICE = ["indicator_id", "sex", "area", "age"]
SHRINK_LIMIT = 0.5  # a winner covering under this share of the economies of a file it displaces fails


def rank(file: RawFile) -> tuple[date, bool, str]:
    retrieved = file.retrieved_at.date() if file.retrieved_at else None
    return (file.vintage or retrieved or date.min, not file.republication, str(file.path))


@dataclass
class Choice:
    observations: pd.DataFrame  # the winners' rows
    passed_over: dict[str, str]  # loser raw_file → the winner it lost to (for reporting)
    problems: list[str] = field(default_factory=list)  # winners that shrink the series (one line each)
    shrunk: set[tuple[str, str]] = field(default_factory=set)  # (winner, indicator) pairs reported


def choose(observations: pd.DataFrame, files: dict[str, RawFile]) -> Choice:
    """Keep, for each slice, the rows of the best-ranked files; `files` maps raw_file → RawFile."""
    if observations.empty:
        return Choice(observations, {})
    years = observations.groupby([*SLICE, "raw_file"])["year"].agg(frozenset).reset_index()
    years["_rank"] = years["raw_file"].map(lambda f: rank(files[f]))
    years["n_economies"] = best_year_economies(observations).reindex(
        pd.MultiIndex.from_frame(years[[*SLICE, "raw_file"]])).to_numpy()
    keep: list[tuple] = []
    passed_over: dict[str, str] = {}
    displaced: dict[tuple[str, str], tuple[str, int, int]] = {}  # (winner, slice) → best loser and counts
    for key, candidates in years.sort_values("_rank", ascending=False).groupby(SLICE, sort=False):
        covered: dict[int, str] = {}  # year → the kept file that gives it
        economies: dict[str, int] = {}  # kept file → its best year's economies
        for row in candidates.itertuples(index=False):
            overlap = row.year & covered.keys()
            if overlap:
                passed_over.setdefault(row.raw_file, covered[min(overlap)])
                for winner in {covered[year] for year in overlap}:
                    best = displaced.get((winner, _slice_label(key)))
                    if economies[winner] < SHRINK_LIMIT * row.n_economies and (
                            best is None or row.n_economies > best[2]):  # the best competitor, first in rank
                        displaced[(winner, _slice_label(key))] = (row.raw_file, economies[winner], row.n_economies)
                continue
            covered.update(dict.fromkeys(row.year, row.raw_file))
            economies[row.raw_file] = row.n_economies
            keep.append((*(getattr(row, column) for column in SLICE), row.raw_file))
    kept_keys = pd.DataFrame(keep, columns=[*SLICE, "raw_file"])
    kept = observations.merge(kept_keys, on=[*SLICE, "raw_file"], how="inner")
    # A file kept in some slice is not "passed over" as a whole.
    passed_over = {loser: winner for loser, winner in passed_over.items() if loser not in set(kept_keys["raw_file"])}
    by_winner: dict[str, list[tuple[str, str, int, int]]] = {}  # winner → its shrunk slices
    for (winner, label), (loser, mine, theirs) in displaced.items():
        by_winner.setdefault(winner, []).append((label, loser, mine, theirs))
    problems = []
    for winner, slices in sorted(by_winner.items()):
        (label, loser, mine, theirs), *more = sorted(slices, key=lambda item: (item[2] / item[3], item[0]))
        also = f" (and {len(more)} more slices)" if more else ""
        problems.append(f"{winner}: chosen (newest first), but its best year covers {mine} economies of {label}{also}, "
                        f"under half of the {theirs} of {loser}, the copy it would replace: truncated or broken?")
    shrunk = {(winner, label.split("[")[0]) for winner, label in displaced}
    return Choice(kept, passed_over, problems, shrunk)


def best_year_economies(observations: pd.DataFrame) -> pd.Series:
    """Economies in each file's best year, per slice and file."""
    return observations.groupby([*SLICE, "raw_file", "year"])["iso3"].nunique() \
        .groupby(level=[*SLICE, "raw_file"]).max()


def _slice_label(key: tuple) -> str:
    indicator_id, *breakdown = key
    shown = [value for value in breakdown if value != "total"]
    return f"{indicator_id}[{','.join(shown)}]" if shown else indicator_id
