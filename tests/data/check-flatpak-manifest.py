#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest without building it (no GNOME runtime can be fetched here).

- `flatpak-builder --show-manifest` parses it with no warning (a misspelt key is a warning);
- the app id is the file name, the runtime and SDK are GNOME's, the command is the desktop
  file's Exec;
- finish-args grant nothing beyond ALLOWED_FINISH_ARGS: no file system, no secret service;
- the last module builds this project with meson from "..", and each `-Dname=value` of its
  config-opts is an option of meson_options.txt with a value of the right type;
- every downloaded source is pinned (sha256 for archives and files, tag or commit for git).

    check-flatpak-manifest.py [SOURCE_ROOT]     (default: two folders above this script)
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

APP_ID = "ai.eclipselink.Handoff"
ALLOWED_FINISH_ARGS = {
    "--share=network",
    "--share=ipc",
    "--socket=pulseaudio",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
}


def meson_options(path):
    """Name -> (type, choices or None, min, max) from meson_options.txt."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    options = {}
    for match in re.finditer(r"option\s*\((.*?)\)\s*(?=option\s*\(|\Z)", text, re.S):
        body = match.group(1)
        name = re.match(r"\s*'([^']+)'", body)
        kind = re.search(r"\btype\s*:\s*'(\w+)'", body)
        if not name or not kind:
            continue
        choices = re.search(r"\bchoices\s*:\s*\[([^\]]*)\]", body)
        low = re.search(r"\bmin\s*:\s*(-?\d+)", body)
        high = re.search(r"\bmax\s*:\s*(-?\d+)", body)
        options[name.group(1)] = (
            kind.group(1),
            re.findall(r"'([^']*)'", choices.group(1)) if choices else None,
            int(low.group(1)) if low else None,
            int(high.group(1)) if high else None,
        )
    return options


def check_value(name, value, spec):
    kind, choices, low, high = spec
    if kind == "boolean" and value not in ("true", "false"):
        return f"-D{name}={value}: {name} is a boolean (true or false)"
    if kind == "integer":
        try:
            number = int(value)
        except ValueError:
            return f"-D{name}={value}: {name} is an integer"
        if (low is not None and number < low) or (high is not None and number > high):
            return f"-D{name}={value}: out of range [{low}, {high}]"
    if kind == "combo" and choices is not None and value not in choices:
        return f"-D{name}={value}: not one of {choices}"
    if kind == "feature" and value not in ("enabled", "disabled", "auto"):
        return f"-D{name}={value}: {name} is a feature (enabled, disabled or auto)"
    return None


def desktop_exec(root):
    path = os.path.join(root, "data", APP_ID + ".desktop.in")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("Exec="):
                return line[len("Exec=") :].split()[0]
    return None


def check_sources(module, problems):
    for source in module.get("sources", []):
        kind = source.get("type")
        where = f"module {module.get('name')}: {kind} source"
        if kind in ("archive", "file") and "url" in source and not source.get("sha256"):
            problems.append(f"{where} {source['url']} has no sha256")
        if kind == "git" and not (source.get("tag") or source.get("commit")):
            problems.append(f"{where} {source.get('url')} is not pinned to a tag or commit")
    for child in module.get("modules", []):
        if isinstance(child, dict):
            check_sources(child, problems)


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    manifest_path = os.path.join(root, "flatpak", APP_ID + ".json")
    builder = shutil.which("flatpak-builder")
    if builder is None:
        print("FAIL: flatpak-builder is not installed (Debian package flatpak-builder); this test cannot run without it")
        return 1

    # flatpak-builder leaves a .flatpak-builder/ state folder in its working directory.
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run([builder, "--show-manifest", manifest_path], capture_output=True, text=True, cwd=tmp)
    if run.returncode != 0 or run.stderr.strip():
        print(run.stderr, end="")
        print("FAIL: flatpak-builder --show-manifest did not parse the manifest cleanly")
        return 1
    manifest = json.loads(run.stdout)
    problems = []

    if manifest.get("id", manifest.get("app-id")) != APP_ID:
        problems.append(f"id is {manifest.get('id')!r}, not {APP_ID!r}")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        problems.append("runtime and sdk must be org.gnome.Platform and org.gnome.Sdk")
    if not manifest.get("runtime-version"):
        problems.append("runtime-version is missing")
    command = desktop_exec(root)
    if manifest.get("command") != command:
        problems.append(f"command is {manifest.get('command')!r} but the desktop file runs {command!r}")

    for arg in manifest.get("finish-args", []):
        if arg not in ALLOWED_FINISH_ARGS:
            problems.append(f"finish-args: {arg} is not allowed (allowed: {' '.join(sorted(ALLOWED_FINISH_ARGS))})")

    modules = [m for m in manifest.get("modules", []) if isinstance(m, dict)]
    for module in modules:
        check_sources(module, problems)

    project = modules[-1] if modules else {}
    if project.get("name") != "eclipselink" or project.get("buildsystem") != "meson":
        problems.append("the last module must be this project: name eclipselink, buildsystem meson")
    if {"type": "dir", "path": ".."} not in project.get("sources", []):
        problems.append('the project module must build the source tree: {"type": "dir", "path": ".."}')

    options = meson_options(os.path.join(root, "meson_options.txt"))
    for opt in project.get("config-opts", []):
        match = re.fullmatch(r"-D([A-Za-z0-9_.-]+)=(.*)", opt)
        if not match:
            problems.append(f"config-opts: {opt} is not of the form -Dname=value")
            continue
        name, value = match.groups()
        if name not in options:
            problems.append(f"config-opts: {opt}: meson_options.txt has no option {name!r}")
            continue
        problem = check_value(name, value, options[name])
        if problem:
            problems.append("config-opts: " + problem)

    print(f"{len(modules)} modules; finish-args: {' '.join(manifest.get('finish-args', []))}")
    print(f"config-opts: {' '.join(project.get('config-opts', []))} (options: {', '.join(sorted(options))})")
    for problem in problems:
        print("FAIL:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
