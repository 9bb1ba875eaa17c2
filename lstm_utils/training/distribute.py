"""Where training runs: a `tf.distribute` strategy picked by name, and mixed precision on GPUs.

The notebooks build and compile their models inside `distribution_strategy().scope()`;
`LSTM_TUTORIAL_STRATEGY` then moves the same code from one device to several GPUs, a
TPU, or several machines without editing a cell. `LSTM_TUTORIAL_MIXED_PRECISION=1`
computes in float16 on a GPU.
"""

import os

import keras
import tensorflow as tf

from .. import config
from ..errors import ConfigurationError

STRATEGIES = ("default", "mirrored", "tpu", "multi-worker")


def split_cpu(devices: int) -> list[str]:
    """Show the CPU to TensorFlow as `devices` logical devices and return their names.

    Lets `MirroredStrategy` run, and be tested, on a machine without GPUs. TensorFlow
    accepts this only before it has placed its first tensor.
    """
    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(devices)]
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError as error:
        if len(tf.config.list_logical_devices("CPU")) != devices:
            raise ConfigurationError(
                f"cannot split the CPU into {devices} devices: TensorFlow has already started "
                f"(set {config.CPU_DEVICES_ENV_VAR} before the first cell that trains)"
            ) from error
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def distribution_strategy(name: str | None = None) -> tf.distribute.Strategy:
    """The strategy called `name`, else the one `LSTM_TUTORIAL_STRATEGY` names (default: one device).

    - `default`: whatever single device TensorFlow picks (a GPU when there is one).
    - `mirrored`: every local GPU, each with a copy of the model, gradients averaged; with
      `LSTM_TUTORIAL_CPU_DEVICES=N` and no GPU, N logical CPU devices instead.
    - `tpu`: the TPU of a Colab TPU runtime (or the one `TPU_NAME` points at).
    - `multi-worker`: several machines, each described by its `TF_CONFIG`.

    The batch size in a notebook's config is the global batch, split between the replicas.
    """
    name = (name or os.environ.get(config.STRATEGY_ENV_VAR) or "default").strip().lower()
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        cpu_devices = os.environ.get(config.CPU_DEVICES_ENV_VAR)
        if cpu_devices and not tf.config.list_physical_devices("GPU"):
            return tf.distribute.MirroredStrategy(split_cpu(_positive_count(cpu_devices)))
        return tf.distribute.MirroredStrategy()
    if name == "tpu":
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    if name == "multi-worker":
        if not os.environ.get("TF_CONFIG"):
            raise ConfigurationError(
                "the multi-worker strategy needs TF_CONFIG, naming every worker and this one's index"
            )
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ConfigurationError(f"unknown {config.STRATEGY_ENV_VAR} {name!r}; choose one of {', '.join(STRATEGIES)}")


def _positive_count(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise ConfigurationError(f"{config.CPU_DEVICES_ENV_VAR} must be a whole number of at least 1, got {text!r}")
    return int(text)


def use_mixed_precision_if_asked() -> str:
    """Set Keras' global dtype policy from `LSTM_TUTORIAL_MIXED_PRECISION`; returns the policy name.

    `mixed_float16` computes in float16 and keeps the weights in float32. It pays off only
    on GPUs with tensor cores; on a CPU it is slower, so there the request is declined.
    Models should give their output layer `dtype="float32"`, where a sigmoid or softmax
    in float16 would lose precision.
    """
    asked = config.is_mixed_precision_asked()
    policy = "mixed_float16" if asked and tf.config.list_physical_devices("GPU") else "float32"
    if asked and policy == "float32":
        print(f"{config.MIXED_PRECISION_ENV_VAR} ignored: no GPU, and float16 is slower on a CPU")
    keras.mixed_precision.set_global_policy(policy)
    return policy


def describe(strategy: tf.distribute.Strategy) -> str:
    """One line for a notebook's setup output: strategy and replicas."""
    replicas = strategy.num_replicas_in_sync
    return f"{type(strategy).__name__} with {replicas} replica{'s' if replicas != 1 else ''}"
