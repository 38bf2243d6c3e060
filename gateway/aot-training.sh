#!/bin/sh
# Records the gateway's AOT cache (JDK 25+: the classes it loads and links, and its methods' profiles; JEPs 483,
# 514, 515) when the image is built: the gateway serves the requests its common paths take, then exits, and the
# JVM writes the cache. A gateway started with -XX:AOTCache on it is ready in about half the time and reaches
# its speed sooner (bench/notes.md, "An AOT cache in the image"). The cache only holds for the same JDK build,
# jars and garbage collector: the image trains it in its own runtime stage, with its own JDK_JAVA_OPTIONS.
#
# Usage: aot-training.sh <gateway jar> <echo function jar> <cache to write>
# Ports (loopback only) are 18080 (PORT), 18082 (STREAM_PORT), 19090 (ADMIN_PORT) and 18081 (the function),
# unless TRAINING_PORT_BASE moves them (base, base+1, base+2, base+10).
set -eu

gateway_jar=$1
echo_jar=$2
cache=$3
base=${TRAINING_PORT_BASE:-18080}
public=$base
function_port=$((base + 1))
stream=$((base + 2))
admin=$((base + 10))
work=$(mktemp -d)

gateway_pid=
function_pid=
stop() {
    for pid in $gateway_pid $function_pid; do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap stop EXIT

PORT=$function_port HOST=127.0.0.1 java -jar "$echo_jar" >"$work/function.log" 2>&1 &
function_pid=$!

HOST=127.0.0.1 PORT=$public STREAM_PORT=$stream ADMIN_PORT=$admin FUNCTION_ALLOWED_NETWORKS=127.0.0.0/8 \
    SHUTDOWN_GRACE=1s java -XX:AOTCacheOutput="$cache" -jar "$gateway_jar" >"$work/gateway.log" 2>&1 &
gateway_pid=$!

ready() {
    # bounded: a gateway that does not come up fails the build rather than hang it
    i=0
    until curl -sf "$1" >/dev/null; do
        i=$((i + 1))
        if [ "$i" -gt 600 ]; then
            echo "aot-training: $1 did not answer within 60 s" >&2
            cat "$work/gateway.log" >&2
            exit 1
        fi
        sleep 0.1
    done
}
ready "http://127.0.0.1:$admin/health/ready"
ready "http://127.0.0.1:$function_port/healthz"

curl -sf -X POST "http://127.0.0.1:$admin/admin/functions" -H 'Content-Type: application/json' \
    -d "{\"name\":\"echo\",\"endpoint\":\"http://127.0.0.1:$function_port/\"}" >/dev/null

# a stream on each listener (one following a topic), open while events are published and delivered
curl -sN --max-time 20 "http://127.0.0.1:$stream/sse/training?topic=news" >/dev/null &
curl -sN --max-time 20 "http://127.0.0.1:$public/sse/training" >/dev/null &
sleep 1

# many requests on one kept-alive connection per batch: a config file of URLs, each posted the same body
requests() { # <url> <count> <body>
    i=0
    : >"$work/urls"
    while [ "$i" -lt "$2" ]; do
        echo "url = \"$1\"" >>"$work/urls"
        i=$((i + 1))
    done
    curl -s -H 'Content-Type: application/json' -d "$3" --config "$work/urls" >/dev/null
}
for round in 1 2 3; do
    requests "http://127.0.0.1:$public/invoke/echo" 2000 '{"payload":{"n":1}}'
    requests "http://127.0.0.1:$stream/invoke/echo" 2000 '{"payload":{"n":1}}'
    requests "http://127.0.0.1:$public/invoke/echo" 300 '{"payload":{"n":2},"client_id":"training","async":true}'
    requests "http://127.0.0.1:$admin/publish/news" 300 '{"event":"update","data":{"n":3}}'
done

# the JVM writes the cache as it exits
kill -TERM "$gateway_pid"
wait "$gateway_pid" || true
gateway_pid=
if [ ! -s "$cache" ]; then
    echo "aot-training: no cache written to $cache" >&2
    cat "$work/gateway.log" >&2
    exit 1
fi
echo "aot-training: wrote $cache ($(wc -c <"$cache") bytes)"
