"""Staff personas the participation pages need beyond tests.personas (to move there when others need them)."""

from __future__ import annotations

from pb.accounts.models import Role
from tests.personas import Persona

# Ville: a voting assistant at a library's voting point; follows participation on the staff page, nothing else.
VILLE = Persona(
    "ville@example.fi",
    "Ville Vaaliavustaja",
    "ville-avustaa-1",
    "fi",
    frozenset({Role.RESIDENT, Role.VOTING_ASSISTANT}),
)
# Kaisa: a council member; an elected official, not staff of the vote, so she sees the public figures only.
KAISA = Persona(
    "kaisa@example.fi", "Kaisa Valtuutettu", "kaisa-valtuusto-1", "sv", frozenset({Role.RESIDENT, Role.COUNCIL_MEMBER})
)
