"""How much of the catalogue is translated: what is missing, and counts per locale (ours vs official).

`python -m indicators.translation_report` prints the table docs/i18n-data.md holds; `--check` exits non-zero
listing every required text still missing (indicator names, unit labels, theme titles and every text of a target
are required in every locale; descriptions and theme summaries fall back to English until translated).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indicators import TRANSLATED_BY_US, TRANSLATED_LOCALES, Catalogue, catalogue

DOC = Path(__file__).resolve().parent.parent / "docs" / "i18n-data.md"
START, END = "<!-- translation-counts:start -->", "<!-- translation-counts:end -->"
# (row label, kind of entry, entries of the catalogue, field, required in every locale)
ROWS = (
    ("indicator names", "indicator", lambda cat: cat.indicators, "name", True),
    ("indicator descriptions", "indicator", lambda cat: cat.indicators, "description", False),
    ("unit labels", "unit", lambda cat: cat.units, "label", True),
    ("theme titles", "theme", lambda cat: cat.themes, "title", True),
    ("theme summaries", "theme", lambda cat: cat.themes, "summary", False),
    ("theme gap notes", "theme", lambda cat: cat.themes, "missing", False),
    # A target's texts are few and shown on every page that names it: each is required (where the English has it).
    ("target labels", "target", lambda cat: cat.targets, "label", True),
    ("target frameworks", "target", lambda cat: cat.targets, "framework", True),
    ("target wording (quoted)", "target", lambda cat: cat.targets, "wording", True),
    ("target notes", "target", lambda cat: cat.targets, "note", True),
)


def missing(cat: Catalogue) -> list[str]:
    """One line per required text without a translation: 'unit ratio: no ru label'."""
    return [f"{kind} {key}: no {locale} {field}"
            for _, kind, select, field, required in ROWS if required
            for key, entry in select(cat).items() if getattr(entry, field)
            for locale in TRANSLATED_LOCALES if entry.translated_by(field, locale) is None]


def counts(cat: Catalogue) -> dict[str, dict[str, tuple[int, int, int]]]:
    """{row label: {locale: (official, ours, total)}}; entries with no English text to translate are left out."""
    table = {}
    for label, _, select, field, _ in ROWS:
        entries = [entry for entry in select(cat).values() if getattr(entry, field)]
        table[label] = {}
        for locale in TRANSLATED_LOCALES:
            by = [entry.translated_by(field, locale) for entry in entries]
            ours = sum(1 for b in by if b == TRANSLATED_BY_US)
            official = sum(1 for b in by if b not in (None, TRANSLATED_BY_US))
            table[label][locale] = (official, ours, len(entries))
    return table


def markdown(cat: Catalogue) -> str:
    """The counts as a Markdown table: 'official + ours / total' per locale."""
    lines = ["| text | " + " | ".join(TRANSLATED_LOCALES) + " |", "|---|" + "---|" * len(TRANSLATED_LOCALES)]
    for label, by_locale in counts(cat).items():
        cells = [f"{official} + {ours} / {total}" for official, ours, total in by_locale.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def documented(doc: Path = DOC) -> str:
    """The table as docs/i18n-data.md holds it (between the markers)."""
    text = doc.read_text(encoding="utf-8")
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def write(doc: Path = DOC, cat: Catalogue | None = None) -> None:
    text = doc.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    doc.write_text(f"{head}{START}\n{markdown(cat or catalogue())}{END}{rest.split(END, 1)[1]}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 listing required texts still missing")
    parser.add_argument("--write", action="store_true", help=f"rewrite the table in {DOC.name}")
    args = parser.parse_args(argv)
    cat = catalogue()
    if args.check:
        gaps = missing(cat)
        for gap in gaps:
            print(gap, file=sys.stderr)
        if gaps:
            return 1
    if args.write:
        write(DOC, cat)
    print(markdown(cat), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
