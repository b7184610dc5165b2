"""The Overview, Country profile, About, Explore, Indicator, Gaps, Scatter, Targets, Data and SQL pages in the five
translated languages: no English interface text left on them (only data texts the publishers give in English, numbers,
codes and proper names), the economies, indicators and targets named in the page's language. Through the app's real
Flask server, on a database built from the real raw files; every visible text of the page's layout is read
(components, HTML blocks, chart titles, legends and hovers), and so is every text a callback answers when a control
changes (on the SQL page, DuckDB's own error text excepted)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

import app  # registers the pages and their callbacks, as gunicorn does
from dashboard import data, i18n
from dashboard.queries import common
from etl.measures import status_rules
from indicators import catalogue
from tests.conftest import PROJECT_ROOT
from tests.dashboard.test_callbacks import UPDATE, body
from tests.dashboard.test_prerender import find

SITE = "http://localhost"
EXPLORE = "/explore?indicator=internet_use&countries=NGA,IND,BRA,NOR"
# The Targets page twice: its default view, and a group's target with another group chosen (the "both" sentences,
# the income groups' chart, an unmeasured target's card on the board).
TARGETS_VIEW = "/targets?framework=bbc&target=bbc_internet_lmic_2025&group_type=m49_region&group=m49_region:africa"
PAGES = ["/", "/country/KEN", "/about", EXPLORE, "/indicator/internet_use", "/indicator?q=security",
         "/gaps", "/gaps?gap=urban_rural&group=income_group:low_income&countries=CIV,NOR",
         "/scatter?group=ldc", "/scatter?x=mobile_data_basket_gni&y=internet_use&color=income&logy=1",
         "/targets", TARGETS_VIEW, "/data?indicator=internet_use&group=ldc", "/sql"]
SMALL_PAGES = {"/sql": 25}  # fewer texts than the others' 50 (the frame has about 20): a form and its help

# English words that are no word of French, Spanish, Russian, Arabic or Chinese: found in a translated page once the
# data texts are taken out, they are an interface string left in English (a missed gettext, or English around it).
ENGLISH_WORDS = re.compile(r"(?<![\w'])(the|and|of|with|from|by|to|which|this|that|rose|fell|was|were|is|are|for|"
                           r"has|have|its|not|in|no data|economies|indicators?|per cent)(?![\w'])", re.IGNORECASE)
# What needs no translation: codes (KEN, internet_use, wdi:2026-02-24, docs/methodology.md, www.itu.int) and numbers.
CODES = re.compile(r"[\w.-]*[_:/][\w.:/-]*|\b[A-Z]{3}\b|\bwww\.[\w.]+|\b[\w-]+\.(org|int|io|md)\b")

# Texts these pages show from modules other sessions are translating now: the ids of the elements that hold them
# (none today).
ELSEWHERE: tuple[str, ...] = ()


class _Texts(HTMLParser):
    """The text nodes and readable attributes of an HTML block (HtmlBlock: tables, lists, the Overview's body),
    leaving out the elements whose id is in `skip` and everything inside them."""

    def __init__(self, skip: tuple[str, ...]) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skip, self.depth, self.skipping = skip, 0, 0

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "wbr", "col", "source"})

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag in self.VOID:
            return
        if self.skipping:
            self.skipping += 1
            return
        if any(str(attributes.get("id") or "").startswith(prefix) for prefix in self.skip):
            self.skipping = 1
            return
        self.texts += [value for name, value in attrs if name in ("aria-label", "title", "placeholder") and value]

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if not self.skipping:
            self.texts += [value for name, value in attrs if name in ("aria-label", "title") and value]

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag not in self.VOID:
            self.skipping -= 1

    def handle_data(self, text: str) -> None:
        if not self.skipping and self.lasttag not in ("script", "style"):
            self.texts.append(text)


def _html_texts(markup: str, skip: tuple[str, ...]) -> list[str]:
    parser = _Texts(skip)
    parser.feed(markup)
    return parser.texts


def _figure_texts(figure: dict) -> list[str]:
    """A plotly figure's readable texts: titles, annotations, trace names and hover templates (their %{…} fields
    and tags taken out)."""
    texts = []

    def walk(node, in_trace: bool) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                readable = key in ("text", "hovertemplate") or (key == "name" and in_trace)
                if readable and isinstance(value, str):
                    texts.append(re.sub(r"<[^>]+>|%\{[^}]*\}", " ", value))
                else:
                    walk(value, in_trace)
        elif isinstance(node, list):
            for item in node:
                walk(item, in_trace)

    walk(figure.get("layout", {}), False)
    walk(figure.get("data", []), True)
    return texts


def visible_texts(tree, skip: tuple[str, ...] = ()) -> list[str]:
    """Every readable text of a Dash layout (as /_dash-layout answers it), stripped, without the elements whose id
    starts with one of `skip`."""
    texts: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str | int | float) and not isinstance(node, bool):
            texts.append(str(node))
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict) and "props" in node:
            props = node["props"]
            if any(str(props.get("id") or "").startswith(prefix) for prefix in skip):
                return
            if node.get("type") == "HtmlBlock":
                texts.extend(_html_texts(props.get("children") or "", skip))
            else:
                walk(props.get("children"))
            texts.extend(str(props[key]) for key in ("placeholder", "aria-label", "title") if props.get(key))
            if isinstance(props.get("figure"), dict):
                texts.extend(_figure_texts(props["figure"]))

    walk(tree)
    return [" ".join(text.split()) for text in texts if text.strip()]


def page_texts(address: str, skip: tuple[str, ...] = ELSEWHERE) -> list[str]:
    response = app.server.test_client().get("/_dash-layout", headers={"Referer": SITE + address})
    assert response.status_code == 200, address
    return visible_texts(response.get_json(), skip)


def data_texts(locale: i18n.Locale) -> set[str]:
    """Texts the pages may show as the data give them, whatever the language: the sources' own words (publishers,
    datasets, licences: English only in the files we hold), the targets' ids and addresses, the economies' names in
    the locale, the catalogue's texts in the locale (the targets' labels, frameworks, wording and notes among them),
    the publishers' codes, the status rules' ids, the languages' own names, and the interface strings whose
    translation is the English word itself ("Code", "Attribution" in French)."""
    texts: set[str] = set()
    for table, columns in (("source", "source_id, dataset_key, publisher, dataset, url, license, attribution"),
                           ("target", "target_id, source_url"),
                           ("indicator", "source_code")):
        for row in data.query(f"SELECT {columns} FROM {table}").itertuples(index=False):
            texts.update(str(value) for value in row if isinstance(value, str))
    texts.update(common.country_names(locale.code)["name"])
    entries = catalogue()
    for indicator in entries.indicators.values():  # the publishers' codes too (IT.NET.USER.ZS)
        texts.update((indicator.indicator_id, indicator.text("name", locale.code), indicator.source_code))
    texts.update(unit.text("label", locale.code) for unit in entries.units.values())
    texts.update(theme.text(field, locale.code) for theme in entries.themes.values()
                 for field in ("title", "summary", "missing"))
    texts.update(target.text(field, locale.code) for target in entries.targets.values()
                 for field in ("label", "framework", "wording", "note") if getattr(target, field))
    texts.update(rule.rule_id for rule in status_rules.RULES)
    texts.update(other.name for other in i18n.LOCALES)
    if locale is not i18n.DEFAULT:
        with (PROJECT_ROOT / "locale" / locale.code / "LC_MESSAGES" / "messages.po").open("rb") as po:
            texts.update(message.id for message in read_po(po) if isinstance(message.id, str)
                         and message.id == message.string)
    return {text for text in texts if text}


def english_left(english: list[str], translated: list[str], allowed: set[str]) -> list[str]:
    """The texts of a translated page that are English interface text: a text the English page shows too that is
    more than data, codes and numbers; or any text with an English word left once the data texts are taken out."""
    # Whole texts only ("a4ai" is a source id, and no part of "a4ai.org"), the longest first.
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(text) for text in sorted(allowed, key=len, reverse=True))
                         + r")(?!\w|\.\w)")

    def rest(text: str) -> str:
        return CODES.sub(" ", pattern.sub(" ", text))

    shared = set(english) & set(translated)
    found = {text for text in shared if re.search(r"[^\W\d_]{2}", rest(text))}
    found |= {text for text in translated if ENGLISH_WORDS.search(rest(text))}
    return sorted(found)


_ENGLISH: dict[str, list[str]] = {}


@pytest.fixture
def english_pages(warm_app) -> dict[str, list[str]]:
    """The English pages' texts, read once for the module (the database is the session's)."""
    if not _ENGLISH:
        _ENGLISH.update({page: page_texts(page) for page in PAGES})
    return _ENGLISH


@pytest.mark.parametrize("locale", i18n.TRANSLATED, ids=lambda locale: locale.code)
@pytest.mark.parametrize("page", PAGES)
def test_no_english_interface_text_is_left_on_the_page(english_pages, locale: i18n.Locale, page: str) -> None:
    translated = page_texts(i18n.href(page, locale))
    assert len(translated) > SMALL_PAGES.get(page, 50)  # the page is read at all
    assert english_left(english_pages[page], translated, data_texts(locale)) == []


def test_the_check_finds_an_unwrapped_string_and_english_around_a_translated_one(english_pages) -> None:
    """The check above can fail: a heading left in English, and an English sentence built around translated data
    (a value and an economy's name), are found; a French page as it is passes."""
    french = i18n.BY_CODE["fr"]
    page = page_texts("/fr/country/KEN")
    allowed = data_texts(french)
    assert english_left(english_pages["/country/KEN"], page, allowed) == []
    assert english_left(english_pages["/country/KEN"], [*page, "Headline trends"], allowed) == ["Headline trends"]
    built = "Kenya 29,4 % in 2023"  # "{economy} {value} in {year}" with the pieces translated, the frame not
    assert english_left(english_pages["/country/KEN"], [*page, built], allowed) == [built]
    assert english_left([], ["Kenya (KEN)", "wdi:2026-02-24", "72,7 %"], allowed) == []  # names, codes, numbers


# --- Explore's callbacks: what a change of control answers ---------------------------------------------------------

def answer(output: str, values: list, address: str) -> dict:
    """The callback's answer as JSON (component id → property → value)."""
    key = next(key for key in app.app.callback_map if key.lstrip(".").startswith(output + "."))
    response = app.server.test_client().post("/_dash-update-component", data=json.dumps(body(key, values)),
                                             content_type="application/json", headers={"Referer": SITE + address})
    assert response.status_code == 200, (address, response.text[:300])
    return response.get_json()["response"]


# The Explore view's inputs (update_charts): indicator, year, group, countries, scale, trend years, ranking order.
EXPLORE_CHANGES = {
    "another indicator and year": ["mobile_broadband_per_100", 2019, "all", ["NGA", "IND", "BRA", "NOR"], "linear",
                                   [2005, 2023], "value-desc"],
    "a group, log scale, sorted by name": ["fixed_broadband_per_100", 2020, "ldc", ["NGA", "KEN"], "log",
                                           [2010, 2022], "name-asc"],
    "no country chosen": ["fixed_broadband_per_100", 2021, "wb_region:sub_saharan_africa", [], "linear",
                          [2000, 2023], "value-asc"],
}


@pytest.mark.parametrize("locale", ["fr", "ar"])
@pytest.mark.parametrize("change", list(EXPLORE_CHANGES))
def test_explore_answers_a_change_in_the_pages_language(warm_app, locale: str, change: str) -> None:
    """Changing the indicator, the year, the group, the countries, the scale or the order redraws the map, the
    ranking, the trend and their sentences and tables in the page's language: no English left."""
    values = EXPLORE_CHANGES[change]
    translated = i18n.BY_CODE[locale]
    english = callback_texts("explore-map", values, "/explore")
    texts = callback_texts("explore-map", values, i18n.href("/explore", translated))
    assert len(texts) > 20  # the answer is read at all
    assert english_left(english, texts, data_texts(translated)) == []


@pytest.mark.parametrize("locale", ["fr", "ar"])
def test_explores_map_hover_names_the_economies_in_the_pages_language(warm_app, locale: str) -> None:
    names = dict(zip(*(common.country_names(locale)[column] for column in ("iso3", "name")), strict=True))
    values = EXPLORE_CHANGES["another indicator and year"]
    trace = answer("explore-map", values, i18n.href("/explore", i18n.BY_CODE[locale]))["explore-map"]["figure"][
        "data"][0]
    assert len(trace["locations"]) > 100
    assert trace["text"] == [names[iso3] for iso3 in trace["locations"]]
    english = answer("explore-map", values, "/explore")["explore-map"]["figure"]["data"][0]
    assert english["text"] != trace["text"]  # UNTERM's names in the locale, not the English ones


@pytest.mark.parametrize("locale", ["fr", "ar"])
def test_explores_measure_toggle_and_play_button_speak_the_pages_language(warm_app, locale: str) -> None:
    """Choosing an indicator with a relative/absolute partner offers the toggle in the page's language; the play
    button's words (read by the browser's callback) are the page's too."""
    translated = i18n.BY_CODE[locale]
    english = callback_texts("explore-indicator", ["fixed_broadband_per_100", None], "/explore")
    texts = callback_texts("explore-indicator", ["fixed_broadband_per_100", None], i18n.href("/explore", translated))
    assert len(texts) == 2 and texts != english
    assert english_left(english, texts, data_texts(translated)) == []
    tree = app.server.test_client().get("/_dash-layout", headers={"Referer": SITE + i18n.href(EXPLORE, translated)})
    words = find(tree.get_json(), "explore-play-words")["props"]["data"]
    english_words = find(app.server.test_client().get("/_dash-layout", headers={"Referer": SITE + EXPLORE}).get_json(),
                         "explore-play-words")["props"]["data"]
    assert words.keys() == english_words.keys() and len(words) == 6
    assert english_left(list(english_words.values()), list(words.values()), data_texts(translated)) == []
    assert words["play"] == i18n.translations(locale).gettext("▶ Play") != english_words["play"] == "▶ Play"


@pytest.mark.parametrize("locale", i18n.TRANSLATED, ids=lambda locale: locale.code)
def test_economies_indicators_and_themes_are_named_in_the_locale(warm_app, locale: i18n.Locale) -> None:
    entries = catalogue()
    names = dict(zip(*(common.country_names(locale.code)[column] for column in ("iso3", "name")), strict=True))
    internet = entries.indicators["internet_use"].text("name", locale.code)
    theme = entries.themes["ict4d"].text("title", locale.code)
    assert internet != entries.indicators["internet_use"].name and theme != entries.themes["ict4d"].title
    country = " ".join(page_texts(i18n.href("/country/KEN", locale)))
    assert f"{names['KEN']} (KEN)" in country and internet in country
    listing = page_texts(i18n.href("/country", locale))
    assert names["NOR"] in listing and names["CIV"] in listing  # the directory names every economy in the locale
    for page in ("/", "/about"):
        texts = " ".join(page_texts(i18n.href(page, locale)))
        assert theme in texts and internet in texts, page
    # the country page's charts: their titles and legends in the locale
    response = app.server.test_client().get("/_dash-layout", headers={"Referer": SITE + i18n.href("/country/KEN",
                                                                                                  locale)})
    figures = re.findall(r'"title": \{"text": "([^"]+)"', json.dumps(response.get_json(), ensure_ascii=False))
    assert internet in figures


def test_the_rules_table_of_the_about_page_has_every_rule_text_marked() -> None:
    """about.py's RULE_TEXTS list the status rules' texts (etl/measures/status_rules.py) for the catalogues: a rule
    reworded there must be reworded here, or it would show in English."""
    from dashboard.pages import about
    wanted = {text for row in status_rules.rules_table() for text in (row["when"], row["badge"])}
    assert wanted <= set(about.RULE_TEXTS)
    assert {scope for pair in status_rules.SCOPES for scope in pair} == {scope for pair in about.SCOPES
                                                                          for scope in pair}


# --- callback answers: the texts a page redraws when a control changes -------------------------------------------


def callback_texts(first_output: str, values: list, address: str, skip: tuple[str, ...] = ELSEWHERE) -> list[str]:
    """Every readable text of a callback's answer (figures, summaries, sources, tables, notes, dropdown options),
    posted through the app's Flask server from the page at `address` (its Referer gives the locale)."""
    wanted = first_output.lstrip(".")
    wanted = wanted if "." in wanted else wanted + "."  # a component id alone: its first output, whatever the prop
    output = next(key for key in app.app.callback_map if key.lstrip(".").startswith(wanted))
    response = app.server.test_client().post(UPDATE, data=json.dumps(body(output, values)),
                                             content_type="application/json", headers={"Referer": SITE + address})
    assert response.status_code == 200, (first_output, address)
    texts: list[str] = []
    for component_id, props in response.get_json()["response"].items():
        if component_id.startswith(skip):
            continue
        for prop, value in props.items():
            if prop == "figure":
                texts += [" ".join(text.split()) for text in _figure_texts(value) if text.strip()]
            elif prop == "options":
                texts += [str(option["label"]) for option in value]
            elif prop in ("children", "placeholder", "aria-label"):
                texts += visible_texts(value, skip)
    return texts


# (the page, the callback's first output, the controls' values): each a view other than the page's default.
CALLBACKS = [
    ("/gaps", "gaps-series.figure", ["urban_rural", "ldc", "2018"]),
    ("/gaps", "gaps-series.figure", ["gender", "wb_region:sub_saharan_africa", "latest"]),
    ("/gaps", "gaps-series.figure", ["gender", "sids", "latest"]),  # ITU's nearest group, with its note
    ("/gaps", "gaps-countries-trend.figure", ["urban_rural", ["CIV", "NOR", "BRA"]]),
    ("/gaps", "gaps-year.options", ["urban_rural", "2019"]),
    ("/scatter", "scatter-chart.figure", ["gni_per_capita", "internet_use", None, "income", "ldc", 1, 1]),
    ("/scatter", "scatter-chart.figure", ["mobile_data_basket_gni", "internet_use", None, "region", "all", 0, 0]),
    ("/scatter", "scatter-year.options", ["gni_per_capita", "internet_use", None]),
    ("/data", "data-table.children", [["internet_use"], [], "ldc", 2015, 2024, "all", "total", "total", 0, 0, 1]),
    ("/data", "data-table.children", [["internet_use", "mobile_broadband_per_100"], ["NGA", "NOR"], None, None, None,
                                      "total", "total", "total", 0, 0, 1]),  # two indicators, two economies
]


@pytest.mark.parametrize("locale", [i18n.BY_CODE["fr"], i18n.BY_CODE["ar"]], ids=lambda locale: locale.code)
@pytest.mark.parametrize(("page", "output", "values"), CALLBACKS, ids=lambda item: str(item)[:40])
def test_callback_answers_leave_no_english(warm_app, locale: i18n.Locale, page: str, output: str,
                                          values: list) -> None:
    english = callback_texts(output, values, page)
    translated = callback_texts(output, values, i18n.href(page, locale))
    assert len(translated) == len(english) > 1  # the same answer, read whole
    assert english_left(english, translated, data_texts(locale)) == []


def test_callback_answers_name_groups_economies_and_sides_in_the_locale(warm_app) -> None:
    """What the answers say is in the locale: our group's name, the economies' UNTERM names, the sides of the gap
    (the legends), and no English economy name where the locale's differs."""
    for locale in (i18n.BY_CODE["fr"], i18n.BY_CODE["ar"]):
        catalog = i18n.translations(locale.code)
        names = dict(zip(*(common.country_names(locale.code)[column] for column in ("iso3", "name")), strict=True))
        group = " ".join(callback_texts("gaps-series.figure", ["urban_rural", "ldc", "2018"], i18n.href("/gaps",
                                                                                                       locale)))
        assert catalog.gettext("Least developed countries") in group
        assert catalog.gettext("{side} (our aggregate)").format(side=catalog.gettext("Rural")) in group
        trend = callback_texts("gaps-countries-trend.figure", ["gender", ["CIV", "NOR"]], i18n.href("/gaps", locale))
        assert catalog.gettext("{economy}: all").format(economy=names["CIV"]) in trend
        assert not any("Norway" in text for text in trend) and any(names["NOR"] in text for text in trend)
        scatter = " ".join(callback_texts("scatter-chart.figure", ["gni_per_capita", "internet_use", None, "income",
                                                                   "ldc", 1, 0], i18n.href("/scatter", locale)))
        assert catalog.gettext("Low income") in scatter and catalog.gettext("Least developed countries") in scatter
        assert catalogue().indicators["internet_use"].text("name", locale.code) in scatter


def test_the_gaps_page_has_every_note_on_itus_groups_marked() -> None:
    """gaps.py's ITU_NOTES list indicators/publisher_groups.yaml's notes on ITU's groups for the catalogues: a note
    reworded there must be reworded here, or the Gaps page would show it in English."""
    import yaml

    from dashboard.pages import gaps
    groups = yaml.safe_load((PROJECT_ROOT / "indicators" / "publisher_groups.yaml").read_text())["groups"]
    notes = {group["note"] for group in groups if group["dataset"] == "itu_key_ict" and group.get("note")}
    assert len(notes) >= 5 and notes <= set(gaps.ITU_NOTES)


# --- the Targets page's callbacks: what they answer when a control changes ------------------------------------------

# (the output the callback fills, the inputs and states it is posted, in the order Dash sends them): a framework and
# a group type chosen, then a group's target with another group (the "both" sentences), an economy-wide target, a
# target no open indicator measures, and a passed deadline judged on its year's value.
TARGETS_CALLBACKS = [
    ("..targets-target.options", ["wsis", "umc_internet_use_2030"]),
    ("..targets-group.options", ["special", "all"]),
    ("targets-board", ["bbc", "bbc_internet_lmic_2025", "m49_region", "m49_region:africa"]),
    ("..targets-trend.figure", ["bbc_internet_lmic_2025", "m49_region:africa"]),
    ("..targets-trend.figure", ["a4ai_1_for_2_2025", "all"]),
    ("..targets-trend.figure", ["wsis_a_villages_2015", "all"]),
    ("..targets-groups.figure", ["umc_internet_use_2030", "income_group", "income_group:low_income"]),
    ("..targets-groups.figure", ["wsis_j_access_use_2015", "special", "ldc"]),
    ("..targets-map.figure", ["bbc_internet_lmic_2025", "m49_region:africa"]),
    ("..targets-map.figure", ["umc_gender_parity_2030", "all"]),
]


@pytest.mark.parametrize("code", ["fr", "ar"])
@pytest.mark.parametrize(("output", "values"), TARGETS_CALLBACKS, ids=lambda item: str(item)[:40])
def test_the_targets_callbacks_answer_in_the_language_of_the_page(warm_app, code: str, output: str,
                                                                   values: list) -> None:
    locale = i18n.BY_CODE[code]
    english = callback_texts(output, values, "/targets")
    translated = callback_texts(output, values, i18n.href("/targets", locale))
    assert len(translated) >= 3 and len(english) >= 3  # the answer is read at all
    assert english_left(english, translated, data_texts(locale)) == []


def test_the_targets_callbacks_name_targets_groups_and_statuses_in_the_locale(warm_app) -> None:
    """The check above can fail: the French answers carry the targets' own texts, group names and status words in
    French, and an English answer read as French is found out."""
    french = i18n.BY_CODE["fr"]
    entries = catalogue()
    options = callback_texts("..targets-target.options", ["wsis", "umc_internet_use_2030"], "/fr/targets")
    wsis = [target for target in entries.targets.values() if target.framework == "WSIS Geneva Plan of Action 2015"]
    assert all(any(option.startswith(target.text("label", "fr")) for option in options) for target in wsis)
    trend = " ".join(callback_texts("..targets-trend.figure", ["wsis_a_villages_2015", "all"], "/fr/targets"))
    villages = entries.targets["wsis_a_villages_2015"]
    assert villages.text("label", "fr") in trend and villages.text("note", "fr") in trend
    groups = " ".join(callback_texts("..targets-groups.figure", ["umc_internet_use_2030", "income_group", "all"],
                                     "/fr/targets"))
    assert "Revenu faible" in groups and "Rythme requis" in groups
    english = callback_texts("..targets-map.figure", ["bbc_internet_lmic_2025", "m49_region:africa"], "/targets")
    assert english_left(english, english, data_texts(french)) != []  # English, read as the French page, is found


def test_the_data_pages_answer_names_economies_and_breakdowns_in_the_locale(warm_app) -> None:
    """Choosing a selection (every sex, LDCs, 2015–2024): the status line, the economies' UNTERM names and the
    breakdowns' words in the locale."""
    values = [["internet_use"], [], "ldc", 2015, 2024, "all", "total", "total", 0, 0, 1]
    english = callback_texts("data-table.children", values, "/data")
    for code in ("fr", "ar"):
        catalog = i18n.translations(code)
        texts = callback_texts("data-table.children", values, i18n.href("/data", i18n.BY_CODE[code]))
        assert len(texts) > 500  # the table is read at all
        status = catalog.gettext("Rows {first}–{last} of {total} (page {page} of {pages}).").split("{")[0]
        assert any(text.startswith(status) for text in texts) and not any(text.startswith("Rows ") for text in texts)
        names = dict(zip(*(common.country_names(code)[column] for column in ("iso3", "name")), strict=True))
        assert names["COD"] in texts and catalog.gettext("female") in texts and "female" in english


# SQL's keywords in the sandbox's refusals ("only one SELECT (or WITH … SELECT, …)"): code, not English words.
SQL_WORDS = {"SELECT", "WITH", "VALUES", "DESCRIBE", "SHOW", "SUMMARIZE", "EXPLAIN", "DROP"}


def sql_status(text: str, address: str) -> str:
    """The SQL page's status line when `text` is run from the page at `address`."""
    status = callback_texts("sql-status.children", [1, text], address, skip=("sql-result",))
    assert len(status) == 1, status
    return status[0]


@pytest.mark.parametrize("locale", [i18n.BY_CODE["fr"], i18n.BY_CODE["ar"]], ids=lambda locale: locale.code)
def test_the_sql_pages_answers_are_in_the_locale_but_duckdbs_own_words(warm_app, locale: i18n.Locale) -> None:
    """A query that runs, one refused and one with a syntax error: each status line in the locale, with no English
    left but DuckDB's own error text, which follows the translated "query failed" as DuckDB gives it."""
    catalog = i18n.translations(locale.code)
    allowed = data_texts(locale) | SQL_WORDS
    not_run = catalog.gettext("Not run: {reason}")
    ran = catalog.ngettext("{count} row in {milliseconds} ms.", "{count} rows in {milliseconds} ms.", 3)
    for text, opening in (("SELECT iso3, year FROM observation ORDER BY iso3, year LIMIT 3",
                           ran.split("{milliseconds}")[0].format(count="3")),
                          ("DROP TABLE country", not_run.format(reason=catalog.gettext("query refused: {reason}"))
                           .split("{")[0]),
                          ("SELEC 1", not_run.format(reason=catalog.gettext("query failed: {reason}")).split("{")[0])):
        english, status = sql_status(text, "/sql"), sql_status(text, i18n.href("/sql", locale))
        duckdb_words = english.partition("query failed: ")[2]  # DuckDB's own text, the same in every language
        assert status.startswith(opening) and status.endswith(duckdb_words), (text, status)
        assert english_left([english], [status], allowed | {duckdb_words} - {""}) == [], text


def test_a_download_links_refusal_is_in_the_language_of_the_page_it_was_followed_from(warm_app) -> None:
    """/download/… is the same address from every language: its 400 line follows the Referer, English without one."""
    link = "/download/selection.csv?indicator=nope&from=x"
    english = app.server.test_client().get(link)
    assert english.status_code == 400 and english.text.startswith("Bad download link: unknown indicator nope")
    for code in ("fr", "ar"):
        answer = app.server.test_client().get(link, headers={"Referer": SITE + f"/{code}/data?indicator=nope"})
        catalog = i18n.translations(code)
        assert answer.status_code == 400 and answer.mimetype == "text/plain"
        assert answer.text.startswith(catalog.gettext("Bad download link: {errors}.").split("{")[0])
        assert catalog.gettext("unknown indicator {indicators}").format(indicators="nope") in answer.text
        # the link's own words: the unknown indicator and the address's parameter names (code)
        assert english_left([english.text.strip()], [answer.text.strip()], {"nope", "from"}) == []
