"""dashboard/formatting.py: numbers to the precision they have, units and proper names in their case."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import formatting as fmt


@pytest.mark.parametrize(("value", "expected"), [
    (508_647_353.5, "508.6 million"), (2_217_833_000.0, "2.22 billion"), (45_312.0, "45,000"), (612.4, "612"),
    (0.0, "0"), (0.4, "0")])
def test_people_to_thousands_millions_or_billions(value: float, expected: str) -> None:
    assert fmt.people(value) == expected


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (508_647_353.5, "people", "508.6 million people"),
    (0.0, "people", "0 people"),
    (72.6789, "% of population", "72.7 %"),
    (1.3849, "% of monthly GNI per capita", "1.38 % of GNI p.c."),
    (1.96, "% of monthly GNI per capita", "1.96 % of GNI p.c."),  # not "2.0 %" beside a 2 % target it meets
    (0.848, "ratio", "0.85"),
    (0.8049, "index (0–1)", "0.80"),
    (3.25, "percentage points", "3.2 points"),
    (45.0, "score (0–100)", "45.0 score (0–100)"),
    (12_345_678_901.0, "current US$", "12.35 billion current US$"),
    (2.345, "PPP$ (current international $)", "2.35 PPP$ (current international $)"),
    (None, "%", "no data"), (float("nan"), "ratio", "no data"), (pd.NA, "people", "no data"),
])
def test_value_with_its_unit(value, unit: str, expected: str) -> None:
    assert fmt.value(value, unit) == expected


def test_no_people_with_a_decimal_and_no_lower_cased_unit() -> None:
    for number in (0.0, 0.3, 999.5, 12_345.6, 508_647_353.5):
        assert ".0 people" not in fmt.value(number, "people")
    assert fmt.value(2.0, "kg per inhabitant") == "2.00 kg per inhabitant"
    assert fmt.value(1.5, "PPP$ (current international $)").endswith("PPP$ (current international $)")


def test_digits_and_hover_formats_follow_the_unit() -> None:
    assert [fmt.digits(unit) for unit in ("ratio", "index (0–1)", "people", "% of population", "kt")] == [2, 2, 0, 1, 1]
    assert fmt.hover_format("ratio") == ",.2f"


@pytest.mark.parametrize(("name", "expected"), [
    ("Price of 1 GB of mobile data, share of monthly income (A4AI)",
     "price of 1 GB of mobile data, share of monthly income (A4AI)"),
    ("Individuals using the Internet", "individuals using the Internet"),
    ("Internet use", "Internet use"),
    ("ICT skills: writing a computer program", "ICT skills: writing a computer program"),
    ("GNI per capita, Atlas method", "GNI per capita, Atlas method"),
    ("E-Government Development Index (EGDI)", "E-Government Development Index (EGDI)"),
    ("Mobile Connectivity Index (GSMA)", "Mobile Connectivity Index (GSMA)"),
    ("Global Cybersecurity Index 2024, overall score", "Global Cybersecurity Index 2024, overall score"),
    ("E-waste generated", "e-waste generated"), ("", ""),
])
def test_names_in_a_sentence_keep_acronyms_and_proper_names(name: str, expected: str) -> None:
    assert fmt.in_sentence(name) == expected


@pytest.mark.parametrize(("status", "expected"), [
    ("Estimated", "estimate"), ("E", "estimate"), ("Break", "break in series"), ("A", ""), (None, ""),
    (float("nan"), ""), ("", ""), ("derived", "derived"), ("Q", "Q")])
def test_flags_in_words(status, expected: str) -> None:
    assert fmt.flag(status) == expected


@pytest.mark.parametrize(("difference", "unit", "expected"), [
    (71.2 - 67.6, "% of population", "+3.6 points"),  # a share's revision is in percentage points
    (-0.4, "% of population", "−0.4 points"),
    (0.02, "% of population", "0.0 points"),  # rounds to zero: no sign
    (-0.25, "ratio", "−0.25"),
    (1_234_567.0, "people", "+1.2 million people"),
    (None, "%", "no data"),
])
def test_changes_are_signed_in_the_unit_of_a_difference(difference, unit: str, expected: str) -> None:
    assert fmt.change(difference, unit) == expected


@pytest.mark.parametrize(("value", "expected"), [(6224, "6,224"), (0, "0"), (217.0, "217"), (None, "no data")])
def test_counts_are_whole_numbers(value, expected: str) -> None:
    assert fmt.count(value) == expected
