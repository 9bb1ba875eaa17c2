"""The trained IMDB sentiment model: saving it with its vocabulary, loading it, predicting text."""

import json
from pathlib import Path

from .errors import LstmTutorialError
from .saved_models import load_model, model_files, save_model
from .text import WordIndex, tokenize

MODEL_NAME = "imdb_lstm"


def model_paths(models_dir: Path | None = None) -> tuple[Path, Path]:
    """The `.keras` model file and the JSON file with its vocabulary and input settings."""
    return model_files(MODEL_NAME, models_dir)


def save_sentiment_model(model, word_index: WordIndex, maxlen: int, truncating: str, models_dir=None):
    """Save the model with its vocabulary and the padding settings it was trained with."""
    settings = {"maxlen": maxlen, "truncating": truncating, **json.loads(word_index.to_json())}
    return save_model(model, settings, MODEL_NAME, models_dir)


class SentimentModel:
    """A saved sentiment model with the vocabulary and settings it was trained with."""

    def __init__(self, models_dir: Path | None = None):
        self.model, settings = load_model(MODEL_NAME, models_dir, "sentiment", "02_simple_rnn_vs_lstm.ipynb")
        self.maxlen = settings["maxlen"]
        self.truncating = settings["truncating"]
        self.word_index = WordIndex(settings["words"], settings["num_words"])

    def predict(self, texts: list[str]) -> list[float]:
        """Probability that each text is a positive review."""
        from .training import predict_probabilities

        for text in texts:
            if not tokenize(text):
                raise LstmTutorialError(f"No words to classify in {text!r}.")
        sequences = [self.word_index.encode(text) for text in texts]
        probabilities = predict_probabilities(self.model, sequences, self.maxlen, self.truncating)
        return [float(p) for p in probabilities]
