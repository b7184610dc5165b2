"""The analysis notebooks (notebooks/*.ipynb): they run against a database built from the real raw files,
print what they should, only query tables and columns that exist, and are committed with their outputs.

Each notebook is executed into a temporary copy by notebooks/run_notebooks.py (the repo's files are never
rewritten: their hashes are compared before and after). Needs nbformat, nbclient and ipykernel
(requirements-dev.txt): skipped without them on a developer machine, a failure in CI.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_ROOT, _missing

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
NOTEBOOKS = ["01_gender_gap.ipynb", "02_ldc_progress.ipynb", "03_affordability.ipynb"]
MAX_BYTES = 1_500_000
SQL_START = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)


def _load_runner():
    spec = importlib.util.spec_from_file_location("ddi_run_notebooks", NOTEBOOK_DIR / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


runner = _load_runner()


def _require_jupyter() -> None:
    missing = []
    for module in ("nbformat", "nbclient", "ipykernel"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        _missing(f"{', '.join(missing)} (pip install -r requirements-dev.txt)")


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tagged(nb, tag: str):
    cells = [c for c in nb["cells"] if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def _stream(cell) -> str:
    return "".join(o["text"] if isinstance(o["text"], str) else "".join(o["text"])
                   for o in cell["outputs"] if o["output_type"] == "stream" and o["name"] == "stdout")


def _data(cell, mime: str) -> list[str]:
    out = []
    for o in cell["outputs"]:
        value = o.get("data", {}).get(mime)
        if value is not None:
            out.append(value if isinstance(value, str) else "".join(value))
    return out


def _key_numbers(nb) -> dict:
    return json.loads(_stream(_tagged(nb, "key-numbers")))


def _queries(nb) -> list[str]:
    """Every SQL text of a notebook: string constants starting with SELECT/WITH, and ```sql blocks."""
    queries = []
    for cell in nb["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "code":
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_START.match(node.value):
                    queries.append(node.value)
        elif cell["cell_type"] == "markdown":
            queries += re.findall(r"```sql\n(.*?)```", source, flags=re.DOTALL)
    return queries


# --- the committed files (no kernel needed) ---------------------------------------------------


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_with_outputs_and_modest_size(name: str) -> None:
    path = NOTEBOOK_DIR / name
    assert path.stat().st_size < MAX_BYTES, f"{name} is {path.stat().st_size:,} bytes (limit {MAX_BYTES:,})"
    nb = _read(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{name}: not executed top to bottom in one run (execution counts {counts}): "
        "run `python notebooks/run_notebooks.py --db data/digital_divide.duckdb`")
    assert all(c["outputs"] for c in code), f"{name}: code cells without outputs"
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"{name}: error outputs committed: {[e['ename'] for e in errors]}"
    assert nb["cells"][0]["cell_type"] == "markdown" and nb["cells"][0]["source"], f"{name}: no introduction"
    assert _key_numbers(nb), f"{name}: no key numbers"
    assert _data(nb["cells"][-1], "text/markdown"), f"{name}: the last cell does not render its findings"
    figures = [c for c in code if _data(c, "application/vnd.plotly.v1+json")]
    assert figures, f"{name}: no plotly figure in the outputs"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_query_binds_against_the_schema(name: str, built_db: Path) -> None:
    """PREPARE binds each query (tables, columns, functions) without running it or needing its parameters."""
    queries = _queries(_read(NOTEBOOK_DIR / name))
    assert len(queries) >= 3, f"{name}: found only {len(queries)} queries"
    with duckdb.connect(str(built_db), read_only=True) as con:
        for number, query in enumerate(queries, start=1):
            try:
                con.execute(f"PREPARE notebook_query_{number} AS {query.strip().rstrip(';')}")
            except duckdb.Error as exc:
                pytest.fail(f"{name}, query {number} does not bind: {exc}\n{query}")


# --- executed against a database built from the real raw files ----------------------------------


@pytest.fixture(scope="module")
def executed(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Each notebook run into a temporary copy: name → executed notebook, or the error message."""
    _require_jupyter()
    scratch = tmp_path_factory.mktemp("notebooks")
    before = {name: _digest(NOTEBOOK_DIR / name) for name in NOTEBOOKS}
    results: dict[str, object] = {}
    for name in NOTEBOOKS:
        copy = scratch / name
        shutil.copyfile(NOTEBOOK_DIR / name, copy)
        try:
            results[name] = runner.execute(copy, built_db, write_to=copy).notebook
        except runner.NotebookRunError as exc:
            results[name] = str(exc)
    after = {name: _digest(NOTEBOOK_DIR / name) for name in NOTEBOOKS}
    assert before == after, "executing the notebooks rewrote the repo's files"
    return results


def _notebook(executed: dict, name: str):
    result = executed[name]
    if isinstance(result, str):
        pytest.fail(result, pytrace=False)
    return result


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_runs_without_error_and_renders_findings(executed: dict, name: str) -> None:
    nb = _notebook(executed, name)
    findings = _data(nb.cells[-1], "text/markdown")
    assert findings, f"{name}: no findings rendered"
    text = findings[0]
    assert len(text) > 200
    for bad in ("nan", "None", "{k[", "{KEY"):
        assert not re.search(rf"(?<![A-Za-z]){re.escape(bad)}(?![A-Za-z])", text), f"{name}: {bad!r} in findings"


def test_gender_gap_numbers(executed: dict) -> None:
    nb = _notebook(executed, "01_gender_gap.ipynb")
    key = _key_numbers(nb)
    assert 0.8 <= key["world_parity"] <= 1.1
    assert key["edition"].startswith("itu_key_ict:")
    assert key["first_year"] < key["latest_year"]
    assert 50 <= key["economies_with_data"] <= 217
    assert key["economies_below_parity"] + key["economies_at_parity"] + key["economies_above_parity"] \
        == key["economies_with_data"]
    assert 0 < key["population_share_covered"] <= 1
    assert f"{key['world_parity']:.3f}" in _data(nb.cells[-1], "text/markdown")[0]


def test_ldc_progress_tables(executed: dict) -> None:
    nb = _notebook(executed, "02_ldc_progress.ipynb")
    key = _key_numbers(nb)
    assert key["ldcs"] >= 30 and 1 <= key["ldcs_assessed"] <= key["ldcs"]
    assert sum(key["ldcs_by_status_2025"].values()) == key["ldcs_assessed"]
    assert 0 < key["ours_latest_value"] < 100 and 0.5 <= key["ours_population_coverage"] <= 1
    assert abs(key["ours_minus_world_bank_median"]) < 2, "our LDC aggregate drifts from the World Bank's"
    table = _data(_tagged(nb, "ldc-status-table"), "text/html")
    assert table and len(re.findall(r"<tr>", table[0])) >= 2, "the table of LDC statuses has no row"
    assert "status_umc_2030" in table[0]
    counts = _data(_tagged(nb, "ldc-status-counts"), "text/html")
    assert counts and "bbc_internet_ldc_2025" in counts[0]
    on_track = _tagged(nb, "ldc-on-track")
    assert f"{key['ldcs_met_or_on_track_2025']} LDCs met or on track" in _stream(on_track)


def test_affordability_numbers(executed: dict) -> None:
    nb = _notebook(executed, "03_affordability.ipynb")
    key = _key_numbers(nb)
    assert key["year"] >= 2021 and key["economies"] >= 150
    shares = key["share_meeting_by_income"]
    assert set(shares) == {"Low income", "Lower middle income", "Upper middle income", "High income"}
    assert all(0 <= share <= 1 for share in shares.values())
    assert shares["Low income"] < shares["High income"]
    assert key["loglog_slope"] < 0
    assert 0 <= key["affordability_share_world"] <= 1
    latest = _data(_tagged(nb, "affordability-latest"), "text/html")
    assert latest and "Low income" in latest[0]


# --- the command line -----------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(NOTEBOOK_DIR / "run_notebooks.py"), *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)


def test_cli_check_leaves_the_notebook_as_it_was(built_db: Path) -> None:
    _require_jupyter()
    path = NOTEBOOK_DIR / "03_affordability.ipynb"
    before = _digest(path)
    result = _cli("--check", "--db", str(built_db), str(path))
    assert result.returncode == 0, result.stderr
    assert "03_affordability.ipynb" in result.stdout and "check" in result.stdout
    assert _digest(path) == before


def test_cli_names_the_failing_notebook_and_cell(built_db: Path, tmp_path: Path) -> None:
    _require_jupyter()
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell("# broken"), new_code_cell("import os\nprint(os.environ['DDI_DB'])"),
                             new_code_cell("x = 1\nraise ValueError('no such indicator')")])
    path = tmp_path / "99_broken.ipynb"
    nbformat.write(nb, str(path))
    before = _digest(path)
    result = _cli("--db", str(built_db), str(path))
    assert result.returncode == 1
    assert "99_broken.ipynb, cell 3 of 3 (code cell 2" in result.stderr, result.stderr
    assert "ValueError: no such indicator" in result.stderr
    assert "'x = 1'" in result.stderr
    assert _digest(path) == before, "a failed run must not rewrite the notebook"


def test_cli_missing_database(tmp_path: Path) -> None:
    result = _cli("--check", "--db", str(tmp_path / "nowhere.duckdb"))
    assert result.returncode == 1
    assert "database not found" in result.stderr and "nowhere.duckdb" in result.stderr
