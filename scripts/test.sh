#!/usr/bin/env bash
# The one command that runs every test (README: `npm install && npm test`). Installs what the tests need
# when it is missing: Debian chromium, the Python venv with pinned PyTorch, a Vulkan driver for Dawn.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh
bash scripts/ensure-python.sh
eval "$(bash scripts/ensure-vulkan.sh)"
[ -d node_modules ] || npm install --no-audit --no-fund

echo "== typecheck"
npx tsc --noEmit
echo "== unit tests (Node)"
npx vitest run --project unit
echo "== GPU tests (Node + Dawn, ${VK_ICD_FILENAMES:-no Vulkan driver})"
npx vitest run --project gpu --passWithNoTests
echo "== Python tests (training/)"
.venv/bin/python -m pytest -q training/tests
echo "== browser tests (Playwright + Chromium)"
npx playwright test
