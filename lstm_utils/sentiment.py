"""The trained IMDB sentiment model: saving it with its vocabulary, loading it, predicting text."""

import json
from pathlib import Path

from . import config
from .errors import LstmTutorialError, ModelNotFoundError
from .files import atomic_write_bytes
from .text import WordIndex, tokenize

MODEL_NAME = "imdb_lstm"


def model_paths(models_dir: Path | None = None) -> tuple[Path, Path]:
    """The `.keras` model file and the JSON file with its vocabulary and input settings."""
    folder = Path(models_dir) if models_dir is not None else config.models_dir()
    return folder / f"{MODEL_NAME}.keras", folder / f"{MODEL_NAME}_vocabulary.json"


def save_sentiment_model(model, word_index: WordIndex, maxlen: int, truncating: str, models_dir=None):
    """Save weights and architecture (no optimiser state, to keep the file small) and vocabulary."""
    import keras

    model_file, vocabulary_file = model_paths(models_dir)
    model_file.parent.mkdir(parents=True, exist_ok=True)
    # A fresh, uncompiled Model over the same layers is saved without the optimiser's slots.
    inference_model = keras.Model(model.inputs, model.outputs, name=model.name)
    temporary = model_file.with_name(f".{model_file.stem}.tmp.keras")
    inference_model.save(temporary)
    temporary.replace(model_file)
    settings = {"maxlen": maxlen, "truncating": truncating, **json.loads(word_index.to_json())}
    atomic_write_bytes(vocabulary_file, json.dumps(settings).encode())
    return model_file, vocabulary_file


class SentimentModel:
    """A saved sentiment model with the vocabulary and settings it was trained with."""

    def __init__(self, models_dir: Path | None = None):
        model_file, vocabulary_file = model_paths(models_dir)
        missing = [str(path) for path in (model_file, vocabulary_file) if not path.is_file()]
        if missing:
            raise ModelNotFoundError(
                f"No trained sentiment model: {', '.join(missing)} not found. Train one by running "
                "notebooks/02_simple_rnn_vs_lstm.ipynb in full mode (the default)."
            )
        import keras

        settings = json.loads(vocabulary_file.read_text())
        self.maxlen = settings["maxlen"]
        self.truncating = settings["truncating"]
        self.word_index = WordIndex(settings["words"], settings["num_words"])
        self.model = keras.saving.load_model(model_file, compile=False)

    def predict(self, texts: list[str]) -> list[float]:
        """Probability that each text is a positive review."""
        from .training import predict_probabilities

        for text in texts:
            if not tokenize(text):
                raise LstmTutorialError(f"No words to classify in {text!r}.")
        sequences = [self.word_index.encode(text) for text in texts]
        probabilities = predict_probabilities(self.model, sequences, self.maxlen, self.truncating)
        return [float(p) for p in probabilities]
