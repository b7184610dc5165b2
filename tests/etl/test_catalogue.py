"""The YAML catalogue is consistent, and a broken one is refused with the reason."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from indicators import CATALOGUE_DIR, CatalogueError, load_catalogue, load_targets

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


def test_a_theme_no_indicator_evidences_needs_its_missing_note(catalogue_copy: Path) -> None:
    """The "no open indicator" text of a theme is data (themes.yaml `missing`), never a bare gap."""
    themes = load_catalogue(catalogue_copy).themes
    assert themes["ai"].missing and themes["follow_up"].missing
    path = catalogue_copy / "themes.yaml"
    text = path.read_text()
    start = text.index("- id: ai")
    block = text[start:text.index("- id: capacity_building")]
    path.write_text(text.replace(block, block[:block.index("  missing:")]))
    with pytest.raises(CatalogueError, match="theme ai: no indicator evidences it"):
        load_catalogue(catalogue_copy)


def test_themes_evidenced_by_the_mappings_of_issue_16() -> None:
    """Mapping choices, not data gaps: each named theme is evidenced by the indicators that measure it."""
    indicators = load_catalogue().indicators
    expected = {
        "vision": {"internet_use"},
        "social_cultural": {"egov_online_services", "ict_skills_communication_basic"},
        "internet_governance": {"egov_e_participation", "ixp_count"},
        "data_governance": {"secure_internet_servers", "cybersecurity_legal_2024", "cybersecurity_legal_2020"},
        "financing": {"ict_ppp_investment", "telecom_ppi_investment"},
        "enabling_environment": {"ixp_count", "ixp_median_participants"},
    }
    for theme, ids in expected.items():
        assert all(theme in indicators[i].themes for i in ids), theme
    evidenced = {theme for ind in indicators.values() for theme in ind.themes}
    assert DESIGN_THEMES - evidenced == {"ai", "follow_up"}


def test_sources_without_a_licence_are_restricted_or_not_loaded() -> None:
    """PCH's IXP counts (no licence stated) are loaded but flagged like GSMA's; UNCTAD's Cyberlaw Tracker (no data
    licence) is on record only: no indicator may use it."""
    catalogue = load_catalogue()
    sources = catalogue.sources
    assert sources["gsma_mci"].restricted and sources["wb_data360_pch"].restricted
    assert not sources["wdi"].restricted and not sources["itu_datahub"].restricted
    assert sources["unctad_cyberlaw"].not_loaded and "licence" in sources["unctad_cyberlaw"].not_loaded
    assert not [i for i in catalogue.indicators.values() if i.source.source_key == "unctad_cyberlaw"]


def test_an_indicator_of_a_not_loaded_source_is_refused(catalogue_copy: Path) -> None:
    path = catalogue_copy / "catalogue" / "pch.yaml"
    path.write_text(path.read_text().replace("source: wb_data360_pch", "source: unctad_cyberlaw", 1))
    with pytest.raises(CatalogueError, match="is not loaded"):
        load_catalogue(catalogue_copy)


POA_URL = "https://www.itu.int/net/wsis/docs/geneva/official/poa.html"


def test_the_wsis_2015_targets_quote_the_plan_of_action() -> None:
    """Ten targets of ¶6 (the last one measured by two proxies), all due 2015, each quoted, with its source link;
    a target no open indicator measures names what would."""
    wsis = [t for t in load_targets() if t["framework"] == "WSIS Geneva Plan of Action 2015"]
    wordings = {" ".join(t["wording"].split()) for t in wsis}
    assert len(wordings) == 10 and len(wsis) == 11
    assert all(t["deadline_year"] == 2015 and t["source_url"] == POA_URL for t in wsis)
    assert all(w.startswith("to ") for w in wordings)
    assert "to ensure that more than half the world's inhabitants have access to ICTs within their reach" in wordings
    measured = {t["id"]: t["indicator"] for t in wsis if t["indicator"]}
    assert measured == {"wsis_f_government_2015": "egov_online_services",
                        "wsis_j_access_coverage_2015": "coverage_3g", "wsis_j_access_use_2015": "internet_use"}
    assert all("proxy" in t["note"] for t in wsis if t["indicator"])  # honest about a partial measure
    assert all("Would be measured by" in t["note"] for t in wsis if not t["indicator"])


def test_a_target_without_indicator_or_note_is_refused(catalogue_copy: Path) -> None:
    path = catalogue_copy / "targets.yaml"
    text = path.read_text()
    start = text.index("- id: wsis_c_research_2015")
    block = text[start:text.index("- id: wsis_d_libraries_posts_2015")]
    path.write_text(text.replace(block, block[:block.index("  note:")] + block[block.index("  source_url:"):]))
    with pytest.raises(CatalogueError, match="wsis_c_research_2015: no indicator, so it needs a note"):
        load_targets(catalogue_copy)
