"""Trained models on disk: a `.keras` file beside a JSON file with what the model needs to run.

The sentiment model needs its vocabulary and padding settings, the derivative model its token
vocabulary and decoding length; both are saved and loaded the same way.
"""

import hashlib
import json
import zipfile
from pathlib import Path

from . import config
from .errors import DamagedModelError, ModelNotFoundError
from .files import atomic_write_bytes


def model_files(name: str, models_dir: Path | None = None) -> tuple[Path, Path]:
    """The `.keras` model file and the JSON settings file of the model called `name`."""
    folder = Path(models_dir) if models_dir is not None else config.models_dir()
    return folder / f"{name}.keras", folder / f"{name}_vocabulary.json"


def save_model(model, settings: dict, name: str, models_dir: Path | None = None) -> tuple[Path, Path]:
    """Save weights and architecture (no optimiser state, to keep the file small) and settings."""
    import keras

    model_file, settings_file = model_files(name, models_dir)
    model_file.parent.mkdir(parents=True, exist_ok=True)
    # A fresh, uncompiled Model is saved without the optimiser's slots, and without the values of
    # constant initialisers (word vectors an embedding started from), which its weights already hold.
    inference_model = keras.models.clone_model(
        keras.Model(model.inputs, model.outputs, name=model.name), clone_function=_without_constant_initializers
    )
    inference_model.set_weights(model.get_weights())
    temporary = model_file.with_name(f".{model_file.stem}.tmp.keras")
    inference_model.save(temporary)
    temporary.replace(model_file)
    atomic_write_bytes(settings_file, json.dumps(settings).encode())
    return model_file, settings_file


def _without_constant_initializers(layer):
    config = layer.get_config()
    for key, value in config.items():
        if key.endswith("_initializer") and isinstance(value, dict) and value.get("class_name") == "Constant":
            config[key] = "zeros"
    return layer.__class__.from_config(config)


def load_model(name: str, models_dir: Path | None, kind: str, trained_by: str, required: tuple[str, ...] = ()):
    """The model and its settings; a clear error naming the notebook `trained_by` when missing.

    Without `models_dir`, a model trained here (`models/`) comes first, then the committed one
    (downloaded once when the package is installed without a clone, as on Colab).
    """
    model_file, settings_file = _existing_model_files(name, models_dir, kind, trained_by)
    settings = _read_settings(settings_file, required)
    _check_archive(model_file)
    import keras

    try:
        model = keras.saving.load_model(model_file, compile=False)
    except Exception as error:  # noqa: BLE001 - Keras raises many kinds for a damaged archive.
        raise DamagedModelError(f"{model_file} could not be loaded as a Keras model ({error}); {_RESTORE}") from None
    return model, settings


def load_settings(name: str, models_dir: Path | None, kind: str, trained_by: str, required: tuple[str, ...] = ()) -> dict:
    """The settings `load_model` would return, read without loading the model."""
    _, settings_file = _existing_model_files(name, models_dir, kind, trained_by)
    return _read_settings(settings_file, required)


_RESTORE = "restore it (git checkout -- models/) or train the model again"
_LFS_POINTER = b"version https://git-lfs"


def _check_archive(model_file: Path) -> None:
    """A `.keras` file is a zip archive; say plainly when it is an LFS pointer or cut short."""
    with open(model_file, "rb") as handle:
        start = handle.read(len(_LFS_POINTER))
    if start == _LFS_POINTER:
        raise DamagedModelError(f"{model_file} is a Git LFS pointer, not the model: run `git lfs pull`")
    if not zipfile.is_zipfile(model_file):
        raise DamagedModelError(f"{model_file} is not a .keras archive (truncated or damaged); {_RESTORE}")
    try:
        with zipfile.ZipFile(model_file) as archive:
            damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise DamagedModelError(f"{model_file} is not a readable .keras archive ({error}); {_RESTORE}") from None
    if damaged is not None:
        raise DamagedModelError(f"{model_file} is damaged: its part {damaged} fails its checksum; {_RESTORE}")


def _read_settings(settings_file: Path, required: tuple[str, ...]) -> dict:
    """The settings as a dict holding every `required` key, or an error that says what is wrong."""
    try:
        settings = json.loads(settings_file.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DamagedModelError(f"the vocabulary {settings_file} is not valid JSON ({error}); {_RESTORE}") from None
    if not isinstance(settings, dict):
        raise DamagedModelError(f"the vocabulary {settings_file} is not a JSON object; {_RESTORE}")
    missing = [key for key in required if key not in settings]
    if missing:
        raise DamagedModelError(f"the vocabulary {settings_file} lacks {', '.join(missing)}; {_RESTORE}")
    return settings


def _existing_model_files(name: str, models_dir: Path | None, kind: str, trained_by: str) -> tuple[Path, Path]:
    model_file, settings_file = model_files(name, models_dir)
    if models_dir is None and not (model_file.is_file() and settings_file.is_file()):
        model_file, settings_file = model_files(name, committed_models_dir(name))
    missing = [str(path) for path in (model_file, settings_file) if not path.is_file()]
    if missing:
        raise ModelNotFoundError(
            f"No trained {kind} model: {', '.join(missing)} not found. Train one by running "
            f"notebooks/{trained_by} in full mode (the default)."
        )
    return model_file, settings_file


def settings_fingerprint(settings) -> str:
    """A hash of the settings that decide what a training run produces (a notebook's `CONFIG` part)."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]


def committed_model(name: str, fingerprint: str):
    """The committed full-mode model `name` and its settings, when they were trained with the
    settings of `fingerprint`; None when there is none, it was trained otherwise, or
    `LSTM_TUTORIAL_TRAIN=1` asks for training. Never in smoke mode, which trains tiny models."""
    if config.is_smoke_mode() or config.is_training_asked():
        return None
    model_file, settings_file = model_files(name, config.REPOSITORY_ROOT / "models")
    if not (model_file.is_file() and settings_file.is_file()):
        return None
    if _read_settings(settings_file, ()).get("fingerprint") != fingerprint:
        return None
    return load_model(name, model_file.parent, name, "the notebook that trains it", ("fingerprint", "run"))


def committed_models_dir(name: str) -> Path:
    """The folder with the committed full-mode model `name` and its settings file.

    A clone has both in the repository's `models/`. An installed package (as on Colab) has no
    `models/`, so the two files are downloaded once from the repository on GitHub into the cache.
    """
    local = model_files(name, config.REPOSITORY_ROOT / "models")
    if all(path.is_file() for path in local):
        return local[0].parent
    import keras

    folder = config.cache_dir() / "models"
    for path in local:
        if (folder / path.name).is_file():
            continue
        url = f"https://raw.githubusercontent.com/{config.GITHUB_REPOSITORY}/{config.GITHUB_BRANCH}/models/{path.name}"
        # Downloaded under a temporary name and renamed once complete: a download killed half-way
        # leaves no file that could pass for the model.
        partial = folder / f".{path.name}.part"
        partial.unlink(missing_ok=True)
        try:
            keras.utils.get_file(fname=partial.name, origin=url, cache_dir=str(folder.parent), cache_subdir=folder.name)
        except Exception as error:  # noqa: BLE001 - get_file raises bare Exceptions for network failures.
            raise ModelNotFoundError(
                f"The committed model {path.name} is not in {path.parent} and could not be downloaded "
                f"from {url} ({error}). Clone the repository, or train the model yourself."
            ) from None
        partial.replace(folder / path.name)
    return folder

