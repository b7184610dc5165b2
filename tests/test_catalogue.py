"""The YAML catalogue is consistent, and a broken one is refused with the reason."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from indicators import CATALOGUE_DIR, CatalogueError, load_catalogue

DESIGN_THEMES = {"vision", "ict4d", "digital_economy", "social_cultural", "environment", "digital_divides",
                 "enabling_environment", "financing", "human_rights", "security", "internet_governance",
                 "data_governance", "ai", "capacity_building", "monitoring", "follow_up"}


def test_project_catalogue_loads() -> None:
    catalogue = load_catalogue()
    assert set(catalogue.themes) == DESIGN_THEMES
    wdi = catalogue.by_source_code("wdi")
    assert {"IT.NET.USER.ZS", "SP.POP.TOTL", "NY.GNP.PCAP.CD", "SP.URB.TOTL.IN.ZS"} <= set(wdi)
    assert wdi["IT.NET.USER.ZS"].unit.max == 100
    for indicator in catalogue.indicators.values():
        assert indicator.indicator_id.isidentifier() and indicator.indicator_id.islower()


def test_every_indicator_has_a_usual_coverage() -> None:
    """etl/validate.py's coverage check never skips a series: every indicator the build validates has one.
    The derived measures (source ddi_derived) are computed after validation, from validated inputs."""
    for indicator in load_catalogue().indicators.values():
        if indicator.source.source_key == "ddi_derived":
            assert indicator.usual_economies is None, indicator.indicator_id
        else:
            assert isinstance(indicator.usual_economies, int) and indicator.usual_economies >= 0, \
                indicator.indicator_id


def test_theme_paragraphs_are_contiguous() -> None:
    themes = sorted(load_catalogue().themes.values(), key=lambda t: t.first_paragraph)
    assert themes[0].first_paragraph == 1
    for before, after in itertools.pairwise(themes):
        assert after.first_paragraph == before.last_paragraph + 1


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    shutil.copytree(CATALOGUE_DIR, tmp_path / "indicators", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return tmp_path / "indicators"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("unit: percent_population", "unit: percent_of_nothing", "unknown unit"),
    ("source: wdi", "source: nowhere", "unknown source"),
    ("themes: [digital_economy]", "themes: [astrology]", "unknown themes"),
    ("- id: population", "- id: internet_use", "duplicate id"),
])
def test_broken_catalogue_is_refused(catalogue_copy: Path, old: str, new: str, message: str) -> None:
    path = catalogue_copy / "catalogue" / "worldbank.yaml"
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(catalogue_copy)
