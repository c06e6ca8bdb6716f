#!/usr/bin/env bash
# `npm start`: install what is missing, build, import the example workflows once, and start n8n.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$SCRM_ROOT"

bash scripts/ensure-built.sh
node scripts/import-workflows.js
echo "n8n editor: ${WEBHOOK_URL:-http://localhost:${N8N_PORT:-5678}/}  (first visit: create the owner account)"
exec bash scripts/n8n.sh start
