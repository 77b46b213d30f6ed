from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pb.sortition.models import InstanceError, household_key, load_instance

DATA = Path(__file__).resolve().parents[1] / "data" / "sortition"


def write_folder(
    folder: Path,
    people: str = "id,addr,gender\n1,Katu 1,f\n2,katu  1,m\n3,Tie 2,m\n",
    quotas: str = "category,value,min,max\ngender,f,0,1\ngender,m,1,2\n",
    meta: dict[str, object] | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "people.csv").write_text(people, encoding="utf-8")
    (folder / "quotas.csv").write_text(quotas, encoding="utf-8")
    meta = meta or {"panel_size": 2, "id_column": "id", "address_columns": ["addr"], "categories": ["gender"]}
    (folder / "instance.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def test_it_loads_a_shared_format_folder() -> None:
    instance = load_instance(DATA / "opendlp_monitoring_100_30")
    assert len(instance.people) == 100
    assert instance.panel_size == 30
    assert instance.categories == ("gender", "ethnicity", "province", "education")
    assert instance.quota("gender", "Female").min == 14
    assert instance.people[0].id == "1"


def test_it_treats_addresses_that_differ_only_in_case_spacing_or_punctuation_as_one_household() -> None:
    assert household_key(["Katu 1 A, 3", "00100"]) == household_key(["katu 1 a 3", " 00100 "])
    assert household_key(["Åkerväg 1"]) == household_key(["ÅKERVÄG 1"])
    assert household_key(["Katu 1"]) != household_key(["Katu 11"])
    assert household_key(["", " "]) is None


def test_it_groups_people_at_the_same_address_into_one_household(tmp_path: Path) -> None:
    instance = load_instance(write_folder(tmp_path / "x"))
    assert instance.households() == [[0, 1]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"people": "id,addr,gender\n1,a,f\n1,b,m\n"}, "duplicate id"),
        ({"people": "id,addr,gender\n1,a,x\n2,b,m\n"}, "gender='x' has no row in quotas.csv"),
        ({"people": "id,addr\n1,a\n"}, "missing column(s) gender"),
        ({"quotas": "category,value,min,max\ngender,f,2,1\ngender,m,0,2\n"}, "need 0 <= min <= max"),
        ({"quotas": "category,value,min,max\ngender,f,one,1\ngender,m,0,2\n"}, "min must be a whole number"),
        ({"meta": {"panel_size": 0}}, "panel_size must be a positive whole number"),
        ({"meta": {"panel_size": 9, "address_columns": ["addr"]}}, "larger than the pool"),
    ],
)
def test_it_rejects_bad_input_with_a_message_saying_what_is_wrong(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    folder = write_folder(tmp_path / "x", **change)  # type: ignore[arg-type]
    with pytest.raises(InstanceError, match=re.escape(message)):
        load_instance(folder)


def test_it_rejects_a_folder_without_the_instance_files(tmp_path: Path) -> None:
    with pytest.raises(InstanceError, match=re.escape("instance.json: file not found")):
        load_instance(tmp_path)
