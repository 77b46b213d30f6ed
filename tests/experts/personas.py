"""The people the lived-experience tests act as, besides tests.personas (Aino the resident, Anna the admin)."""

from __future__ import annotations

from pb.accounts.models import Role
from tests.personas import Persona

# Kaisa: coordinates the mental-health group; sees its registry, notes, input and ledger, and no other group's.
KAISA = Persona(
    "kaisa@example.fi", "Kaisa Koordinaattori", "kaisa-koordinoi-1", "en", frozenset({Role.RESIDENT, Role.COORDINATOR})
)
# Karl: coordinates another group (child welfare); a coordinator, but of nothing Kaisa runs: 404 on all of it.
KARL = Persona(
    "karl@example.fi", "Karl Koordinator", "karl-koordinerar-1", "sv", frozenset({Role.RESIDENT, Role.COORDINATOR})
)
# Fredrik: a citizen-panel facilitator; staff, but without the coordinator role, so the coordinator pages say 403.
FREDRIK = Persona(
    "fredrik@example.fi",
    "Fredrik Facilitator",
    "fredrik-facilitates-1",
    "en",
    frozenset({Role.RESIDENT, Role.FACILITATOR}),
)
# Eeva: a resident and an expert in Kaisa's group; sees her own entry, invitations, input and earnings only.
EEVA = Persona("eeva@example.fi", "Eeva Esimerkki", "eeva-kokemus-1", "fi", frozenset({Role.RESIDENT}))
# Elias: another expert in Kaisa's group; must never see Eeva's input.
ELIAS = Persona("elias@example.fi", "Elias Esimerkki", "elias-kokemus-1", "en", frozenset({Role.RESIDENT}))
# Dora: department staff with an ordinary account who asked for the assignment; sees its status and, once
# published, its summary, never the notes or input.
DORA = Persona("dora@example.fi", "Dora Department", "dora-department-1", "en", frozenset({Role.RESIDENT}))
# Ville: a council member; reads published summaries (decision makers), nothing confidential.
VILLE = Persona(
    "ville@example.fi",
    "Ville Valtuutettu",
    "ville-valtuutettu-1",
    "en",
    frozenset({Role.RESIDENT, Role.COUNCIL_MEMBER}),
)

ALL = (KAISA, KARL, FREDRIK, EEVA, ELIAS, DORA, VILLE)
