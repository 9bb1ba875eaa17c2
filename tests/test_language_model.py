"""Notebook 07's n-gram baseline and perplexity: proper distributions, exact scores."""

import keras
import numpy as np
import pytest

from lstm_utils.imdb.text import START_INDEX
from lstm_utils.language_model import KneserNey, perplexity, sequence_log_probabilities

VOCABULARY = 8
SEQUENCES = [[START_INDEX, 3, 4, 5, 3, 4, 6], [START_INDEX, 3, 4, 5, 7], [START_INDEX, 6, 5, 3, 4]]


@pytest.mark.parametrize("order", [2, 3, 4])
@pytest.mark.parametrize("history", [(START_INDEX, START_INDEX, START_INDEX), (5, 3, 4), (7, 7, 7), (2, 6, 5)])
def test_kneser_ney_gives_a_distribution_over_the_vocabulary_after_any_history(order, history):
    model = KneserNey(VOCABULARY, order=order).fit(SEQUENCES)
    total = sum(model.probability(history, word) for word in range(VOCABULARY))
    assert total == pytest.approx(1.0)
    assert all(model.probability(history, word) > 0 for word in range(VOCABULARY))


def test_a_frequent_continuation_is_likely_and_a_seen_history_beats_backing_off():
    model = KneserNey(VOCABULARY, order=3).fit(SEQUENCES)
    assert model.probability((START_INDEX, 3), 4) > 0.5  # "3 4" follows every "3".
    assert model.probability((3, 4), 5) > model.probability((3, 4), 6) > model.probability((3, 4), 7)


def test_log_probabilities_score_every_word_after_start():
    model = KneserNey(VOCABULARY, order=3).fit(SEQUENCES)
    scores = model.log_probabilities(SEQUENCES[0])
    assert len(scores) == len(SEQUENCES[0]) - 1 and (scores < 0).all()
    assert scores[1] == pytest.approx(np.log(model.probability((START_INDEX, 3), 4)))
    assert perplexity([model.log_probabilities(s) for s in SEQUENCES]) < perplexity([np.log(np.full(5, 1 / VOCABULARY))]) == pytest.approx(VOCABULARY)


def test_settings_out_of_range_are_refused():
    with pytest.raises(ValueError, match="order"):
        KneserNey(VOCABULARY, order=1)
    with pytest.raises(ValueError, match="discount"):
        KneserNey(VOCABULARY, discount=1.0)


def test_a_keras_model_s_log_probabilities_do_not_depend_on_the_padding_of_its_batch():
    keras.utils.set_random_seed(0)
    tokens = keras.Input((None,), dtype="int32")
    hidden = keras.layers.LSTM(4, return_sequences=True)(keras.layers.Embedding(VOCABULARY, 3, mask_zero=True)(tokens))
    model = keras.Model(tokens, keras.layers.Dense(VOCABULARY)(hidden))
    together = sequence_log_probabilities(model, SEQUENCES, batch_size=3)
    alone = [sequence_log_probabilities(model, [s])[0] for s in SEQUENCES]
    for batched, single, sequence in zip(together, alone, SEQUENCES):
        assert len(batched) == len(sequence) - 1
        np.testing.assert_allclose(batched, single, atol=1e-5)
    # The first word's probability is the softmax of the logits after START.
    logits = model(np.array([[START_INDEX]]), training=False).numpy()[0, 0]
    assert together[0][0] == pytest.approx(logits[3] - np.log(np.exp(logits).sum()), abs=1e-5)
