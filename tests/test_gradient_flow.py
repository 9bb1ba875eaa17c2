import keras
import numpy as np
import pytest

from lstm_utils.errors import LstmTutorialError
from lstm_utils.inside.gradient_flow import input_gradient_norms, last_to_first_ratio
from lstm_utils.training.fit import set_seeds

STEPS = 12


def linear_recurrence(a: float) -> keras.Model:
    """h_t = a·h_{t-1} + x_t with output h_T, so ∂h_T/∂x_t = a^(T-t) exactly."""
    layer = keras.layers.SimpleRNN(1, activation=None, use_bias=False)
    model = keras.Sequential([keras.Input((STEPS, 1)), layer])
    layer.set_weights([np.ones((1, 1)), np.full((1, 1), a)])
    return model


def random_inputs(batch=4, features=1, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, STEPS, features)).astype(np.float32)


# With a = 1e-5 the first step's gradient is 1e-55, which float32 would round to zero.
@pytest.mark.parametrize("a", [0.5, 0.9, -0.8, 1.1, 2.0, 1e-5])
def test_norms_of_a_linear_recurrence_are_powers_of_its_weight(a):
    norms = input_gradient_norms(linear_recurrence(a), random_inputs())
    # Step t = 1..T sits at index t-1 and gets |a|^(T-t).
    expected = np.abs(a) ** (STEPS - 1 - np.arange(STEPS))
    assert norms.shape == (STEPS,)
    np.testing.assert_allclose(norms, expected, rtol=1e-5)
    np.testing.assert_allclose(last_to_first_ratio(norms), np.abs(a) ** -(STEPS - 1), rtol=1e-5)


def test_norms_with_a_loss_use_each_examples_own_loss():
    a, x = 0.9, random_inputs()
    targets = np.arange(4, dtype=np.float32).reshape(4, 1)
    norms = input_gradient_norms(
        linear_recurrence(a), x, keras.losses.mean_squared_error, targets
    )
    # L = Σ_b (h_T - y)², so ‖∂L/∂x_t‖ = 2|h_T - y| a^(T-t) for each example, then averaged.
    powers = a ** (STEPS - 1 - np.arange(STEPS))
    h_last = (x[..., 0] * powers).sum(axis=1, keepdims=True)
    expected = 2 * np.abs(h_last - targets).mean() * powers
    np.testing.assert_allclose(norms, expected, rtol=1e-5)


def test_ratio_is_last_over_first():
    assert last_to_first_ratio([0.25, 0.5, 1.0]) == 4.0
    assert last_to_first_ratio([0.0, 1.0]) == np.inf


def token_model():
    """An IMDB-like model on token ids, and the same layers as a model on embedded vectors."""
    set_seeds(0)
    embedding = keras.layers.Embedding(30, 6, mask_zero=True)
    recurrent, head = keras.layers.LSTM(5), keras.layers.Dense(1, activation="sigmoid")
    token_ids, vectors = keras.Input((None,), dtype="int32"), keras.Input((None, 6))
    dropped = keras.layers.Dropout(0.5)(embedding(token_ids))
    on_tokens = keras.Model(token_ids, head(recurrent(dropped)))
    on_vectors = keras.Model(vectors, head(recurrent(vectors)))
    return on_tokens, on_vectors, embedding


@pytest.mark.parametrize("frozen", [False, True])
def test_token_ids_are_differentiated_at_their_embedded_vectors(frozen):
    on_tokens, on_vectors, embedding = token_model()
    on_tokens.trainable = not frozen  # A loaded model may be frozen: the gradient still flows.
    ids = np.random.default_rng(0).integers(1, 30, size=(3, STEPS)).astype(np.int32)
    norms = input_gradient_norms(on_tokens, ids)
    np.testing.assert_allclose(norms, input_gradient_norms(on_vectors, embedding(ids)), rtol=1e-5)
    assert (norms > 0).all()


def test_padding_gets_no_gradient_and_leaves_the_real_steps_alone():
    on_tokens, _, _ = token_model()
    padded = np.array([[3, 4, 5, 6, 0, 0, 0]], dtype=np.int32)
    norms = input_gradient_norms(on_tokens, padded)
    np.testing.assert_array_equal(norms[4:], 0)
    np.testing.assert_allclose(norms[:4], input_gradient_norms(on_tokens, padded[:, :4]), rtol=1e-5)


def test_mistakes_get_a_clear_error():
    on_tokens, on_vectors, _ = token_model()
    ids = np.ones((2, STEPS), dtype=np.int32)
    with pytest.raises(LstmTutorialError, match="first layer is an Embedding"):
        input_gradient_norms(on_vectors, ids)
    with pytest.raises(LstmTutorialError, match="needs the ids as integers"):
        input_gradient_norms(on_tokens, ids.astype(np.float32))
    with pytest.raises(LstmTutorialError, match="needs targets"):
        input_gradient_norms(on_tokens, ids, keras.losses.binary_crossentropy)
    with pytest.raises(LstmTutorialError, match="one loss per example"):
        input_gradient_norms(on_tokens, ids, keras.losses.BinaryCrossentropy(), np.ones((2, 1)))



@pytest.mark.filterwarnings("error::UserWarning")
def test_a_model_built_on_a_list_of_inputs_is_measured_the_same():
    # sentiment.py saves the IMDB model this way, so it loads with its one input in a list.
    on_tokens, _, _ = token_model()
    listed = keras.Model(on_tokens.inputs, on_tokens.outputs)
    ids = np.random.default_rng(1).integers(0, 30, size=(2, STEPS)).astype(np.int32)
    np.testing.assert_allclose(
        input_gradient_norms(listed, ids), input_gradient_norms(on_tokens, ids), rtol=1e-6
    )
