"""Run the tutorial notebooks headless, in order, as the main job of the repository."""

import json
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from . import config
from .errors import LstmTutorialError
from .results import hardware_info, load_results, save_results

NOTEBOOKS_DIR = config.REPOSITORY_ROOT / "notebooks"


def executed_dir() -> Path:
    """Executed copies of the notebooks, with their outputs; never committed."""
    return config.REPOSITORY_ROOT / "build" / "executed" / config.run_mode()


def run_notebooks(names: list[str] | None = None) -> dict[str, float]:
    """Execute notebooks in name order in a fresh kernel each; returns seconds per notebook.

    The mode follows `LSTM_TUTORIAL_SMOKE`, which the kernels inherit. Full-mode timings are
    recorded in `results/notebook_runtimes.json`.
    """
    paths = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    if names:
        unknown = sorted(set(names) - {p.name for p in paths})
        if unknown:
            raise LstmTutorialError(f"No such notebook in {NOTEBOOKS_DIR}: {', '.join(unknown)}")
        paths = [p for p in paths if p.name in names]
    if not config.is_smoke_mode():
        print(expected_runtimes([p.name for p in paths]), flush=True)
    executed_dir().mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    seconds = {}
    for path in paths:
        seconds[path.name] = _execute(path)
    if not config.is_smoke_mode():
        _record_runtimes(seconds)
    return seconds


def expected_runtimes(names: list[str]) -> str:
    """What the committed full-mode runs took per notebook, to print before a full run starts."""
    runtimes_file = config.REPOSITORY_ROOT / "results" / "notebook_runtimes.json"
    if not runtimes_file.is_file():
        return "No committed full-mode run times to go by (results/notebook_runtimes.json is missing)."
    recorded = json.loads(runtimes_file.read_text())
    lines = ["Expected run time of each notebook here, from the committed full-mode runs:"]
    total = 0.0
    for name in names:
        seconds = recorded["seconds"].get(name)
        if seconds is None:
            lines.append(f"  {name}: not measured yet")
            continue
        total += seconds
        processor = recorded.get("processor_by_notebook", {}).get(name, "processor not recorded")
        processor = processor.replace("(R)", "").replace(" Processor", "")
        lines.append(f"  {seconds / 60:6.1f} min  {name} ({processor}){_training_note(name)}")
    lines.append(f"  {total / 60:6.1f} min  in all (a GPU is faster; other processors differ)")
    return "\n".join(lines)


def _training_note(name: str) -> str:
    """Notebook 06 loads its committed models in full mode; say what training them instead costs."""
    derivatives_file = config.REPOSITORY_ROOT / "results" / "derivative_models.json"
    if not name.startswith("06_") or not derivatives_file.is_file():
        return ""
    models = json.loads(derivatives_file.read_text())["models"].values()
    if not all(model.get("loaded_committed") for model in models):
        return ""
    hours = sum(model["training_seconds"] for model in models) / 3600
    if config.is_training_asked():
        return f": LSTM_TUTORIAL_TRAIN=1 trains both models here, about {hours:.1f} h more"
    return f", with the committed models (LSTM_TUTORIAL_TRAIN=1 trains them: about {hours:.1f} h)"


def _execute(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    code_cells = sum(cell.cell_type == "code" for cell in notebook.cells)
    executed = 0

    def report_progress(cell, cell_index, execute_reply):
        nonlocal executed
        executed += 1
        print(f"  {path.stem}: cell {executed}/{code_cells} done", flush=True)

    client = NotebookClient(
        notebook,
        timeout=None,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_executed=report_progress,
    )
    print(f"Running {path.name} ({config.run_mode()} mode)", flush=True)
    output = executed_dir() / path.name
    started = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:
        nbformat.write(notebook, output)
        last_line = str(error).strip().splitlines()[-1]
        raise LstmTutorialError(f"{path.name} failed: {last_line} (executed copy: {output})") from None
    elapsed = time.perf_counter() - started
    nbformat.write(notebook, output)
    print(f"{path.name}: {elapsed:.1f} s, executed copy in {output}", flush=True)
    return elapsed


def _record_runtimes(seconds: dict[str, float]) -> None:
    """Merge the new timings into the recorded ones; each notebook keeps the processor it ran on."""
    recorded = load_results("notebook_runtimes") if (config.results_dir() / "notebook_runtimes.json").is_file() else {}
    runtimes = recorded.get("seconds", {})
    # Files written before processors were recorded per notebook name one for all of them.
    processors = recorded.get("processor_by_notebook") or {
        name: recorded["hardware"]["processor"] for name in runtimes
    }
    runtimes.update(seconds)
    processors.update(dict.fromkeys(seconds, hardware_info()["processor"]))
    save_results(
        "notebook_runtimes",
        {"seconds": dict(sorted(runtimes.items())), "processor_by_notebook": dict(sorted(processors.items()))},
    )
