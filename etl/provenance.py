"""Provenance sidecars (`_origin.yml`) that `pull` writes beside the raw files it saves."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from etl.errors import RawFileError

ORIGIN_NAME = "_origin.yml"


def sha256_bytes(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_origin(folder: Path, name: str = ORIGIN_NAME) -> dict:
    """The sidecar in `folder`, or {} for files put there by hand; a malformed one is an error."""
    path = folder / name
    if not path.exists():
        return {}
    try:
        origin = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RawFileError(path, f"unreadable provenance sidecar: {exc}") from exc
    if not isinstance(origin, dict):
        raise RawFileError(path, "the provenance sidecar is not a mapping")
    return origin
