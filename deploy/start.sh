#!/usr/bin/env bash
# N read-only Streamlit replicas + one writer + nginx, on loopback ports; Ctrl-C (or SIGTERM) stops them
# all. Every setting is an environment variable:
#   SAISAAT_DB        the working database (default data/saisaat.duckdb; the BMA demo is built if missing)
#   SNAPSHOT_DIR      where the writer publishes and the replicas read (default data/snapshots)
#   REPLICAS          number of replicas (default 2)
#   PUBLIC_PORT       nginx, the published data for everyone (default 8600)
#   SECRETARIAT_PORT  nginx, the writer for the secretariat (default 8601)
#   WRITER_PORT       the writer itself (default 8602); REPLICA_PORT the first replica (default 8610)
#   WRITER            1 (default) or 0: no writer (replicas of snapshots published by other means)
#   RUN_DIR           nginx's config, pid, logs and the servers' logs (default a new temporary folder)
# The writer publishes a new snapshot after every committed write (SAISAAT_SNAPSHOT_DIR); each replica
# (SAISAAT_REPLICA_DIR) takes the newest at its users' next rerun, without a restart.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PYTHON:-python3}"
DB="${SAISAAT_DB:-$ROOT/data/saisaat.duckdb}"
SNAPSHOT_DIR="${SNAPSHOT_DIR:-$ROOT/data/snapshots}"
REPLICAS="${REPLICAS:-2}"
PUBLIC_PORT="${PUBLIC_PORT:-8600}"
SECRETARIAT_PORT="${SECRETARIAT_PORT:-8601}"
WRITER_PORT="${WRITER_PORT:-8602}"
REPLICA_PORT="${REPLICA_PORT:-8610}"
WRITER="${WRITER:-1}"
RUN_DIR="${RUN_DIR:-$(mktemp -d -t saisaat-deploy.XXXXXX)}"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || { echo "nginx is not installed (Debian: apt-get install nginx)" >&2; exit 2; }

answers() { "$PY" -c "import socket,sys; s=socket.socket(); s.settimeout(0.3); sys.exit(0 if s.connect_ex(('127.0.0.1', $1)) == 0 else 1)"; }
ports=("$PUBLIC_PORT" "$SECRETARIAT_PORT" "$WRITER_PORT")
for i in $(seq 0 $((REPLICAS - 1))); do ports+=($((REPLICA_PORT + i))); done
for p in "${ports[@]}"; do
    if answers "$p"; then echo "port $p is already in use: choose other ports" >&2; exit 2; fi
done

if ! grep -qs '^\[auth\]' "$ROOT/.streamlit/secrets.toml"; then
    echo "warning: no [auth] in .streamlit/secrets.toml: every visitor through nginx is the local secretariat" \
         "(drafts included). Fine on one computer or for the demo; configure sign-in before others reach it." >&2
fi
mkdir -p "$RUN_DIR" "$SNAPSHOT_DIR"
if [ ! -e "$DB" ]; then "$PY" -m saisaat demo --db "$DB"; fi
# Replicas need a snapshot to serve: publish the working database once if there is none yet (before the
# writer opens it: a second process cannot read a file the writer holds).
if ! ls "$SNAPSHOT_DIR"/snapshot-*.duckdb >/dev/null 2>&1; then
    "$PY" -m saisaat snapshot --db "$DB" --out "$SNAPSHOT_DIR"
fi

pids=()
stop() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    echo "stopped"
}
trap stop INT TERM EXIT

streamlit_server() {   # streamlit_server PORT LOG ENV=VALUE...
    local port="$1" log="$2"; shift 2
    (cd "$ROOT" && exec env "$@" "$PY" -m streamlit run app.py --server.headless true \
        --server.address 127.0.0.1 --server.port "$port" --browser.gatherUsageStats false \
        --server.fileWatcherType none) >"$log" 2>&1 &
    pids+=($!)
}

if [ "$WRITER" = 1 ]; then
    streamlit_server "$WRITER_PORT" "$RUN_DIR/writer.log" SAISAAT_DB="$DB" SAISAAT_SNAPSHOT_DIR="$SNAPSHOT_DIR"
fi
upstreams=""
for i in $(seq 0 $((REPLICAS - 1))); do
    port=$((REPLICA_PORT + i))
    streamlit_server "$port" "$RUN_DIR/replica-$i.log" SAISAAT_REPLICA_DIR="$SNAPSHOT_DIR"
    upstreams+="server 127.0.0.1:$port max_fails=0; "
done

for p in "${ports[@]:2}"; do
    [ "$WRITER" = 1 ] || [ "$p" != "$WRITER_PORT" ] || continue
    for _ in $(seq 1 120); do
        "$PY" -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:$p/_stcore/health', timeout=1).read() == b'ok' else 1)" \
            2>/dev/null && break
        sleep 0.5
    done
done

sed -e "s#@RUN_DIR@#$RUN_DIR#g" -e "s#@PUBLIC_PORT@#$PUBLIC_PORT#g" -e "s#@SECRETARIAT_PORT@#$SECRETARIAT_PORT#g" \
    -e "s#@WRITER_PORT@#$WRITER_PORT#g" -e "s#@REPLICAS@#$upstreams#g" "$ROOT/deploy/nginx.conf" >"$RUN_DIR/nginx.conf"
"$NGINX" -t -q -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/error.log"
"$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/error.log" &
pids+=($!)

echo "published data: http://127.0.0.1:$PUBLIC_PORT ($REPLICAS replicas)"
[ "$WRITER" = 1 ] && echo "secretariat:    http://127.0.0.1:$SECRETARIAT_PORT (the writer)"
echo "logs: $RUN_DIR"
echo "ready"
wait -n "${pids[@]}" || true   # one process ended by itself: stop the rest
