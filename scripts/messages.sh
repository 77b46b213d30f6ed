#!/usr/bin/env bash
# Refresh the translation catalogues (what `make messages` runs).
#
#   scripts/messages.sh                    extract messages into src/pb/locales/messages.pot and merge them
#                                          into the fi and sv catalogues (src/pb/locales/<lang>/LC_MESSAGES)
#   scripts/messages.sh --extract-to FILE  only extract, into FILE (tests/test_translations.py uses this to
#                                          check that the committed messages.pot is up to date)
#
# Message ids are English, so there is no en catalogue: English pages show the ids themselves.
# New messages arrive with an empty msgstr, and changed ones as "fuzzy" with the old translation and the
# previous msgid ("#|") to compare against. Translate them, remove the fuzzy flag and the "#|" lines, and run
# `pytest tests/test_translations.py`. The catalogues are read from the .po files at start-up; there is no
# compile step and no .mo files are committed.
#
# PYTHON selects the interpreter (default .venv/bin/python).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-.venv/bin/python}
LOCALES=src/pb/locales
POT=$LOCALES/messages.pot
LANGUAGES=(fi sv)

pybabel() {
    "$PYTHON" -m babel.messages.frontend "$@"
}

extract() {
    # -k N_: messages marked where they are defined and translated later (role names, flash ids, subjects).
    # Locations are kept (sorted by file) so a reviewer can see where each message is used.
    pybabel --quiet extract -F babel.cfg -k N_ \
        --project pb --version "$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')" \
        --copyright-holder "pb contributors" \
        --header-comment "# Messages of pb, extracted by scripts/messages.sh: do not edit by hand.
# Copyright (C) pb contributors
# This file is distributed under the same license as the pb project (AGPL-3.0-or-later)." \
        --sort-by-file -o "$1" .
}

if [[ ${1:-} == --extract-to ]]; then
    [[ -n ${2:-} ]] || { echo "usage: $0 [--extract-to FILE]" >&2; exit 2; }
    extract "$2"
    exit 0
fi
[[ $# -eq 0 ]] || { echo "usage: $0 [--extract-to FILE]" >&2; exit 2; }

mkdir -p "$LOCALES"
fresh=$(mktemp)
trap 'rm -f "$fresh"' EXIT
extract "$fresh"
# Keep the committed template when only its POT-Creation-Date would change, so the diff stays reviewable.
if [[ -f $POT ]] && diff -q <(grep -v '^"POT-Creation-Date:' "$POT") <(grep -v '^"POT-Creation-Date:' "$fresh") >/dev/null; then
    echo "$POT is up to date"
else
    cat "$fresh" >"$POT"
    echo "wrote $POT"
fi

for lang in "${LANGUAGES[@]}"; do
    po=$LOCALES/$lang/LC_MESSAGES/messages.po
    if [[ -f $po ]]; then
        pybabel --quiet update -i "$POT" -d "$LOCALES" -l "$lang" --previous --ignore-obsolete \
            --ignore-pot-creation-date
    else
        pybabel --quiet init -i "$POT" -d "$LOCALES" -l "$lang"
    fi
    untranslated=$("$PYTHON" - "$po" "$lang" <<'PY'
import sys
from babel.messages.pofile import read_po

with open(sys.argv[1], "rb") as handle:
    catalog = read_po(handle, locale=sys.argv[2])
todo = [m for m in catalog if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))]
print(len(todo))
PY
)
    echo "$po: $untranslated message(s) to translate or review"
done
