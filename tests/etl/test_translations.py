"""The catalogue in the six UN languages: every required text translated, the YAML shape checked at load with a
one-line error, English untouched and the fallback to it, and docs/i18n-data.md's counts current."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from indicators import CATALOGUE_DIR, TRANSLATED_LOCALES, CatalogueError, load_catalogue
from indicators import translation_report as report


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_every_name_unit_and_theme_title_is_in_every_locale(catalogue) -> None:
    gaps = report.missing(catalogue)
    assert gaps == [], f"{len(gaps)} texts untranslated:\n" + "\n".join(gaps)


def test_a_missing_translation_is_listed(tmp_path: Path) -> None:
    """The completeness check can fail: drop one unit's Russian label and one theme's translations."""
    copy = _copy_catalogue(tmp_path)
    units = yaml.safe_load((copy / "units.yaml").read_text(encoding="utf-8"))
    del units["ratio"]["translations"]["ru"]
    (copy / "units.yaml").write_text(yaml.safe_dump(units, allow_unicode=True), encoding="utf-8")
    themes = yaml.safe_load((copy / "themes.yaml").read_text(encoding="utf-8"))
    del themes[0]["translations"]
    (copy / "themes.yaml").write_text(yaml.safe_dump(themes, allow_unicode=True), encoding="utf-8")
    gaps = report.missing(load_catalogue(copy))
    assert "unit ratio: no ru label" in gaps
    assert [gap for gap in gaps if gap.startswith(f"theme {themes[0]['id']}:")] == [
        f"theme {themes[0]['id']}: no {locale} title" for locale in TRANSLATED_LOCALES]
    assert len(gaps) == 1 + len(TRANSLATED_LOCALES)


def test_translated_names_are_distinct_within_each_locale(catalogue) -> None:
    """Two indicators the English tells apart must not read alike in another language."""
    for locale in TRANSLATED_LOCALES:
        names: dict[str, str] = {}
        for indicator in catalogue.indicators.values():
            other = names.setdefault(indicator.text("name", locale), indicator.indicator_id)
            assert other == indicator.indicator_id, f"{locale}: {other} and {indicator.indicator_id} share a name"


def test_text_falls_back_to_english(catalogue) -> None:
    internet = catalogue.indicators["internet_use"]
    assert internet.text("name", "en") == internet.name == "Individuals using the Internet"
    assert internet.text("name", "fr") == "Personnes utilisant l'Internet"
    assert internet.translated_by("name", "fr") == "ours"
    assert internet.text("description", "es").startswith("Proporción de la población")
    assert catalogue.units["percent_population"].text("label", "zh") == "占人口的百分比"
    assert catalogue.themes["ai"].text("title", "ar") == "الذكاء الاصطناعي"
    assert catalogue.themes["ai"].text("summary", "fr").startswith("Les promesses et les risques de l'IA")
    assert catalogue.themes["ai"].text("missing", "es").startswith("Preparación para la IA")
    assert internet.text("name", "xx") == internet.name  # an unknown locale reads English


def test_an_untranslated_field_reads_english(tmp_path: Path) -> None:
    """A translation may give the name alone: the description then falls back to English, marked as such."""
    copy = _copy_catalogue(tmp_path)
    path = copy / "catalogue" / "worldbank.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(entry for entry in entries if entry["id"] == "internet_use")
    del entry["translations"]["ru"]["description"]
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    internet = load_catalogue(copy).indicators["internet_use"]
    assert internet.text("description", "ru") == internet.description
    assert internet.translated_by("description", "ru") is None
    assert internet.text("name", "ru") == "Лица, пользующиеся интернетом"
    assert report.counts(load_catalogue(copy))["indicator descriptions"]["ru"][1] == len(entries_ids(copy)) - 1


def entries_ids(directory: Path) -> list[str]:
    return [entry["id"] for path in sorted((directory / "catalogue").glob("*.yaml"))
            for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


@pytest.mark.parametrize(("translations", "message"), [
    ({"de": {"name": "Internetnutzer", "by": "ours"}},
     r"^indicator internet_use: translations\.de: unknown locale \(expected one of fr, es, ar, zh, ru\)$"),
    ({"fr": {"nom": "Internautes", "by": "ours"}},
     r"^indicator internet_use: translations\.fr: unknown field 'nom' \(allowed: name, description, by\)$"),
    ({"fr": {"name": "Internautes"}},
     r"^indicator internet_use: translations\.fr: by must be 'ours' or a key of sources\.yaml, not None$"),
    ({"fr": {"name": "Internautes", "by": "someone"}},
     r"^indicator internet_use: translations\.fr: by must be 'ours' or a key of sources\.yaml, not 'someone'$"),
    ({"fr": {"name": "  ", "by": "ours"}},
     r"^indicator internet_use: translations\.fr: name must be a non-empty text$"),
    ({"fr": {"by": "ours"}}, r"^indicator internet_use: translations\.fr: gives none of name, description$"),
    ({"fr": "Internautes"},
     r"^indicator internet_use: translations\.fr: must be a mapping of name, description and by$"),
    (["fr"], r"^indicator internet_use: translations must map a locale to its fields, not list$"),
])
def test_a_malformed_translation_is_refused_in_one_line(tmp_path: Path, translations, message: str) -> None:
    copy = _copy_catalogue(tmp_path)
    path = copy / "catalogue" / "worldbank.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(entry for entry in entries if entry["id"] == "internet_use")["translations"] = translations
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(copy)


def test_a_publishers_own_text_names_its_source(tmp_path: Path) -> None:
    """`by:` may name the sources.yaml key whose publisher issued the text: counted as official, not ours."""
    copy = _copy_catalogue(tmp_path)
    path = copy / "catalogue" / "worldbank.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(entry for entry in entries if entry["id"] == "internet_use")
    entry["translations"]["fr"]["by"] = "wdi"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    loaded = load_catalogue(copy)
    assert loaded.indicators["internet_use"].translated_by("name", "fr") == "wdi"
    official, ours, total = report.counts(loaded)["indicator names"]["fr"]
    assert (official, ours + official) == (1, total)


def test_english_is_what_the_yaml_says(catalogue) -> None:
    """Translations change nothing in English: the name the YAML gives is the name the catalogue holds."""
    for path in sorted((CATALOGUE_DIR / "catalogue").glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            assert catalogue.indicators[entry["id"]].name == entry["name"]
            assert catalogue.indicators[entry["id"]].text("name", "en") == entry["name"]


def test_the_documented_counts_are_current(catalogue) -> None:
    assert report.documented() == report.markdown(catalogue), (
        "docs/i18n-data.md's counts are out of date: run `python -m indicators.translation_report --write`")


def test_the_cli_checks_and_counts() -> None:
    result = subprocess.run([sys.executable, "-m", "indicators.translation_report", "--check"], capture_output=True,
                            text=True, cwd=CATALOGUE_DIR.parent, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "| indicator names |" in result.stdout and "| theme titles |" in result.stdout


# --- the targets' own texts (indicators/targets.yaml) ------------------------------------------------------------

TARGET_FIELDS = ("label", "framework", "wording", "note")


def test_every_text_of_every_target_is_in_every_locale(catalogue) -> None:
    """Each target's label, framework, quoted wording and note (where the English has one) in all five languages,
    by us: the files we hold give no official UN translation of them (docs/i18n-data.md)."""
    assert len(catalogue.targets) == len(yaml.safe_load((CATALOGUE_DIR / "targets.yaml").read_text(encoding="utf-8")))
    for target in catalogue.targets.values():
        for field in TARGET_FIELDS:
            if not getattr(target, field):
                continue
            for locale in TRANSLATED_LOCALES:
                assert target.translated_by(field, locale) == "ours", (target.target_id, field, locale)
                assert target.text(field, locale) != getattr(target, field), (target.target_id, field, locale)


def test_a_target_missing_a_translation_is_listed(tmp_path: Path) -> None:
    """The completeness check can fail: a target's Arabic translation dropped, another's Chinese note."""
    copy = _copy_catalogue(tmp_path)
    path = copy / "targets.yaml"
    targets = yaml.safe_load(path.read_text(encoding="utf-8"))
    del targets[0]["translations"]["ar"]
    quoted = next(target for target in targets if target.get("wording") and target.get("note"))
    del quoted["translations"]["zh"]["note"]
    path.write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")
    gaps = report.missing(load_catalogue(copy))
    first = targets[0]
    assert sorted(gap for gap in gaps if gap.startswith(f"target {first['id']}:")) == sorted(
        f"target {first['id']}: no ar {field}" for field in TARGET_FIELDS if first.get(field))
    assert [gap for gap in gaps if gap.startswith(f"target {quoted['id']}:")] == [f"target {quoted['id']}: no zh note"]
    assert len(gaps) == len([field for field in TARGET_FIELDS if first.get(field)]) + 1


@pytest.mark.parametrize(("change", "message"), [
    (lambda target: target["translations"]["fr"].update(titre="Cible"),
     r"target umc_internet_use_2030: translations\.fr: unknown field 'titre' \(allowed: label, framework, wording, "
     r"note, by\)"),
    (lambda target: target["translations"]["es"].update(by="someone"),
     r"target umc_internet_use_2030: translations\.es: by must be 'ours' or a key of sources\.yaml, not 'someone'"),
    (lambda target: target["translations"]["ru"].update(wording="цитата"),
     r"target umc_internet_use_2030: translations\.ru: gives a wording the English has none of"),
    (lambda target: target["translations"]["zh"].update(framework="另一个框架"),
     r"target umc_household_access_2030: its zh framework name differs from target umc_internet_use_2030's"),
])
def test_a_malformed_target_translation_is_refused_in_one_line(tmp_path: Path, change, message: str) -> None:
    copy = _copy_catalogue(tmp_path)
    path = copy / "targets.yaml"
    targets = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(next(target for target in targets if target["id"] == "umc_internet_use_2030"))
    path.write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(copy)


def test_a_targets_english_is_what_the_yaml_says_and_the_database_holds(catalogue) -> None:
    """Translations change nothing in English: label, framework, wording and note as the ETL loads them
    (etl/measures/targets.py folds the wording's line breaks)."""
    for entry in yaml.safe_load((CATALOGUE_DIR / "targets.yaml").read_text(encoding="utf-8")):
        target = catalogue.targets[entry["id"]]
        assert (target.label, target.framework) == (entry["label"], entry["framework"])
        assert target.wording == " ".join((entry.get("wording") or "").split())
        assert target.note == " ".join((entry.get("note") or "").split())
        assert target.text("label", "en") == entry["label"] and target.text("label", "xx") == entry["label"]
        assert target.text("label", "fr") != entry["label"]


def _copy_catalogue(tmp_path: Path) -> Path:
    copy = tmp_path / "indicators"
    shutil.copytree(CATALOGUE_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy
