"""Numbers quoted in the README and its pages under docs/ must be the ones in the committed full-mode results."""

import json
import re

import pytest

from lstm_utils import config

ROOT = config.REPOSITORY_ROOT
# The README is the landing page; the tables of each experiment live on the pages under docs/.
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README = "\n\n".join(path.read_text() for path in DOCUMENTS)


def test_the_readme_is_a_landing_page_that_links_every_docs_page():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 120
    for page in DOCUMENTS[1:]:
        assert f"](docs/{page.name})" in readme, f"the README does not link docs/{page.name}"


def test_the_readme_tables_are_the_ones_the_results_give(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "report"))
    from fill_report import load_results
    from readme_summary import RUNTIMES_END, RUNTIMES_START, runtime_table, summary_table, with_summary

    readme = (ROOT / "README.md").read_text()
    results = load_results(ROOT / "results")
    expected = with_summary(with_summary(readme, summary_table(results)), runtime_table(results), RUNTIMES_START, RUNTIMES_END)
    assert readme == expected, "a generated README table is stale: run python report/fill_report.py"
    from readme_summary import docs_blocks, with_docs_blocks

    for page in docs_blocks():
        text = (ROOT / "docs" / page).read_text()
        assert text == with_docs_blocks(page, text, results), f"a generated table of docs/{page} is stale"


def committed_results(name: str) -> dict:
    record = json.loads((ROOT / "results" / f"{name}.json").read_text())
    assert record["mode"] == "full", f"results/{name}.json is not from a full-mode run"
    return record


def readme_row(first_cell: str) -> str:
    rows = [line for line in README.splitlines() if line.startswith(f"| {first_cell}")]
    assert len(rows) == 1, f"expected one README table row starting with {first_cell!r}"
    return rows[0]


@pytest.mark.parametrize(("model", "label"), [("simple_rnn", "SimpleRNN"), ("stacked_lstm", "Stacked LSTM")])
def test_results_table_matches_imdb_comparison(model, label):
    record = committed_results("imdb_comparison")["models"][model]
    cells = [cell.strip() for cell in readme_row(label).strip("|").split("|")]
    test = record["test"]
    assert cells[1:4] == [f"{test['accuracy']:.4f}", f"{test['f1']:.4f}", f"{test['roc_auc']:.4f}"]
    assert cells[4] == f"{record['parameters']:,}"
    assert cells[5] == f"{record['epochs_run']} (best: {record['best_epoch']})"
    assert cells[6] == f"{sum(record['epoch_seconds']) / len(record['epoch_seconds']):.0f}"


def test_second_load_is_under_three_seconds():
    assert committed_results("imdb_load_time")["second_load_seconds"] < 3


def test_adding_problem_table_matches_its_results():
    runs = committed_results("adding_problem")["runs"]
    for length in sorted({run["T"] for run in runs}):
        cells = [cell.strip() for cell in readme_row(f"T = {length} ").strip("|").split("|")]
        mse = {run["model"]: run["test_mse"] for run in runs if run["T"] == length}
        assert cells[1:] == [f"{mse[model]:.4f}" for model in ("simple_rnn", "lstm", "gru")]



# Each README row starts with the label given here.
IMDB_LEVERS = {
    "padded_500_pre_no_mask_batch_64": "Configuration (a)'s input",
    "padded_500_post_masked_batch_64": "Padded behind to 500",
    "bucketed_500_batch_128": "Length buckets of 50",
    "bucketed_500_batch_128_xla": "XLA on those buckets",
    "bucketed_200_batch_128_bucket_width_10": "Buckets of 10, maxlen 200, masked",
    "bucketed_500_batch_128_pre_no_mask_bucket_width_10": "Ours (notebook 02)",
    "bucketed_200_batch_128_pre_no_mask_bucket_width_10": "Ours cut at 200 tokens",
}
DERIVATIVE_LEVERS = {
    "bucketed_batch_256": "Ours (notebook 06)",
    "bucketed_batch_512": "Batches of 512",
    "padded_to_longest_batch_256": "Every line padded to the longest",
    "padded_to_longest_batch_256_unroll": "Unrolled, every line padded",
    "bucketed_batch_256_xla": "XLA on notebook 06's batches",
}


@pytest.mark.parametrize(
    ("experiment", "variant", "label", "speedup_key"),
    [("imdb_levers_cpu", v, label, "speedup_over_padded_500") for v, label in IMDB_LEVERS.items()]
    + [("derivative_levers_cpu", v, label, "speedup_over_notebook") for v, label in DERIVATIVE_LEVERS.items()],
)
def test_speed_levers_match_their_results(experiment, variant, label, speedup_key):
    entry = committed_results(experiment)["variants"][variant]
    cells = [cell.strip() for cell in readme_row(label).strip("|").split("|")]
    assert cells[-2:] == [f"{entry['seconds_per_epoch']:.0f}", f"{entry[speedup_key]:.2f}"]


# Each README row of the benchmark table starts with the label given here.
BENCHMARK_ROWS = {
    "published_a": "Published (a)",
    "published_b_lstm": "Published (b) LSTM",
    "published_b_simplernn": "Published (b) SimpleRNN",
    "published_c": "Published (c)",
    "ours_imdb": "Ours: notebook 02's stacked LSTM, maxlen 500",
    "ours_imdb_maxlen_200": "Ours: notebook 02's stacked LSTM, maxlen 200",
    "ours_derivative": "Ours: notebook 06's encoder-decoder",
}


def benchmark_configs() -> dict:
    return {entry["name"]: entry for entry in committed_results("benchmark_cpu")["configs"]}


@pytest.mark.parametrize(("name", "label"), BENCHMARK_ROWS.items())
def test_benchmark_table_matches_its_results(name, label):
    configs = benchmark_configs()
    entry, reference = configs[name], configs["published_a"]
    cells = [cell.strip() for cell in readme_row(label).strip("|").split("|")]
    assert cells[1] == f"{entry['seconds_per_epoch']:.0f}"
    assert cells[3:5] == [f"{entry['samples_per_second']:,.0f}", f"{entry['peak_memory_mib']:,.0f}"]
    if name == "ours_derivative":
        return
    reached = entry["seconds_to_validation_accuracy_085"]
    assert cells[2] == f"{reference['seconds_per_epoch'] / entry['seconds_per_epoch']:.2f}"
    assert cells[5:] == [
        str(entry["epochs"]),
        "not reached" if reached is None else f"{reached:.0f} s",
        f"{entry['test_accuracy']:.4f}",
    ]


def test_the_benchmark_shows_the_three_fold_speed_up_at_equal_or_better_accuracy():
    configs = benchmark_configs()
    published, ours = configs["published_a"], configs["ours_imdb_maxlen_200"]
    assert published["seconds_per_epoch"] / ours["seconds_per_epoch"] >= 3
    assert ours["test_accuracy"] >= published["test_accuracy"]


@pytest.mark.parametrize("folder", ["figures", "results", "models", "benchmarks"])
def test_each_folder_readme_describes_exactly_the_files_in_its_folder(folder):
    listed = set(re.findall(r"^\| `([^`/]+\.\w+)` \|", (ROOT / folder / "README.md").read_text(), re.MULTILINE))
    present = {path.name for path in (ROOT / folder).iterdir() if path.is_file() and path.name != "README.md"}
    assert listed == present, f"{folder}/README.md: no such files {sorted(listed - present)}, unlisted {sorted(present - listed)}"


# The processors the README names, as `fill_report.processor_name` writes them.
PROCESSORS = ("AMD EPYC", "Intel Xeon")


def test_each_paragraph_names_the_processor_its_results_ran_on(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "report"))
    from fill_report import processor_name

    checked = 0
    for paragraph in README.split("\n\n"):
        named = [name for name in PROCESSORS if name in paragraph]
        # A paragraph naming both processors says which rows ran where; the results files say it too.
        if len(named) != 1:
            continue
        for stem in set(re.findall(r"results/(\w+)\.json", paragraph)):
            processor = processor_name(committed_results(stem)["hardware"]["processor"])
            assert named[0] in processor, f"the README says {stem} ran on an {named[0]}, not {processor}"
            checked += 1
    assert checked >= 5
