#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the app's look follows the desktop: no hard-coded colour in ui/ or src/gui/.

Dark mode and high contrast work only when every colour comes from libadwaita's named colours
(@accent_color, @warning_bg_color, style classes such as `error` or `success`) or is looked up
from the theme at run time. A hex colour (#rrggbb), rgb()/rgba()/hsl() or a colour name given to
gdk_rgba_parse() in a .css, .ui, .c or .h file under ui/ or src/gui/ fails this check.

    check-colours.py [SOURCE_ROOT]     (default: two folders above this script)
"""

import os
import re
import sys

HEX = re.compile(r"(?<![&\w])#[0-9a-fA-F]{3,8}\b")
FUNC = re.compile(r"\b(?:rgba?|hsla?)\s*\(")
PARSE = re.compile(r"gdk_rgba_parse\s*\([^,]+,\s*\"")


def strip_c_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    failures = []
    checked = 0
    for folder in ("ui", os.path.join("src", "gui")):
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in sorted(files):
                if not name.endswith((".css", ".ui", ".c", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                if name.endswith((".c", ".h", ".css")):
                    text = strip_c_comments(text)
                if name.endswith(".ui"):
                    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
                checked += 1
                for number, line in enumerate(text.splitlines(), 1):
                    if name.endswith((".c", ".h")) and line.lstrip().startswith("#"):
                        continue  # preprocessor lines
                    for pattern in (HEX, FUNC, PARSE):
                        if pattern.search(line):
                            failures.append(f"{os.path.relpath(path, root)}:{number}: {line.strip()}")
                            break
    print(f"{checked} files checked")
    for failure in failures:
        print(f"FAIL: hard-coded colour: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
