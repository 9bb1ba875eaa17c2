"""The notebooks' full-mode runs rendered as pages: full runs only, outputs and plots included."""

import base64
import subprocess
import sys

import nbformat
import pytest

from lstm_utils import config
from lstm_utils.errors import LstmTutorialError
from lstm_utils.render import render_notebook, render_notebooks, without_startup_chatter

PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)).decode()


def executed(path, mode):
    notebook = nbformat.v4.new_notebook()
    setup = nbformat.v4.new_code_cell("print(mode)")
    setup.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"Mode: {mode} (LSTM_TUTORIAL_SMOKE=1 selects ...)\n")]
    plot = nbformat.v4.new_code_cell("plot()")
    plot.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"})]
    notebook.cells = [nbformat.v4.new_markdown_cell("# A title"), setup, plot]
    nbformat.write(notebook, path)
    return path


def test_a_full_run_becomes_a_page_with_its_outputs_and_plots(tmp_path):
    page = render_notebook(executed(tmp_path / "01_example.ipynb", "full"), tmp_path / "docs")
    text = page.read_text()
    assert text.startswith("*The full-mode run of [`notebooks/01_example.ipynb`]")
    assert "# A title" in text and "Mode: full" in text
    images = list((tmp_path / "docs" / "01_example_files").glob("*.png"))
    assert len(images) == 1 and f"01_example_files/{images[0].name}" in text


def test_tensorflow_start_up_lines_are_left_out_and_real_warnings_kept():
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import tensorflow")
    chatter = (
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        "I0000 00:00:1796645627.185464    3968 port.cc:153] oneDNN custom operations are on.\n"
    )
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text=chatter),
        nbformat.v4.new_output("stream", name="stderr", text=chatter + "UserWarning: the mask is ignored\n"),
        nbformat.v4.new_output("stream", name="stdout", text="Mode: full\n"),
    ]
    notebook.cells = [cell]
    outputs = without_startup_chatter(notebook).cells[0].outputs
    assert [output["text"] for output in outputs] == ["UserWarning: the mask is ignored\n", "Mode: full\n"]


def test_a_smoke_run_or_an_unexecuted_notebook_is_refused(tmp_path):
    with pytest.raises(LstmTutorialError, match="smoke-mode run"):
        render_notebook(executed(tmp_path / "02_example.ipynb", "smoke"), tmp_path / "docs")
    blank = tmp_path / "03_blank.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), blank)
    with pytest.raises(LstmTutorialError, match="was it executed"):
        render_notebook(blank, tmp_path / "docs")
    assert not (tmp_path / "docs").exists()


def test_every_notebook_needs_its_executed_copy(tmp_path):
    with pytest.raises(LstmTutorialError, match="run `make notebooks`"):
        render_notebooks(tmp_path, tmp_path / "docs")
    finished = subprocess.run(
        [sys.executable, "-m", "lstm_utils", "render-notebooks", "--executed", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert finished.returncode == 1 and finished.stderr.startswith("error: no executed copy of 01_")


def test_the_committed_pages_are_full_mode_runs_of_the_committed_notebooks():
    pages = sorted((config.REPOSITORY_ROOT / "docs" / "notebooks").glob("*.md"))
    notebooks = {path.stem for path in (config.REPOSITORY_ROOT / "notebooks").glob("*.ipynb")}
    for page in pages:
        assert page.stem in notebooks, f"{page.name} renders no committed notebook"
        text = page.read_text()
        assert "Mode: full" in text and "Mode: smoke" not in text, page.name
