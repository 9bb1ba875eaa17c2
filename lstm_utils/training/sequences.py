"""Padding and batching integer sequences for recurrent models."""

from collections.abc import Sequence

import numpy as np


def pad_sequences(
    sequences: Sequence[Sequence[int]],
    maxlen: int | None = None,
    padding: str = "pre",
    truncating: str = "pre",
    value: int = 0,
    dtype=np.int32,
) -> np.ndarray:
    """Pad (or cut) every sequence to `maxlen` and stack them into one 2-D array.

    The defaults are those of `keras.utils.pad_sequences`: padding and cutting at the front.
    `padding="post"` puts the padding after the tokens, which lets a masked LSTM keep the fast
    cuDNN kernel on GPU. `truncating` says which end of an over-long sequence is cut off.
    Without `maxlen`, every row is as long as the longest sequence.
    """
    for name, option in (("padding", padding), ("truncating", truncating)):
        if option not in ("pre", "post"):
            raise ValueError(f"{name} must be 'pre' or 'post', got {option!r}")
    if maxlen is None:
        maxlen = max((len(s) for s in sequences), default=0)
    if maxlen < 1:
        raise ValueError(f"maxlen must be at least 1, got {maxlen}")
    padded = np.full((len(sequences), maxlen), value, dtype=dtype)
    for row, sequence in enumerate(sequences):
        kept = sequence[:maxlen] if truncating == "post" else sequence[-maxlen:]
        if len(kept) == 0:
            continue
        if padding == "post":
            padded[row, : len(kept)] = kept
        else:
            padded[row, -len(kept) :] = kept
    return padded


def sequence_lengths(sequences: Sequence[Sequence[int]]) -> np.ndarray:
    return np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))


def bucket_by_length(lengths: np.ndarray, batch_size: int, seed: int | None = 0) -> list[np.ndarray]:
    """Group example indices into batches of similar length.

    With `seed=None` the batches are in order of increasing length (for prediction); otherwise
    equal-length examples are shuffled and the batch order is random.
    """
    if seed is None:
        order = np.argsort(lengths, kind="stable")
    else:
        rng = np.random.default_rng(seed)
        # Shuffle first, then sort stably: equal-length examples land in random batches.
        order = rng.permutation(len(lengths))
        order = order[np.argsort(lengths[order], kind="stable")]
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if seed is not None:
        rng.shuffle(batches)
    return batches


def bucket_width_for(longest: int, maxlen: int, bucket_width: int) -> int:
    """Round a batch's longest length up to a multiple of `bucket_width`, at most `maxlen`."""
    return int(min(maxlen, -(-longest // bucket_width) * bucket_width))


def padded_to_bucket(sequences, batch, lengths: np.ndarray, maxlen: int, bucket_width: int, padding: str = "post", truncating: str = "pre") -> np.ndarray:
    """The sequences of `batch`, padded as far as their longest (in `lengths`) rounded up to a multiple of `bucket_width`."""
    width = bucket_width_for(lengths[batch].max(), maxlen, bucket_width)
    return pad_sequences([sequences[i] for i in batch], width, padding, truncating)


def length_bucketed_batches(
    sequences: Sequence[Sequence[int]],
    labels: np.ndarray,
    batch_size: int,
    maxlen: int,
    bucket_width: int = 50,
    truncating: str = "pre",
    seed: int | None = 0,
):
    """Yield `(x, y)` batches of similar-length reviews, right-padded to a multiple of `bucket_width`.

    Most reviews are much shorter than `maxlen`, so padding each batch only as far as its own
    longest review (rounded up to a few fixed widths, to limit retracing) saves most of the
    recurrent steps.
    """
    lengths = np.minimum(sequence_lengths(sequences), maxlen)
    for batch in bucket_by_length(lengths, batch_size, seed):
        yield padded_to_bucket(sequences, batch, lengths, maxlen, bucket_width, "post", truncating), labels[batch]
