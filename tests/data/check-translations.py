#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that every language in po/LINGUAS is complete.

For each language: `msgfmt --check --statistics` must pass with no warning, no fuzzy and no
untranslated message; and every message of a template freshly extracted from po/POTFILES.in must
be translated in the .po file, so a new string without a translation fails this test even before
anyone runs the update-po target.

    check-translations.py [SOURCE_ROOT]     (default: two folders above this script)
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

PACKAGE = "eclipselink"

# What meson's i18n.gettext(preset: 'glib') passes to xgettext that decides which strings exist.
XGETTEXT_ARGS = [
    "--from-code=UTF-8",
    "--add-comments",
    "--keyword=_",
    "--keyword=N_",
    "--keyword=C_:1c,2",
    "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2",
    "--keyword=g_dngettext:2,3",
    "--keyword=g_dpgettext2:2c,3",
]


def need(tool):
    path = shutil.which(tool)
    if path is None:
        print(f"FAIL: {tool} is not installed (Debian package gettext); this test cannot run without it")
        sys.exit(1)
    return path


def statistics(text):
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", text):
        counts[kind] = int(number)
    return counts


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    po_dir = os.path.join(root, "po")
    msgfmt, xgettext, msgcmp = need("msgfmt"), need("xgettext"), need("msgcmp")
    problems = []

    with open(os.path.join(po_dir, "LINGUAS"), encoding="utf-8") as f:
        languages = [w for line in f for w in line.split("#", 1)[0].split()]
    if not languages:
        problems.append("po/LINGUAS lists no language")

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, PACKAGE + ".pot")
        run = subprocess.run(
            [xgettext, "--package-name=" + PACKAGE, "-D", root, "-f", os.path.join(po_dir, "POTFILES.in"), "-o", pot]
            + XGETTEXT_ARGS,
            capture_output=True,
            text=True,
        )
        if run.returncode != 0 or not os.path.isfile(pot):
            print(run.stdout + run.stderr)
            print("FAIL: xgettext could not extract the strings listed in po/POTFILES.in")
            return 1

        for lang in languages:
            po = os.path.join(po_dir, lang + ".po")
            if not os.path.isfile(po):
                problems.append(f"po/LINGUAS lists {lang} but po/{lang}.po does not exist")
                continue

            run = subprocess.run(
                [msgfmt, "--check", "--statistics", "-o", os.devnull, po], capture_output=True, text=True
            )
            output = (run.stdout + run.stderr).strip()
            print(f"po/{lang}.po: {output}")
            counts = statistics(output)
            if run.returncode != 0:
                problems.append(f"po/{lang}.po: msgfmt --check failed")
            if "warning" in output:
                problems.append(f"po/{lang}.po: msgfmt --check printed warnings")
            if counts["fuzzy"] or counts["untranslated"]:
                problems.append(
                    f"po/{lang}.po: {counts['fuzzy']} fuzzy and {counts['untranslated']} untranslated messages"
                )

            # msgcmp counts a message as missing when it is absent, untranslated or fuzzy in the .po.
            run = subprocess.run([msgcmp, "--no-fuzzy-matching", po, pot], capture_output=True, text=True)
            if run.returncode != 0:
                print(run.stdout + run.stderr, end="")
                problems.append(
                    f"po/{lang}.po: lacks translations of strings now in the sources "
                    "(meson compile eclipselink-update-po, then translate)"
                )

    for problem in problems:
        print("FAIL:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
