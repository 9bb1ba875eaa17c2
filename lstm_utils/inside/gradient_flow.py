"""How much gradient reaches each input step: the vanishing gradient, measured.

The training signal for step t of a sequence is ∂L/∂x_t. In a simple RNN it passes through one
factor per later step and shrinks (or grows) geometrically with the distance to the output; the
LSTM's additive cell state is meant to keep it alive. `input_gradient_norms` measures ‖∂L/∂x_t‖
for every t so the two can be compared on the same data. Notebook 04 writes it in a cell, where
it teaches it; `tests/test_twins.py` keeps that cell and this function the same code.
"""

import keras
import numpy as np
import tensorflow as tf

from ..errors import LstmTutorialError


def input_gradient_norms(model: keras.Model, inputs, loss_fn=None, targets=None) -> np.ndarray:
    """‖∂L/∂x_t‖ at every time step t, averaged over the batch: an array of shape (time,).

    `inputs` are either vectors (batch, time, features), which are the x_t, or integer token ids
    (batch, time) for a model whose first layer is an `Embedding`. Token ids have no gradient, so
    then x_t is the embedded vector the layers after the embedding read, and the gradient is
    taken with respect to the embedding's output while the whole model runs unchanged: padding
    masked by the embedding stays masked, and a masked step, which changes nothing, gets a
    gradient of exactly zero (so right-padded reviews of different lengths pull the average down
    at their padded steps; crop them to one length to compare positions). One function serves
    both kinds of model, so a trained IMDB model is measured as it is, not cut apart.

    L is the sum over the batch of `loss_fn(targets, outputs)`, which must give one loss per
    example (as `keras.losses.binary_crossentropy` and `keras.losses.mean_squared_error` do), so
    each example's gradient is that of its own loss. Without `loss_fn`, L is the sum of the model
    outputs, and the gradient measured is that of the output itself. The model runs in inference
    mode (no dropout).

    The gradient is computed on a float64 copy of the model: over hundreds of steps it can fall
    below 1e-45, where float32 rounds it to zero and the ratio between steps would be lost.
    """
    inputs = np.asarray(inputs)
    model = float64_copy(model)
    with tf.GradientTape() as tape:
        if np.issubdtype(inputs.dtype, np.integer):
            # The tape follows the embedding's variable, so it can differentiate its output.
            vectors, outputs = embedding_probe(model)(inputs, training=False)
        else:
            vectors = tf.constant(inputs, dtype=tf.float64)
            tape.watch(vectors)
            outputs = model(vectors, training=False)
        losses = outputs if loss_fn is None else per_example_losses(loss_fn, targets, outputs)
        loss = tf.reduce_sum(losses)
    gradients = tape.gradient(loss, vectors)
    if gradients is None:
        raise LstmTutorialError(
            "The model's output does not depend on these inputs through a gradient; a model that "
            "embeds token ids needs the ids as integers."
        )
    return np.linalg.norm(np.asarray(gradients, dtype=np.float64), axis=-1).mean(axis=0)


def last_to_first_ratio(norms) -> float:
    """‖∂L/∂x_T‖ / ‖∂L/∂x_1‖: how many times more gradient the last step gets than the first.

    Far above 1 the gradient vanishes on its way back through time, far below 1 it explodes.
    It is infinite when the first step's gradient underflowed to zero.
    """
    norms = np.asarray(norms, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return float(norms[-1] / norms[0])


def float64_copy(model: keras.Model) -> keras.Model:
    """The same model with every layer computing and storing its weights in float64."""

    def in_float64(layer):
        settings = layer.get_config()
        if isinstance(layer, keras.layers.Layer):  # Not the operations Keras adds for masks.
            settings["dtype"] = "float64"
        return layer.__class__.from_config(settings)

    # Float inputs must be float64 too, or the gradient would pass through float32 at the input.
    def input_like(tensor):
        float_input = "float" in str(tensor.dtype)
        return keras.Input(batch_shape=tensor.shape, dtype="float64" if float_input else tensor.dtype)

    # A Sequential model has no `input` before it is called, but its `inputs` are known.
    structure = model.inputs[0] if isinstance(model, keras.Sequential) else model.input
    inputs = keras.tree.map_structure(input_like, structure)
    copy = keras.models.clone_model(model, input_tensors=inputs, clone_function=in_float64)
    copy.set_weights(model.get_weights())
    return copy


def embedding_probe(model: keras.Model) -> keras.Model:
    """A model that returns the embedded vectors and the output of `model`, from token ids.

    Returning the vectors from the same forward pass that computes the output lets the tape
    differentiate with respect to them without rebuilding the model after its embedding.
    """
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    if not layers or not isinstance(layers[0], keras.layers.Embedding):
        raise LstmTutorialError(
            f"Integer inputs need a model whose first layer is an Embedding; {model.name} starts "
            f"with {type(layers[0]).__name__ if layers else 'no layer'}."
        )
    # `inputs[0]`, not `input`: for a model built on a list of inputs, as the saved IMDB model
    # is, `input` is a list, and calling the probe with a bare tensor would make Keras warn.
    return keras.Model(model.inputs[0], [layers[0].output, model.output])


def per_example_losses(loss_fn, targets, outputs) -> tf.Tensor:
    if targets is None:
        raise LstmTutorialError("A loss_fn needs targets.")
    losses = loss_fn(targets, outputs)
    if len(losses.shape) == 0 and outputs.shape[0] > 1:
        raise LstmTutorialError(
            "loss_fn returned one loss for the whole batch, which divides every gradient by the "
            "batch size; give one loss per example (e.g. keras.losses.binary_crossentropy, or a "
            "keras.losses.Loss with reduction=None)."
        )
    return losses
