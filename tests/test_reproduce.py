"""`python -m lstm_utils reproduce --smoke` runs every step and builds the report from its own results."""

import os
import subprocess
import sys

import pytest

from lstm_utils import config

pytestmark = pytest.mark.slow

# Read before the isolated environment of conftest.py hides it from the tests.
DATA = os.environ.get(config.DATA_ENV_VAR)


@pytest.mark.skipif(not DATA, reason=f"{config.DATA_ENV_VAR} is not set: notebooks 01-04 read IMDB")
def test_the_smoke_reproduction_runs_every_step_and_typesets_the_report():
    environment = {**os.environ, config.DATA_ENV_VAR: DATA}
    finished = subprocess.run(
        [sys.executable, "-m", "lstm_utils", "reproduce", "--smoke"],
        capture_output=True, text=True, env=environment, timeout=1800, check=False,
    )
    assert finished.returncode == 0, (finished.stdout[-3000:], finished.stderr[-3000:])
    summary = finished.stdout[finished.stdout.rindex("\n\n"):]
    notebooks = sorted(p.name for p in (config.REPOSITORY_ROOT / "notebooks").glob("*.ipynb"))
    for step in [*(f"notebook {n}" for n in notebooks), "benchmark cost_growth.py", "report (fill)", "report (PDF)"]:
        assert f"min  {step}" in summary
    assert "min  in all" in summary

    report = config.output_root() / "report" / "report.md"
    text = report.read_text()
    assert "{{" not in text and "# References" in text
    pdf = report.with_suffix(".pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 100_000  # Text, tables and six figures.
