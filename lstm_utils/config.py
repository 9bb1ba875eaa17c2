"""Project-wide settings: where things live, which mode runs, and the repository's address."""

import os
from pathlib import Path

# The one place that names the GitHub repository; badges and Colab installs derive from it.
GITHUB_REPOSITORY = "lstm-tutorial/lstm-tutorial"
GITHUB_BRANCH = "main"

DATA_ENV_VAR = "LSTM_TUTORIAL_DATA"
SMOKE_ENV_VAR = "LSTM_TUTORIAL_SMOKE"
CACHE_ENV_VAR = "LSTM_TUTORIAL_CACHE"
OUTPUT_ENV_VAR = "LSTM_TUTORIAL_OUTPUT"
FRESH_ENV_VAR = "LSTM_TUTORIAL_FRESH"
TRAIN_ENV_VAR = "LSTM_TUTORIAL_TRAIN"
STRATEGY_ENV_VAR = "LSTM_TUTORIAL_STRATEGY"
CPU_DEVICES_ENV_VAR = "LSTM_TUTORIAL_CPU_DEVICES"
MIXED_PRECISION_ENV_VAR = "LSTM_TUTORIAL_MIXED_PRECISION"

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
# In a clone the package sits in the repository; installed from git (Colab) it does not, and
# outputs go to the working directory instead.
REPOSITORY_ROOT = _PACKAGE_PARENT if (_PACKAGE_PARENT / "notebooks").is_dir() else Path.cwd()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def is_smoke_mode() -> bool:
    """True when `LSTM_TUTORIAL_SMOKE` asks for the tiny, fast configuration used by CI."""
    return _flag(SMOKE_ENV_VAR)


def is_fresh_run() -> bool:
    """True when `LSTM_TUTORIAL_FRESH` asks to train from scratch, ignoring checkpoints and finished runs."""
    return _flag(FRESH_ENV_VAR)


def is_training_asked() -> bool:
    """`LSTM_TUTORIAL_TRAIN=1`: train models even where committed ones match the settings."""
    return _flag(TRAIN_ENV_VAR)


def is_mixed_precision_asked() -> bool:
    """True when `LSTM_TUTORIAL_MIXED_PRECISION` asks for float16 computation (used on GPUs only)."""
    return _flag(MIXED_PRECISION_ENV_VAR)


def run_mode() -> str:
    return "smoke" if is_smoke_mode() else "full"


def output_root() -> Path:
    """Folder that receives `results/`, `figures/` and `models/`.

    Full runs write into the repository itself, where their outputs are committed. Smoke runs
    write under `build/smoke/` so they can never overwrite a committed full-mode file.
    `LSTM_TUTORIAL_OUTPUT` overrides both (tests use it to write into a temporary folder).
    """
    override = os.environ.get(OUTPUT_ENV_VAR)
    if override:
        return Path(override)
    if is_smoke_mode():
        return REPOSITORY_ROOT / "build" / "smoke"
    return REPOSITORY_ROOT


def shown_path(path: Path) -> Path:
    """`path` relative to the repository when it lies inside it, as notebooks print it."""
    path = Path(path)
    return path.relative_to(REPOSITORY_ROOT) if path.is_relative_to(REPOSITORY_ROOT) else path


def results_dir() -> Path:
    return output_root() / "results"


def figures_dir() -> Path:
    return output_root() / "figures"


def models_dir() -> Path:
    return output_root() / "models"


def scratch_dir() -> Path:
    """Working files of a run that are never committed: `build/full/` in full mode, else the output root."""
    root = output_root()
    return REPOSITORY_ROOT / "build" / "full" if root == REPOSITORY_ROOT else root


def checkpoints_dir() -> Path:
    """Per-epoch training checkpoints and logs."""
    return scratch_dir() / "checkpoints"


def cache_dir() -> Path:
    """Where tokenised datasets are cached (`LSTM_TUTORIAL_CACHE`, else `~/.cache/lstm_tutorial`)."""
    override = os.environ.get(CACHE_ENV_VAR)
    return Path(override) if override else Path.home() / ".cache" / "lstm_tutorial"


def keras_datasets_dir() -> Path:
    """The Keras download cache: `$KERAS_HOME/datasets`, else `~/.keras/datasets`."""
    keras_home = os.environ.get("KERAS_HOME")
    base = Path(keras_home) if keras_home else Path.home() / ".keras"
    return base / "datasets"


def colab_url(notebook_name: str) -> str:
    """The 'Open in Colab' address of a notebook in `notebooks/` on the main branch."""
    return (
        f"https://colab.research.google.com/github/{GITHUB_REPOSITORY}"
        f"/blob/{GITHUB_BRANCH}/notebooks/{notebook_name}"
    )
