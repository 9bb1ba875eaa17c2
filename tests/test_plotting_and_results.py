import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from lstm_utils import config, plotting, results


def test_save_fig_writes_a_print_quality_png(capsys):
    figure, axis = plt.subplots(figsize=(4, 3))
    axis.plot([0, 1], [1, 0])
    plotting.save_fig(figure, "line", show=False)
    path = config.figures_dir() / "line.png"
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.info["dpi"][0] == pytest.approx(plotting.DPI, abs=1)
        assert image.width >= 4 * 150
    assert f"Saved {config.shown_path(path)}" in capsys.readouterr().out


def test_paths_inside_the_repository_are_shown_relative_to_it(tmp_path):
    assert config.shown_path(config.REPOSITORY_ROOT / "figures" / "a.png") == Path("figures/a.png")
    assert config.shown_path(tmp_path / "a.png") == tmp_path / "a.png"


def test_plot_helpers_draw_every_model():
    history = {
        "loss": [0.7, 0.5],
        "val_loss": [0.6, 0.55],
        "accuracy": [0.5, 0.8],
        "val_accuracy": [0.6, 0.7],
    }
    figure = plotting.plot_learning_curves({"rnn": history, "lstm": history})
    assert [len(axis.lines) for axis in figure.axes] == [4, 4]
    figure = plotting.plot_confusion_matrices({"rnn": [[5, 1], [2, 4]], "lstm": [[6, 0], [1, 5]]})
    assert [axis.get_title() for axis in figure.axes] == ["rnn", "lstm"]
    figure = plotting.plot_roc_curves({"rnn": ([0, 1, 0, 1], [0.2, 0.9, 0.4, 0.6])}, {"rnn": 1.0})
    assert len(figure.axes[0].lines) == 2  # the model and the chance diagonal
    plt.close("all")


def test_smoke_outputs_never_land_in_the_committed_folders(monkeypatch):
    monkeypatch.delenv(config.OUTPUT_ENV_VAR)
    monkeypatch.setenv(config.SMOKE_ENV_VAR, "1")
    assert config.results_dir() == config.REPOSITORY_ROOT / "build" / "smoke" / "results"
    assert config.figures_dir() == config.REPOSITORY_ROOT / "build" / "smoke" / "figures"
    assert config.models_dir() == config.REPOSITORY_ROOT / "build" / "smoke" / "models"
    monkeypatch.delenv(config.SMOKE_ENV_VAR)
    assert config.results_dir() == config.REPOSITORY_ROOT / "results"


def test_results_record_mode_environment_and_payload(monkeypatch):
    monkeypatch.setenv(config.SMOKE_ENV_VAR, "1")
    path = results.save_results("unit", {"metric": 0.5, "config": {"seed": 3}})
    record = json.loads(path.read_text())
    assert record["mode"] == "smoke" and record["experiment"] == "unit"
    assert record["metric"] == 0.5 and record["config"] == {"seed": 3}
    assert record["hardware"]["cpu_count"] >= 1
    assert isinstance(record["hardware"]["vector_extensions"], list)
    assert {"python", "tensorflow", "keras", "numpy"} <= set(record["packages"])
    assert [p.name for p in path.parent.iterdir()] == ["unit.json"]  # no temporary file left
    assert results.load_results("unit") == record


def test_numpy_values_are_written_as_plain_json():
    path = results.save_results("numpy", {"accuracy": np.float32(0.25), "counts": np.arange(3)})
    record = json.loads(path.read_text())
    assert record["accuracy"] == 0.25 and record["counts"] == [0, 1, 2]


def test_the_vector_extensions_are_read_from_the_processors_flags(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2 fma avx512f avx512bw\n")
    assert results._vector_extensions(cpuinfo) == ["avx2", "avx512f"]
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx avx2\n")
    assert results._vector_extensions(cpuinfo) == ["avx2"]
    assert results._vector_extensions(tmp_path / "missing") == []


def test_notebook_runtimes_keep_the_processor_each_notebook_ran_on():
    from lstm_utils.notebooks import _record_runtimes

    # A file from before processors were recorded per notebook: one processor for all.
    results.save_results("notebook_runtimes", {"seconds": {"01.ipynb": 8.0, "02.ipynb": 900.0}})
    record = json.loads((config.results_dir() / "notebook_runtimes.json").read_text())
    record["hardware"]["processor"] = "an older machine"
    (config.results_dir() / "notebook_runtimes.json").write_text(json.dumps(record))
    _record_runtimes({"02.ipynb": 500.0})
    record = results.load_results("notebook_runtimes")
    assert record["seconds"] == {"01.ipynb": 8.0, "02.ipynb": 500.0}
    this_machine = results.hardware_info()["processor"]
    assert record["processor_by_notebook"] == {"01.ipynb": "an older machine", "02.ipynb": this_machine}


def test_a_full_run_states_each_notebooks_committed_run_time_up_front(monkeypatch):
    from lstm_utils.notebooks import expected_runtimes

    committed = json.loads((config.REPOSITORY_ROOT / "results" / "notebook_runtimes.json").read_text())
    derivatives = json.loads((config.REPOSITORY_ROOT / "results" / "derivative_models.json").read_text())
    names = sorted(committed["seconds"])
    monkeypatch.delenv("LSTM_TUTORIAL_TRAIN", raising=False)
    text = expected_runtimes(names)
    for name in names:
        assert f"{committed['seconds'][name] / 60:6.1f} min  {name}" in text
    training_hours = sum(model["training_seconds"] for model in derivatives["models"].values()) / 3600
    notebook_06 = next(line for line in text.splitlines() if "06_derivative_models" in line)
    assert f"committed models (LSTM_TUTORIAL_TRAIN=1 trains them: about {training_hours:.1f} h)" in notebook_06
    assert f"{sum(committed['seconds'].values()) / 60:6.1f} min  in all" in text
    assert "not measured yet" in expected_runtimes(["09_new.ipynb"])


def test_the_lstm_cell_diagram_is_drawn_and_saved(tmp_path):
    from lstm_utils.plotting import draw_lstm_cell, save_fig

    figure = draw_lstm_cell()
    texts = {text.get_text() for text in figure.axes[0].texts}
    assert {"$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$h_t$", "$x_t$", "tanh", "σ"} <= texts
    save_fig(figure, "lstm_cell", show=False)
    assert (config.figures_dir() / "lstm_cell.png").stat().st_size > 10_000
