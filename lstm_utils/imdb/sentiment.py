"""The trained IMDB sentiment model: saving it with its vocabulary, loading it, predicting text."""

import json
from pathlib import Path

from ..errors import LstmTutorialError
from ..saved_models import load_model, model_files, save_model
from .text import OOV_INDEX, WordIndex, tokenize

# `sentiment` answers with notebook 03's final model; notebook 04 looks inside notebook 02's stacked LSTM.
MODEL_NAME = "imdb_lstm"
STACKED_LSTM_NAME = "imdb_stacked_lstm"
TRAINED_BY = {MODEL_NAME: "03_beating_the_baseline.ipynb", STACKED_LSTM_NAME: "02_simple_rnn_vs_lstm.ipynb"}
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
    name: str = MODEL_NAME,
):
    """Save the model as `name` with its vocabulary and the padding settings it was trained with."""
    settings = {
        "maxlen": maxlen,
        "truncating": truncating,
        "padding": padding,
        "bucket_width": bucket_width,
        **json.loads(word_index.to_json()),
    }
    return save_model(model, settings, name, models_dir)


class SentimentModel:
    """A saved sentiment model with the vocabulary and settings it was trained with."""

    def __init__(self, models_dir: Path | None = None, name: str = MODEL_NAME):
        # Imported here, not at the top, so that TensorFlow starts only where the caller silences it.
        from . import pooling  # noqa: F401 - registers the pooling layer the saved model uses.

        self.model, settings = load_model(
            name, models_dir, "sentiment", TRAINED_BY[name],
            ("maxlen", "truncating", "padding", "bucket_width", "words", "num_words"),
        )
        self.maxlen = settings["maxlen"]
        self.truncating = settings["truncating"]
        self.padding = settings["padding"]
        self.bucket_width = settings["bucket_width"]
        self.word_index = WordIndex(settings["words"], settings["num_words"])

    def predict(self, texts: list[str]) -> list[float]:
        """Probability that each text is a positive review; any text it cannot judge raises."""
        for text in texts:
            reason = self.refusal(text)
            if reason:
                raise LstmTutorialError(reason)
        return self._probabilities(texts)

    def classify(self, texts: list[str], progress: bool = False) -> tuple[list[float | None], list[str | None]]:
        """Probabilities of the texts it can judge, None for the others, and why each was refused.

        One bad text never stops the rest. With `progress`, a bar on standard error counts the
        texts classified, in chunks of `PROGRESS_CHUNK`.
        """
        from tqdm.auto import tqdm

        reasons = [self.refusal(text) for text in texts]
        accepted = [i for i, reason in enumerate(reasons) if reason is None]
        probabilities: list[float | None] = [None] * len(texts)
        with tqdm(total=len(accepted), desc="Classifying", unit=" texts", disable=not progress) as bar:
            for begin in range(0, len(accepted), PROGRESS_CHUNK):
                chunk = accepted[begin : begin + PROGRESS_CHUNK]
                for i, probability in zip(chunk, self._probabilities([texts[i] for i in chunk])):
                    probabilities[i] = probability
                bar.update(len(chunk))
        return probabilities, reasons

    def _probabilities(self, texts: list[str]) -> list[float]:
        from ..training.pipelines import predict_probabilities

        if not texts:
            return []
        sequences = [self.word_index.encode(text) for text in texts]
        probabilities = predict_probabilities(
            self.model, sequences, self.maxlen, self.truncating, bucket_width=self.bucket_width, padding=self.padding
        )
        return [float(p) for p in probabilities]

    def refusal(self, text: str) -> str | None:
        """Why the model cannot say anything about `text`, or None when it can."""
        if len(text) > MAX_TEXT_CHARACTERS:
            return (
                f"the text has {len(text):,} characters; the limit is {MAX_TEXT_CHARACTERS:,} "
                "(the longest IMDB review has about 14,000)"
            )
        if not tokenize(text):
            return f"no words to classify in {_shown(text)}"
        if all(index == OOV_INDEX for index in self.word_index.encode(text, add_start=False)):
            return (
                f"none of the words in {_shown(text)} is in the model's vocabulary of "
                f"{self.word_index.num_words:,} words, so it has nothing to go on"
            )
        return None


# Texts classified between two updates of the progress bar.
PROGRESS_CHUNK = 256


def _shown(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def read_texts(path: Path) -> tuple[list[str], list[int | None] | None]:
    """The texts of a file and, where it has them, their 0/1 labels.

    A `.tsv` or `.csv` file has a header row naming a `text` column and, optionally, a `label`
    column (0 negative, 1 positive; an empty cell is no label); any other file holds one text per
    line. A malformed file raises with the line at fault.
    """
    import csv
    import io

    try:
        content = Path(path).read_bytes().decode("utf-8")
    except OSError as error:
        raise LstmTutorialError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise LstmTutorialError(f"{path} is not UTF-8 text (byte offset {error.start})") from None
    suffix = Path(path).suffix.lower()
    if suffix not in (".tsv", ".csv"):
        return content.splitlines(), None
    # A quoted field may hold line breaks, so the reader, not splitlines, finds the rows.
    reader = csv.reader(io.StringIO(content, newline=""), delimiter="\t" if suffix == ".tsv" else ",")
    first = next(reader, None)
    if first is None:
        return [], None
    header = [name.strip().lower() for name in first]
    if "text" not in header:
        raise LstmTutorialError(f"{path}: the first row names the columns, one of them 'text'; found {first}")
    text_column = header.index("text")
    label_column = header.index("label") if "label" in header else None
    texts, labels = [], []
    for row in reader:
        number = reader.line_num
        if len(row) != len(header):
            raise LstmTutorialError(f"{path}, line {number}: {len(row)} columns, the header has {len(header)}")
        texts.append(row[text_column])
        if label_column is not None:
            value = row[label_column].strip()
            if value not in ("", "0", "1"):
                raise LstmTutorialError(f"{path}, line {number}: a label is 0, 1 or empty, found {value!r}")
            labels.append(int(value) if value else None)
    return texts, labels if label_column is not None else None
