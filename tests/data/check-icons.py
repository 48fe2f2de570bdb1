#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the app icons under data/icons/hicolor/.

- the full-colour icon: SVG, 128x128 viewBox, named after the app id;
- the symbolic icon: SVG, 16x16 viewBox, filled in #2e3436 only (GTK recolours that one colour);
- neither uses text (fonts differ between systems), raster images or outside references, and
  gdk-pixbuf (librsvg) can render each of them.

    check-icons.py [SOURCE_ROOT]     (default: two folders above this script)
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

APP_ID = "ai.eclipselink.Handoff"
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
ICONS = [
    ("scalable/apps/" + APP_ID + ".svg", "0 0 128 128", None),
    ("symbolic/apps/" + APP_ID + "-symbolic.svg", "0 0 16 16", {"#2e3436"}),
]
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)")


def colours(element):
    found = set()
    for attr in ("fill", "stroke", "stop-color", "color"):
        value = element.get(attr)
        if value:
            found.update(c.lower() for c in COLOUR.findall(value))
    found.update(c.lower() for c in COLOUR.findall(element.get("style", "")))
    return found


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    problems = []
    thumbnailer = shutil.which("gdk-pixbuf-thumbnailer")

    for rel, viewbox, palette in ICONS:
        path = os.path.join(root, "data", "icons", "hicolor", rel)
        name = "data/icons/hicolor/" + rel
        try:
            svg = ET.parse(path).getroot()
        except (ET.ParseError, OSError) as e:
            problems.append(f"{name}: {e}")
            continue
        if svg.tag != SVG + "svg":
            problems.append(f"{name}: the root element is not an SVG <svg>")
        if svg.get("viewBox") != viewbox:
            problems.append(f"{name}: viewBox is {svg.get('viewBox')!r}, not {viewbox!r}")
        used = set()
        for element in svg.iter():
            tag = element.tag.replace(SVG, "")
            if tag in ("text", "image", "foreignObject", "script"):
                problems.append(f"{name}: <{tag}> is not allowed in an icon")
            href = element.get("href") or element.get(XLINK_HREF)
            if href and not href.startswith("#"):
                problems.append(f"{name}: refers to {href}; an icon must be self-contained")
            used |= colours(element)
        if palette is not None and not used <= palette:
            problems.append(f"{name}: uses {sorted(used - palette)}; a symbolic icon may only use {sorted(palette)}")
        if not used:
            problems.append(f"{name}: draws nothing with an explicit colour")

        if thumbnailer is None:
            problems.append("gdk-pixbuf-thumbnailer is not installed (libgdk-pixbuf2.0-bin): cannot render the icons")
        else:
            with tempfile.TemporaryDirectory() as tmp:
                out = os.path.join(tmp, "icon.png")
                run = subprocess.run([thumbnailer, "-s", "64", path, out], capture_output=True, text=True)
                if run.returncode != 0 or not os.path.isfile(out) or os.path.getsize(out) == 0:
                    problems.append(f"{name}: gdk-pixbuf cannot render it: {run.stderr.strip()}")

    print(f"{len(ICONS)} icons checked")
    for problem in problems:
        print("FAIL:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
