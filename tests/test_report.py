"""The report's numbers come from the results: placeholders, formats, claims and staleness."""

import importlib
import json

import pytest

from lstm_utils import config

REPORT_DIR = config.REPOSITORY_ROOT / "report"


@pytest.fixture
def fill_report(monkeypatch):
    monkeypatch.syspath_prepend(str(REPORT_DIR))
    return importlib.import_module("fill_report")


def test_placeholders_take_values_and_formats_from_the_results(fill_report):
    results = {"imdb": {"models": [{"accuracy": 0.87712, "parameters": 1313025}]}}
    template = "accuracy {{imdb.models.0.accuracy|.3f}}, {{ imdb.models.0.parameters|, }} parameters"
    assert fill_report.render(template, results) == "accuracy 0.877, 1,313,025 parameters"


def test_a_placeholder_without_a_result_names_itself(fill_report):
    with pytest.raises(KeyError, match="imdb.models.0.recall"):
        fill_report.render("{{imdb.models.0.recall|.3f}}", {"imdb": {"models": [{"accuracy": 0.9}]}})


def adding_record(lstm_solves_the_longest: bool) -> dict:
    runs = []
    for length in (10, 200, 400):
        for model in ("simple_rnn", "lstm", "gru"):
            solved = model != "simple_rnn" and (length < 400 or model == "gru" or lstm_solves_the_longest)
            runs.append({"T": length, "model": model, "test_mse": 0.001 if solved else 0.17, "solved": solved,
                         "last_to_first_ratio": 2.0})
    return {"runs": runs, "threshold": 0.01}


def test_a_result_that_overturns_a_claim_of_the_text_stops_the_fill(fill_report):
    table = fill_report._adding_problem(adding_record(lstm_solves_the_longest=False), check_claims=True)
    assert "| 400 | 0.1700 | 0.1700 | **0.0010** |" in table["adding_table"]
    with pytest.raises(fill_report.ClaimError, match="only the GRU"):
        fill_report._adding_problem(adding_record(lstm_solves_the_longest=True), check_claims=True)
    # Smoke results support no claims, and only fill the template.
    fill_report._adding_problem(adding_record(lstm_solves_the_longest=True), check_claims=False)


def test_a_claim_is_checked_under_python_o_too(tmp_path):
    import shutil
    import subprocess
    import sys

    results = tmp_path / "results"
    shutil.copytree(config.REPOSITORY_ROOT / "results", results)
    adding = json.loads((results / "adding_problem.json").read_text())
    for run in adding["runs"]:
        run["solved"] = True  # Now the LSTM solves the longest T as well, against the text.
    (results / "adding_problem.json").write_text(json.dumps(adding))
    finished = subprocess.run(
        [sys.executable, "-O", str(REPORT_DIR / "fill_report.py"), "--results", str(results), "--out", str(tmp_path / "report.md")],
        capture_output=True, text=True, check=False,
    )
    assert finished.returncode == 2 and "the report claims that at the longest T only the GRU solves" in finished.stderr
    assert not (tmp_path / "report.md").exists()


def test_the_hardware_sentence_names_each_run_by_the_processor_it_ran_on(fill_report):
    processors = {"imdb_comparison": "AMD EPYC", "adding_problem": "Intel(R) Xeon(R) Processor"}
    results = {
        stem: {"hardware": {"processor": processors.get(stem, "AMD EPYC")}} for stem in fill_report.RUNS
    }
    sentence = fill_report._processors(results)
    assert sentence.startswith("an AMD EPYC for notebook 02, notebook 03, notebook 05, ")
    assert sentence.endswith("; an Intel Xeon for notebook 04")


def test_the_reference_list_holds_exactly_the_works_the_text_cites(fill_report):
    listed = fill_report._references("as Kingma and Ba (2015) and Maas et al. (2011) found")
    assert listed.startswith("Kingma, D.P. and Ba, J. (2015)") and "Maas, A.L." in listed
    assert "Hochreiter" not in listed


def test_fill_report_check_reports_a_stale_report(fill_report, tmp_path, monkeypatch, capsys):
    results = tmp_path / "results"
    results.mkdir()
    (results / "imdb.json").write_text(json.dumps({"mode": "full", "accuracy": 0.5}))
    monkeypatch.setattr(fill_report, "TEMPLATE", tmp_path / "template.md")
    fill_report.TEMPLATE.write_text("accuracy {{imdb.accuracy|.2f}}\n")
    report = tmp_path / "report.md"
    arguments = ["fill_report.py", "--results", str(results), "--out", str(report)]
    monkeypatch.setattr("sys.argv", arguments)
    assert fill_report.main() == 0 and report.read_text() == "accuracy 0.50\n"
    monkeypatch.setattr("sys.argv", [*arguments, "--check"])
    assert fill_report.main() == 0
    (results / "imdb.json").write_text(json.dumps({"mode": "full", "accuracy": 0.75}))
    assert fill_report.main() == 1
    assert "stale" in capsys.readouterr().err


@pytest.fixture
def readme_summary(monkeypatch):
    monkeypatch.syspath_prepend(str(REPORT_DIR))
    return importlib.import_module("readme_summary")


def test_the_readme_summary_replaces_only_the_text_between_its_markers(readme_summary):
    start, end = readme_summary.START, readme_summary.END
    readme = f"# title\n\n{start}\n| old | table |\n{end}\n\n## next\n"
    assert readme_summary.with_summary(readme, "| new |") == f"# title\n\n{start}\n| new |\n{end}\n\n## next\n"
    with pytest.raises(ValueError, match="markers"):
        readme_summary.with_summary(f"{end}\n{start}\n", "| new |")


def test_the_committed_report_and_readme_summary_match_the_committed_results(fill_report, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["fill_report.py", "--check"])
    assert fill_report.main() == 0, capsys.readouterr().err
