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


def benchmark_configs() -> dict:
    return {entry["name"]: entry for entry in committed_results("benchmark_cpu")["configs"]}


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
