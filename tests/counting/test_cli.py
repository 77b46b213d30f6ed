"""`pb tally`, driven through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pb.counting.cli import tally
from pb.counting.pabulib import ballot_digest, read_pabulib

from .conftest import LOCAL_PABULIB

ASSEN = LOCAL_PABULIB / "Netherlands_Assen_2024.pb"


def test_it_prints_the_winners_money_used_and_a_summary() -> None:
    result = CliRunner().invoke(tally, [str(ASSEN)])
    assert result.exit_code == 0, result.output
    assert "Funded (9, in order of selection)" in result.stdout
    assert "Money used: 76700 of 100000" in result.stdout
    assert "Final endowment per voter: 2033" in result.stdout


def test_it_prints_json_with_the_selection_digest_and_exact_endowment() -> None:
    result = CliRunner().invoke(tally, [str(ASSEN), "--rule", "mes-pabutools", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert sorted(body["selected"]) == ["11", "12", "13", "14", "2", "3", "5", "6", "9"]
    assert body["digest"] == ballot_digest(read_pabulib(ASSEN))
    assert body["endowment"] == "42703/21"  # pabutools starts at 100000/84 and adds 1 per step
    assert body["rule"] == "mes-pabutools"


def test_it_writes_an_endowment_as_an_exact_fraction() -> None:
    result = CliRunner().invoke(tally, [str(ASSEN), "--rule", "mes-uncompleted", "--json"])
    assert json.loads(result.stdout)["endowment"] == "25000/21"


def test_it_breaks_ties_the_pabutools_way_when_asked() -> None:
    default = json.loads(CliRunner().invoke(tally, [str(ASSEN), "--json"]).stdout)
    pabutools = json.loads(CliRunner().invoke(tally, [str(ASSEN), "--json", "--ties", "pabutools"]).stdout)
    assert default["ties"][0]["criterion"] == "lower cost"
    assert pabutools["ties"][0]["criterion"] == "project id as a string (pabutools)"


def test_it_compares_all_rules_side_by_side() -> None:
    result = CliRunner().invoke(tally, [str(LOCAL_PABULIB / "Switzerland_Zurich_S5R.pb"), "--compare"])
    assert result.exit_code == 0, result.output
    for name in ("greedy", "mes", "mes-fill", "mes-checker", "phragmen"):
        assert name in result.stdout
    assert "n/a" in result.stdout  # Phragmén does not apply to ranked ballots


def test_it_compares_all_rules_as_json() -> None:
    result = CliRunner().invoke(tally, [str(ASSEN), "--compare", "--json"])
    rules = json.loads(result.stdout)["rules"]
    assert set(rules) == {
        "greedy",
        "greedy-no-skip",
        "greedy-threshold",
        "mes",
        "mes-fill",
        "mes-uncompleted",
        "mes-pabutools",
        "mes-checker",
        "phragmen",
    }


def test_it_reports_a_malformed_file_in_one_line_with_exit_code_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pb"
    bad.write_text(
        "META\nkey;value\nbudget;lots\nvote_type;approval\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n"
    )
    result = CliRunner().invoke(tally, [str(bad)])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "line 3: budget is not a number" in result.stderr
    assert "Traceback" not in result.output


def test_it_reports_a_missing_file_with_exit_code_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(tally, [str(tmp_path / "missing.pb")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
