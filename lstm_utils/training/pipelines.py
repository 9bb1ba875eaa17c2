"""Input pipelines: reproducible, length-bucketed `tf.data` batches, and ordered prediction on them."""

import keras
import numpy as np
import tensorflow as tf

from .sequences import bucket_by_length, bucket_width_for, pad_sequences, padded_to_bucket, sequence_lengths


class BatchOrder:
    """Numbers the passes over a dataset, so that pass `k` always draws the same batch order.

    `fit_resumable` sets the pass to the epoch number at the start of every epoch, so a run
    that was interrupted sees exactly the batches an uninterrupted one would have seen.
    """

    def __init__(self, seed: int, shuffle: bool):
        self.seed, self.shuffle, self.next_pass = seed, shuffle, 0

    def start_at(self, pass_number: int) -> None:
        self.next_pass = pass_number

    def take_seed(self) -> int | None:
        """The seed of the pass about to start (`None`, shortest first, without shuffling)."""
        pass_number, self.next_pass = self.next_pass, self.next_pass + 1
        return self.seed + pass_number if self.shuffle else None


def batches_dataset(
    lengths: np.ndarray,
    batch_size: int,
    make_batch,
    output_signature,
    shuffle: bool = True,
    seed: int = 0,
) -> tf.data.Dataset:
    """A `tf.data` pipeline of batches of similar-length examples.

    `make_batch(indices)` builds one batch from the example indices it is given. With
    `shuffle`, each pass over the data draws a new batch order from `seed` and the pass
    number, so training is reproducible but does not repeat one order every epoch. The
    dataset's `batch_order` attribute says which pass comes next.
    """
    order = BatchOrder(seed, shuffle)

    def generate():
        for batch in bucket_by_length(lengths, batch_size, order.take_seed()):
            yield make_batch(batch)

    dataset = tf.data.Dataset.from_generator(
        generate, output_signature=output_signature
    )
    # A known length lets Keras show progress bars with a total from the first epoch on.
    batches = -(-len(lengths) // batch_size)
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(batches)).prefetch(2)
    dataset.batch_order = order
    return dataset


def pass_batches_dataset(
    pass_data,
    examples_per_pass: int,
    batch_size: int,
    output_signature,
    seed: int = 0,
) -> tf.data.Dataset:
    """Like `batches_dataset`, but every pass over the data may bring other examples.

    `pass_data(k)` gives pass `k`'s example lengths (`examples_per_pass` of them) and its
    `make_batch`; batches are bucketed by length and shuffled with `seed` and the pass number.
    `fit_resumable` numbers the passes by epoch, so epoch `k` always reads pass `k`'s examples,
    after a restart too.
    """
    order = BatchOrder(seed, shuffle=True)

    def generate():
        pass_number = order.next_pass
        lengths, make_batch = pass_data(pass_number)
        if len(lengths) != examples_per_pass:
            raise ValueError(f"pass {pass_number} has {len(lengths)} examples, not {examples_per_pass}")
        for batch in bucket_by_length(lengths, batch_size, order.take_seed()):
            yield make_batch(batch)

    dataset = tf.data.Dataset.from_generator(generate, output_signature=output_signature)
    batches = -(-examples_per_pass // batch_size)
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(batches)).prefetch(2)
    dataset.batch_order = order
    return dataset


def array_dataset(
    inputs: np.ndarray, labels: np.ndarray, batch_size: int, shuffle: bool = True, seed: int = 0
) -> tf.data.Dataset:
    """Batches of examples that all have one shape, in a new reproducible order on every pass.

    The `batches_dataset` pipeline for inputs that need no padding, so `fit_resumable` can
    give a resumed epoch the order an uninterrupted run would have drawn.
    """

    def make_batch(batch):
        return inputs[batch], labels[batch]

    signature = tuple(
        tf.TensorSpec(shape=(None, *array.shape[1:]), dtype=tf.as_dtype(array.dtype)) for array in (inputs, labels)
    )
    same_length = np.zeros(len(inputs), dtype=np.int64)
    return batches_dataset(same_length, batch_size, make_batch, signature, shuffle, seed)


def bucketed_dataset(
    sequences,
    labels: np.ndarray,
    batch_size: int,
    maxlen: int,
    truncating: str = "pre",
    shuffle: bool = True,
    seed: int = 0,
    bucket_width: int = 50,
    padding: str = "post",
) -> tf.data.Dataset:
    """Length-bucketed batches of reviews, padded to a multiple of `bucket_width` tokens.

    Most reviews are much shorter than `maxlen`, so padding each batch only as far as its own
    longest review (rounded up to a few fixed widths) saves most of the recurrent steps.
    `padding="pre"` puts the few padding tokens in front, for a model that reads them without a mask.
    """
    lengths = np.minimum(sequence_lengths(sequences), maxlen)

    def make_batch(batch):
        return padded_to_bucket(sequences, batch, lengths, maxlen, bucket_width, padding, truncating), labels[batch]

    signature = (
        tf.TensorSpec(shape=(None, None), dtype=tf.int32),
        tf.TensorSpec(shape=(None,), dtype=labels.dtype),
    )
    return batches_dataset(lengths, batch_size, make_batch, signature, shuffle, seed)


def predict_probabilities(
    model: keras.Model,
    sequences,
    maxlen: int,
    truncating: str = "pre",
    batch_size: int = 256,
    bucket_width: int = 50,
    padding: str = "post",
) -> np.ndarray:
    """Predicted probabilities in the order of `sequences`, computed on length-bucketed batches.

    `padding` and `bucket_width` should be those the model was trained with (see
    `bucketed_dataset`). Every sequence is padded to its own length rounded up to a multiple of
    `bucket_width`, whatever else is predicted with it: without a mask the model reads the
    padding, and a prediction must not depend on its neighbours.
    """
    lengths = np.maximum(np.minimum(sequence_lengths(sequences), maxlen), 1)
    widths = np.array([bucket_width_for(length, maxlen, bucket_width) for length in lengths])
    batches = []
    for width in np.unique(widths):
        same_width = np.flatnonzero(widths == width)
        batches += [same_width[i : i + batch_size] for i in range(0, len(same_width), batch_size)]

    def generate():
        for batch in batches:
            yield pad_sequences(
                [sequences[i] for i in batch], int(widths[batch[0]]), padding, truncating
            )

    dataset = tf.data.Dataset.from_generator(
        generate, output_signature=tf.TensorSpec(shape=(None, None), dtype=tf.int32)
    ).apply(tf.data.experimental.assert_cardinality(len(batches)))
    probabilities = np.empty(len(sequences), dtype=np.float32)
    probabilities[np.concatenate(batches)] = model.predict(dataset, verbose=0).ravel()
    return probabilities
