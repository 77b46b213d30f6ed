"""The translation catalogues: every message in the code and templates has a Finnish and a Swedish translation.

src/pb/locales/messages.pot lists the messages (extracted from src/**.py and templates/**.{html,txt});
fi and sv catalogues are merged from it. When these tests fail after you add or change a message, run
scripts/messages.sh, translate the new entries in src/pb/locales/{fi,sv}/LC_MESSAGES/messages.po (and
remove their "fuzzy" flags), then run these tests again.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from pb import i18n

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "src" / "pb" / "locales"
TEMPLATE = LOCALES / "messages.pot"
SCRIPT = ROOT / "scripts" / "messages.sh"
SOURCE = ROOT / "src" / "pb"
LANGUAGES = ["fi", "sv"]
HINT = "run scripts/messages.sh, then translate the new entries in the fi and sv catalogues"
# A named printf-style conversion such as %(name)s or %(num)d, the only kind pb's messages use.
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")

MessageId = str | tuple[str, ...]


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, abort_invalid=True)


@cache
def template() -> Catalog:
    return read_catalog(TEMPLATE)


@cache
def catalog(language: str) -> Catalog:
    return read_catalog(LOCALES / language / "LC_MESSAGES" / "messages.po", language)


def messages(cat: Catalog) -> dict[MessageId, Message]:
    return {message.id: message for message in cat if message.id}


def describe(ids: set[MessageId]) -> str:
    return "\n".join(f"  {message_id!r}" for message_id in sorted(ids, key=str))


def placeholders(text: str) -> list[str]:
    """The named conversions in ``text`` as written (``%(num)s``), sorted."""
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


def forms(message: Message) -> list[str]:
    """The translated text(s): one for a plain message, one per plural form for a plural one."""
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def test_the_message_template_is_up_to_date_with_the_code_and_templates(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    result = subprocess.run(
        ["bash", str(SCRIPT), "--extract-to", str(fresh)],
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"extraction failed:\n{result.stdout}\n{result.stderr}"
    extracted = set(messages(read_catalog(fresh)))
    committed = set(messages(template()))
    missing = extracted - committed
    stale = committed - extracted
    problems = []
    if missing:
        problems.append(f"messages in the code and templates but not in messages.pot:\n{describe(missing)}")
    if stale:
        problems.append(f"messages in messages.pot that are no longer used:\n{describe(stale)}")
    assert not problems, "\n".join([*problems, HINT])


def hidden_messages(tree: ast.AST) -> list[tuple[int, str]]:
    """English text handed to a translating call in a way the extractor cannot see.

    Extraction finds string literals only as the first argument of _(), gettext(), ngettext() and N_().
    Text that is translated later by other means has to be wrapped in N_() where it is written:
    ``translator(request)("...")``, ``i18n.gettext(language, "...")`` and the subject of
    ``mailer.compose(to, language, "...", template)``.
    """
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if isinstance(func, ast.Call):  # translator(request)("...")
            candidates = node.args[:1]
        elif name in {"gettext", "ngettext"} and isinstance(func, ast.Attribute):  # i18n.gettext(lang, "...")
            candidates = node.args[1:3]
        elif name == "compose":  # mailer.compose(to, language, subject, template, ...)
            candidates = node.args[2:3] + [kw.value for kw in node.keywords if kw.arg == "subject"]
        else:
            continue
        for argument in candidates:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.append((argument.lineno, argument.value))
    return found


def test_text_translated_later_is_marked_for_extraction() -> None:
    hidden = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        hidden += [f"  {path.relative_to(ROOT)}:{line}: {text!r}" for line, text in hidden_messages(tree)]
    assert not hidden, (
        "these messages are translated at run time but the extractor cannot see them; wrap each in N_() "
        "(from pb.i18n) and run scripts/messages.sh:\n" + "\n".join(hidden)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_has_exactly_the_messages_of_the_template(language: str) -> None:
    expected = set(messages(template()))
    found = set(messages(catalog(language)))
    assert found == expected, (
        f"{language} catalogue is not merged from messages.pot\n"
        f"missing:\n{describe(expected - found)}\nextra:\n{describe(found - expected)}\n{HINT}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_finnish_and_swedish_translation(language: str) -> None:
    cat = catalog(language)
    assert cat.num_plurals == 2 and cat.plural_expr == "(n != 1)", (
        f"{language} catalogue has an unexpected Plural-Forms header: {cat.plural_forms}"
    )
    translated = messages(cat)
    untranslated = set()
    for message_id, expected in messages(template()).items():
        message = translated.get(message_id)
        if message is None:
            untranslated.add(message_id)
            continue
        texts = forms(message)
        wanted = cat.num_plurals if expected.pluralizable else 1
        if len(texts) != wanted or not all(text.strip() for text in texts):
            untranslated.add(message_id)
    assert not untranslated, f"untranslated in {language}:\n{describe(untranslated)}\n{HINT}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_marked_fuzzy(language: str) -> None:
    fuzzy = {message_id for message_id, message in messages(catalog(language)).items() if message.fuzzy}
    assert not fuzzy, (
        f"fuzzy (guessed, unreviewed) translations in {language}; check each one and remove its fuzzy flag "
        f"and its #| lines:\n{describe(fuzzy)}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_message(language: str) -> None:
    problems = []
    for message_id, message in messages(catalog(language)).items():
        originals = list(message_id) if isinstance(message_id, tuple) else [message_id]
        for index, text in enumerate(forms(message)):
            if not text:
                continue  # reported as untranslated
            # fi and sv plurals follow English (n != 1): form 0 is the singular, the rest the plural.
            original = originals[min(index, len(originals) - 1)]
            if placeholders(text) != placeholders(original):
                problems.append(f"  {original!r}\n    -> {text!r}")
                continue
            # Messages with variables, and all plural messages, go through "%" formatting: a stray "%"
            # (instead of "%%") in the translation would break the page.
            names = set(PLACEHOLDER.findall(original))
            if names or message.pluralizable:
                try:
                    text % {name: 1 for name in names | {"num"}}
                except (ValueError, TypeError, KeyError) as error:
                    problems.append(f"  {original!r}\n    -> {text!r} cannot be formatted: {error}")
    assert not problems, f"placeholders differ from the message in {language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_app_reads_the_catalogue_as_written(language: str) -> None:
    wrong = []
    for message_id, message in messages(catalog(language)).items():
        texts = forms(message)
        if message.fuzzy:
            continue  # left out on purpose (reported above)
        if isinstance(message_id, tuple):
            got = [i18n.ngettext(language, message_id[0], message_id[1], n) for n in (1, 2)]
            if texts[0] and texts[1] and got != texts[:2]:
                wrong.append(f"  {message_id!r}: {got!r}")
        elif texts[0] and i18n.gettext(language, message_id) != texts[0]:
            wrong.append(f"  {message_id!r}: {i18n.gettext(language, message_id)!r}")
    assert not wrong, f"pb.i18n does not return the {language} translations:\n" + "\n".join(wrong)
