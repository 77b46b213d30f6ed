"""Identity and contact data are kept apart from the content of the work (issue 6, Registry; GDPR Art. 4(5) and
25): only ``expert_identities`` holds who the expert is, and everything about the work refers to the pseudonymous
``experts`` entry. Read from the table definitions, so a new column in the wrong place fails here."""

from __future__ import annotations

from pb.models import Base

IDENTITY_TABLE = "expert_identities"
# Columns that say who a person is or how to reach them.
IDENTIFYING = {"name", "email", "phone", "access_needs", "invitation_hash", "address", "birth_date", "hetu"}
# The tables about one expert's work: each refers to the pseudonymous entry.
WORK = {
    "expert_area_choices",
    "expert_consents",
    "expert_assignment_invitations",
    "expert_attendance",
    "expert_inputs",
    "expert_summary_signoffs",
    "expert_ledger_entries",
}


def expert_tables() -> dict[str, set[str]]:
    return {
        name: set(table.columns.keys()) for name, table in Base.metadata.tables.items() if name.startswith("expert")
    }


def test_who_an_expert_is_is_kept_only_in_the_identity_table() -> None:
    tables = expert_tables()
    assert IDENTIFYING & tables[IDENTITY_TABLE] >= {"name", "email", "phone"}
    misplaced = {name: columns & IDENTIFYING for name, columns in tables.items() if name != IDENTITY_TABLE}
    assert {name: found for name, found in misplaced.items() if found} == {}


def test_the_work_refers_to_the_pseudonymous_entry_and_never_to_the_persons_account() -> None:
    tables = Base.metadata.tables
    assert set(tables) >= WORK
    for name in WORK:
        targets = {(key.parent.name, key.column.table.name) for key in tables[name].foreign_keys}
        assert ("expert_id", "experts") in targets, name
        # Accounts appear only as the staff who recorded something (created_by_id, invited_by_id, ...).
        assert all(column.endswith("_by_id") for column, table in targets if table == "users"), (name, targets)
    # The registry entry itself does not know the account: only the identity row links them.
    assert not [key for key in tables["experts"].foreign_keys if key.column.table.name == "users"]
    assert any(key.column.table.name == "users" for key in tables[IDENTITY_TABLE].foreign_keys)
