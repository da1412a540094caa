"""Every researcher notebook in analysis/ runs top to bottom on the demo database and reads as a
document: a title, questions, interpretation, figures, the anonymity rule, and no logic of its own.

The demo database is built once (``generate(SynthConfig(seed=1))`` + ``write``) into a temporary
SQLite file with its ground truth beside it, as ``verloop demo`` does; the notebooks find it
through ``$VERLOOP_DB``.
"""

from __future__ import annotations

import ast
import os
import warnings
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
ANALYSIS = ROOT / "analysis"
NOTEBOOKS = sorted(ANALYSIS.glob("*.ipynb"))
EXPECTED = {"reliability.ipynb", "drivers.ipynb", "survival.ipynb", "exit_reasons.ipynb"}
# figures each notebook must draw (a document without its figures is not the document)
MIN_FIGURES = {"reliability.ipynb": 4, "drivers.ipynb": 5, "survival.ipynb": 5, "exit_reasons.ipynb": 7}
CELL_TIMEOUT = 300
# statements that would put logic into a notebook: it belongs in verloop/, reachable by tests
LOGIC = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.While, ast.If, ast.With,
         ast.Try, ast.Lambda, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)


def test_the_four_notebooks_exist():
    assert EXPECTED <= {p.name for p in NOTEBOOKS}
    readme = (ANALYSIS / "README.md").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert name in readme


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_a_document_without_logic(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert markdown and markdown[0].lstrip().startswith("# "), "the first cell is the title"
    assert sum(s.lstrip().startswith("## ") for s in markdown) >= 3, "sections with headings"
    assert any("Anonymity rule" in s for s in markdown), "the anonymity rule is stated"
    assert any("Limitations" in s for s in markdown)
    assert len(markdown) >= len(code) / 2, "interpretation between the cells"
    for cell in code:
        assert not cell.get("outputs"), "notebooks are stored without outputs"
        tree = ast.parse(cell.source)
        logic = [type(node).__name__ for node in ast.walk(tree) if isinstance(node, LOGIC)]
        assert not logic, f"logic in a notebook cell ({', '.join(logic)}): move it into verloop/\n{cell.source}"
        imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        for node in imports:
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            assert module.split(".")[0] in {"verloop", "IPython"}, f"notebooks call the package only: {module}"


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> dict[str, str]:
    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write, write_truth

    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'verloop.db'}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        org = generate(SynthConfig(seed=1))
    store = Store.open(url)
    try:
        write(store, org)
    finally:
        store.dispose()
    truth = write_truth(org, folder / "verloop.truth.json")
    return {"VERLOOP_DB": url, "VERLOOP_TRUTH": str(truth)}


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom_on_the_demo_database(path, demo_database, monkeypatch):
    from nbclient import NotebookClient

    for key, value in demo_database.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("VERLOOP_THREADS", os.environ.get("VERLOOP_THREADS", "1"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(ANALYSIS)}})
    client.execute()  # raises CellExecutionError with the failing cell on any error

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    stderr = [o["text"] for o in outputs if o.get("name") == "stderr"]
    assert not stderr, f"warnings printed into the document: {stderr}"
    figures = sum("image/png" in o.get("data", {}) for o in outputs)
    assert figures >= MIN_FIGURES.get(path.name, 1)
    tables = sum("text/html" in o.get("data", {}) for o in outputs)
    assert tables >= 2, "the notebook shows its numbers as tables, not only as figures"
