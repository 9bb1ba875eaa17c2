"""Turning review text into tokens and tokens into integer sequences (Keras index convention)."""

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence

PADDING_INDEX = 0
START_INDEX = 1
OOV_INDEX = 2
FIRST_WORD_INDEX = 3
RESERVED_TOKENS = {PADDING_INDEX: "<pad>", START_INDEX: "<start>", OOV_INDEX: "<oov>"}

_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Words are runs of letters and digits, keeping inner apostrophes so "don't" stays one token.
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def tokenize(text: str) -> list[str]:
    """Lowercase words of a review, with the HTML line breaks of the raw IMDB files removed."""
    return _WORD.findall(_HTML_BREAK.sub(" ", text).lower())


class WordIndex:
    """A frequency-ranked vocabulary that encodes text and decodes integer sequences.

    Index 0 is padding, 1 marks the start of a sequence, 2 stands for any word outside the
    vocabulary, and the most frequent word gets index 3 (the convention of `keras.datasets.imdb`).
    Only words with an index below `num_words` are kept.
    """

    def __init__(self, words_by_frequency: Sequence[str], num_words: int):
        if num_words <= FIRST_WORD_INDEX:
            raise ValueError(f"num_words must be larger than {FIRST_WORD_INDEX}, got {num_words}")
        self.num_words = num_words
        kept = list(words_by_frequency[: num_words - FIRST_WORD_INDEX])
        self.word_to_index = {word: index for index, word in enumerate(kept, FIRST_WORD_INDEX)}
        self.index_to_word = {**RESERVED_TOKENS, **{i: w for w, i in self.word_to_index.items()}}

    @classmethod
    def from_texts(cls, texts: Iterable[str], num_words: int) -> "WordIndex":
        """Rank words by how often they occur in `texts`; ties are broken alphabetically."""
        counts = Counter()
        for text in texts:
            counts.update(tokenize(text))
        ranked = sorted(counts, key=lambda word: (-counts[word], word))
        return cls(ranked, num_words)

    def __len__(self) -> int:
        """The size of the index space, reserved indices included (what an Embedding needs)."""
        return FIRST_WORD_INDEX + len(self.word_to_index)

    def encode(self, text: str, add_start: bool = True) -> list[int]:
        indices = [self.word_to_index.get(word, OOV_INDEX) for word in tokenize(text)]
        return [START_INDEX, *indices] if add_start else indices

    def decode(self, sequence: Iterable[int], skip_padding: bool = True) -> str:
        words = [
            self.index_to_word.get(int(index), RESERVED_TOKENS[OOV_INDEX])
            for index in sequence
            if not (skip_padding and int(index) == PADDING_INDEX)
        ]
        return " ".join(words)

    def to_json(self) -> str:
        words = [self.index_to_word[i] for i in range(FIRST_WORD_INDEX, len(self))]
        return json.dumps({"num_words": self.num_words, "words": words})

    @classmethod
    def from_json(cls, payload: str) -> "WordIndex":
        data = json.loads(payload)
        return cls(data["words"], data["num_words"])
