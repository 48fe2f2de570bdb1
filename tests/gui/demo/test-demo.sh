#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's `bash .ci/demo`, headless: with EL_DEMO_SMOKE=1 it starts the server (throwaway
# database, demo hospital) and the app on its own Xvfb, waits for the window to be mapped, the
# server to answer /api/health and the app to point at it, then closes the app (SIGTERM). Asserts
# that it succeeded, that the server process is gone and that the run's folder was deleted — twice,
# each in a private D-Bus session with its own keyring (as over SSH); the second run starts clean.
#   test-demo.sh SOURCE_ROOT BUILD_ROOT
set -uo pipefail

source_root=$1
build_root=$2
failures=0
n=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/el-test-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "TAP version 13"

run_demo() { # name, env args...
  local name=$1 out="$tmp/$1.out" dir="$tmp/$1" status server_pid
  shift
  mkdir -p "$dir"
  # bounded: a hang fails this run with what the demo printed, instead of the whole test timing out
  env "$@" TMPDIR="$dir" BUILD="$build_root" EL_DEMO_NO_SETUP=1 EL_DEMO_SMOKE=1 \
    timeout -k 10 120 xvfb-run -a -s "-screen 0 1280x800x24" bash "$source_root/.ci/demo" >"$out" 2>&1
  status=$?
  [ "$status" -eq 124 ] && echo "# $name: the demo did not finish within 120 s"
  sed 's/^/# /' "$out"
  server_pid=$(sed -n 's/^demo: eclipselink-server (pid \([0-9]*\)).*/\1/p' "$out")
  check() { # description, command...
    local what=$1
    shift
    n=$((n + 1))
    if "$@"; then
      echo "ok $n - $name: $what"
    else
      echo "not ok $n - $name: $what"
      failures=$((failures + 1))
    fi
  }
  check "exits 0" test "$status" -eq 0
  check "the window was mapped" grep -q '^demo: smoke: window .* is mapped' "$out"
  check "the server answered /api/health" grep -q '^demo: smoke: the server answers /api/health' "$out"
  check "the app was pointed at the server (--server)" grep -q "^demo: smoke: the app's server is http://127.0.0.1:" "$out"
  check "the sign-in is printed" grep -q 'nurse.a@demo.eclipselink.ai' "$out"
  check "the server was started" test -n "$server_pid"
  check "the server process is gone" bash -c "! kill -0 '${server_pid:-0}' 2>/dev/null || [ -z '$server_pid' ]"
  check "the run's folder was deleted" test -z "$(ls -A "$dir")"
}

run_demo private-session -u DBUS_SESSION_BUS_ADDRESS
# A second run starts clean. Also in a private session: the test suite's shared session has by now
# served dozens of tests (names, keyring items), and a demo run inside it once hung there under
# load; the desktop-session path (a keyring already running) is the same code after the check.
run_demo second-run -u DBUS_SESSION_BUS_ADDRESS

# no display: says so, exits non-zero, starts nothing
n=$((n + 1))
mkdir -p "$tmp/no-display"
if env -u DISPLAY -u WAYLAND_DISPLAY TMPDIR="$tmp/no-display" BUILD="$build_root" EL_DEMO_NO_SETUP=1 \
  bash "$source_root/.ci/demo" >"$tmp/no-display.out" 2>&1; then
  echo "not ok $n - without a display the demo exits non-zero"
  failures=$((failures + 1))
elif grep -q 'no display' "$tmp/no-display.out" && [ -z "$(ls -A "$tmp/no-display")" ]; then
  echo "ok $n - without a display the demo says so and exits non-zero"
else
  sed 's/^/# /' "$tmp/no-display.out"
  echo "not ok $n - without a display the demo says 'no display'"
  failures=$((failures + 1))
fi

echo "1..$n"
[ "$failures" -eq 0 ]
