#!/usr/bin/env bash
# A queue-mode n8n on this machine, all on loopback, with this package loaded: n8n main (editor,
# webhooks, enqueues executions), workers (run them), Debian's redis-server (Bull queue and our
# shared stores) and Debian's PostgreSQL (n8n's database, shared by every n8n process).
#
#   scripts/queue-mode.sh start            start whatever is not running, wait until it is ready
#   scripts/queue-mode.sh stop             stop everything (data is kept; `reset` deletes it)
#   scripts/queue-mode.sh status           one line per process
#   scripts/queue-mode.sh start|stop|kill|restart <process>
#                                          one process: redis, postgres, main, worker1, worker2, …
#                                          (kill = SIGKILL, as a crashed machine would)
#   scripts/queue-mode.sh reset            stop and delete the state folder
#   scripts/queue-mode.sh env              the environment the n8n processes share, for `n8n …` commands
#
# Settings (environment):
#   SCRM_QUEUE_PORT         main's port; the rest derive from it (default 5678):
#                           worker k health server = PORT+k, redis = PORT+7, postgres = PORT+8,
#                           task-runner brokers = 10000 + each process's port
#   SCRM_QUEUE_WORKERS      number of workers (default 2)
#   SCRM_QUEUE_CONCURRENCY  executions per worker (default 10, n8n's default)
#   SCRM_QUEUE_DIR          state folder (default .host/queue/<PORT>)
#   SCRM_N8N_VERSION        n8n to run (default scripts/n8n-version)
#   Any QUEUE_*, EXECUTIONS_*, N8N_* variable is passed through to n8n (e.g. QUEUE_WORKER_LOCK_DURATION).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

port="${SCRM_QUEUE_PORT:-5678}"
workers="${SCRM_QUEUE_WORKERS:-2}"
concurrency="${SCRM_QUEUE_CONCURRENCY:-10}"
state="${SCRM_QUEUE_DIR:-$SCRM_HOST/queue/$port}"
redis_port=$((port + 7))
postgres_port=$((port + 8))
mkdir -p "$state/run" "$state/log"

die() { echo "queue-mode: $*" >&2; exit 1; }

pid_of() { cat "$state/run/$1.pid" 2>/dev/null || true; }
is_running() {
  local pid
  pid="$(pid_of "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# n8n exits when Redis stays away longer than QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD (n8n: 10 s); this
# deployment waits a minute, so a Redis restart does not take n8n down. Meanwhile main holds
# webhooks and Meta delivers again what timed out. In production, run each process under a
# supervisor (systemd Restart=always, Docker restart policy) as well.
# n8n's processes must share one encryption key (credentials are decrypted on the workers); it is
# made once per deployment and kept in the state folder.
encryption_key() {
  [ -s "$state/encryption-key" ] || (umask 077 && node -e 'console.log(require("crypto").randomBytes(24).toString("base64url"))' >"$state/encryption-key")
  cat "$state/encryption-key"
}

n8n_env() {
  cat <<EOF
EXECUTIONS_MODE=queue
QUEUE_BULL_REDIS_HOST=127.0.0.1
QUEUE_BULL_REDIS_PORT=$redis_port
QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD=${QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD:-60000}
DB_TYPE=postgresdb
DB_POSTGRESDB_HOST=127.0.0.1
DB_POSTGRESDB_PORT=$postgres_port
DB_POSTGRESDB_USER=postgres
DB_POSTGRESDB_DATABASE=n8n
N8N_ENCRYPTION_KEY=$(encryption_key)
OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true
WEBHOOK_URL=http://localhost:$port/
NODE_ENV=production
EOF
}

postgres_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] || die "Debian's postgresql is not installed (apt-get install -y postgresql)"
  echo "$dir"
}

# PostgreSQL refuses to run as root: as root, its files and server belong to the postgres user.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_until() {
  local what="$1" seconds="$2" log="$3"
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { tail -30 "$log" >&2 || true; die "$what not ready after ${seconds}s (log: $log)"; }
    sleep 1
  done
}

start_redis() {
  is_running redis && return
  command -v redis-server >/dev/null || die "Debian's redis-server is not installed (apt-get install -y redis-server)"
  mkdir -p "$state/redis"
  # Append-only persistence: a restarted Redis keeps the queue, the dedup marks and the quota ledger.
  setsid redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$state/redis" --appendonly yes --save '' \
    --daemonize no --loglevel warning >>"$state/log/redis.log" 2>&1 </dev/null &
  echo $! >"$state/run/redis.pid"
  wait_until redis 20 "$state/log/redis.log" redis-cli -p "$redis_port" ping
}

start_postgres() {
  is_running postgres && return
  local bin data="$state/postgres"
  bin="$(postgres_bin)"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres: "$data"
    as_postgres env LC_ALL=C.UTF-8 "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 >>"$state/log/postgres.log" 2>&1
  fi
  [ "$(id -u)" = 0 ] && chown postgres: "$state/log/postgres.log"
  as_postgres setsid "$bin/postgres" -D "$data" -p "$postgres_port" -k "$data" -c listen_addresses=127.0.0.1 \
    >>"$state/log/postgres.log" 2>&1 </dev/null &
  wait_until postgres 60 "$state/log/postgres.log" psql -X -h 127.0.0.1 -p "$postgres_port" -U postgres -d postgres -c 'SELECT 1'
  head -1 "$data/postmaster.pid" >"$state/run/postgres.pid"
  psql -X -q -h 127.0.0.1 -p "$postgres_port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'n8n'" | grep -q 1 ||
    psql -X -q -h 127.0.0.1 -p "$postgres_port" -U postgres -d postgres -c 'CREATE DATABASE n8n'
}

# main, or worker<k>: scripts/n8n.sh with the shared queue settings, each in its own user folder
# (its own nodes folder with this package) and on its own ports.
start_n8n() {
  local name="$1" own_port args
  is_running "$name" && return
  if [ "$name" = main ]; then
    own_port="$port"
    args=(start)
  else
    local k="${name#worker}"
    [[ "$k" =~ ^[0-9]+$ ]] && [ "$k" -ge 1 ] || die "unknown process $name"
    own_port=$((port + k))
    args=(worker "--concurrency=$concurrency")
  fi
  local env_lines=()
  mapfile -t env_lines < <(n8n_env)
  env "${env_lines[@]}" \
    N8N_USER_FOLDER="$state/$name" \
    N8N_PORT="$own_port" \
    QUEUE_HEALTH_CHECK_ACTIVE=true \
    QUEUE_HEALTH_CHECK_PORT="$own_port" \
    N8N_RUNNERS_BROKER_PORT=$((own_port + 10000)) \
    setsid bash "$SCRM_ROOT/scripts/n8n.sh" "${args[@]}" >>"$state/log/$name.log" 2>&1 </dev/null &
  echo $! >"$state/run/$name.pid"
}

ready_n8n() {
  local name="$1"
  if [ "$name" = main ]; then
    curl -fsS "http://127.0.0.1:$port/healthz/readiness" && curl -fsS "http://127.0.0.1:$port/rest/settings"
  else
    curl -fsS "http://127.0.0.1:$((port + ${name#worker}))/healthz/readiness"
  fi
}

wait_n8n() {
  local name="$1" deadline=$((SECONDS + 300))
  until ready_n8n "$name" >/dev/null 2>&1; do
    is_running "$name" || { tail -30 "$state/log/$name.log" >&2; die "$name exited (log: $state/log/$name.log)"; }
    [ $SECONDS -lt $deadline ] || { tail -30 "$state/log/$name.log" >&2; die "$name not ready after 300s"; }
    sleep 1
  done
}

start_one() {
  case "$1" in
    redis) start_redis ;;
    postgres) start_postgres ;;
    main | worker*) start_n8n "$1" && wait_n8n "$1" ;;
    *) die "unknown process $1" ;;
  esac
}

# Signals the whole process group (n8n's task runner is a child of its n8n).
signal_one() {
  local name="$1" signal="$2" pid
  pid="$(pid_of "$name")"
  [ -n "$pid" ] || return 0
  if [ "$name" = postgres ]; then
    kill "-$signal" "$pid" 2>/dev/null || true
  else
    kill "-$signal" -- "-$pid" 2>/dev/null || kill "-$signal" "$pid" 2>/dev/null || true
  fi
}

stop_one() {
  local name="$1" deadline
  is_running "$name" || { rm -f "$state/run/$name.pid"; return 0; }
  # postgres: SIGINT is its fast shutdown; n8n finishes running executions on SIGTERM.
  signal_one "$name" "$([ "$name" = postgres ] && echo INT || echo TERM)"
  deadline=$((SECONDS + 60))
  while is_running "$name"; do
    [ $SECONDS -lt $deadline ] || { signal_one "$name" KILL; break; }
    sleep 0.5
  done
  rm -f "$state/run/$name.pid"
}

kill_one() {
  local name="$1"
  is_running "$name" || die "$name is not running"
  signal_one "$name" KILL
  while is_running "$name"; do sleep 0.2; done
  rm -f "$state/run/$name.pid"
}

processes() {
  echo redis postgres main
  for k in $(seq 1 "$workers"); do echo "worker$k"; done
}

n8n_processes() {
  echo main
  for k in $(seq 1 "$workers"); do echo "worker$k"; done
}

case "${1:-}" in
  start)
    if [ -n "${2:-}" ]; then start_one "$2"; exit; fi
    bash "$SCRM_ROOT/scripts/ensure-built.sh" >/dev/null
    start_redis
    start_postgres
    # main first: it creates the database schema the workers use.
    start_one main
    for name in $(n8n_processes | tail -n +2); do start_n8n "$name"; done
    for name in $(n8n_processes | tail -n +2); do wait_n8n "$name"; done
    echo "queue-mode: main http://localhost:$port/ with $workers worker(s) × $concurrency, redis 127.0.0.1:$redis_port, postgres 127.0.0.1:$postgres_port (state $state)"
    ;;
  stop)
    if [ -n "${2:-}" ]; then stop_one "$2"; exit; fi
    for name in $(n8n_processes | tac); do stop_one "$name"; done
    stop_one postgres
    stop_one redis
    ;;
  kill)
    [ -n "${2:-}" ] || die "kill which process? ($(processes | tr '\n' ' '))"
    kill_one "$2"
    ;;
  restart)
    [ -n "${2:-}" ] || die "restart which process? ($(processes | tr '\n' ' '))"
    stop_one "$2"
    start_one "$2"
    ;;
  status)
    for name in $(processes); do
      if is_running "$name"; then echo "$name running (pid $(pid_of "$name"))"; else echo "$name stopped"; fi
    done
    ;;
  reset)
    "$0" stop
    rm -rf "$state"
    ;;
  env)
    n8n_env
    ;;
  *)
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
