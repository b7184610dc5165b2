"""Country classifications: the economies, their World Bank and UN M49 groups, LDC/LLDC/SIDS.

The universe of economies is the World Bank's (217, with XKX and CHI); M49 regions and the
LDC/LLDC/SIDS flags come from the UNSD M49 file, corrected by indicators/groups.yaml for
graduations after the file's date. The name index for harmonisation gathers every English name
the classification files give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pycountry
import yaml

from etl.country_names import country_names
from etl.errors import RawFileError
from etl.harmonise import CountryIndex
from etl.sources import worldbank, worldbank_api
from etl.tidy import RawFile

GROUPS_YAML = Path(__file__).resolve().parent.parent / "indicators" / "groups.yaml"
M49_PATTERN = "UNSD_M49_overview*.csv"
COUNTRY_CODES_PATTERN = "*country-codes*.csv"
M49_COLUMNS = {"Region Name": "m49_region", "Sub-region Name": "m49_subregion", "Country or Area": "name",
               "M49 Code": "m49", "ISO-alpha3 Code": "iso3", "Least Developed Countries (LDC)": "is_ldc",
               "Land Locked Developing Countries (LLDC)": "is_lldc",
               "Small Island Developing States (SIDS)": "is_sids"}
NAME_COLUMNS = ["official_name_en", "UNTERM English Short", "UNTERM English Formal", "CLDR display name"]


@dataclass
class Classification:
    country: pd.DataFrame  # the `country` table
    index: CountryIndex
    files: list[tuple[str, RawFile]]  # (dataset, file) pairs, for provenance
    warnings: list[str]
    country_name: pd.DataFrame  # the `country_name` table: every economy in the six UN languages


def _groups_spec() -> dict:
    return yaml.safe_load(GROUPS_YAML.read_text(encoding="utf-8"))


def _first(raw_dir: Path, pattern: str) -> Path | None:
    found = sorted(raw_dir.rglob(pattern))
    return found[0] if found else None


def read_m49(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise RawFileError(path, f"cannot parse: {exc}") from exc
    missing = [column for column in M49_COLUMNS if column not in table.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing}")
    frame = table[list(M49_COLUMNS)].rename(columns=M49_COLUMNS)
    frame = frame[frame["iso3"] != ""].copy()
    for flag in ("is_ldc", "is_lldc", "is_sids"):
        frame[flag] = frame[flag].str.strip().str.lower() == "x"
    frame["m49"] = frame["m49"].str.zfill(3)
    return frame.reset_index(drop=True)


def read_country_names(path: Path) -> pd.DataFrame:
    """iso3, m49 and English names from datahub.io's merged country-codes table."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise RawFileError(path, f"cannot parse: {exc}") from exc
    needed = ["ISO3166-1-Alpha-3", "M49", *NAME_COLUMNS]
    missing = [column for column in needed if column not in table.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing}")
    frame = table[needed].rename(columns={"ISO3166-1-Alpha-3": "iso3", "M49": "m49"})
    return frame[frame["iso3"] != ""].reset_index(drop=True)


def income_group_fiscal_year(vintage: date | None) -> int | None:
    """The World Bank's fiscal year starts on 1 July: a classification released in July 2026 is FY2027."""
    if vintage is None:
        return None
    return vintage.year + 1 if vintage.month >= 7 else vintage.year


def classify(raw_dir: Path) -> Classification:
    """Build the country table and the harmonisation index from the classification files found."""
    spec = _groups_spec()
    warnings: list[str] = []
    files: list[tuple[str, RawFile]] = []
    metadata_paths = worldbank.find_files(raw_dir)[1]
    # The World Bank's classification comes with its bulk CSVs, or as /v2/country pages from `pull`.
    metadata = worldbank.newest_metadata([worldbank.read_country_metadata(p) for p in metadata_paths]
                                         + worldbank_api.country_metadata(raw_dir))
    m49_path = _first(raw_dir, M49_PATTERN)
    m49 = read_m49(m49_path) if m49_path else None
    if metadata is None and m49 is None:
        raise RawFileError(raw_dir, "no country classification: need the World Bank's Metadata_Country_*.csv "
                                    "or the UNSD M49 overview CSV")
    if metadata is not None:
        economies = metadata.table[metadata.table["region"] != ""]
        country = pd.DataFrame({
            "iso3": economies["code"], "name": economies["name"], "wb_region": economies["region"],
            "income_group": economies["income_group"].replace("", None),
            "income_group_fy": income_group_fiscal_year(metadata.vintage),
        })
        files.append(("wdi", RawFile(metadata.path, metadata.vintage, role="metadata")))
    else:  # no World Bank file: the M49 areas with an ISO3 code are the universe
        country = pd.DataFrame({"iso3": m49["iso3"], "name": m49["name"], "wb_region": None,
                                "income_group": None, "income_group_fy": None})
        warnings.append("no World Bank country metadata: economies are the M49 areas, without WB groups")

    if m49 is not None:
        files.append(("un_m49", RawFile(m49_path, None, role="metadata")))
        un = m49.set_index("iso3")
        for column in ("m49_region", "m49_subregion", "is_ldc", "is_lldc", "is_sids"):
            country[column] = country["iso3"].map(un[column])
        for iso3, extra in spec["m49_extras"].items():
            here = country["iso3"] == iso3
            country.loc[here, "m49_region"] = extra["m49_region"]
            country.loc[here, "m49_subregion"] = extra["m49_subregion"]
            country.loc[here, ["is_ldc", "is_lldc", "is_sids"]] = False
        for iso3, graduated in spec["ldc_graduations"].items():
            here = (country["iso3"] == iso3) & country["is_ldc"].fillna(False).astype(bool)
            if here.any():
                country.loc[here, "is_ldc"] = False
                warnings.append(f"{iso3} graduated from LDC on {graduated}: flag removed from the older M49 file")
        unplaced = country.loc[country["m49_region"].isna(), "iso3"].tolist()
        if unplaced:
            warnings.append(f"economies without an M49 region: {', '.join(unplaced)}")
    else:
        for column in ("m49_region", "m49_subregion", "is_ldc", "is_lldc", "is_sids"):
            country[column] = None
        warnings.append("no UNSD M49 file: M49 regions and LDC/LLDC/SIDS flags are empty")

    index = CountryIndex(set(country["iso3"]))
    for row in country.itertuples():
        index.add_names(row.iso3, row.name, row.iso3)
    if m49 is not None:
        for row in m49.itertuples():
            if row.iso3 in index.economies:
                index.m49[row.m49] = row.iso3
                index.add_names(row.iso3, row.name)
    names_path = _first(raw_dir, COUNTRY_CODES_PATTERN)
    if names_path is not None:
        files.append(("country_codes", RawFile(names_path, None, republication=True, role="metadata")))
        for row in read_country_names(names_path).itertuples(index=False):
            iso3 = row[0]
            if iso3 in index.economies:
                if row[1]:
                    index.m49.setdefault(row[1].zfill(3), iso3)
                index.add_names(iso3, *row[2:])
    for iso3, extra in spec["m49_extras"].items():
        if iso3 in index.economies:
            index.add_names(iso3, *extra["names"])
    # M49 numbers of countries are their ISO 3166-1 numeric codes: pycountry's table fills what the
    # raw directory lacks (a directory holding only API pulls has no M49 file, yet SDG data use M49).
    for iso in pycountry.countries:
        if iso.alpha_3 in index.economies:
            index.m49.setdefault(iso.numeric, iso.alpha_3)
            index.add_names(iso.alpha_3, iso.name, getattr(iso, "official_name", ""), getattr(iso, "common_name", ""))
    columns = ["iso3", "name", "wb_region", "income_group", "income_group_fy", "m49_region", "m49_subregion",
               "is_ldc", "is_lldc", "is_sids"]
    country = country[columns].reset_index(drop=True)
    names = country_names(country, names_path)
    english_only = names[names["source"] == "world_bank"]
    if len(english_only):
        warnings.append(f"{len(english_only)} country names fall back to the World Bank's English name "
                        f"(no country-codes file, or no name in it), e.g. "
                        + ", ".join(english_only["iso3"].head(3) + "/" + english_only["locale"].head(3)))
    return Classification(country, index, files, warnings, names)


def country_index(raw_dir: Path) -> CountryIndex:
    """The harmonisation index for a raw directory (what parsers' tests map their entities with)."""
    return classify(raw_dir).index


def groups(country: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`country_group` and `group_member` from the country table's classification columns."""
    spec = _groups_spec()["group_types"]
    rows, members = [{"group_id": "world", "group_type": "world", "name": "World"}], []
    members += [{"group_id": "world", "iso3": iso3} for iso3 in country["iso3"]]
    for group_type, column in (("wb_region", "wb_region"), ("income_group", "income_group"),
                               ("m49_region", "m49_region"), ("m49_subregion", "m49_subregion")):
        for name, rows_of in country.dropna(subset=[column]).groupby(column):
            group_id = f"{group_type}:{_slug(name)}"
            rows.append({"group_id": group_id, "group_type": group_type, "name": name})
            members += [{"group_id": group_id, "iso3": iso3} for iso3 in rows_of["iso3"]]
    # The Broadband Commission's "developing countries": every economy not classified high income.
    developing = country[country["income_group"].notna() & (country["income_group"] != "High income")]
    if len(developing):
        rows.append({"group_id": "income_group:low_and_middle_income", "group_type": "income_group",
                     "name": "Low and middle income"})
        members += [{"group_id": "income_group:low_and_middle_income", "iso3": iso3} for iso3 in developing["iso3"]]
    for flag in ("ldc", "lldc", "sids"):
        chosen = country[country[f"is_{flag}"].fillna(False).astype(bool)]
        if len(chosen):
            rows.append({"group_id": flag, "group_type": flag, "name": spec[flag].split(" (")[0]})
            members += [{"group_id": flag, "iso3": iso3} for iso3 in chosen["iso3"]]
    return pd.DataFrame(rows), pd.DataFrame(members)


def _slug(name: str) -> str:
    return "_".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())
