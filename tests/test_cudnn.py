"""Every recurrent layer the package builds or commits keeps NVIDIA's fused cuDNN kernel on a GPU."""

import keras
import pytest

from lstm_utils import config
from lstm_utils.derivatives.model import build_seq2seq
from lstm_utils.imdb import pooling  # noqa: F401 - the sentiment model's pooling layer must be registered to load.
from lstm_utils.training.cudnn import cudnn_blockers

COMMITTED_MODELS = sorted((config.REPOSITORY_ROOT / "models").glob("*.keras"))


def test_the_encoder_decoder_keeps_cudnn():
    assert cudnn_blockers(build_seq2seq(41, 64, 128, 256)) == {}


@pytest.mark.parametrize("path", COMMITTED_MODELS, ids=lambda p: p.name)
def test_committed_models_keep_cudnn(path):
    assert cudnn_blockers(keras.saving.load_model(path, compile=False)) == {}


def test_there_is_a_committed_model_to_check():
    assert COMMITTED_MODELS


@pytest.mark.parametrize(
    ("layer", "reason"),
    [
        (keras.layers.LSTM(4, recurrent_dropout=0.2), "recurrent_dropout 0.2"),
        (keras.layers.LSTM(4, activation="relu"), "activation relu"),
        (keras.layers.LSTM(4, recurrent_activation="hard_sigmoid"), "recurrent_activation hard_sigmoid"),
        (keras.layers.LSTM(4, unroll=True), "unroll=True"),
        (keras.layers.LSTM(4, use_bias=False), "use_bias=False"),
        (keras.layers.LSTM(4, use_cudnn=False), "use_cudnn=False"),
        (keras.layers.GRU(4, reset_after=False), "reset_after=False"),
        (keras.layers.Bidirectional(keras.layers.LSTM(4, recurrent_dropout=0.1)), "recurrent_dropout 0.1"),
    ],
)
def test_each_setting_that_loses_cudnn_is_named(layer, reason):
    inputs = keras.Input((7, 3))
    model = keras.Model(inputs, layer(inputs))
    blockers = cudnn_blockers(model)
    assert blockers and all(reason in reasons[0] for reasons in blockers.values())


def test_simple_rnn_and_plain_lstm_are_not_flagged():
    inputs = keras.Input((7, 3))
    sequence = keras.layers.SimpleRNN(4, return_sequences=True)(inputs)
    model = keras.Model(inputs, keras.layers.LSTM(4, dropout=0.3)(sequence))
    assert cudnn_blockers(model) == {}
