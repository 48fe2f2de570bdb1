#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs a metadata validator and fails on anything it reports, not only on errors.

    validate-metadata.py desktop FILE.desktop          desktop-file-validate: no error, warning or hint
    validate-metadata.py appstream FILE.metainfo.xml   appstreamcli validate --no-net: no error,
                                                       warning or info (pedantic hints are allowed)
    validate-metadata.py appstream-util FILE.metainfo.xml   appstream-util validate-relax --nonet

AppStream 0.16 (Debian 12) does not know <developer id><name/></developer>, which AppStream 1.0
requires in place of the deprecated <developer_name>: on those versions, and only for that tag,
the "unknown-tag developer" info is expected.
"""

import re
import shutil
import subprocess
import sys

TOOLS = {
    "desktop": ("desktop-file-validate", "desktop-file-utils"),
    "appstream": ("appstreamcli", "appstream"),
    "appstream-util": ("appstream-util", "appstream-util"),
}


def run(argv):
    result = subprocess.run(argv, capture_output=True, text=True)
    output = result.stdout + result.stderr
    print("$", " ".join(argv))
    print(output, end="")
    return result.returncode, output


def appstream_version(tool):
    output = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)\.(\d+)", output)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in TOOLS:
        print(__doc__)
        return 2
    mode, path = sys.argv[1], sys.argv[2]
    tool_name, package = TOOLS[mode]
    tool = shutil.which(tool_name)
    if tool is None:
        print(f"FAIL: {tool_name} is not installed (Debian package {package}); this test cannot run without it")
        return 1

    if mode == "desktop":
        rc, output = run([tool, path])
        if rc != 0 or output.strip():
            print("FAIL: desktop-file-validate reported problems")
            return 1
        return 0

    if mode == "appstream-util":
        rc, output = run([tool, "validate-relax", "--nonet", path])
        if rc != 0:
            print("FAIL: appstream-util validate-relax failed")
            return 1
        return 0

    rc, output = run([tool, "validate", "--no-net", path])
    issues = [line for line in output.splitlines() if re.match(r"^[EWI]: ", line)]
    allowed = []
    if appstream_version(tool) < (1, 0):
        allowed.append(re.compile(r"^I: [^:]+:\d+: unknown-tag developer$"))
    unexpected = [line for line in issues if not any(p.match(line) for p in allowed)]
    if rc != 0 or unexpected:
        for line in unexpected:
            print("unexpected:", line)
        print("FAIL: appstreamcli validate reported problems")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
