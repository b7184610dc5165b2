"""The six locales (dashboard/i18n.py): every page under every prefix, in its language and direction; the switcher
keeping the view; every interface string in every catalogue; numbers and charts per locale; callback answers
kept per locale. Through the app's real Flask server, on a database built from the real raw files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from babel.dates import format_date
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import request

import app  # registers the pages and their callbacks, as gunicorn does
from dashboard import components, data, formatting, i18n, prerender, response_cache
from tests.conftest import PROJECT_ROOT
from tests.dashboard.test_callbacks import body
from tests.dashboard.test_prerender import find

SITE = "http://localhost"
# Every page (the header's, a path variable's, the indicator index) with a query, as a shared link has one.
PAGES = [*app.WARM_PAGES, "/indicator/internet_use", "/indicator?q=security", "/explore?countries=NOR,NGA&year=2022"]
UPDATE = "/_dash-update-component"


def client():
    """The app's test client, past the response cache: answers kept here would be served to other test modules
    that change a page (tests/dashboard/test_prerender.py breaks one), as they are to visitors."""
    test_client = app.server.test_client()
    test_client.environ_base[response_cache.BYPASS] = True
    return test_client


def prefixed(locale: i18n.Locale, path: str) -> str:
    return i18n.href(path, locale)


def layout(referrer: str) -> dict:
    response = client().get("/_dash-layout", headers={"Referer": SITE + referrer})
    assert response.status_code == 200, referrer
    return response.get_json()


def router(pathname: str, search: str = "") -> str:
    """The router callback's answer for an address, posted from that address (as the browser does)."""
    output = next(key for key in app.app.callback_map if key.startswith(f"..{prerender.CONTENT_ID}"))
    response = client().post(UPDATE, data=json.dumps(body(output, [pathname, search])),
                                             content_type="application/json",
                                             headers={"Referer": SITE + pathname + search})
    assert response.status_code == 200, (pathname, response.text[:300])
    return json.dumps(response.get_json(), ensure_ascii=False)


def switcher_links(tree: dict) -> dict[str, str]:
    header = json.dumps(tree, ensure_ascii=False)
    nav = re.search(r'class=\\"language-switcher\\">(.*?)</nav>', header).group(1)
    return dict(re.findall(r'data-locale=\\"(\w+)\\" href=\\"([^"\\]*)\\"', nav))


# --- addresses ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "locale", "own"), [
    ("/explore", "en", "/explore"), ("/fr/explore", "fr", "/explore"), ("/ar", "ar", "/"), ("/ar/", "ar", "/"),
    ("/zh/country/KEN", "zh", "/country/KEN"), ("/xx/explore", "en", "/xx/explore"),
    ("/en/explore", "en", "/en/explore"), ("/", "en", "/"), ("/french", "en", "/french"),
])
def test_the_locale_is_the_first_segment_of_the_path(path: str, locale: str, own: str) -> None:
    assert i18n.split_path(path) == (i18n.BY_CODE[locale], own)


def test_links_keep_the_locale_and_english_has_no_prefix() -> None:
    assert i18n.href("/explore?a=1", i18n.BY_CODE["ru"]) == "/ru/explore?a=1"
    assert i18n.href("/", i18n.BY_CODE["ar"]) == "/ar"
    assert i18n.href("/explore", i18n.DEFAULT) == "/explore"
    assert i18n.switch("/fr/explore", "?a=1&b=2", i18n.BY_CODE["es"]) == "/es/explore?a=1&b=2"
    assert i18n.switch("/fr/explore", "", i18n.DEFAULT) == "/explore"
    assert [locale.code for locale in i18n.LOCALES] == ["en", "fr", "es", "ar", "zh", "ru"]
    assert [locale.code for locale in i18n.LOCALES if locale.direction == "rtl"] == ["ar"]


# --- every page in every locale -------------------------------------------------------------------------------------

@pytest.mark.parametrize("locale", i18n.LOCALES, ids=lambda locale: locale.code)
def test_every_page_opens_in_every_locale_with_its_lang_and_direction(warm_app, locale: i18n.Locale) -> None:
    browser = client()
    for page in PAGES:
        address = prefixed(locale, page)
        index = browser.get(address)
        assert index.status_code == 200, address
        assert f'<html lang="{locale.code}" dir="{locale.direction}">' in index.text, address
        assert (f"/plotly-locale/{locale.code}.js" in index.text) is (locale is not i18n.DEFAULT)
        tree = layout(address)
        path, _, query = address.partition("?")
        location = find(tree, prerender.LOCATION_ID)["props"]
        assert (location.get("pathname"), location.get("search")) == (path, f"?{query}" if query else ""), address
        assert find(tree, prerender.CONTENT_ID)["props"].get("children"), f"{address}: the page is not built in"
        nav = json.dumps(tree, ensure_ascii=False)
        translate = i18n.translations(locale.code).gettext
        assert f">{translate('Explore')}</a>" in nav and f'href=\\"{prefixed(locale, "/explore")}\\"' in nav


def test_the_router_finds_a_page_under_a_prefix_and_says_not_found_in_the_addresss_language(warm_app) -> None:
    explore = router("/fr/explore", "?year=2020")
    assert "Explorer un indicateur" in explore and "Page not found" not in explore  # the page, in French
    assert "Explore an indicator" not in explore
    assert "Page introuvable" in router("/fr/nowhere")
    assert "Page not found" in router("/nowhere")
    unknown = router("/xx/explore")  # an unknown prefix is an unknown page, as any other address
    assert "Page not found" in unknown and "Explore an indicator" not in unknown
    tree = layout("/xx/explore")  # …and the layout leaves it to the router, as for /nowhere
    assert find(tree, prerender.CONTENT_ID)["props"].get("children") is None


def test_the_switcher_keeps_the_page_and_its_query(warm_app) -> None:
    links = switcher_links(layout("/fr/explore?countries=NOR,NGA&year=2022"))
    query = "?countries=NOR,NGA&amp;year=2022"  # escaped in the HTML, as it must be
    assert links == {"en": f"/explore{query}",
                     **{code: f"/{code}/explore{query}" for code in ("fr", "es", "ar", "zh", "ru")}}
    assert switcher_links(layout("/ar/country/KEN"))["en"] == "/country/KEN"
    assert switcher_links(layout("/"))["zh"] == "/zh"
    assert 'aria-current=\\"true\\" data-locale=\\"ar\\"' in json.dumps(layout("/ar"))


def test_the_header_search_stays_in_the_locale(warm_app) -> None:
    answer = client().get("/es/indicator?q=internet_use")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/es/indicator/internet_use")
    assert client().get("/indicator?q=internet_use").headers["Location"].endswith(
        "/indicator/internet_use")


# --- the catalogues -------------------------------------------------------------------------------------------------

def extracted_msgids(root: Path) -> set[str]:
    """Every msgid marked in the code under `root`, as `make messages` extracts them (babel.cfg)."""
    with (root / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    return {message[2] if isinstance(message[2], str) else message[2][0]
            for message in extract_from_dir(str(root), method_map, options_map)}


def untranslated(root: Path) -> list[str]:
    """"<locale>: <msgid>" for each msgid of the code with no usable msgstr (missing, empty or fuzzy) in a
    locale's catalogue under root/locale."""
    wanted, problems = extracted_msgids(root), []
    for locale in i18n.TRANSLATED:
        with (root / "locale" / locale.code / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po, locale=locale.code)
        for msgid in sorted(wanted):
            message = catalog.get(msgid)
            strings = message.string if message is not None and isinstance(message.string, tuple) else \
                (message.string,) if message is not None else ("",)
            if message is None or message.fuzzy or not all(strings):
                problems.append(f"{locale.code}: {msgid}")
    return problems


def test_every_interface_string_is_translated_in_every_catalogue() -> None:
    assert len(extracted_msgids(PROJECT_ROOT)) >= 20  # the frame's strings are found at all
    assert untranslated(PROJECT_ROOT) == []


def test_a_missing_translation_or_a_new_string_fails_the_check(tmp_path: Path) -> None:
    """The check above can fail: one msgstr emptied, one string added to the code, one catalogue marked fuzzy."""
    for name in ("babel.cfg", "app.py"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    shutil.copytree(PROJECT_ROOT / "dashboard", tmp_path / "dashboard", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PROJECT_ROOT / "locale", tmp_path / "locale")
    assert untranslated(tmp_path) == []
    french = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    french.write_text(french.read_text().replace('msgstr "Explorer"', 'msgstr ""'))
    assert untranslated(tmp_path) == ["fr: Explore"]
    new_page = 'from dashboard.i18n import gettext as _\n\nTITLE = _("Brand new")\n'
    (tmp_path / "dashboard" / "new_page.py").write_text(new_page)
    assert [problem for problem in untranslated(tmp_path) if "Brand new" in problem] == \
        [f"{code}: Brand new" for code in ("fr", "es", "ar", "zh", "ru")]


def test_the_template_is_up_to_date_with_the_code() -> None:
    """locale/messages.pot is what `make messages` extracts now: the .po files were updated from the same list."""
    with (PROJECT_ROOT / "locale" / "messages.pot").open("rb") as pot:
        template = {message.id if isinstance(message.id, str) else message.id[0]
                    for message in read_po(pot) if message.id}
    assert template == extracted_msgids(PROJECT_ROOT)


def test_plural_forms_follow_each_languages_rule() -> None:
    arabic, russian = i18n.translations("ar"), i18n.translations("ru")
    assert arabic.plural(0) == 0 and arabic.plural(2) == 2 and arabic.plural(11) == 4
    assert russian.plural(1) == 0 and russian.plural(3) == 1 and russian.plural(5) == 2


# --- numbers and charts ---------------------------------------------------------------------------------------------

def test_numbers_follow_the_locale_and_english_is_unchanged() -> None:
    cases = [("72.7 %", "% of population", 72.7), ("2.22 billion people", "people", 2_217_833_000),
             ("1,234", "", 1234.4), ("no data", "%", None)]
    for text, unit, value in cases:
        assert formatting.value(value, unit) == text
    with app.server.test_request_context("/fr/explore"):
        assert formatting.value(72.7, "% of population") == "72,7\u00a0%"
        assert formatting.value(2_217_833_000, "people") == "2,22 milliards people"
        assert formatting.value(1234.4, "") == "1\u202f234"
        assert formatting.value(None, "%") == "pas de données"
        assert formatting.count(6224) == "6\u202f224"
    with app.server.test_request_context("/zh/explore"):
        assert formatting.people(2_217_833_000).startswith("22.18")  # CLDR's scale: 亿 (10⁸)
    with app.server.test_request_context("/ar"):
        assert formatting.value(72.7, "%") == "72.7%"  # Latin digits, the locale's percent pattern


def test_dates_follow_the_locale_and_english_keeps_iso_8601() -> None:
    """CLDR's long format in running text, medium in tables; English as the sources' ids and the files write a day."""
    day = pd.Timestamp("2026-02-24 10:11:12")  # a timestamp (the build's time) is read as its day
    assert formatting.date(day) == formatting.date("2026-02-24", "medium") == "2026-02-24"
    assert formatting.date(None) == formatting.date(pd.NaT) == formatting.date(float("nan")) == ""
    cases = {"fr": ("24 février 2026", "24 févr. 2026"), "es": ("24 de febrero de 2026", "24 feb 2026"),
             "ar": ("24 فبراير 2026", "24\u200f/02\u200f/2026"), "zh": ("2026年2月24日", "2026年2月24日"),
             "ru": ("24 февраля 2026\u202fг.", "24 февр. 2026\u202fг.")}
    for code, (long, medium) in cases.items():
        with app.server.test_request_context(f"/{code}/about"):
            assert (formatting.date(day), formatting.date(day, "medium")) == (long, medium), code
            assert formatting.date(None) == ""


def test_the_pages_write_a_sources_release_date_in_the_locale(warm_app) -> None:
    """The About page's sources table (medium) and the Data page's sources (long, in running text) write the release
    date of World Development Indicators as the locale writes a date; English keeps it as its id has it."""
    vintage = data.query("SELECT vintage FROM source WHERE source_id LIKE 'wdi:%' ORDER BY vintage DESC LIMIT 1")
    day = pd.Timestamp(vintage["vintage"].iloc[0]).date()
    for page, width, release in (("/about", "medium", "{date}"), ("/data?indicator=internet_use", "long",
                                                                  "release of {date}")):
        assert release.format(date=day.isoformat()) in json.dumps(layout(page), ensure_ascii=False)
        for locale in i18n.TRANSLATED:
            text = json.dumps(layout(prefixed(locale, page)), ensure_ascii=False)
            written = i18n.translations(locale.code).gettext(release).format(
                date=format_date(day, format=width, locale=locale.code))
            assert written in text and day.isoformat() not in text.replace(f":{day.isoformat()}", ""), (page, locale)


def test_graphs_get_plotlys_locale_from_the_layouts_referer_and_it_is_served(warm_app) -> None:
    with app.server.test_request_context("/_dash-layout", headers={"Referer": SITE + "/zh/explore"}):
        assert components.graph_config()["locale"] == "zh-CN"
    with app.server.test_request_context("/_dash-layout", headers={"Referer": SITE + "/explore"}):
        assert "locale" not in components.graph_config()
    served = client()
    for locale in i18n.TRANSLATED:
        script = served.get(f"/plotly-locale/{locale.code}.js")
        assert script.status_code == 200 and script.mimetype == "application/javascript"
        assert re.search(rf"name:\s*'{locale.plotly}'", script.text) and "PlotlyLocales" in script.text
    for wrong in ("en.js", "xx.js", "fr.json", "fr"):
        assert served.get(f"/plotly-locale/{wrong}").status_code == 404


def test_callback_answers_are_kept_per_locale(warm_app) -> None:
    posted = json.dumps({"output": "x.children"})
    keys = set()
    for referrer in ("/explore", "/fr/explore", "/ar/explore"):
        with app.server.test_request_context(UPDATE, method="POST", data=posted, content_type="application/json",
                                             headers={"Referer": SITE + referrer}):
            keys.add(response_cache.describe(request, lambda: None, frozenset()).parts)
    assert len(keys) == 3


def _first_number(text: str, english: bool) -> float:
    """The first number written in `text`, in English ("1,234.5") or in a CLDR locale ("1 234,5", "0,427")."""
    found = re.search(r"\d[\d,.\u202f\u00a0 ]*\d|\d", text)
    assert found, text
    written = re.sub(r"[\u202f\u00a0 ]", "", found.group())
    return float(written.replace(",", "") if english else written.replace(",", "."))


def test_a_badge_gives_the_same_number_in_every_language(warm_app) -> None:
    """A translated badge is written from the value the English badge rests on, to the same decimals: a parity ratio
    "0.427" in English must not become "0,43" in French (a reader would find the two pages disagree)."""
    from dashboard import data, localized
    rows = data.query("SELECT p.status, p.status_text, p.status_value, p.status_year, i.unit "
                      "FROM target_progress p JOIN target t USING (target_id) JOIN indicator i USING (indicator_id) "
                      "WHERE p.status_value IS NOT NULL AND p.status_text LIKE '%: %'")
    assert len(rows) > 100 and set(rows["unit"]) >= {"ratio"}
    for code in ("fr", "ar", "ru"):
        with app.server.test_request_context(i18n.href("/targets", i18n.BY_CODE[code])):
            for row in rows.itertuples():
                badge = localized.badge(row.status, row.status_text, row.status_value, row.status_year, row.unit)
                if not re.match(r"[^:(]*: \d", row.status_text):  # "insufficient data (latest: 2020)": no value
                    continue
                english = row.status_text.split(": ", 1)[1]
                assert _first_number(badge.split(":", 1)[1], english=False) == _first_number(english, english=True), \
                    (code, row.status_text, badge)


def test_a_translated_page_leaves_the_cached_frames_in_english(warm_app) -> None:
    """The country page once renamed the query cache's own frame of economies in place: after one Chinese page,
    the English Data page offered Chinese names (found by the fuzz test's requests, then an English page)."""
    from dashboard.queries import common
    before = common.countries().copy()
    for locale in i18n.TRANSLATED:
        answer = app.server.test_client().get(
            "/_dash-layout", headers={"Referer": f"{SITE}{i18n.href('/country/KEN', locale)}?frames=1"})
        assert answer.status_code == 200
    pd.testing.assert_frame_equal(common.countries(), before)
