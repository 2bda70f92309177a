#!/usr/bin/env bash
# Builds what `make run` and `make invoke` need: every module's classes (mvn compile, which only
# recompiles what changed) and local/target/runtime-classpath.txt, the class path they run with.
# Offline first (fast, no network); online when ~/.m2 lacks something (a fresh machine).
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
build() { mvn -B -ntp -q "$@" -pl local -am compile >"$log" 2>&1; }
fail() {
  grep -v '^WARNING: ' "$log" >&2 || true
  echo >&2
  echo "ERROR: the build failed (see above). Fix what it reports, then run 'make run' again;" \
       "'make build' runs the full build." >&2
  exit 1
}

echo "Building the local stack (mvn compile; only what changed) ..." >&2
start=$(date +%s)
if ! build -o; then
  if grep -qE "offline mode|has not been downloaded" "$log"; then
    echo "Downloading the build's dependencies into ~/.m2 (first run) ..." >&2
    build || fail
  else
    fail
  fi
fi
# the plugin leaves the file untouched when the class path did not change: mark it fresh for make
touch local/target/runtime-classpath.txt
echo "Built in $(( $(date +%s) - start )) s." >&2
