"""Where the committed models come from: the clone, or a one-time download (Colab)."""

from pathlib import Path

import keras
import pytest

from lstm_utils import config
from lstm_utils.derivatives.seq2seq import saved_seq2seq_mode
from lstm_utils.errors import ModelNotFoundError
from lstm_utils.imdb.sentiment import STACKED_LSTM_NAME, SentimentModel, model_paths
from lstm_utils.saved_models import committed_models_dir, model_files, save_model


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
    assert committed_models_dir("imdb_lstm") == folder and len(requested) == 2


def test_a_download_killed_half_way_is_fetched_again(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "REPOSITORY_ROOT", tmp_path / "not_a_clone")
    folder = config.cache_dir() / "models"
    folder.mkdir(parents=True)
    (folder / ".imdb_lstm.keras.part").write_text("half of the wei")

    def fake_get_file(fname, origin, cache_dir, cache_subdir):
        path = Path(cache_dir) / cache_subdir / fname
        assert not path.exists(), "a partial file was offered as finished"
        path.write_text("weights")
        return str(path)

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    committed_models_dir("imdb_lstm")
    assert (folder / "imdb_lstm.keras").read_text() == "weights"
    assert not list(folder.glob(".*.part"))


def test_commands_fall_back_on_the_committed_model(monkeypatch, tmp_path):
    monkeypatch.setenv(config.OUTPUT_ENV_VAR, str(tmp_path / "nothing_trained_here"))
    monkeypatch.setattr(keras.utils, "get_file", lambda **_: pytest.fail("a clone needs no download"))
    model = SentimentModel()
    assert 0 <= model.predict(["a wonderful, moving film"])[0] <= 1


def test_a_failed_download_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "REPOSITORY_ROOT", tmp_path)

    def offline(**_):
        raise Exception("URL fetch failure: no network")  # noqa: TRY002 - what keras.utils.get_file raises.

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(ModelNotFoundError, match="could not be downloaded.*no network"):
        committed_models_dir("imdb_lstm")


def test_the_committed_derivative_model_is_full_mode_and_small():
    files = model_files("derivative_seq2seq", config.REPOSITORY_ROOT / "models")
    assert saved_seq2seq_mode(config.REPOSITORY_ROOT / "models") == "full"
    assert sum(path.stat().st_size for path in files) <= 25 * 2**20


def test_sentiment_answers_with_notebook_03s_model_and_notebook_04_reads_notebook_02s():
    folder = config.REPOSITORY_ROOT / "models"
    final = SentimentModel(folder)
    kinds = {type(layer).__name__ for layer in final.model.layers}
    assert {"Bidirectional", "MaskedMeanMaxPooling"} <= kinds
    assert sum(path.stat().st_size for path in model_paths(folder)) <= 20 * 2**20
    stacked = SentimentModel(folder, STACKED_LSTM_NAME)
    # Notebook 04 reads the gates of the first plain LSTM layer, which only notebook 02's model has.
    assert sum(isinstance(layer, keras.layers.LSTM) for layer in stacked.model.layers) == 2
    assert (final.word_index.num_words, stacked.word_index.num_words) == (20_000, 10_000)


def test_a_committed_model_is_used_only_when_its_settings_match(monkeypatch, tmp_path):
    from lstm_utils.saved_models import committed_model, save_model, settings_fingerprint

    monkeypatch.setattr(config, "REPOSITORY_ROOT", tmp_path)
    monkeypatch.delenv(config.SMOKE_ENV_VAR, raising=False)
    monkeypatch.delenv(config.TRAIN_ENV_VAR, raising=False)
    settings = {"units": 8, "epochs": 3}
    fingerprint = settings_fingerprint(settings)
    assert fingerprint == settings_fingerprint({"epochs": 3, "units": 8}) != settings_fingerprint({"units": 9, "epochs": 3})
    assert committed_model("tiny", fingerprint) is None  # Nothing committed yet.
    inputs = keras.Input(shape=(2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    save_model(model, {"fingerprint": fingerprint, "run": {"epochs_run": 3}}, "tiny", tmp_path / "models")
    loaded, saved = committed_model("tiny", fingerprint)
    assert saved["run"] == {"epochs_run": 3} and loaded.count_params() == model.count_params()
    assert committed_model("tiny", settings_fingerprint({"units": 9, "epochs": 3})) is None
    monkeypatch.setenv(config.TRAIN_ENV_VAR, "1")
    assert committed_model("tiny", fingerprint) is None  # Asked to train: the committed one is ignored.
    monkeypatch.delenv(config.TRAIN_ENV_VAR)
    monkeypatch.setenv(config.SMOKE_ENV_VAR, "1")
    assert committed_model("tiny", fingerprint) is None  # Smoke mode trains its own tiny models.


def test_word_vectors_an_embedding_started_from_are_saved_once_as_weights_not_again_in_its_config(tmp_path):
    # Notebook 03's embedding starts from word2vec rows through a Constant initialiser, whose
    # values Keras would otherwise write into the model's JSON config as a second, textual copy.
    import numpy as np

    rows = np.random.default_rng(0).normal(size=(5_000, 32)).astype("float32")
    token_ids = keras.Input(shape=(None,), dtype="int32")
    vectors = keras.layers.Embedding(5_000, 32, embeddings_initializer=keras.initializers.Constant(rows))(token_ids)
    model = keras.Model(token_ids, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(vectors)))
    model_file, _ = save_model(model, {"maxlen": 10}, "with_vectors", tmp_path)
    assert model_file.stat().st_size < 1.5 * rows.nbytes
    loaded = keras.saving.load_model(model_file)
    assert np.array_equal(loaded.get_weights()[0], rows)
