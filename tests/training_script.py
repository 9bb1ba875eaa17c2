"""A small training run for `test_interruption.py`: trains, then writes its results file.

With the argument `pause`, it stops after the first epoch and waits to be killed.
"""

import sys
import time

import keras
from test_training import tiny_model, tiny_sequences

from lstm_utils.results import save_results
from lstm_utils.training.fit import fit_resumable
from lstm_utils.training.pipelines import bucketed_dataset


class WaitForTheKill(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 1:
            print("first epoch saved", flush=True)
            time.sleep(600)


sequences, labels = tiny_sequences()
train = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50)
validation = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50, shuffle=False)
pause = [WaitForTheKill()] if sys.argv[1:] == ["pause"] else []
run = fit_resumable(tiny_model(), train, validation, epochs=3, run_name="killed", verbose=0, extra_callbacks=pause)
save_results("killed_training", {"run": run})
print("finished", flush=True)
