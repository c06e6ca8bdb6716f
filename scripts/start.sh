#!/usr/bin/env bash
# `npm start`: install what is missing, build, import the example workflows once, and start n8n.
# `npm start -- --sandbox [options]`: the same nodes against local simulators of WhatsApp and
# HubSpot, with a day of customer conversations played through the workflows (sandbox/start.ts).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$SCRM_ROOT"

bash scripts/ensure-built.sh
if [ "${1:-}" = --sandbox ]; then
  # The simulators and the sandbox are TypeScript beside the tests: compile them like the benchmarks.
  npx tsc -p tsconfig.dev.json
  bash scripts/install-n8n.sh "${SCRM_N8N_VERSION:-$(cat scripts/n8n-version)}" >/dev/null
  exec node .build/sandbox/start.js "$@"
fi
node scripts/import-workflows.js

url="${WEBHOOK_URL:-http://localhost:${N8N_PORT:-5678}/}"
bash scripts/n8n.sh start &
n8n_pid=$!
trap 'kill -TERM "$n8n_pid" 2>/dev/null; wait "$n8n_pid"' INT TERM
# Say where the editor is once it takes what the user does first (signing in, or on a new instance
# creating the owner), after n8n's own start-up messages.
for _ in $(seq 1 300); do
  if state="$(node scripts/n8n-ready.js "$url")"; then
    first=""
    [ "$state" = setup ] && first="  (first visit: create the owner account)"
    printf '\n  n8n with WhatsApp SCRM nodes is running: %s%s\n\n' "$url" "$first"
    break
  fi
  kill -0 "$n8n_pid" 2>/dev/null || break
  sleep 1
done
wait "$n8n_pid"
