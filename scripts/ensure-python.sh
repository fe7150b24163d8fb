#!/usr/bin/env bash
# Creates .venv with training/requirements.txt when it is missing or the requirements changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.requirements.sha
want=$(sha256sum training/requirements.txt | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then exit 0; fi
echo "Setting up .venv (PyTorch CPU, pinned) ..."
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r training/requirements.txt
echo "$want" > "$stamp"
