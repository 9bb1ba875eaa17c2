"""Reference outputs for nbval, kept outside the notebooks so the notebooks stay stripped.

nbval compares a cell marked `# NBVAL_CHECK_OUTPUT` with the outputs stored in the notebook, and
skips the comparison for a cell that was never run. Committed notebooks hold no outputs, so the
expected text of each checked cell lives in `notebooks/expected_outputs.json` (notebook name ->
cell id -> printed text) and is put in place here, after collection, before the cells run.
"""

import json
import os
from pathlib import Path

import nbformat
import pytest

EXPECTED_OUTPUTS = Path(__file__).parent / "notebooks" / "expected_outputs.json"
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"

# The notebooks' kernels inherit this: a plain `pytest` runs them in smoke mode, never in full.
os.environ.setdefault("LSTM_TUTORIAL_SMOKE", "1")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: runs notebooks, benchmarks or training scripts (`pytest -m 'not slow'` skips them)")


def pytest_collection_modifyitems(config, items):
    expected = json.loads(EXPECTED_OUTPUTS.read_text())
    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)  # Every notebook cell under nbval.
        cell = getattr(item, "cell", None)
        if cell is None or not cell.source.lstrip().startswith(CHECK_MARKER):
            continue
        notebook = Path(str(item.fspath)).name
        text = expected.get(notebook, {}).get(cell.get("id"))
        if text is None:
            raise pytest.UsageError(
                f"{notebook} cell {cell.get('id')} is marked {CHECK_MARKER} but has no expected "
                f"output in {EXPECTED_OUTPUTS.name}."
            )
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        cell.execution_count = 1
