"""Pooling over time that skips the padding, without giving the recurrent layers a mask.

Notebook 03 teaches this layer in a cell; the package keeps the same code so that the saved
sentiment model (`models/imdb_lstm.keras`) loads wherever `lstm_utils` is installed.
"""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="lstm_utils")
class MaskedMeanMaxPooling(layers.Layer):
    """Mean and maximum of every hidden state over the real words (token id > 0), concatenated."""

    def call(self, hidden_states, token_ids):
        is_word = ops.expand_dims(ops.cast(ops.greater(token_ids, 0), hidden_states.dtype), -1)
        mean = ops.sum(hidden_states * is_word, axis=1) / ops.maximum(ops.sum(is_word, axis=1), 1.0)
        # A padding step gets a large negative value, so it is never the maximum.
        maximum = ops.max(ops.where(is_word > 0, hidden_states, -1e4), axis=1)
        return ops.concatenate([mean, maximum], axis=-1)
