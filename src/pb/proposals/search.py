"""Full-text search queries for proposals, the same contract on SQLite FTS5 and PostgreSQL.

The contract (migration 0002): every word of the query must begin a word of the proposal's title, summary or
body; case does not matter; ä, ö and å are letters of their own (Finnish and Swedish alphabets), not a, o, a.

People type anything into a search box. Only runs of letters and digits are kept as words, so neither FTS5's
query syntax (quotes, ``NEAR``, ``*``, ``-``, column filters) nor PostgreSQL's tsquery operators (``& | ! <->``)
can reach the database; both tokenisers split words at the same non-alphanumeric characters.
"""

from __future__ import annotations

import re
import unicodedata

MAX_WORDS = 8
MAX_WORD_LENGTH = 40
# Letters and digits; "_" and combining marks separate words, as they do in FTS5's unicode61 tokeniser.
_WORD = re.compile(r"[^\W_]+")


def query_words(query: str) -> list[str]:
    words: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFC", query).lower()):
        word = word[:MAX_WORD_LENGTH]
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def sqlite_match(words: list[str]) -> str:
    """An FTS5 MATCH expression: each word a quoted prefix phrase; FTS5 joins them with AND."""
    return " ".join(f'"{word}"*' for word in words)


def postgresql_tsquery(words: list[str]) -> str:
    """A ``to_tsquery('simple', ...)`` argument: each word a prefix, all required."""
    return " & ".join(f"{word}:*" for word in words)
