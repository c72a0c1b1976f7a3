"""The English catalogue is complete and compiled: every string the code and templates mark for
translation has a reviewed English translation, and the committed .mo matches the committed .po
(servers load the .mo and do not need gettext)."""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.management.commands.makemessages import IGNORED

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0-9.]*[sdfr]|%%|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid

    def __str__(self) -> str:
        return f"{self.msgctxt}: {self.msgid!r}" if self.msgctxt else repr(self.msgid)


def read_po(path: Path) -> dict[tuple[str | None, str], Entry]:
    """The entries of a PO file as written by GNU gettext (one blank line between entries), header left out."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, target = Entry(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.fuzzy = "fuzzy" in line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                text = ast.literal_eval(line)
                if isinstance(target, int):
                    entry.msgstr[target] += text
                else:
                    setattr(entry, target, getattr(entry, target) + text)
            else:
                keyword, _, value = line.partition(" ")
                text = ast.literal_eval(value)
                if keyword.startswith("msgstr"):
                    target = int(keyword[7:-1]) if "[" in keyword else 0
                    entry.msgstr[target] = text
                else:
                    target = keyword
                    setattr(entry, keyword, text)
        if entry.msgid:
            entries[entry.key] = entry
    return entries


@pytest.fixture
def gettext_tools():
    """makemessages and msgfmt need GNU gettext. CI installs it; elsewhere the check skips with a reason."""
    if shutil.which("xgettext") and shutil.which("msgfmt"):
        return
    if os.environ.get("CI"):
        pytest.fail("GNU gettext is not installed (apt-get install gettext)")
    pytest.skip("needs GNU gettext (xgettext, msgfmt): apt-get install gettext")


def _extract(tmp_path: Path, monkeypatch) -> dict:
    """What `makemessages -l en` would extract from the sources today, into a copy (the real catalogue is untouched)."""
    source = tmp_path / "src"
    skipped = {*IGNORED, ".git", "locale", "__pycache__", "media", ".pytest_cache", ".ruff_cache"}
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=lambda directory, names: [
            n for n in names if n in skipped or (Path(directory, n).is_file() and Path(n).suffix not in {".py", ".html", ".txt"})
        ],
    )
    (source / "locale").mkdir()
    monkeypatch.chdir(source)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "LOCALE_PATHS", [str(source / "locale")])
        call_command("makemessages", locale=["en"], verbosity=0)
    return read_po(source / "locale" / "en" / "LC_MESSAGES" / "django.po")


def test_every_marked_string_has_an_english_translation(gettext_tools, tmp_path, monkeypatch):
    extracted = _extract(tmp_path, monkeypatch)
    catalogue = read_po(PO)
    assert len(extracted) > 900  # the extraction really read the apps and templates
    missing = [str(e) for key, e in extracted.items() if key not in catalogue]
    assert not missing, "not in locale/en (run `manage.py makemessages -l en`, translate, `compilemessages`):\n" + "\n".join(missing)
    stale = [str(e) for key, e in catalogue.items() if key not in extracted]
    assert not stale, "in locale/en but no longer in the code (run `manage.py makemessages -l en`):\n" + "\n".join(stale)


def test_the_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = read_po(PO)
    untranslated = [str(e) for e in catalogue.values() if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [str(e) for e in catalogue.values() if e.fuzzy]
    assert not untranslated, "untranslated in locale/en/LC_MESSAGES/django.po:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy (unreviewed) in locale/en/LC_MESSAGES/django.po:\n" + "\n".join(fuzzy)


def test_translations_keep_every_placeholder():
    wrong = []
    for entry in read_po(PO).values():
        for n, text in entry.msgstr.items():
            source = entry.msgid if n == 0 else entry.msgid_plural
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append(f"{entry} → {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_committed_mo_is_compiled_from_the_committed_po(gettext_tools, tmp_path):
    fresh = tmp_path / "django.mo"
    # --check-format also refuses a translation whose %(name)s or {name} placeholders differ from the source
    result = subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with MO.open("rb") as committed, fresh.open("rb") as compiled:
        committed_catalog = gettext.GNUTranslations(committed)._catalog
        compiled_catalog = gettext.GNUTranslations(compiled)._catalog
    differ = sorted(
        str(key) for key in committed_catalog.keys() | compiled_catalog.keys() if committed_catalog.get(key) != compiled_catalog.get(key)
    )
    assert not differ, "locale/en/LC_MESSAGES/django.mo is out of date (run `manage.py compilemessages`):\n" + "\n".join(differ[:50])
