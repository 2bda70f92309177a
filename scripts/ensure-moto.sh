#!/usr/bin/env bash
# Makes sure the AWS emulator (moto_server) is available: on the PATH, or in the project's .venv.
# Installs it into .venv with pip when missing. Prints the path of the executable.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v moto_server >/dev/null 2>&1; then
  command -v moto_server; exit 0
fi
if [ -x .venv/bin/moto_server ]; then
  echo "$PWD/.venv/bin/moto_server"; exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "moto_server is missing and python3 is not installed: install Python 3.9+ (e.g. 'apt-get install python3 python3-venv'), or start an emulator yourself and set AWS_ENDPOINT_URL." >&2
  exit 1
fi
echo "Installing the AWS emulator (moto[server]) into .venv ..." >&2
if ! python3 -m venv .venv >&2; then
  echo "python3 cannot create a virtual environment: install python3-venv, or set AWS_ENDPOINT_URL to a running emulator." >&2
  exit 1
fi
if ! .venv/bin/pip install --quiet 'moto[server]==5.2.1' >&2; then
  echo "pip could not install moto[server] (no access to PyPI?). Install it another way, or set AWS_ENDPOINT_URL to a running emulator." >&2
  exit 1
fi
echo "$PWD/.venv/bin/moto_server"
