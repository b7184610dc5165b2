"""Country names in the six UN languages (table country_name): UNTERM's short names from the real country-codes
file, complete for every economy, with the article dropped for display; a broken file fails the build's read."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import validate
from etl.classifications import COUNTRY_CODES_PATTERN, classify
from etl.country_names import LOCALES, display_name, read_file_names
from etl.errors import RawFileError


@pytest.fixture(scope="module")
def names(shared_raw: Path) -> pd.DataFrame:
    return classify(shared_raw).country_name


def test_every_economy_has_a_name_in_every_locale(names: pd.DataFrame, shared_raw: Path) -> None:
    economies = set(classify(shared_raw).country["iso3"])
    have = names.groupby("iso3")["locale"].apply(set)
    incomplete = sorted(iso3 for iso3 in economies if have.get(iso3, set()) != set(LOCALES))
    assert incomplete == []
    assert (names["name"].str.strip() != "").all() and (names["display_name"].str.strip() != "").all()
    # The real file names every economy: no locale falls back to the World Bank's English name.
    assert names.loc[names["source"] == "world_bank", ["iso3", "locale"]].values.tolist() == []


def test_unterm_names_are_the_uns_own(names: pd.DataFrame) -> None:
    by = names.set_index(["iso3", "locale"])
    assert by.loc[("AFG", "fr"), "name"] == "Afghanistan (l')"
    assert by.loc[("AFG", "fr"), "display_name"] == "Afghanistan"
    assert by.loc[("AFG", "es"), "display_name"] == "Afganistán"
    assert by.loc[("CHN", "zh"), "name"] == "中国"
    assert by.loc[("RUS", "ru"), "name"] == "Российская Федерация"
    assert by.loc[("EGY", "ar"), "source"] == "unterm"
    # Most economies are UNTERM's; territories come from M49, CHI and XKX from etl/mappings/country_names.yaml.
    counts = names[names["locale"] == "fr"]["source"].value_counts()
    assert counts["unterm"] >= 190
    assert by.loc[("ABW", "fr"), "source"] == "m49"
    assert by.loc[("CHI", "fr"), ["name", "source"]].tolist() == ["Îles Anglo-Normandes", "ours"]
    assert by.loc[("CIV", "en"), "name"] == "Côte d'Ivoire"  # not the file's "Ivory Coast"


@pytest.mark.parametrize(("raw", "shown"), [
    ("Bahamas (the)", "Bahamas"), ("Afghanistan (l')", "Afghanistan"), ("Bahamas (las)", "Bahamas"),
    ("État de Palestine (l') *", "État de Palestine"), ("Bolivia (Plurinational State of)",
                                                        "Bolivia (Plurinational State of)"),
    ("Congo (le)", "Congo"), ("Lao", "Lao"),
])
def test_display_name_drops_only_the_article_and_footnote(raw: str, shown: str) -> None:
    assert display_name(raw) == shown


def test_a_file_without_the_unterm_columns_is_refused(shared_raw: Path, tmp_path: Path) -> None:
    original = next(shared_raw.rglob(COUNTRY_CODES_PATTERN))
    broken = tmp_path / original.name
    pd.read_csv(original, dtype=str, keep_default_na=False).drop(columns=["UNTERM Russian Short"]).to_csv(
        broken, index=False)
    with pytest.raises(RawFileError, match=r"country-codes\.csv: missing columns \['UNTERM Russian Short'\]"):
        read_file_names(broken)


def test_validation_names_the_missing_pairs() -> None:
    country = pd.DataFrame({"iso3": ["AAA", "BBB"]})
    names = pd.DataFrame([{"iso3": "AAA", "locale": locale, "name": "A"} for locale in LOCALES]
                         + [{"iso3": "BBB", "locale": "en", "name": "B"}, {"iso3": "BBB", "locale": "fr", "name": " "}])
    problems = validate.check_country_names(names, country)
    assert problems == ["country_name: no name for 5 economy/locale pairs, e.g. BBB/fr, BBB/es, BBB/ar, BBB/zh, "
                        "BBB/ru"]
    assert validate.check_country_names(names[names["iso3"] == "AAA"], country[country["iso3"] == "AAA"]) == []


def test_the_built_database_holds_every_name(built_db: Path) -> None:
    with duckdb.connect(str(built_db), read_only=True) as con:
        missing = con.execute("""
            SELECT c.iso3, l.locale FROM country c CROSS JOIN (SELECT unnest(?) AS locale) l
            WHERE NOT EXISTS (SELECT 1 FROM country_name n WHERE n.iso3 = c.iso3 AND n.locale = l.locale)""",
                              [list(LOCALES)]).fetchall()
        assert missing == []
        assert con.execute("SELECT count(*) FROM country_name").fetchone()[0] == 6 * con.execute(
            "SELECT count(*) FROM country").fetchone()[0]


def test_the_query_gives_a_locales_display_names_in_reading_order(db: duckdb.DuckDBPyConnection) -> None:
    from dashboard.queries import common

    french = common.country_names("fr")
    assert len(french) == db.execute("SELECT count(*) FROM country").fetchone()[0]
    names = dict(zip(french["iso3"], french["name"], strict=True))
    assert names["AFG"] == "Afghanistan" and names["PSE"] == "État de Palestine" and names["CHI"] == (
        "Îles Anglo-Normandes")
    order = list(french["name"])
    # Accents do not send "Égypte" after "Zimbabwe": it sorts among the E's.
    assert order.index("Danemark") < order.index("Égypte") < order.index("Espagne") < order.index("Zimbabwe")
    assert common.country_names("zh").set_index("iso3").loc["CHN", "name"] == "中国"
    assert common.country_names("xx").empty
