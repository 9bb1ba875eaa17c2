"""The notebooks' full-mode runs as Markdown pages, so a reader sees every result without running anything.

The notebooks are committed without outputs. `python -m lstm_utils render-notebooks` turns the
executed copies that a full run leaves in `build/executed/full/` (`make notebooks`) into
`docs/notebooks/<name>.md`, with the printed output, tables and plots of every cell (plots as
PNG files beside the page). A copy that is not from a full-mode run is refused: a page must
never show a smoke run's numbers as the tutorial's.
"""

import re
from pathlib import Path

import nbformat

from . import config
from .errors import LstmTutorialError

# Every notebook's imports cell prints this line (`config.run_mode()`).
MODE_LINE = re.compile(r"^Mode: (full|smoke)\b", re.MULTILINE)
# What TensorFlow's C++ runtime writes to stderr as a kernel starts (absl log lines), not the notebook's output.
STARTUP_CHATTER = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IWE]\d{4} [\d:.]+\s+\d+ \S+\.cc:\d+\] .*)\n?",
    re.MULTILINE,
)


def docs_dir() -> Path:
    return config.REPOSITORY_ROOT / "docs" / "notebooks"


def run_mode_of(notebook) -> str:
    """`"full"` or `"smoke"`, as the executed notebook printed it; an error when it never ran."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            found = MODE_LINE.search(output.get("text", ""))
            if found:
                return found.group(1)
    raise LstmTutorialError("it holds no output that says its mode: was it executed?")


def without_startup_chatter(notebook):
    """The notebook with TensorFlow's start-up log lines removed from its stderr outputs."""
    for cell in notebook.cells:
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                output["text"] = STARTUP_CHATTER.sub("", output["text"])
                if not output["text"].strip():
                    continue
            kept.append(output)
        if cell.cell_type == "code":
            cell.outputs = kept
    return notebook


def render_notebook(executed: Path, out_dir: Path) -> Path:
    """Write `out_dir/<name>.md` and its images from one executed full-mode notebook."""
    from nbconvert import MarkdownExporter

    notebook = nbformat.read(executed, as_version=4)
    try:
        mode = run_mode_of(notebook)
    except LstmTutorialError as error:
        raise LstmTutorialError(f"{executed.name}: {error}") from None
    if mode != "full":
        raise LstmTutorialError(f"{executed} is from a {mode}-mode run; the pages show full-mode runs only")
    body, resources = MarkdownExporter().from_notebook_node(
        without_startup_chatter(notebook), resources={"output_files_dir": f"{executed.stem}_files"}
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in resources.get("outputs", {}).items():
        image = out_dir / name
        image.parent.mkdir(parents=True, exist_ok=True)
        image.write_bytes(data)
    page = out_dir / f"{executed.stem}.md"
    banner = (
        f"*The full-mode run of [`notebooks/{executed.name}`](../../notebooks/{executed.name}), with its outputs, "
        "written by `python -m lstm_utils render-notebooks`; open the notebook itself to run it.*\n\n"
    )
    page.write_text(banner + body)
    return page


def render_notebooks(executed_dir: Path | None = None, out_dir: Path | None = None) -> list[Path]:
    """Render every executed notebook of the repository; refuses before writing if one is missing."""
    executed_dir = executed_dir or config.REPOSITORY_ROOT / "build" / "executed" / "full"
    out_dir = out_dir or docs_dir()
    names = sorted(path.name for path in (config.REPOSITORY_ROOT / "notebooks").glob("*.ipynb"))
    missing = [name for name in names if not (executed_dir / name).is_file()]
    if missing:
        raise LstmTutorialError(
            f"no executed copy of {', '.join(missing)} in {executed_dir}: run `make notebooks` (full mode) first"
        )
    return [render_notebook(executed_dir / name, out_dir) for name in names]
