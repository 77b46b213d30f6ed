"""Keyed hashes that keep who voted apart from what was voted (docs/ballot-secrecy.md is the threat model).

Every key is derived from the server secret (PB_SECRET_KEY) with its own purpose label, so a database alone
holds no key: without the secret, nobody can turn an identifier into its hash, or a voter into their ballot.
Changing PB_SECRET_KEY during a round breaks these links (census hashes, ballot replacement): the deploy
guide says so.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

# Crockford's base 32 without I, L, O and U: codes are read from paper and typed by hand.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


class Keys:
    """The keyed hashes of one server secret. Outputs are hex strings of 64 characters."""

    def __init__(self, secret_key: str) -> None:
        self._root = secret_key.encode()

    def _mac(self, purpose: str, message: str) -> str:
        key = hmac.new(self._root, f"pb-voting-key:{purpose}".encode(), hashlib.sha256).digest()
        return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()

    def person(self, identifier: str) -> str:
        """A person across channels: the keyed hash of their normalised personal identifier."""
        return self._mac("person", normalise_identifier(identifier))

    def voting_code(self, code: str) -> str:
        return self._mac("voting-code", normalise_code(code))

    def code_voter(self, code_id: int) -> str:
        """The voter of a code that is not tied to a person (the CODE method)."""
        return self._mac("code-voter", str(code_id))

    def ballot_link(self, budget_id: int, voter_key: str) -> str:
        """What finds a voter's ballot again to replace it; only a holder of the secret can compute it."""
        return self._mac("ballot-link", f"{budget_id}:{voter_key}")

    def paper_sheet(self, budget_id: int, sheet_number: str) -> str:
        """A paper voter's register entry names their sheet only through this hash."""
        return self._mac("paper-sheet", f"{budget_id}:{sheet_number}")

    def paper_ballot_link(self, budget_id: int, sheet_number: str) -> str:
        # A different purpose than paper_sheet: the register and the ballot hold unrelated-looking values.
        return self._mac("paper-ballot", f"{budget_id}:{sheet_number}")


def normalise_identifier(identifier: str) -> str:
    """Finnish personal identity codes and other identifiers: no spaces, upper case, the century sign kept."""
    text = unicodedata.normalize("NFKC", identifier)
    return "".join(text.split()).upper()


def normalise_code(code: str) -> str:
    """A code as typed: spaces and dashes dropped, case ignored, letters that look like digits read as digits."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", code).upper() if ch.isalnum())
    return text.translate(_CONFUSABLE)


def new_code(length: int = 12) -> str:
    """A random code of `length` characters (12 × 5 = 60 bits), shown in groups of four."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def new_receipt() -> str:
    """A receipt code: 16 characters (80 bits), so its public hash cannot be guessed back."""
    return new_code(16)


def receipt_hash(receipt: str) -> str:
    """Public: the anonymised ballot list shows it, and anyone can compute it from their receipt code."""
    return hashlib.sha256(f"pb-receipt:{normalise_code(receipt)}".encode()).hexdigest()
