"""`pull`: fetch the publishers' raw files over HTTP into the raw layout, unchanged."""

from __future__ import annotations

from pathlib import Path

import requests
from tqdm import tqdm

from etl.sources import worldbank
from indicators import catalogue

SOURCES = ("worldbank",)


def pull_worldbank(raw_dir: Path, *, progress: bool = True) -> list[Path]:
    """Download the bulk file of every World Bank series in the catalogue."""
    codes = sorted(catalogue().by_source_code(worldbank.SOURCE_KEY))
    folders = []
    with requests.Session() as session:
        for code in tqdm(codes, desc="pull worldbank", unit="file", disable=not progress):
            folders.append(worldbank.pull_bulk(code, raw_dir, session=session))
    return folders


def pull(source: str | None, raw_dir: Path, *, progress: bool = True) -> list[Path]:
    """Pull one source, or every source when `source` is None."""
    chosen = SOURCES if source is None else (source,)
    folders: list[Path] = []
    for name in chosen:
        if name == "worldbank":
            folders += pull_worldbank(raw_dir, progress=progress)
    return folders
