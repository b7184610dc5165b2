"""dashboard/language_switcher.py: the switcher written as text is the markup its components render to."""

from __future__ import annotations

import pytest

from dashboard import i18n
from dashboard.language_switcher import switcher_components, switcher_html
from dashboard.static_html import render

ADDRESSES = [("/", ""), ("/fr", ""), ("/explore", "indicator=internet_use&year=2020"),
             ("/ar/country/KEN", "?"), ("/zh/targets", "?target=x"), ("/xx/explore", "a=1"),
             ("/ru/data", 'q=<script>alert("x")</script>&b=\'&c=&amp;')]


@pytest.mark.parametrize(("path", "query"), ADDRESSES)
def test_the_text_is_what_the_components_render(path: str, query: str) -> None:
    written = switcher_html(path, query)
    assert written == render(switcher_components(path, query))
    assert "<script>" not in written and written.count("<a ") == len(i18n.LOCALES)
    current = i18n.split_path(path)[0]
    assert written.count('aria-current="true"') == 1 and f'aria-current="true" data-locale="{current.code}"' in written
