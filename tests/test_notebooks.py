"""Static checks of the committed notebooks and the README's links to them."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lstm_utils import config

NOTEBOOKS_DIR = config.REPOSITORY_ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
BADGE_URL = re.compile(r"https://colab\.research\.google\.com/github/[^\s)\"']+")
EXPECTED_OUTPUTS = json.loads((NOTEBOOKS_DIR / "expected_outputs.json").read_text())


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:2] == ["01_imdb_data.ipynb", "02_simple_rnn_vs_lstm.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_holds_no_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {cell.id} has outputs: strip them"
            assert cell.execution_count is None, f"cell {cell.id} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_one_title_and_a_badge_to_itself(path):
    notebook = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert len(re.findall(r"^# ", markdown, flags=re.MULTILINE)) == 1
    assert notebook.cells[0].source.startswith("# ")
    assert BADGE_URL.findall(notebook.cells[0].source) == [config.colab_url(path.name)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_installs_this_repository_on_colab(path):
    setup = setup_cell(path)
    assert f"git+https://github.com/{config.GITHUB_REPOSITORY}" in setup


def setup_cell(path):
    notebook = nbformat.read(path, as_version=4)
    return next(c.source for c in notebook.cells if "google.colab" in c.source)


@pytest.mark.parametrize("start_in", ["notebooks", ".", "lstm_utils"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_finds_the_package_of_a_clone_without_it_installed(path, start_in):
    # `python -S` skips site-packages, so the editable install of lstm_utils is out of sight.
    probe = setup_cell(path) + "\nimport lstm_utils\nprint(lstm_utils.__file__)"
    result = subprocess.run(
        [sys.executable, "-S", "-c", probe], cwd=config.REPOSITORY_ROOT / start_in,
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == config.REPOSITORY_ROOT / "lstm_utils" / "__init__.py"


def test_setup_cell_outside_a_clone_says_how_to_install(tmp_path):
    result = subprocess.run(
        [sys.executable, "-S", "-c", setup_cell(NOTEBOOKS[0])], cwd=tmp_path,
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 1 and "pip install -e ." in result.stderr.strip().splitlines()[-1]


def test_readme_lists_every_notebook_with_its_own_badge():
    readme = (config.REPOSITORY_ROOT / "README.md").read_text()
    badges = BADGE_URL.findall(readme)
    assert sorted(badges) == sorted(config.colab_url(p.name) for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_checked_cells_have_expected_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    checked = {c.id for c in notebook.cells if c.source.startswith("# NBVAL_CHECK_OUTPUT")}
    assert checked == set(EXPECTED_OUTPUTS.get(path.name, {}))
