"""Paths and endpoints, each overridable from the environment so mirrors and tests can redirect them."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def raw_dir() -> Path:
    """Where raw publisher files live (`DDI_RAW_DIR`, default data/raw)."""
    return Path(os.environ.get("DDI_RAW_DIR", PROJECT_ROOT / "data" / "raw"))


def db_path() -> Path:
    """The published database (`DDI_DB`, default data/digital_divide.duckdb)."""
    return Path(os.environ.get("DDI_DB", PROJECT_ROOT / "data" / "digital_divide.duckdb"))


def worldbank_api() -> str:
    """Base URL of the World Bank API v2 (`DDI_WB_API`)."""
    return os.environ.get("DDI_WB_API", "https://api.worldbank.org/v2").rstrip("/")


# Fewer economies than this means a file is truncated or the wrong one (the World Bank lists 217).
MIN_ECONOMIES = 150


def itu_api() -> str:
    """Base URL of the ITU DataHub API v2 (`DDI_ITU_API`)."""
    return os.environ.get("DDI_ITU_API", "https://api.datahub.itu.int/v2").rstrip("/")


def sdg_api() -> str:
    """Base URL of the UN SDG API v1 (`DDI_SDG_API`)."""
    return os.environ.get("DDI_SDG_API", "https://unstats.un.org/SDGAPI/v1").rstrip("/")
