#!/usr/bin/env bash
# A short tour of salvo on a temporary store: an environment, two requests from the user guide, the audit trail.
set -euo pipefail
salvo=${1:-.build/debug/salvo}
store=$(mktemp -d)/salvo.db
trap 'rm -rf "$(dirname "$store")"' EXIT
export SALVO_STORE=$store

bold=""; plain=""
if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m'; plain=$'\033[0m'; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$1" "$plain" >&2; shift; "$salvo" "$@"; }

printf %s "demo-token-not-a-real-one" | step "salvo env add sandbox --base-url http://127.0.0.1:8787 --token-stdin" \
    env add sandbox --base-url http://127.0.0.1:8787 --token-stdin
step "salvo request add welcome --trigger 1 --email zaycev@example.com --folder guide" \
    request add welcome --trigger 1 --email zaycev@example.com --folder guide
step "salvo request add vk-catalog --trigger 5 --field vk_id=123456 --folder guide" \
    request add vk-catalog --trigger 5 --field vk_id=123456 --folder guide
step "salvo env list" env list
step "salvo request list" request list
step "salvo request show welcome" request show welcome
step "salvo audit log" audit log
printf '\nThe store lived in %s for this tour. Try `salvo --help` next.\n' "$store" >&2
