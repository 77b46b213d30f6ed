"""The parser fails only with PabulibError, whatever it is fed (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pb.counting.pabulib import PabulibError, parse_pabulib, write_pabulib

VALID = (
    "META\nkey;value\ndescription;fuzz\nbudget;100\nvote_type;cumulative\nmax_length;3\n"
    'PROJECTS\nproject_id;cost;name\n1;40;One\n2;60.5;"Two; ""quoted"""\n3;999999999;Gone\n'
    "VOTES\nvoter_id;vote;points\na;1,2;1,2\nb;2,3;3,1\nc;1,1;2,2\n"
)
# Pieces of the format, so that random text often comes close to a valid file and reaches deep checks.
TOKENS = st.sampled_from(
    [
        "META",
        "PROJECTS",
        "VOTES",
        "key;value",
        "project_id;cost",
        "voter_id;vote",
        "voter_id;vote;points",
        "budget;",
        "vote_type;approval",
        "vote_type;ordinal",
        "1;40",
        "2;5,5",
        "a;1,2",
        "b;1;",
        "\n",
        "\r\n",
        ";",
        ",",
        '"',
        '""',
        "999999999",
        "-1",
        "1e5",
        "\x00",
        "\ufeff",
        "0.5",
        "max_length;x",
    ]
)


def _only_pabulib_errors(text: str | bytes) -> None:
    try:
        data = parse_pabulib(text)
    except PabulibError as error:
        assert str(error)
        return
    # Whatever parsed must also write and read back.
    try:
        assert parse_pabulib(write_pabulib(data)) == data
    except ValueError as error:  # a number without a finite decimal cannot come from a file
        raise AssertionError(error) from error


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_it_raises_only_pabulib_errors_on_random_text(text: str) -> None:
    _only_pabulib_errors(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_it_raises_only_pabulib_errors_on_random_bytes(data: bytes) -> None:
    _only_pabulib_errors(data)


@settings(max_examples=400, deadline=None)
@given(st.lists(TOKENS, max_size=60))
def test_it_raises_only_pabulib_errors_on_shuffled_format_pieces(pieces: list[str]) -> None:
    _only_pabulib_errors("".join(pieces))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_it_raises_only_pabulib_errors_on_a_valid_file_with_random_damage(data: st.DataObject) -> None:
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 5))
        insert = data.draw(st.one_of(TOKENS, st.text(max_size=3)))
        text = text[:position] + insert + text[position + cut :]
    _only_pabulib_errors(text)
