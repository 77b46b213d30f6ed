"""The re-identification check (pb.experts.reidentification) on plain data: names, contact details, rare areas
and combinations, counts under five, and small groups."""

from __future__ import annotations

from pb.experts.reidentification import Area, check

NAMES = ["Aino Virtanen", "Sixten Lindqvist", "Li Ek"]
CONTACTS = ["aino@example.fi", "040 123 4567"]
# Twelve people took part: eight have adult services, six substance abuse, two child welfare; adult and substance
# abuse together: only three.
ADULT = Area(("Aikuisten palvelut", "Vuxentjänster", "Adult services"), frozenset(range(8)))
SUBSTANCE = Area(("Päihdepalvelut", "Missbrukarvård", "Substance abuse"), frozenset({5, 6, 7, 8, 9, 10}))
CHILD = Area(("Lastensuojelu", "Barnskydd", "Child welfare"), frozenset({10, 11}))


def kinds(text: str, participants: int = 12) -> list[tuple[str, str]]:
    findings = check(
        {"themes": text}, names=NAMES, contacts=CONTACTS, areas=[ADULT, SUBSTANCE, CHILD], participants=participants
    )
    return [(finding.kind, finding.excerpt) for finding in findings]


def test_clean_text_about_a_large_group_raises_nothing() -> None:
    assert kinds("Jonot ovat pitkiä ja takaisinsoitto auttaisi. Aikuisten palvelut koettiin hyviksi.") == []


def test_names_are_found_also_inflected_and_in_other_case() -> None:
    found = kinds("Ainon mielestä jono oli pitkä. SIXTEN sa att det var bra; lindqvistin kanssa samaa mieltä.")
    assert ("name", "Ainon") in found
    assert ("name", "SIXTEN") in found
    assert ("name", "lindqvistin") in found


def test_short_name_parts_alone_do_not_match_ordinary_words_but_whole_names_do() -> None:
    assert not [item for item in kinds("Ekonomia ja lisäksi ek-sanat") if item[0] == "name"]
    assert ("name", "Li Ek") in kinds("Li Ek kertoi kokemuksestaan.")


def test_contact_details_and_identity_codes_are_found() -> None:
    found = kinds("Soita 0401234567 tai +358 50 765 4321, meili aino@example.fi, hetu 131052-308T.")
    contacts = [excerpt for kind, excerpt in found if kind == "contact"]
    assert "0401234567" in contacts
    assert "+358 50 765 4321" in contacts
    assert "aino@example.fi" in contacts
    assert "131052-308T" in contacts


def test_a_known_number_written_another_way_is_found() -> None:
    assert ("contact", "0401234567") in kinds("Numero oli 040-1234567.")


def test_a_rare_area_is_flagged_with_how_many_share_it() -> None:
    findings = check(
        {"quotes": "Lastensuojelun asiakkaana koin tämän."},
        names=[],
        contacts=[],
        areas=[ADULT, SUBSTANCE, CHILD],
        participants=12,
    )
    assert [(f.kind, f.field, f.excerpt, f.people) for f in findings] == [("rare_area", "quotes", "Lastensuojelu", 2)]


def test_a_rare_combination_of_common_areas_is_flagged() -> None:
    found = check(
        {"themes": "Aikuisten palvelut ja Päihdepalvelut yhdessä olivat raskaita."},
        names=[],
        contacts=[],
        areas=[ADULT, SUBSTANCE, CHILD],
        participants=12,
    )
    assert [(f.kind, f.excerpt, f.people) for f in found] == [
        ("rare_combination", "Aikuisten palvelut + Päihdepalvelut", 3)
    ]


def test_areas_are_recognised_in_swedish_and_english_too() -> None:
    assert ("rare_area", "Lastensuojelu") in kinds("Inom barnskydd var det svårt.")
    assert ("rare_area", "Lastensuojelu") in kinds("In child welfare it was hard.")


def test_counts_under_five_are_flagged_in_digits_and_words() -> None:
    found = kinds("Kolme meistä odotti, 2 luovutti. Två av oss. Three of us. 12 vastaajaa, 3,5 tuntia, 4 %.")
    small = [excerpt for kind, excerpt in found if kind == "small_count"]
    assert small == ["2", "Kolme", "Två", "Three"]


def test_a_summary_of_fewer_than_five_people_is_flagged() -> None:
    assert ("small_group", "4") in kinds("Jonot ovat pitkiä.", participants=4)
    assert not [item for item in kinds("Jonot ovat pitkiä.", participants=5) if item[0] == "small_group"]
