"""The translations-complete check (`python -m jinqi.core.i18n_check`, run by CI).

1. The catalogues hold every message the code and templates use: messages are extracted afresh
   with Django's makemessages (needs GNU gettext) into a scratch copy and compared.
2. Every Simplified Chinese message is translated (no empty or fuzzy entry).
3. The compiled .mo files match their .po files (so a fresh checkout needs no gettext).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ("zh_Hans", "en")


def catalogue(language: str, domain: str = "django") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def untranslated(language: str = "zh_Hans") -> list[str]:
    """Messages of the catalogue without a usable translation."""
    po = polib.pofile(str(catalogue(language)))
    missing = [e.msgid for e in po.untranslated_entries()]
    missing += [e.msgid for e in po.fuzzy_entries()]
    return missing


def stale_compiled() -> list[str]:
    """Catalogues whose .mo does not hold exactly the .po's translations."""
    stale = []
    for language in LANGUAGES:
        po_path = catalogue(language)
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists():
            stale.append(str(mo_path))
            continue
        # Plural entries keep their translations in msgstr_plural (msgstr is empty): compare both.
        po = {
            (e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural))
            for e in polib.pofile(str(po_path)).translated_entries()
        }
        mo = {
            (e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural))
            for e in polib.mofile(str(mo_path))
            if e.msgid
        }
        if po != mo:
            stale.append(str(mo_path))
    return stale


def missing_from_catalogues() -> list[str]:
    """Messages used in the sources that the committed catalogue lacks (or obsolete ones kept)."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "jinqi"
        shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "--no-obsolete",
                "--no-location",
                *[f"--locale={lang}" for lang in LANGUAGES],
            ],
            cwd=copy,
            check=True,
            capture_output=True,
            env={
                "DJANGO_SETTINGS_MODULE": "jinqi.settings.test",
                "PATH": _path(),
                "PYTHONPATH": str(Path(scratch)),
            },
        )
        fresh = {_key(e) for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    committed = {_key(e) for e in polib.pofile(str(catalogue("zh_Hans"))) if not e.obsolete}
    return sorted(f"missing: {m}" for m in fresh - committed) + sorted(
        f"no longer used: {m}" for m in committed - fresh
    )


def _key(entry: polib.POEntry) -> str:
    """A message's identity: its msgid, with its context when it has one (pgettext)."""
    return entry.msgid if entry.msgctxt is None else f"{entry.msgid} (context: {entry.msgctxt})"


def _path() -> str:
    return os.environ.get("PATH", "/usr/bin:/bin")


def main() -> int:
    problems = [f"untranslated (zh_Hans): {m}" for m in untranslated()]
    problems += [f"stale compiled catalogue: {p}" for p in stale_compiled()]
    problems += missing_from_catalogues()
    for problem in problems:
        print(problem)
    print("translations: ok" if not problems else f"translations: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
