"""Every user-facing string has a Korean translation with the same placeholders."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalogue():
    with open(ROOT / "storefront/translations/ko/LC_MESSAGES/messages.po", "rb") as handle:
        return read_po(handle)


def source_strings():
    method_map = [
        ("storefront/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_string_in_the_code_has_a_korean_translation():
    po = catalogue()
    translated = {
        m.id if isinstance(m.id, str) else m.id[0] for m in po if m.id and m.string and not m.fuzzy
    }
    missing = sorted(source_strings() - translated)
    assert missing == [], f"untranslated: {missing[:10]}"


def test_translations_keep_their_placeholders():
    for message in catalogue():
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), source
