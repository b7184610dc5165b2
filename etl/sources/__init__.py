"""One module per publisher: `pull()` fetches raw files unchanged, `parse()` turns them into tidy frames.

Sources never touch DuckDB. The build calls `parse(raw_dir)` of every module listed here; see
docs/adding-a-source.md for the contract.
"""

from __future__ import annotations

import importlib
from types import ModuleType

PARSER_MODULES = [
    "worldbank",
    "itu_datahub",
    "data360",
    "data360_pch",
    "unsdg",
    "findex",
    "worldbank_api",
    "worldbank_datahub",
    "itu_workbooks",
    "un_egov",
    "itu_gci",
    "ewaste",
    "gsma",
    "unctad",
    "a4ai",
]


def parser_modules() -> list[ModuleType]:
    return [importlib.import_module(f"etl.sources.{name}") for name in PARSER_MODULES]
