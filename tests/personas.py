"""The people the tests act as. Each is created fresh for every test that asks for it."""

from __future__ import annotations

from dataclasses import dataclass

from pb.accounts.models import Role


@dataclass(frozen=True)
class Persona:
    email: str
    name: str
    password: str
    language: str
    roles: frozenset[Role]
    verified: bool = True


# Aino: a Finnish-speaking resident of one district with a confirmed address; may use resident pages only.
AINO = Persona("aino@example.fi", "Aino Virtanen", "aino-salasana-1", "fi", frozenset({Role.RESIDENT}))
# Sixten: a Swedish-speaking resident (who later sits on a panel); no staff roles.
SIXTEN = Persona("sixten@example.fi", "Sixten Lindqvist", "sixten-losenord-1", "sv", frozenset({Role.RESIDENT}))
# Pekka: lives in another municipality; has an account but unconfirmed email and no rights beyond his own account.
PEKKA = Persona(
    "pekka@example.com",
    "Pekka Ulkopaikkakuntalainen",
    "pekka-password-1",
    "fi",
    frozenset({Role.RESIDENT}),
    verified=False,
)
# Riikka: a reviewer who costs proposals; staff, but not an admin, so admin pages refuse her.
RIIKKA = Persona(
    "riikka@example.fi", "Riikka Arvioija", "riikka-arvioi-1", "fi", frozenset({Role.RESIDENT, Role.REVIEWER})
)
# Anna: an admin who runs rounds, grants roles and reads the audit log.
ANNA = Persona("anna@example.fi", "Anna Admin", "anna-admin-pass-1", "en", frozenset({Role.RESIDENT, Role.ADMIN}))

# Mirja: a moderator (not an admin); may use the moderation queue, nothing else on the staff side.
# Not in ALL: the moderation tests add her when they need her.
MIRJA = Persona(
    "mirja@example.fi", "Mirja Moderaattori", "mirja-moderoi-1", "en", frozenset({Role.RESIDENT, Role.MODERATOR})
)

ALL = (AINO, SIXTEN, PEKKA, RIIKKA, ANNA)
