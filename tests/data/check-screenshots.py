#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the metainfo's screenshots and data/screenshots/ agree.

Each <image> is https://eclipselink.ai/screenshots/NAME with NAME a PNG in data/screenshots/
whose size is the image's width and height; each screenshot has a caption; and each PNG in
data/screenshots/ is shown in the metainfo. (.ci/screenshot makes them: census, editor,
history, record and print.)

    check-screenshots.py [SOURCE_ROOT]     (default: two folders above this script)
"""

import os
import struct
import sys
import xml.etree.ElementTree as ET

APP_ID = "ai.eclipselink.Handoff"
BASE_URL = "https://eclipselink.ai/screenshots/"


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    shots_dir = os.path.join(root, "data", "screenshots")
    problems = []

    component = ET.parse(os.path.join(root, "data", APP_ID + ".metainfo.xml.in")).getroot()
    screenshots = component.findall("./screenshots/screenshot")
    if not screenshots:
        problems.append("the metainfo has no screenshot")
    shown = set()
    for shot in screenshots:
        if shot.find("caption") is None or not (shot.find("caption").text or "").strip():
            problems.append("a screenshot has no caption")
        for image in shot.findall("image"):
            url = (image.text or "").strip()
            if not url.startswith(BASE_URL):
                problems.append(f"{url}: not under {BASE_URL}")
                continue
            name = url[len(BASE_URL) :]
            shown.add(name)
            path = os.path.join(shots_dir, name)
            if not os.path.isfile(path):
                problems.append(f"{url}: data/screenshots/{name} does not exist")
                continue
            size = png_size(path)
            if size is None:
                problems.append(f"data/screenshots/{name} is not a PNG")
                continue
            declared = (int(image.get("width", 0)), int(image.get("height", 0)))
            if declared != size:
                problems.append(f"{url}: the metainfo says {declared[0]}x{declared[1]}, the file is {size[0]}x{size[1]}")

    present = sorted(n for n in os.listdir(shots_dir) if n.endswith(".png")) if os.path.isdir(shots_dir) else []
    for name in present:
        if name not in shown:
            problems.append(f"data/screenshots/{name} is not shown in the metainfo")

    print(f"{len(screenshots)} screenshots in the metainfo, {len(present)} PNG files in data/screenshots/")
    for problem in problems:
        print("FAIL:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
