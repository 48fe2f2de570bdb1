#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks po/POTFILES.in against the sources.

Fails when a file under src/, ui/ or data/ holds translatable strings but is not listed, when a
listed file does not exist, or when the list is not sorted (byte order, no duplicates).

    check-potfiles.py [SOURCE_ROOT]     (default: two folders above this script)
"""

import os
import re
import sys

SCAN_DIRS = ("src", "ui", "data")

# A call of a gettext macro or function whose (first) argument is a string literal, as xgettext
# finds it with meson's glib preset. GNU style puts a space before the parenthesis: `_ ("Save")`.
C_CALL = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dpgettext2|dngettext|dgettext)'
    r'\s*\(\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*,\s*)?"'
)
UI_TRANSLATABLE = re.compile(r'translatable\s*=\s*["\'](?:yes|true|1)["\']')
GSCHEMA_TEXT = re.compile(r"<(?:summary|description)\b")


def strip_c_comments(text):
    """Drops /* */ and // comments but keeps string and character literals intact."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        else:
            out.append(c)
            i += 1
    return "".join(out)


def has_translatable_strings(path):
    name = os.path.basename(path)
    if name.endswith(".desktop.in") or name.endswith(".metainfo.xml.in"):
        return True
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        return False
    if name.endswith((".c", ".h")):
        return C_CALL.search(strip_c_comments(text)) is not None
    if name.endswith(".ui"):
        return UI_TRANSLATABLE.search(text) is not None
    if name.endswith(".gschema.xml"):
        return GSCHEMA_TEXT.search(text) is not None
    return False


def read_potfiles(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if line and not line.startswith("#"):
                entries.append((number, line))
    return entries


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    potfiles_in = os.path.join(root, "po", "POTFILES.in")
    problems = []

    entries = read_potfiles(potfiles_in)
    listed = [name for _, name in entries]

    for number, name in entries:
        if not os.path.isfile(os.path.join(root, name)):
            problems.append(f"po/POTFILES.in:{number}: {name} does not exist")

    if listed != sorted(listed):
        for (number, name), expected in zip(entries, sorted(listed)):
            if name != expected:
                problems.append(f"po/POTFILES.in:{number}: not sorted: {name} (expected {expected} here)")
                break
    seen = set()
    for number, name in entries:
        if name in seen:
            problems.append(f"po/POTFILES.in:{number}: {name} is listed twice")
        seen.add(name)

    found = []
    for top in SCAN_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for filename in sorted(filenames):
                path = os.path.join(dirpath, filename)
                if has_translatable_strings(path):
                    found.append(os.path.relpath(path, root).replace(os.sep, "/"))

    for name in found:
        if name not in seen:
            problems.append(f"{name} has translatable strings but is missing from po/POTFILES.in")

    for name in sorted(seen - set(found)):
        if os.path.isfile(os.path.join(root, name)):
            print(f"note: {name} is listed but no translatable string was found in it")

    print(f"{len(found)} files with translatable strings, {len(listed)} listed in po/POTFILES.in")
    for problem in problems:
        print("FAIL:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
