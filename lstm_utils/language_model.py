"""Notebook 07's language models of movie reviews: the n-gram baseline and exact perplexity.

Every model is scored on the same tokens: each review is `[START, w1, ..., wn]` (word ids of
`WordIndex`, words outside the vocabulary as `OOV_INDEX`), and every word after `START` is
predicted from the words before it in its review. Perplexity is `exp` of the mean negative
log-probability (natural log) of those words: the cross-entropy, in nats per word.
"""

import math
from collections import Counter, defaultdict

import numpy as np

from .imdb.text import START_INDEX


class KneserNey:
    """An interpolated Kneser-Ney n-gram model (Kneser and Ney, 1995; in the interpolated form of
    Chen and Goodman, 1999) over word-id sequences, with one absolute `discount`.

    The highest order counts the n-grams themselves; every lower order counts continuations,
    in how many different contexts a word follows its shorter history, so that a word frequent
    only after one history ("francisco" after "san") gets little weight in new contexts. The
    lowest order is interpolated with the uniform distribution over `vocabulary_size` ids, so
    every word has a probability.
    """

    def __init__(self, vocabulary_size: int, order: int = 3, discount: float = 0.75):
        if order < 2 or not 0 < discount < 1:
            raise ValueError(f"need order >= 2 and 0 < discount < 1, got {order} and {discount}")
        self.vocabulary_size, self.order, self.discount = vocabulary_size, order, discount

    def fit(self, sequences) -> "KneserNey":
        """Count the n-grams of every sequence (each starting with `START`)."""
        highest = Counter()
        for sequence in sequences:
            padded = self._padded(sequence)
            highest.update(tuple(padded[i - self.order + 1 : i + 1]) for i in range(self.order - 1, len(padded)))
        # counts[k]: the counts of k-grams used by order k (raw for the highest, continuations below).
        self.counts = {self.order: highest}
        for k in range(self.order - 1, 0, -1):
            self.counts[k] = Counter(gram[1:] for gram in self.counts[k + 1])
        self.context_totals, self.context_types = {}, {}
        for k, counts in self.counts.items():
            totals, types = defaultdict(int), defaultdict(int)
            for gram, count in counts.items():
                totals[gram[:-1]] += count
                types[gram[:-1]] += 1
            self.context_totals[k], self.context_types[k] = dict(totals), dict(types)
        return self

    def _padded(self, sequence) -> list[int]:
        # Histories before the first word are all START, as if the review had begun earlier.
        return [START_INDEX] * (self.order - 2) + [int(token) for token in sequence]

    def probability(self, history: tuple, word: int) -> float:
        """P(word | the last `order - 1` ids of history)."""
        probability = 1.0 / self.vocabulary_size
        for k in range(1, self.order + 1):
            context = tuple(history[len(history) - k + 1 :]) if k > 1 else ()
            total = self.context_totals[k].get(context, 0)
            if total == 0:
                continue  # An unseen history adds nothing: the lower order's estimate stands.
            count = self.counts[k].get((*context, word), 0)
            backoff = self.discount * self.context_types[k][context] / total
            probability = max(count - self.discount, 0.0) / total + backoff * probability
        return probability

    def log_probabilities(self, sequence) -> np.ndarray:
        """The natural log-probability of every word of `sequence` after its first (`START`)."""
        padded = self._padded(sequence)
        offset = self.order - 2
        return np.array(
            [math.log(self.probability(tuple(padded[max(i - self.order + 1, 0) : i]), padded[i])) for i in range(offset + 1, len(padded))]
        )


def perplexity(log_probabilities) -> float:
    """exp of the mean negative log-probability: the cross-entropy in nats per word, exponentiated."""
    values = np.concatenate([np.asarray(v, dtype=float).ravel() for v in log_probabilities])
    return float(np.exp(-values.mean()))


def sequence_log_probabilities(model, sequences, batch_size: int = 64) -> list[np.ndarray]:
    """The log-probability a Keras language model gives every word after the first of each
    sequence; the model maps ids `(batch, time)` to next-word logits `(batch, time, vocabulary)`.

    Sequences are decoded in batches of similar length, padded at the end with id 0 (masked),
    so padding never changes a real word's probability.
    """
    import tensorflow as tf

    order = np.argsort([len(s) for s in sequences], kind="stable")
    result = [None] * len(sequences)
    for begin in range(0, len(sequences), batch_size):
        chosen = order[begin : begin + batch_size]
        width = max(len(sequences[i]) for i in chosen) - 1
        inputs = np.zeros((len(chosen), width), dtype=np.int32)
        targets = np.zeros((len(chosen), width), dtype=np.int32)
        for row, i in enumerate(chosen):
            sequence = np.asarray(sequences[i])
            inputs[row, : len(sequence) - 1] = sequence[:-1]
            targets[row, : len(sequence) - 1] = sequence[1:]
        logits = model(inputs, training=False)
        log_softmax = tf.nn.log_softmax(logits, axis=-1).numpy()
        picked = np.take_along_axis(log_softmax, targets[..., None], axis=-1)[..., 0]
        for row, i in enumerate(chosen):
            result[i] = picked[row, : len(sequences[i]) - 1]
    return result
