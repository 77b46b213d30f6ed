from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pb.sortition.cli import sortition

DATA = Path(__file__).resolve().parents[1] / "data" / "sortition"


def test_it_prints_the_selected_panel_and_every_probability_as_json() -> None:
    result = CliRunner().invoke(sortition, [str(DATA / "example_small_20"), "--seed", "1234", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert len(doc["selected"]) == 20
    assert len(doc["probabilities"]) == 200
    assert abs(doc["min_probability"] - 0.1) < 1e-6
    assert "leximin" in doc["algorithm"] and "HiGHS" in doc["solver"]
    assert doc["versions"]["highs"].startswith("1.")
    assert set(doc["digests"]) == {"pool_sha256", "quotas_sha256", "instance_sha256", "lottery_sha256"}
    assert doc["lottery"]["random_value"] == "1234"


def test_the_same_seed_selects_the_same_panel_and_another_seed_usually_another() -> None:
    args = [str(DATA / "example_small_20"), "--json", "--seed"]
    first = json.loads(CliRunner().invoke(sortition, [*args, "a"]).stdout)
    again = json.loads(CliRunner().invoke(sortition, [*args, "a"]).stdout)
    other = json.loads(CliRunner().invoke(sortition, [*args, "b"]).stdout)
    assert first["selected"] == again["selected"]
    assert first["digests"] == other["digests"]
    assert first["lottery"]["index"] != other["lottery"]["index"]


def test_it_prints_text_with_the_selected_ids_and_probabilities() -> None:
    result = CliRunner().invoke(sortition, [str(DATA / "example_small_20"), "--seed", "7"])
    assert result.exit_code == 0
    assert "selected: " in result.stdout
    assert "min probability: 0.100000" in result.stdout
    assert "0\t0.100000" in result.stdout


def test_a_missing_folder_is_one_error_line_and_exit_code_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(sortition, [str(tmp_path / "nope"), "--seed", "1"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ") and "Traceback" not in result.output


def test_quotas_that_cannot_be_met_are_one_error_line_with_the_smallest_relaxation(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "people.csv").write_text("id,g\n1,f\n2,f\n3,m\n", encoding="utf-8")
    (folder / "quotas.csv").write_text("category,value,min,max\ng,f,0,2\ng,m,2,2\n", encoding="utf-8")
    (folder / "instance.json").write_text('{"panel_size": 2, "id_column": "id"}', encoding="utf-8")
    result = CliRunner().invoke(sortition, [str(folder), "--seed", "1"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "g=m: needs at least 2 but the pool can give only 1" in result.stderr
    assert "lower the minimum from 2 to 1" in result.stderr


def test_an_empty_seed_is_refused() -> None:
    result = CliRunner().invoke(sortition, [str(DATA / "example_small_20"), "--seed", " "])
    assert result.exit_code == 2
    assert "--seed must not be empty" in result.stderr
