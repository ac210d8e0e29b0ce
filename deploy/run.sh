#!/usr/bin/env bash
# Several `streamlit run app.py` processes behind nginx, with session affinity: one address for a class
# too large for one process. Ctrl-C (or SIGTERM, or closing the terminal) stops all of them.
#
#   deploy/run.sh [N]          N backends (default: the number of CPU cores), students connect to port 8080
#
# Environment (all optional):
#   GRADVIZ_LISTEN          nginx's listen address (default 8080, all interfaces; e.g. 127.0.0.1:8080)
#   GRADVIZ_BACKEND_PORT    first backend port on 127.0.0.1 (default 8511; backends use N consecutive ports)
#   GRADVIZ_COOKIE_SECRET   the server.cookieSecret shared by every backend (default: a random one per start)
#   GRADVIZ_RUN_DIR         where the generated nginx.conf, pid file and logs go (default: a new temp dir)
#   PYTHON                  the Python that has streamlit and gradviz installed (default: python3)
#   NGINX                   the nginx binary (default: nginx; Debian: apt-get install -y nginx)
# Needs nginx >= 1.19.5 (Debian 12 ships 1.22). Runs nginx in the foreground with its own prefix, so it
# neither needs nor touches a system nginx.
set -euo pipefail

N="${1:-$(nproc)}"
LISTEN="${GRADVIZ_LISTEN:-8080}"
BACKEND_PORT="${GRADVIZ_BACKEND_PORT:-8511}"
PYTHON="${PYTHON:-python3}"
NGINX="${NGINX:-nginx}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
RUN_DIR="${GRADVIZ_RUN_DIR:-$(mktemp -d -t gradviz-deploy.XXXXXX)}"
mkdir -p "$RUN_DIR/tmp"
chmod 755 "$RUN_DIR" # nginx's workers drop root privileges and must reach their temp paths

command -v "$NGINX" >/dev/null || {
	echo "nginx not found: apt-get install -y nginx (or set NGINX=/path/to/nginx)" >&2
	exit 1
}
[[ "$N" =~ ^[1-9][0-9]*$ ]] || {
	echo "usage: deploy/run.sh [number of streamlit processes]" >&2
	exit 2
}

# One cookie secret for every process: Streamlit signs its cookies (XSRF token, login) with it, so a
# browser whose backend changes (a process restarted, a backend added) is still recognised.
SECRET="${GRADVIZ_COOKIE_SECRET:-$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')}"

PIDS=()
stop() {
	trap - EXIT INT TERM HUP
	echo "stopping gradviz (nginx and $N streamlit processes)" >&2
	kill "${PIDS[@]}" 2>/dev/null || true
	# Streamlit can take several seconds to shut down; after 30 s, stop whatever is left for good.
	for _ in $(seq 150); do
		alive=""
		for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=" $pid"; done
		[ -z "$alive" ] && break
		sleep 0.2
	done
	# shellcheck disable=SC2086
	[ -n "$alive" ] && kill -KILL $alive 2>/dev/null
	wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

SERVERS=""
for ((i = 0; i < N; i++)); do
	port=$((BACKEND_PORT + i))
	SERVERS+="        server 127.0.0.1:${port};"$'\n'
	# The source watcher is for development: off, it saves a walk over every loaded module per script run.
	(cd "$ROOT" && STREAMLIT_SERVER_COOKIE_SECRET="$SECRET" OMP_NUM_THREADS=1 exec "$PYTHON" -m streamlit run app.py \
		--server.headless true --server.address 127.0.0.1 --server.port "$port" \
		--server.fileWatcherType none --browser.gatherUsageStats false) >"$RUN_DIR/streamlit-$i.log" 2>&1 &
	PIDS+=($!)
	echo $! >"$RUN_DIR/streamlit-$i.pid"
done

sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@LISTEN@|$LISTEN|g" "$HERE/nginx.conf.template" |
	awk -v servers="$SERVERS" '/^@SERVERS@$/ { printf "%s", servers; next } { print }' >"$RUN_DIR/nginx.conf"
"$NGINX" -t -q -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/nginx-error.log"

# Wait until every backend answers its health check before taking students.
"$PYTHON" - "$BACKEND_PORT" "$N" <<'PY'
import sys, time, urllib.request
first, n = int(sys.argv[1]), int(sys.argv[2])
deadline = time.monotonic() + 180
for port in range(first, first + n):
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"backend on port {port} is not healthy after 180 s")
        time.sleep(0.2)
PY

"$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/nginx-error.log" -g "daemon off;" &
PIDS+=($!)
echo "gradviz: $N streamlit processes behind nginx on ${LISTEN} (config and logs in $RUN_DIR)" >&2
echo "ready" >"$RUN_DIR/ready"

# Run until Ctrl-C, or until any process ends (then stop the rest: a half-working class is worse).
wait -n
echo "a process exited; see the logs in $RUN_DIR" >&2
exit 1
