#!/usr/bin/env bash
# `npm start`: install what is missing, build, import the example workflows once, and start n8n.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$SCRM_ROOT"

bash scripts/ensure-built.sh
node scripts/import-workflows.js

url="${WEBHOOK_URL:-http://localhost:${N8N_PORT:-5678}/}"
bash scripts/n8n.sh start &
n8n_pid=$!
trap 'kill -TERM "$n8n_pid" 2>/dev/null; wait "$n8n_pid"' INT TERM
# Say where the editor is once it answers, after n8n's own start-up messages.
for _ in $(seq 1 180); do
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "${url%/}/healthz/readiness"; then
    printf '\n  n8n with WhatsApp SCRM nodes is running: %s  (first visit: create the owner account)\n\n' "$url"
    break
  fi
  kill -0 "$n8n_pid" 2>/dev/null || break
  sleep 1
done
wait "$n8n_pid"
