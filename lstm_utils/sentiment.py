"""The trained IMDB sentiment model: saving it with its vocabulary, loading it, predicting text."""

import json
from pathlib import Path

from .errors import LstmTutorialError
from .saved_models import load_model, model_files, save_model
from .text import OOV_INDEX, WordIndex, tokenize

MODEL_NAME = "imdb_lstm"
# The longest IMDB review has about 14,000 characters; far longer input is not a review.
MAX_TEXT_CHARACTERS = 100_000


def model_paths(models_dir: Path | None = None) -> tuple[Path, Path]:
    """The `.keras` model file and the JSON file with its vocabulary and input settings."""
    return model_files(MODEL_NAME, models_dir)


def save_sentiment_model(
    model,
    word_index: WordIndex,
    maxlen: int,
    truncating: str,
    models_dir=None,
    padding: str = "post",
    bucket_width: int = 50,
):
    """Save the model with its vocabulary and the padding settings it was trained with."""
    settings = {
        "maxlen": maxlen,
        "truncating": truncating,
        "padding": padding,
        "bucket_width": bucket_width,
        **json.loads(word_index.to_json()),
    }
    return save_model(model, settings, MODEL_NAME, models_dir)


class SentimentModel:
    """A saved sentiment model with the vocabulary and settings it was trained with."""

    def __init__(self, models_dir: Path | None = None):
        self.model, settings = load_model(MODEL_NAME, models_dir, "sentiment", "02_simple_rnn_vs_lstm.ipynb")
        self.maxlen = settings["maxlen"]
        self.truncating = settings["truncating"]
        self.padding = settings["padding"]
        self.bucket_width = settings["bucket_width"]
        self.word_index = WordIndex(settings["words"], settings["num_words"])

    def predict(self, texts: list[str]) -> list[float]:
        """Probability that each text is a positive review."""
        from .training import predict_probabilities

        for text in texts:
            self._check(text)
        sequences = [self.word_index.encode(text) for text in texts]
        probabilities = predict_probabilities(
            self.model, sequences, self.maxlen, self.truncating, bucket_width=self.bucket_width, padding=self.padding
        )
        return [float(p) for p in probabilities]

    def _check(self, text: str) -> None:
        """Refuse text the model cannot say anything about, with the reason."""
        if len(text) > MAX_TEXT_CHARACTERS:
            raise LstmTutorialError(
                f"The text has {len(text):,} characters; the limit is {MAX_TEXT_CHARACTERS:,} "
                "(the longest IMDB review has about 14,000)."
            )
        if not tokenize(text):
            raise LstmTutorialError(f"No words to classify in {text!r}.")
        if all(index == OOV_INDEX for index in self.word_index.encode(text, add_start=False)):
            shown = text if len(text) <= 60 else text[:57] + "..."
            raise LstmTutorialError(
                f"None of the words in {shown!r} is in the model's vocabulary of "
                f"{self.word_index.num_words:,} words, so it has nothing to go on."
            )
