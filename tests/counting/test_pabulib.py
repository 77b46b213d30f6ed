"""Reading and writing Pabulib files (pabulib.org/format)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from pb.counting.election import Election
from pb.counting.pabulib import (
    PabulibError,
    ballot_digest,
    format_number,
    parse_number,
    parse_pabulib,
    read_pabulib,
    write_pabulib,
)

from .conftest import LOCAL_PABULIB

DEFAULT_PROJECTS = "1;40;One\n2;60;Two\n"
DEFAULT_VOTES = "a;1,2\nb;2\n"


def pb_text(meta: str = "", projects: str = "", votes: str = "", *, vote_type: str = "approval") -> str:
    projects = projects or DEFAULT_PROJECTS
    votes = votes or DEFAULT_VOTES
    return (
        "META\nkey;value\ndescription;test\nbudget;100\n"
        f"vote_type;{vote_type}\n{meta}"
        f"PROJECTS\nproject_id;cost;name\n{projects}"
        f"VOTES\nvoter_id;vote\n{votes}"
    )


def test_it_reads_every_local_file() -> None:
    for path in LOCAL_PABULIB.glob("*.pb"):
        data = read_pabulib(path)
        assert data.projects and data.votes


def test_it_reads_integers_written_as_floats_exactly() -> None:
    data = parse_pabulib(pb_text().replace("budget;100", "budget;400000.0"))
    assert data.budget == 400000
    assert isinstance(data.budget, int)


def test_it_reads_decimal_commas_and_points_exactly() -> None:
    assert parse_number("4000,5", 1, "cost") == Fraction(8001, 2)
    assert parse_number("921012.06", 1, "budget") == Fraction(92101206, 100)
    # Through float this would be 0.30000000000000004-ish; exactly it is 3/10.
    assert parse_number("0.3", 1, "x") == Fraction(3, 10)


def test_it_reads_crlf_line_endings() -> None:
    data = parse_pabulib(pb_text().replace("\n", "\r\n"))
    assert [project.cost for project in data.projects] == [40, 60]


def test_it_reads_quoted_fields_with_separators_and_quotes() -> None:
    data = parse_pabulib(pb_text(projects='1;40;"A; ""quoted"" name"\n2;60;Two\n'))
    assert data.projects[0].get("name") == 'A; "quoted" name'


def test_it_reads_a_field_with_an_unbalanced_quote_like_czestochowa_grabowka() -> None:
    data = read_pabulib(LOCAL_PABULIB / "Poland_Czestochowa_2020_Grabowka.pb")
    assert any("Odkupmy" in project.get("name") for project in data.projects)


def test_it_leaves_a_withdrawn_project_off_the_ballot_and_out_of_votes() -> None:
    data = parse_pabulib(pb_text(projects="1;40;One\n2;999999999;Gone\n", votes="a;1,2\nb;2\n"))
    assert [project.project_id for project in data.projects] == ["1"]
    assert [project.project_id for project in data.withdrawn] == ["2"]
    assert [vote.projects for vote in data.votes] == [("1",), ()]


def test_it_counts_a_repeated_project_once_with_the_points_of_its_last_entry() -> None:
    text = pb_text(vote_type="cumulative").replace("voter_id;vote\n", "voter_id;vote;points\n")
    text = text.replace("a;1,2\nb;2\n", "a;1,2,1;3,4,5\nb;2;1\n")
    data = parse_pabulib(text)
    assert data.votes[0].projects == ("1", "2")
    assert data.votes[0].points == (5, 4)
    assert data.repeated_entries == ((12, "a", "1"),)


def test_it_ranks_a_repeated_project_at_its_first_position() -> None:
    text = pb_text(vote_type="ordinal", meta="max_length;3\n", votes="a;2,1,2\nb;1\n")
    data = parse_pabulib(text)
    assert data.votes[0].projects == ("2", "1")
    election = Election.from_pabulib(data)
    # Kraków convention: max_length - position, so 3 points for the first and 2 for the second place.
    assert election.scores() == [2 + 3, 3]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (pb_text().replace("budget;100", "budget;lots"), 4, "budget is not a number"),
        (pb_text(projects="1;40;One\n1;60;Two\n"), 9, "appears twice in PROJECTS"),
        (pb_text(votes="a;1,3\n"), 12, "not in PROJECTS"),
        (pb_text(votes="a;1\na;2\n"), 13, "voter 'a' appears twice"),
        (pb_text(projects="1;-4;One\n"), 8, "negative cost"),
        (pb_text(projects="1;40\n"), 8, "2 fields where the PROJECTS header"),
        (pb_text().replace("PROJECTS\nproject_id;cost", "PROJECTS\nproject;cost"), 7, "lacks the column"),
        ("hello\n", 1, "expected the META section title"),
        (pb_text().replace("VOTES\n", "VOTES2\n"), 10, "fields where the PROJECTS header"),
    ],
)
def test_it_names_the_line_and_the_problem_of_a_malformed_file(text: str, line: int, problem: str) -> None:
    with pytest.raises(PabulibError) as caught:
        parse_pabulib(text)
    assert caught.value.line == line
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"line {line}: ")


def test_it_reports_a_missing_section_at_the_end_of_the_file() -> None:
    with pytest.raises(PabulibError, match="line 9: the file ends without a VOTES section"):
        parse_pabulib(pb_text().split("VOTES")[0])


def test_it_reports_bytes_that_are_not_utf8_with_their_line() -> None:
    with pytest.raises(PabulibError) as caught:
        parse_pabulib(pb_text().encode().replace(b"One", b"\xff\xfe"))
    assert caught.value.line == 8


def test_it_writes_a_file_that_reads_back_as_the_same_data() -> None:
    for path in LOCAL_PABULIB.glob("*.pb"):
        data = read_pabulib(path)
        assert parse_pabulib(write_pabulib(data)) == data


def test_it_writes_exact_decimals() -> None:
    assert format_number(Fraction(8001, 2)) == "4000.5"
    assert format_number(Fraction(92101206, 100)) == "921012.06"
    assert format_number(Fraction(-1, 8)) == "-0.125"
    with pytest.raises(ValueError, match="no finite decimal"):
        format_number(Fraction(1, 3))


def test_its_digest_ignores_voter_ids_and_vote_order_but_not_ballots() -> None:
    first = parse_pabulib(pb_text(votes="a;1,2\nb;2\n"))
    renamed = parse_pabulib(pb_text(votes="x;2\ny;2,1\n"))
    changed = parse_pabulib(pb_text(votes="a;1\nb;2\n"))
    assert ballot_digest(first) == ballot_digest(renamed)
    assert ballot_digest(first) != ballot_digest(changed)
    assert len(ballot_digest(first)) == 64


def test_its_digest_of_a_real_file_is_stable() -> None:
    data = read_pabulib(LOCAL_PABULIB / "Netherlands_Assen_2024.pb")
    assert ballot_digest(data) == ballot_digest(parse_pabulib(write_pabulib(data)))
