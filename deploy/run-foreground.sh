#!/usr/bin/env bash
# Start residegi's scale-out services in the foreground, on a machine without systemd:
# the Prefect server (unless --no-server), `residegi deploy`, and N Prefect workers.
# Ctrl-C (or SIGTERM) stops them all.  docs/deployment.md explains every variable.
#
#   deploy/run-foreground.sh [--env FILE] [--workers N] [--no-server] [--port PORT]
#
# FILE holds NAME=value lines (deploy/systemd/*.env.example); variables already set in the
# environment are used as they are.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${RESIDEGI_VENV:-$here/.venv}/bin"
workers=2
server=yes
port=4200
while [[ $# -gt 0 ]]; do
  case "$1" in
    --env) set -a; source "$2"; set +a; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --no-server) server=no; shift ;;
    --port) port="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

: "${PREFECT_API_URL:=http://127.0.0.1:$port/api}"
export PREFECT_API_URL PREFECT_SERVER_ANALYTICS_ENABLED="${PREFECT_SERVER_ANALYTICS_ENABLED:-false}"
export DO_NOT_TRACK=1
logs="${RESIDEGI_LOG_DIR:-${TMPDIR:-/tmp}/residegi-logs}"
mkdir -p "$logs"
pids=()
stop() {
  trap - INT TERM EXIT
  # Workers first (they say goodbye to the server), the server last.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}
trap stop INT TERM EXIT

cd "$here"
if [[ $server == yes ]]; then
  if [[ -z "${PREFECT_API_DATABASE_CONNECTION_URL:-}" ]]; then
    echo "PREFECT_API_DATABASE_CONNECTION_URL is not set (the server's own PostgreSQL database)" >&2
    exit 2
  fi
  echo "prefect server on port $port (log: $logs/prefect-server.log)"
  "$bin/prefect" server start --host "${PREFECT_SERVER_HOST:-127.0.0.1}" --port "$port" \
    >"$logs/prefect-server.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 180); do
    if curl -fsS "$PREFECT_API_URL/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 "${pids[0]}" 2>/dev/null; then
      echo "the Prefect server exited; see $logs/prefect-server.log" >&2; exit 1
    fi
    sleep 1
  done
  curl -fsS "$PREFECT_API_URL/health" >/dev/null
fi

"$bin/residegi" deploy --pool residegi
for n in $(seq 1 "$workers"); do
  echo "worker $n (log: $logs/worker-$n.log)"
  # One flow run at a time: a dispatch run keeps the machine's cores busy with its render
  # processes, so a second run goes to another worker.
  "$bin/prefect" worker start --pool residegi --name "$(hostname)-$n" --limit 1 \
    >"$logs/worker-$n.log" 2>&1 &
  pids+=($!)
done
echo "running; Ctrl-C stops the server and the workers"
wait -n "${pids[@]}"
echo "a process exited; stopping the others" >&2
exit 1
