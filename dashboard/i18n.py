"""The six UN languages: which one a request is in, its interface strings, and links that stay in it.

A locale is part of the address: /fr/explore?… is the Explore page in French, /explore stays English, so a shared
link opens in the sender's language. Which locale a request is in:

- a page's index (GET /fr/explore): the first segment of its path;
- Dash's layout and callback requests (dashboard/dash_boundary.py names their URLs), which are sent to the same URL
  from every page: the first segment of the path in their Referer, the page's full address (app.py sends
  `Referrer-Policy: same-origin`; dashboard/prerender.py builds the page from the same header);
- the files a page links to (the Data page's /download/…, the same URL from every language): the Referer's too, so
  that a refusal is read in the language of the person who clicked (English when there is none, as from curl).

Interface strings go through `gettext` / `ngettext`, read from locale/<code>/LC_MESSAGES/messages.po (made and
updated by `make messages`; docs/i18n.md says how a string is added). The .po files are read once per process,
when first used, instead of compiling .mo files in the Makefile: reading five small catalogues takes a few
milliseconds, and with no compiled file there is nothing to forget to rebuild, nothing binary in the repository,
and no build step between editing a translation and seeing it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, has_request_context, request

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
DOMAIN = "messages"


@dataclass(frozen=True)
class Locale:
    code: str  # the address prefix, <html lang> and the catalogue's folder
    name: str  # the language's own name, for the switcher
    direction: str  # "ltr" or "rtl": <html dir>
    plotly: str  # the name of plotly.js's locale (dcc.Graph's config); its file in plotly.js-locales is lower case


# In the UN's order (English, then the others alphabetically by their English names, as the UN lists them).
LOCALES = (
    Locale("en", "English", "ltr", "en"),
    Locale("fr", "Français", "ltr", "fr"),
    Locale("es", "Español", "ltr", "es"),
    Locale("ar", "العربية", "rtl", "ar"),
    Locale("zh", "中文", "ltr", "zh-CN"),
    Locale("ru", "Русский", "ltr", "ru"),
)
BY_CODE = {locale.code: locale for locale in LOCALES}
DEFAULT = BY_CODE["en"]  # unprefixed addresses; the language the code's strings are written in
TRANSLATED = tuple(locale for locale in LOCALES if locale is not DEFAULT)


def split_path(path: str) -> tuple[Locale, str]:
    """(the locale, the page's own path) of an address path: "/fr/explore" → (fr, "/explore"), "/fr" → (fr, "/"),
    "/explore" → (en, "/explore"). An unknown prefix ("/xx/explore") is no locale: the path stays as it is."""
    first, _, rest = path.lstrip("/").partition("/")
    locale = BY_CODE.get(first)
    if locale is None or locale is DEFAULT:  # /en/… is not an address of ours: English has no prefix
        return DEFAULT, path
    return locale, "/" + rest


def strip(path: str) -> str:
    """The page's own path, without its locale prefix ("/fr/explore" → "/explore")."""
    return split_path(path)[1]


def _dash_request(path: str) -> bool:
    # Dash's layout and callback URLs (dashboard/dash_boundary.py names them; imported lazily to keep this module
    # free of Dash, so etl/ and tests can use it alone).
    from dashboard import dash_boundary
    return dash_boundary.is_layout_request(path) or dash_boundary.is_callback_request(path)


# The request's locale, set as each request starts (`register`): every number formatted asks for it, and finding it
# each time (the Referer, through Flask's proxies) made formatting a value 2-9 times slower.
_REQUEST_LOCALE: ContextVar[Locale | None] = ContextVar("ddi_request_locale", default=None)


def register(server: Flask) -> None:
    """Find each request's locale once, as it starts; forget it as it ends."""

    @server.before_request
    def remember_locale() -> None:
        _REQUEST_LOCALE.set(_request_locale())

    @server.teardown_request
    def forget_locale(_error: BaseException | None) -> None:
        _REQUEST_LOCALE.set(None)


def current() -> Locale:
    """The current request's locale (see the module's docstring); English outside a request."""
    found = _REQUEST_LOCALE.get()
    if found is not None:
        return found
    return _request_locale() if has_request_context() else DEFAULT  # a request the app did not start (tests)


def _request_locale() -> Locale:
    return locale_of(request.path, request.referrer)


REFERRER_LOCALE_PATHS = ("/download/",)  # besides Dash's requests: paths whose locale is their Referer's


def locale_of(path: str, referrer: str | None) -> Locale:
    """The locale of a request for `path` sent from the page `referrer` (see the module's docstring); also used
    before Flask sees the request (dashboard/response_cache.py answers kept answers there)."""
    if _dash_request(path) or path.startswith(REFERRER_LOCALE_PATHS):
        try:
            path = urlsplit(referrer or "").path
        except ValueError:  # an unparseable Referer: like none at all
            return DEFAULT
    return split_path(path)[0]


def href(path: str, locale: Locale | None = None) -> str:
    """An internal link's address in `locale` (the current request's by default): "/explore?x=1" → "/fr/explore?x=1"
    in French, unchanged in English."""
    locale = locale or current()
    if locale is DEFAULT:
        return path
    return f"/{locale.code}" + ("" if path == "/" else path) if path.startswith("/") else path


def switch(path: str, query: str, locale: Locale) -> str:
    """The address of the same page and view (`path` with its `query`, as the browser shows them) in `locale`."""
    own = strip(path or "/")
    return href(own, locale) + (f"?{query.lstrip('?')}" if query and query != "?" else "")


@cache
def translations(code: str) -> NullTranslations:
    """The catalogue of `code`, read from its .po (English: none, msgids are the English text). A msgid whose
    msgstr is empty falls back to English (gettext's rule); tests/dashboard/test_i18n.py forbids any."""
    if code == DEFAULT.code:
        return NullTranslations()
    po_path = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=code, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # in memory: leaves out fuzzy and untranslated messages, as msgfmt does
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def N_(message: str) -> str:
    """Marks a string for the catalogues (pybabel extracts N_) where no request exists yet (a module-level table);
    it is translated where it is shown."""
    return message


def gettext(message: str) -> str:
    """`message` (English, the msgid) in the current request's language."""
    return translations(current().code).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count` in the current request's language (Arabic and Russian have more
    than two forms: the catalogue's Plural-Forms picks one)."""
    return translations(current().code).ngettext(singular, plural, count)


_ = gettext  # the name pybabel extracts by default


def isolated(text: str) -> str:
    """`text` set apart from the sentence around it for the bidirectional algorithm (Unicode's first-strong
    isolate … pop directional isolate, as <bdi> does) in a right-to-left request: an English target label or a
    code inside an Arabic sentence keeps its own order and does not pull the Arabic words or numbers beside it
    into its run. Unchanged in a left-to-right request, where there is nothing to reorder."""
    return f"\u2068{text}\u2069" if current().direction == "rtl" else text
