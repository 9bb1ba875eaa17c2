"""Where the committed models come from: the clone, or a one-time download (Colab)."""

from pathlib import Path

import keras
import pytest

from lstm_utils import config
from lstm_utils.errors import ModelNotFoundError
from lstm_utils.saved_models import committed_models_dir


def test_a_clone_reads_the_committed_model_in_place(monkeypatch):
    monkeypatch.setattr(keras.utils, "get_file", lambda **_: pytest.fail("nothing should be downloaded"))
    assert committed_models_dir("imdb_lstm") == config.REPOSITORY_ROOT / "models"


def test_without_a_clone_the_files_are_downloaded_from_github_once(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "REPOSITORY_ROOT", tmp_path / "not_a_clone")
    requested = []

    def fake_get_file(fname, origin, cache_dir, cache_subdir):
        requested.append(origin)
        path = Path(cache_dir) / cache_subdir / fname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("weights")
        return str(path)

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    folder = committed_models_dir("imdb_lstm")
    assert folder == config.cache_dir() / "models"
    assert sorted(p.name for p in folder.iterdir()) == ["imdb_lstm.keras", "imdb_lstm_vocabulary.json"]
    base = f"https://raw.githubusercontent.com/{config.GITHUB_REPOSITORY}/{config.GITHUB_BRANCH}/models/"
    assert requested == [base + "imdb_lstm.keras", base + "imdb_lstm_vocabulary.json"]


def test_a_failed_download_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "REPOSITORY_ROOT", tmp_path)

    def offline(**_):
        raise Exception("URL fetch failure: no network")  # noqa: TRY002 - what keras.utils.get_file raises.

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(ModelNotFoundError, match="could not be downloaded.*no network"):
        committed_models_dir("imdb_lstm")
