#!/usr/bin/env bash
# Makes sure the template checks' tools are available: cfn-lint, and the SAM translator
# (aws-sam-translator) importable by a python3. Installs them into the project's .venv when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

have_lint() { command -v cfn-lint >/dev/null 2>&1 || [ -x .venv/bin/cfn-lint ]; }
have_translator() {
  python3 -c 'import samtranslator' >/dev/null 2>&1 || { [ -x .venv/bin/python ] && .venv/bin/python -c 'import samtranslator' >/dev/null 2>&1; }
}
if have_lint && have_translator; then
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "cfn-lint and aws-sam-translator are missing and python3 is not installed: install Python 3.9+." >&2
  exit 1
fi
echo "Installing cfn-lint and aws-sam-translator into .venv ..." >&2
[ -x .venv/bin/python ] || python3 -m venv .venv >&2
.venv/bin/pip install --quiet cfn-lint aws-sam-translator >&2 || {
  echo "pip could not install cfn-lint and aws-sam-translator (no access to PyPI?); the template checks will fail until they are installed." >&2
  exit 1
}
