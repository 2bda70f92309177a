#!/usr/bin/env bash
# Prints a JAVA_HOME whose Java is 21 or newer: $JAVA_HOME if it qualifies, else the newest JDK
# found under /usr/lib/jvm or /Library/Java/JavaVirtualMachines. Exits 1 with advice if none.
set -euo pipefail

version_of() { # prints the feature version of the java in $1/bin, or 0
  local out
  out=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}') || true
  echo "${out:-0}"
}

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(version_of "$JAVA_HOME")" -ge 21 ]; then
  echo "$JAVA_HOME"; exit 0
fi
best=""; best_v=0
for home in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
  [ -x "$home/bin/javac" ] || continue
  v=$(version_of "$home")
  if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$home"; best_v="$v"; fi
done
if [ -z "$best" ] && command -v javac >/dev/null; then
  home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  [ "$(version_of "$home")" -ge 21 ] && best="$home"
fi
if [ -z "$best" ]; then
  echo "No JDK 21 or newer found. Install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21) or set JAVA_HOME to it." >&2
  exit 1
fi
echo "$best"
