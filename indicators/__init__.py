"""The indicator catalogue: indicators, units, sources and themes, read from YAML.

Indicators live in catalogue/<publisher>.yaml (one file per publisher); units.yaml,
sources.yaml, themes.yaml and targets.yaml (whose texts the catalogue holds as `targets`) beside them.

The YAML files beside this module are the single place where a series is described; the ETL
loads them into DuckDB and the app reads them from there.

Each entry's English text may have translations beside it in the other UN languages (`translations:`
{locale: {field: text, by: ours | <sources.yaml key>}}); `entry.text(field, locale)` returns the text in a
locale, falling back to English (docs/i18n-data.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

CATALOGUE_DIR = Path(__file__).parent
AGGREGATE_RULES = {"weighted_mean", "mean", "median", "sum", "none"}


class CatalogueError(ValueError):
    """The YAML catalogue is inconsistent (unknown unit, duplicate id, …)."""


# The six official languages of the United Nations. English is the catalogue's own text; the others are kept
# beside it in each entry's `translations:` mapping (docs/i18n-data.md).
LOCALES = ("en", "fr", "es", "ar", "zh", "ru")
TRANSLATED_LOCALES = LOCALES[1:]
# `by:` of a translation: "ours" (this project translated it) or the key of sources.yaml whose publisher
# issued the text in that language (an official title, e.g. an SDG indicator's).
TRANSLATED_BY_US = "ours"


@dataclass(frozen=True)
class Translation:
    """One entry's text in one language: (field, text) pairs and who translated it."""

    fields: tuple[tuple[str, str], ...]
    by: str

    def get(self, name: str) -> str | None:
        return dict(self.fields).get(name)


class Translatable:
    """Catalogue entries whose English fields have translations beside them in the YAML."""

    translations: tuple[tuple[str, Translation], ...]

    def text(self, name: str, locale: str) -> str:
        """The field `name` in `locale`, falling back to English where no translation gives it."""
        translation = dict(self.translations).get(locale)
        return (translation.get(name) if translation else None) or getattr(self, name)

    def translated_by(self, name: str, locale: str) -> str | None:
        """Who translated the field in `locale` ("ours" or a source key); None when it falls back to English."""
        translation = dict(self.translations).get(locale)
        return translation.by if translation and translation.get(name) else None


@dataclass(frozen=True)
class Unit(Translatable):
    unit_id: str
    label: str
    min: float | None
    max: float | None
    map_scale: str = "linear"
    aggregate: str = "none"  # weighted_mean, mean, median, sum or none
    translations: tuple[tuple[str, Translation], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Source:
    source_key: str
    publisher: str
    dataset: str
    url: str
    license: str
    license_url: str
    attribution: str
    republishes: str | None = None  # the dataset this one copies (its codes are that dataset's)
    restricted: str | None = None  # why its terms do not grant redistribution; exports flag its rows
    not_loaded: str | None = None  # why a dataset we know of is not read at all (no republishable licence)


@dataclass(frozen=True)
class Theme(Translatable):
    theme_id: str
    title: str
    first_paragraph: int
    last_paragraph: int
    summary: str = ""
    # What would evidence the theme and why the open data we hold cannot (themes.yaml `missing`): shown where
    # no indicator evidences it, and beside the indicators where they cover only part of it.
    missing: str = ""
    translations: tuple[tuple[str, Translation], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Indicator(Translatable):
    indicator_id: str
    name: str
    unit: Unit
    description: str
    source: Source
    source_code: str
    higher_is_better: bool | None
    breakdowns: tuple[str, ...]
    themes: tuple[str, ...]
    usual_economies: int | None = None  # economies in the series' best year; a build below half fails
    also_from: tuple[tuple[str, str], ...] = ()  # other (dataset, source_code) pairs giving the same series
    partial_from: tuple[str, ...] = ()  # also_from datasets covering a few economies by design (`partial: true`)
    aggregate: str = "none"  # how group values are formed: the unit's rule unless the entry overrides it
    # A spliced series (ITU's price baskets): (first year of a new definition, label such as "5 GB from 2025").
    definition_changes: tuple[tuple[int, str], ...] = ()
    translations: tuple[tuple[str, Translation], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class TargetText(Translatable):
    """A target's own words (targets.yaml: its framework's name, our short label, the framework's quoted wording
    and our note) with their translations beside them; the rest of a target (its numbers) is the database's."""

    target_id: str
    framework: str
    label: str
    wording: str = ""  # "" where we quote no words of the framework
    note: str = ""
    translations: tuple[tuple[str, Translation], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Catalogue:
    indicators: dict[str, Indicator]
    units: dict[str, Unit]
    sources: dict[str, Source]
    themes: dict[str, Theme]
    # The targets' texts (targets.yaml) with their translations, by target id in catalogue order; load_targets
    # checks the rest of each target against the indicators.
    targets: dict[str, TargetText] = field(default_factory=dict)

    def by_source_code(self, source_key: str) -> dict[str, Indicator]:
        """Indicators of one dataset keyed by the publisher's own code (e.g. IT.NET.USER.ZS)."""
        return {
            ind.source_code: ind
            for ind in self.indicators.values()
            if ind.source.source_key == source_key
        }

    def resolve(self, dataset: str, source_code: str) -> Indicator | None:
        """The catalogue indicator a dataset's series feeds, or None when the catalogue does not use it.

        A republication (sources.yaml `republishes`) resolves through the dataset it copies.
        """
        index: dict[tuple[str, str], Indicator] = {}
        for ind in self.indicators.values():
            for key in ((ind.source.source_key, ind.source_code), *ind.also_from):
                index[key] = ind
        original = self.sources[dataset].republishes if dataset in self.sources else None
        return index.get((dataset, source_code)) or (index.get((original, source_code)) if original else None)


def _read(name: str, directory: Path) -> object:
    path = directory / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path}: cannot read the catalogue file: {exc}") from exc


def _require(entry: dict, keys: tuple[str, ...], where: str) -> None:
    missing = [key for key in keys if key not in entry]
    if missing:
        raise CatalogueError(f"{where}: missing {', '.join(missing)}")


# The fields each kind of entry may translate; `by` is required beside them.
TRANSLATABLE_FIELDS = {"indicator": ("name", "description"), "unit": ("label",),
                       "theme": ("title", "summary", "missing"), "target": ("label", "framework", "wording", "note")}


def read_translations(spec: dict, kind: str, where: str, source_keys: set[str]
                      ) -> tuple[tuple[str, Translation], ...]:
    """An entry's `translations:` mapping, checked; a malformed one raises CatalogueError in one line.

    Shape: {locale: {field: text, …, by: ours | <sources.yaml key>}} for locales among TRANSLATED_LOCALES.
    """
    raw = spec.get("translations") or {}
    allowed = TRANSLATABLE_FIELDS[kind]
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: translations must map a locale to its fields, not {type(raw).__name__}")
    found = []
    for locale, entry in raw.items():
        at = f"{where}: translations.{locale}"
        if locale not in TRANSLATED_LOCALES:
            raise CatalogueError(f"{at}: unknown locale (expected one of {', '.join(TRANSLATED_LOCALES)})")
        if not isinstance(entry, dict):
            raise CatalogueError(f"{at}: must be a mapping of {', '.join(allowed)} and by")
        unknown = sorted(set(entry) - {*allowed, "by"})
        if unknown:
            raise CatalogueError(f"{at}: unknown field {unknown[0]!r} (allowed: {', '.join(allowed)}, by)")
        by = entry.get("by")
        if by != TRANSLATED_BY_US and by not in source_keys:
            raise CatalogueError(f"{at}: by must be {TRANSLATED_BY_US!r} or a key of sources.yaml, not {by!r}")
        texts = [(name, entry[name]) for name in allowed if name in entry]
        if not texts:
            raise CatalogueError(f"{at}: gives none of {', '.join(allowed)}")
        bad = [name for name, text in texts if not isinstance(text, str) or not text.strip()]
        if bad:
            raise CatalogueError(f"{at}: {bad[0]} must be a non-empty text")
        # Folded like the English descriptions: the YAML's line breaks are not part of the text.
        found.append((locale, Translation(tuple((name, " ".join(text.split())) for name, text in texts), by)))
    return tuple(found)


def load_catalogue(directory: Path = CATALOGUE_DIR) -> Catalogue:
    """Read and cross-check the YAML catalogue; raise CatalogueError naming every problem."""
    source_keys = set(_read("sources.yaml", directory))
    units = {
        unit_id: Unit(unit_id, spec["label"], spec.get("min"), spec.get("max"), spec.get("map_scale", "linear"),
                      spec.get("aggregate", "none"), read_translations(spec, "unit", f"unit {unit_id}", source_keys))
        for unit_id, spec in _read("units.yaml", directory).items()
    }
    sources = {}
    for key, spec in _read("sources.yaml", directory).items():
        _require(spec, ("publisher", "dataset", "url", "license", "attribution"), f"source {key}")
        sources[key] = Source(
            key, spec["publisher"], spec["dataset"], spec["url"], spec["license"],
            spec.get("license_url", ""), spec["attribution"], spec.get("republishes"),
            spec.get("restricted"), spec.get("not_loaded"),
        )
    themes = {}
    for spec in _read("themes.yaml", directory):
        first, last = spec["paragraphs"]
        themes[spec["id"]] = Theme(spec["id"], spec["title"], first, last, spec.get("summary", ""),
                                   " ".join(spec.get("missing", "").split()),
                                   read_translations(spec, "theme", f"theme {spec['id']}", source_keys))

    problems: list[str] = []
    indicators: dict[str, Indicator] = {}
    specs = [spec for path in sorted((directory / "catalogue").glob("*.yaml"))
             for spec in (_read(f"catalogue/{path.name}", directory) or [])]
    for spec in specs:
        where = f"indicator {spec.get('id', '?')}"
        try:
            _require(spec, ("id", "name", "unit", "description", "source", "source_code",
                            "higher_is_better", "breakdowns", "themes"), where)
        except CatalogueError as exc:
            problems.append(str(exc))
            continue
        if spec["id"] in indicators:
            problems.append(f"{where}: duplicate id")
        if spec["unit"] not in units:
            problems.append(f"{where}: unknown unit {spec['unit']!r}")
        if spec["source"] not in sources:
            problems.append(f"{where}: unknown source {spec['source']!r}")
        elif sources[spec["source"]].not_loaded:
            problems.append(f"{where}: source {spec['source']!r} is not loaded ({sources[spec['source']].not_loaded})")
        also_from = tuple((alt["source"], alt["source_code"]) for alt in spec.get("also_from", []))
        problems += [f"{where}: unknown source {dataset!r} in also_from" for dataset, _ in also_from
                     if dataset not in sources]
        if spec.get("aggregate", "none") not in AGGREGATE_RULES:
            problems.append(f"{where}: unknown aggregate rule {spec['aggregate']!r}")
        unknown_themes = sorted(set(spec["themes"]) - set(themes))
        if unknown_themes:
            problems.append(f"{where}: unknown themes {unknown_themes}")
        changes = spec.get("definition_changes") or []
        if not all(isinstance(c, dict) and isinstance(c.get("year"), int) and isinstance(c.get("label"), str)
                   for c in changes):
            problems.append(f"{where}: each definition_changes entry needs an integer year and a label")
        try:
            translations = read_translations(spec, "indicator", where, source_keys)
        except CatalogueError as exc:
            problems.append(str(exc))
        if problems:
            continue
        indicators[spec["id"]] = Indicator(
            indicator_id=spec["id"],
            name=spec["name"],
            unit=units[spec["unit"]],
            description=" ".join(spec["description"].split()),
            source=sources[spec["source"]],
            source_code=spec["source_code"],
            higher_is_better=spec["higher_is_better"],
            breakdowns=tuple(spec["breakdowns"]),
            themes=tuple(spec["themes"]),
            usual_economies=spec.get("usual_economies"),
            also_from=also_from,
            partial_from=tuple(alt["source"] for alt in spec.get("also_from", []) if alt.get("partial")),
            aggregate=spec.get("aggregate", units[spec["unit"]].aggregate),
            definition_changes=tuple(sorted((c["year"], c["label"]) for c in changes)),
            translations=translations,
        )
    target_texts = {}
    # The targets once the indicators they name are sound (a broken indicator would make every target naming it
    # "unknown": one problem, reported once).
    for spec in [] if problems else _read("targets.yaml", directory) or []:
        where = f"target {spec.get('id', '?')}"
        found = _target_problems(spec, indicators)
        problems += found
        if found:
            continue
        try:
            target_texts[spec["id"]] = _target_text(spec, where, source_keys)
        except CatalogueError as exc:
            problems.append(str(exc))
    problems += _framework_problems(list(target_texts.values()))
    evidenced = {theme for ind in indicators.values() for theme in ind.themes}
    problems += [f"theme {t}: no indicator evidences it, so it needs a `missing` note naming what would measure it"
                 for t in themes if t not in evidenced and not themes[t].missing]
    if problems:
        raise CatalogueError("; ".join(problems))
    return Catalogue(indicators, units, sources, themes, target_texts)


@cache
def catalogue() -> Catalogue:
    """The project's catalogue, read once per process."""
    return load_catalogue()


TARGET_KEYS = ("id", "framework", "label", "indicator", "scope", "comparator", "value", "deadline_year", "source_url")


def _target_text(spec: dict, where: str, source_keys: set[str]) -> TargetText:
    """A target's texts, folded as the ETL folds them (etl/measures/targets.py); a translation giving a text the
    English lacks raises CatalogueError."""
    english = {name: " ".join(str(spec.get(name) or "").split()) for name in TRANSLATABLE_FIELDS["target"]}
    translations = read_translations(spec, "target", where, source_keys)
    for locale, translation in translations:
        extra = [name for name, _ in translation.fields if not english[name]]
        if extra:
            raise CatalogueError(f"{where}: translations.{locale}: gives a {extra[0]} the English has none of")
    return TargetText(spec["id"], english["framework"], english["label"], english["wording"], english["note"],
                      translations)


def _framework_problems(texts: list[TargetText]) -> list[str]:
    """A framework's name is translated on each of its targets: one name, one translation per locale (a missing
    one is translation_report's to list)."""
    problems, seen = [], {}
    for text in texts:
        for locale in TRANSLATED_LOCALES:
            if text.translated_by("framework", locale) is None:  # missing: translation_report lists it
                continue
            name = text.text("framework", locale)
            first = seen.setdefault((text.framework, locale), (text.target_id, name))
            if first[1] != name:
                problems.append(f"target {text.target_id}: its {locale} framework name differs from target "
                                f"{first[0]}'s ({name!r}, {first[1]!r})")
    return problems


def _target_problems(spec: dict, known: dict[str, Indicator]) -> list[str]:
    """What is wrong with one entry of targets.yaml: a missing key, an unknown indicator or comparator, a band or
    note it needs."""
    where = f"target {spec.get('id', '?')}"
    missing = [key for key in TARGET_KEYS if key not in spec]
    if missing:
        return [f"{where}: missing {', '.join(missing)}"]
    problems = []
    if spec["indicator"] is not None and spec["indicator"] not in known:
        problems.append(f"{where}: unknown indicator {spec['indicator']!r}")
    if spec["comparator"] not in (">=", "<=", "between"):
        problems.append(f"{where}: unknown comparator {spec['comparator']!r}")
    if spec["comparator"] == "between" and not spec.get("band"):
        problems.append(f"{where}: 'between' needs a band")
    if spec["indicator"] is None and not spec.get("note"):
        problems.append(f"{where}: no indicator, so it needs a note naming what would measure it")
    return problems


def load_targets(directory: Path = CATALOGUE_DIR, catalogue_: Catalogue | None = None) -> list[dict]:
    """targets.yaml, checked: known indicator (or null), comparator, and the fields each comparator needs (the
    catalogue's load checks them too, with the translations of each target's texts: Catalogue.targets)."""
    specs = _read("targets.yaml", directory) or []
    known = (catalogue_ or load_catalogue(directory)).indicators
    problems = [problem for spec in specs for problem in _target_problems(spec, known)]
    ids = [spec.get("id") for spec in specs]
    problems += [f"target {i}: duplicate id" for i in set(ids) if ids.count(i) > 1]
    if problems:
        raise CatalogueError("; ".join(problems))
    return specs


PUBLISHER_MATCHES = ("same", "classification", "approximate")


@dataclass(frozen=True)
class PublisherGroup:
    """A publisher's aggregate named like one of our groups (publisher_groups.yaml)."""

    group_id: str
    dataset: str
    code: str
    match: str  # same, classification or approximate
    note: str | None = None


@dataclass(frozen=True)
class KnownDifference:
    """Where our aggregate and a publisher's differ by more than half a point, and why."""

    codes: tuple[str, ...]
    first_year: int
    last_year: int
    reason: str


@dataclass(frozen=True)
class PublisherGroups:
    groups: tuple[PublisherGroup, ...]
    income_classification: dict[str, int]  # source_id → World Bank fiscal year of its income groups
    known_differences: tuple[KnownDifference, ...]


def load_publisher_groups(directory: Path = CATALOGUE_DIR) -> PublisherGroups:
    """publisher_groups.yaml, checked: known match kinds, a note for every approximate match."""
    spec = _read("publisher_groups.yaml", directory) or {}
    problems, groups = [], []
    for entry in spec.get("groups", []):
        where = f"publisher group {entry.get('group_id', '?')} ~ {entry.get('code', '?')}"
        missing = [key for key in ("group_id", "dataset", "code", "match") if key not in entry]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
            continue
        if entry["match"] not in PUBLISHER_MATCHES:
            problems.append(f"{where}: match must be one of {PUBLISHER_MATCHES}, not {entry['match']!r}")
        if entry["match"] == "approximate" and not entry.get("note"):
            problems.append(f"{where}: an approximate match needs a note saying how the groups differ")
        groups.append(PublisherGroup(entry["group_id"], entry["dataset"], entry["code"], entry["match"],
                                     entry.get("note")))
    differences = []
    for entry in spec.get("known_differences", []):
        first, last = entry["years"]
        differences.append(KnownDifference(tuple(entry["codes"]), int(first), int(last), entry["reason"].strip()))
    if problems:
        raise CatalogueError("; ".join(problems))
    return PublisherGroups(tuple(groups), dict(spec.get("income_classification", {})), tuple(differences))
