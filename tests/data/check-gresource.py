#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that ui/ai.eclipselink.Handoff.gresource.xml and the ui/ folder agree.

Every file in ui/ (except the gresource XML itself and meson.build) must be listed, every listed
file must exist, and none may be listed twice.

    check-gresource.py [SOURCE_ROOT]     (default: two folders above this script)
"""

import os
import sys
import xml.etree.ElementTree as ET

GRESOURCE = "ai.eclipselink.Handoff.gresource.xml"
NOT_RESOURCES = {GRESOURCE, "meson.build"}


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    ui_dir = os.path.join(root, "ui")
    problems = []

    try:
        tree = ET.parse(os.path.join(ui_dir, GRESOURCE))
    except (ET.ParseError, OSError) as e:
        print(f"FAIL: ui/{GRESOURCE}: {e}")
        return 1

    listed = []
    for element in tree.getroot().iter("file"):
        name = (element.text or "").strip()
        listed.append(os.path.normpath(name).replace(os.sep, "/"))

    seen = set()
    for name in listed:
        if name in seen:
            problems.append(f"ui/{GRESOURCE} lists {name} twice")
        seen.add(name)
        if not os.path.isfile(os.path.join(ui_dir, name)):
            problems.append(f"ui/{GRESOURCE} lists {name}, which does not exist in ui/")

    present = []
    for dirpath, dirnames, filenames in os.walk(ui_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            if filename.startswith(".") or filename.endswith("~"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, filename), ui_dir).replace(os.sep, "/")
            if rel not in NOT_RESOURCES:
                present.append(rel)

    for name in present:
        if name not in seen:
            problems.append(f"ui/{name} is not listed in ui/{GRESOURCE}, so the app would not find it")

    print(f"{len(present)} files in ui/, {len(listed)} listed in ui/{GRESOURCE}")
    for problem in problems:
        print("FAIL:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
