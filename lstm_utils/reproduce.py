"""Everything the repository reports, from one command: notebooks, benchmarks, then the report.

`python -m lstm_utils reproduce` runs, in order and headless, every notebook, every benchmark
script and the report build (`report/fill_report.py`, then `report/build_pdf.py`), and prints
the time each step took. With `--smoke` (`LSTM_TUTORIAL_SMOKE=1`) the same steps run on tiny
settings and write only under `build/smoke/`, the report included. Needs a clone of the
repository (the benchmarks and the report are not part of the installed package) and the
report's tools (`pip install -r requirements-report.txt`).
"""

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

from . import config
from .errors import LstmTutorialError
from .notebooks import run_notebooks
from .render import render_notebooks

FULL_BENCHMARKS = [
    ["imdb_load_time.py"],
    ["generate_derivatives.py"],
    ["derive_speed.py"],
    ["cost_growth.py"],
    ["imdb_levers.py"],
    ["derivative_levers.py"],
    ["derivative_recipe.py"],
    ["training_speed.py"],
]
# In smoke mode: the benchmarks that have a smoke setting, and the configurations the report compares.
SMOKE_BENCHMARKS = [
    ["cost_growth.py"],
    ["imdb_levers.py"],
    ["derivative_recipe.py"],
    ["training_speed.py", "--only", "published_a", "ours_imdb", "ours_imdb_maxlen_200"],
]


def report_paths() -> tuple[Path, Path]:
    """Where the filled report and its PDF go: `report/` in full mode, beside the smoke figures otherwise.

    The template links figures as `../figures/`, so the report sits one folder below the
    output root that holds `figures/`.
    """
    folder = config.figures_dir().parent / "report"
    return folder / "report.md", folder / "report.pdf"


def reproduce() -> dict[str, float]:
    """Run every step; returns seconds per step, in order. Raises on the first step that fails."""
    root = config.REPOSITORY_ROOT
    missing = [name for name in ("benchmarks", "report") if not (root / name).is_dir()]
    if missing:
        raise LstmTutorialError(f"reproduce needs a clone of the repository; {', '.join(missing)}/ not found in {root}")
    absent = [module for module in ("pypandoc", "typst") if importlib.util.find_spec(module) is None]
    if absent:
        raise LstmTutorialError(
            f"the report build needs {' and '.join(absent)}: pip install -r requirements-report.txt"
        )
    seconds = {}
    for name, elapsed in run_notebooks().items():
        seconds[f"notebook {name}"] = elapsed
    if not config.is_smoke_mode():
        started = time.perf_counter()
        render_notebooks()
        seconds["notebook pages (docs/notebooks/)"] = time.perf_counter() - started
    benchmarks = SMOKE_BENCHMARKS if config.is_smoke_mode() else FULL_BENCHMARKS
    for script, *arguments in benchmarks:
        seconds[f"benchmark {script}"] = _run(root / "benchmarks" / script, *arguments)
    report, pdf = report_paths()
    seconds["report (fill)"] = _run(
        root / "report" / "fill_report.py", "--results", str(config.results_dir()), "--out", str(report)
    )
    seconds["report (PDF)"] = _run(root / "report" / "build_pdf.py", str(report), str(pdf))
    return seconds


def _run(script: Path, *arguments: str) -> float:
    print(f"{script.relative_to(config.REPOSITORY_ROOT)} {' '.join(arguments)}".rstrip(), flush=True)
    started = time.perf_counter()
    finished = subprocess.run([sys.executable, str(script), *arguments], check=False)
    if finished.returncode != 0:
        raise LstmTutorialError(f"{script.name} failed with exit code {finished.returncode}; see its messages above")
    return time.perf_counter() - started
