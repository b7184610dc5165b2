"""Country names in the six UN languages (table country_name), from the UN's own terminology.

For each economy and locale the first of these that has a name wins (the `source` column says which):

1. 'unterm'  — UNTERM's short name, the form the UN Secretariat uses in running text ("UNTERM <Language>
   Short" columns of datahub.io's country-codes file);
2. 'ours'    — etl/mappings/country_names.yaml: economies neither UNTERM nor M49 names (CHI, XKX) and names
   the file gets wrong, translated by this project;
3. 'm49'     — the file's official_name_<lang> columns, UNSD's M49 names (territories UNTERM has no
   entry for: Aruba, Hong Kong, …);
4. 'world_bank' — the World Bank's English name, in any locale still without one (flagged: a test holds the
   real build to none of these).

UNTERM's short names carry the article in parentheses ("Afghanistan (l')", "Afganistán (el)", "Bahamas
(the)"), and a footnote asterisk marks the State of Palestine (a non-member observer State): `name` keeps the
UNTERM form, `display_name` drops a trailing asterisk and then a trailing article (DISPLAY_ARTICLES), so a name
reads on its own in a list or a map's hover.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from etl.errors import RawFileError

LOCALES = ("en", "fr", "es", "ar", "zh", "ru")
UNTERM_COLUMNS = {"en": "UNTERM English Short", "fr": "UNTERM French Short", "es": "UNTERM Spanish Short",
                  "ar": "UNTERM Arabic Short", "zh": "UNTERM Chinese Short", "ru": "UNTERM Russian Short"}
M49_COLUMNS = {"en": "official_name_en", "fr": "official_name_fr", "es": "official_name_es",
               "ar": "official_name_ar", "zh": "official_name_cn", "ru": "official_name_ru"}
OURS_YAML = Path(__file__).with_name("mappings") / "country_names.yaml"
SOURCES = ("unterm", "ours", "m49", "world_bank")
# The articles UNTERM appends to short names in English, French and Spanish; other parenthesised parts
# ("(Plurinational State of)", "(Islamic Republic of)") are part of the name and stay.
DISPLAY_ARTICLES = ("the", "le", "la", "l'", "les", "el", "los", "las")
_TRAILING_FOOTNOTE = re.compile(r"\s*\*+\s*$")
_TRAILING_ARTICLE = re.compile(r"\s*\((?:" + "|".join(re.escape(a) for a in DISPLAY_ARTICLES) + r")\)\s*$")
COLUMNS = ["iso3", "locale", "name", "display_name", "source"]


def display_name(name: str) -> str:
    """The name without UNTERM's trailing footnote mark and article: "State of Palestine (the) *" → "State of
    Palestine"."""
    return _TRAILING_ARTICLE.sub("", _TRAILING_FOOTNOTE.sub("", name)).strip()


def read_file_names(path: Path) -> pd.DataFrame:
    """iso3 and the UNTERM and M49 columns of the country-codes file; a file without them fails the build."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise RawFileError(path, f"cannot parse: {exc}") from exc
    needed = ["ISO3166-1-Alpha-3", *UNTERM_COLUMNS.values(), *M49_COLUMNS.values()]
    missing = [column for column in needed if column not in table.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing}")
    frame = table[needed].rename(columns={"ISO3166-1-Alpha-3": "iso3"})
    frame = frame[frame["iso3"] != ""]
    duplicated = frame.loc[frame["iso3"].duplicated(), "iso3"].tolist()
    if duplicated:
        raise RawFileError(path, f"duplicate ISO3 codes {duplicated[:3]}")
    return frame.set_index("iso3")


def read_ours(path: Path = OURS_YAML) -> dict[str, dict[str, str]]:
    """{iso3: {locale: name}} from etl/mappings/country_names.yaml, checked."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for iso3, names in spec.items():
        unknown = sorted(set(names) - set(LOCALES)) if isinstance(names, dict) else ["(not a mapping)"]
        if unknown or not all(isinstance(n, str) and n.strip() for n in names.values()):
            raise RawFileError(path, f"{iso3}: names must map locales {', '.join(LOCALES)} to non-empty text")
    return spec


def country_names(country: pd.DataFrame, codes_path: Path | None) -> pd.DataFrame:
    """One row per economy of `country` and locale: its name, display name and where the name comes from."""
    from_file = read_file_names(codes_path) if codes_path is not None else None
    ours = read_ours()
    rows = []
    for iso3, english in zip(country["iso3"], country["name"], strict=True):
        file_row = from_file.loc[iso3] if from_file is not None and iso3 in from_file.index else None
        for locale in LOCALES:
            candidates = (
                ("unterm", file_row[UNTERM_COLUMNS[locale]] if file_row is not None else ""),
                ("ours", ours.get(iso3, {}).get(locale, "")),
                ("m49", file_row[M49_COLUMNS[locale]] if file_row is not None else ""),
                ("world_bank", english),
            )
            source, name = next((s, n.strip()) for s, n in candidates if n and n.strip())
            rows.append({"iso3": iso3, "locale": locale, "name": name, "display_name": display_name(name),
                         "source": source})
    return pd.DataFrame(rows, columns=COLUMNS)
