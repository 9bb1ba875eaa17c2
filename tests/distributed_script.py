"""For `test_distribute.py`: trains one small model on one device and on two CPU replicas.

Prints, as JSON, the number of replicas and the largest difference between the two sets of
trained weights. A process of its own, because the CPU can be split only before TensorFlow
has started.
"""

import json
import os

import numpy as np
from test_training import tiny_model, tiny_sequences

from lstm_utils import config
from lstm_utils.training.distribute import distribution_strategy
from lstm_utils.training.fit import fit_resumable
from lstm_utils.training.pipelines import bucketed_dataset

os.environ[config.CPU_DEVICES_ENV_VAR] = "2"
two_replicas = distribution_strategy("mirrored")  # First, while the CPU can still be split.
sequences, labels = tiny_sequences()
train = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50)
validation = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50, shuffle=False)


def trained_weights(strategy, run_name):
    with strategy.scope():
        model = tiny_model()
    fit_resumable(model, train, validation, epochs=2, run_name=run_name, verbose=0, strategy=strategy)
    return model.get_weights()


one_device = trained_weights(distribution_strategy("default"), "one_device")
mirrored = trained_weights(two_replicas, "two_replicas")
difference = max(float(np.max(np.abs(a - b))) for a, b in zip(one_device, mirrored, strict=True))
change = max(float(np.max(np.abs(a - b))) for a, b in zip(one_device, tiny_model().get_weights(), strict=True))
print(json.dumps({"replicas": two_replicas.num_replicas_in_sync, "largest_difference": difference, "largest_change": change}))
