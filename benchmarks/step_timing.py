"""Step timing shared by the lever benchmarks: a sample of an epoch's batches, each keeping its fastest step.

This is a shared virtual machine with bursts of steal time. Timing every batch in several rounds
that visit every variant in turn means a burst spoils one round of a batch, not its time.
"""

import time

import numpy as np


def sample_by_width(batches: list, share: float) -> list:
    """About `share` of the batches, evenly spaced in order of width: an epoch's widths in miniature.

    A batch is `(inputs, targets)`; its width is that of the first input matrix.
    """
    by_width = sorted(batches, key=lambda batch: (_first_matrix(batch[0]).shape[1], len(batch[1])))
    picked = np.linspace(0, len(by_width) - 1, max(2, round(len(by_width) * share)))
    return [by_width[index] for index in np.round(picked).astype(int)]


class FastestSteps:
    """A compiled model and its timed batches; `time_pass` trains on each once and keeps its fastest step."""

    def __init__(self, model, batches: list):
        self.model = model
        self.batches = batches
        # One untimed step per batch traces the training step for every width first.
        for inputs, targets in batches:
            model.train_on_batch(inputs, targets)
        self.fastest = [float("inf")] * len(batches)

    def time_pass(self) -> None:
        for index, (inputs, targets) in enumerate(self.batches):
            started = time.perf_counter()
            self.model.train_on_batch(inputs, targets)
            self.fastest[index] = min(self.fastest[index], time.perf_counter() - started)

    def summary(self, train_examples: int) -> dict:
        samples_per_second = sum(len(targets) for _, targets in self.batches) / sum(self.fastest)
        return {
            "steps_timed": len(self.batches),
            "mean_batch_width": float(np.mean([_first_matrix(inputs).shape[1] for inputs, _ in self.batches])),
            "samples_per_second": samples_per_second,
            "seconds_per_epoch": train_examples / samples_per_second,
        }


def measure_variants(variants: dict, prepare, rounds: int, train_examples: int, reference: str, speedup_key: str) -> dict:
    """Trace every variant, time them all in rounds, and return each one's settings and speed.

    `variants` maps names to settings and `prepare(settings)` returns the variant's
    `FastestSteps`; `speedup_key` holds each variant's speed relative to the `reference` one.
    """
    timed = {}
    for name, settings in variants.items():
        print(f"tracing {name}", flush=True)
        timed[name] = prepare(settings)
    for round_number in range(rounds):
        print(f"round {round_number + 1} of {rounds}", flush=True)
        for steps in timed.values():
            steps.time_pass()
    measured = {name: {"settings": variants[name], **steps.summary(train_examples)} for name, steps in timed.items()}
    for name, entry in measured.items():
        entry[speedup_key] = measured[reference]["seconds_per_epoch"] / entry["seconds_per_epoch"]
        print(f"{name:>50}: {entry['seconds_per_epoch']:7.1f} s per epoch", flush=True)
    return measured


def _first_matrix(inputs):
    return inputs[0] if isinstance(inputs, tuple | list) else inputs
