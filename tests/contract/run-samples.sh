#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-samples.sh <el-model-samples> <openapi.json>
# Lets the C models write their JSON samples into a scratch directory, then validates every file
# against data/openapi.json (TAP on stdout). Node is $NODE, else `node` from PATH.
set -u
exe=${1:?usage: run-samples.sh <el-model-samples> <openapi.json>}
openapi=${2:?usage: run-samples.sh <el-model-samples> <openapi.json>}
here=$(cd "$(dirname "$0")" && pwd)
node=${NODE:-node}

if ! command -v "$node" >/dev/null 2>&1; then
  echo "Bail out! node (Node.js) not found: install nodejs and npm, then run npm ci --prefix tests/contract"
  exit 1
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/el-model-samples.XXXXXX") || exit 1
trap 'rm -rf "$out"' EXIT INT TERM

# The program's own output goes to stderr: stdout is the TAP stream.
"$exe" "$out" >&2
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "Bail out! $exe $out exited with status $rc"
  exit 1
fi

"$node" "$here/validate-samples.mjs" "$openapi" "$out" \
  --expect=User,Unit,Patient,Handoff,Recording,SbarVersion,SbarVersionCreate
