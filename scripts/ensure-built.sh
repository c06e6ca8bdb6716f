#!/usr/bin/env bash
# Installs the project's dependencies when missing or stale, then builds dist/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$SCRM_ROOT"

stamp=node_modules/.scrm-installed
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "ensure-built: installing dependencies" >&2
  # --ignore-scripts: the only install script in the tree builds isolated-vm for n8n-workflow's
  # expression sandbox, which this package never loads (the n8n host has its own, built).
  # --include=dev: under NODE_ENV=production (the sandbox start) npm ci would drop jest and tsc.
  npm ci --include=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  touch "$stamp"
fi
rm -rf dist
npx tsc -p tsconfig.json
npx gulp build --silent
