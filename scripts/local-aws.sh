#!/usr/bin/env bash
# Local stand-ins for the AWS services the job uses, on 127.0.0.1, installed into .local-aws/ of this project:
#   Kinesis: the npm package kinesis-local (kinesis-mock), streams created at start
#   S3:      Adobe S3Mock as its own process, bucket created at start
# Usage: scripts/local-aws.sh install|start|stop|status|env
# Idempotent: install and start do nothing when already done. Ports and names can be overridden:
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${LOCAL_AWS_DIR:-$root/.local-aws}"
KINESIS_PORT="${KINESIS_PORT:-4568}"          # plain HTTP (the consumer)
KINESIS_TLS_PORT="${KINESIS_TLS_PORT:-4567}"  # HTTPS, self-signed (the SDK v2 sink and producer)
S3_PORT="${S3_PORT:-9090}"
S3_ADMIN_PORT="${S3_ADMIN_PORT:-9191}"
STREAMS="${STREAMS:-clicks:2,alerts:1}"
BUCKET="${BUCKET:-clickstream}"
KINESIS_LOCAL_VERSION=0.6.2

log() { echo "local-aws: $*" >&2; }

installed() { [[ -f "$dir/kinesis/node_modules/kinesis-local/main.js" && -f "$dir/s3mock/.installed" ]]; }

install() {
  if installed; then log "already installed in $dir"; return; fi
  command -v node >/dev/null || { log "node is required for kinesis-local: apt-get install -y nodejs npm"; exit 1; }
  mkdir -p "$dir/kinesis" "$dir/s3mock/lib"
  log "installing kinesis-local $KINESIS_LOCAL_VERSION (npm)"
  (cd "$dir/kinesis" && npm install --no-audit --no-fund --loglevel=error "kinesis-local@$KINESIS_LOCAL_VERSION" >&2)
  log "installing S3Mock (Maven)"
  mvn -B -q -f "$root/scripts/s3mock/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$dir/s3mock/lib" -DincludeScope=runtime >&2
  touch "$dir/s3mock/.installed"
  log "installed in $dir"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 name=$2 i
  for i in $(seq 1 120); do
    if ! running "$name"; then
      log "$name exited at start; is port $port taken by another process? see $dir/$name.log"
      tail -20 "$dir/$name.log" >&2 || true
      exit 1
    fi
    if port_open "$port"; then return 0; fi
    sleep 0.5
  done
  log "$name did not open port $port within 60 s; see $dir/$name.log"
  tail -20 "$dir/$name.log" >&2 || true
  exit 1
}

running() { [[ -f "$dir/$1.pid" ]] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

start() {
  installed || install
  local p
  for p in "$KINESIS_PORT" "$KINESIS_TLS_PORT" "$S3_PORT"; do
    if port_open "$p" && ! { running kinesis || running s3mock; }; then
      log "port $p on 127.0.0.1 is already in use by another process; stop it, or choose other ports" \
          "(KINESIS_PORT, KINESIS_TLS_PORT, S3_PORT)"
      exit 1
    fi
  done
  if running kinesis; then log "kinesis already running (pid $(cat "$dir/kinesis.pid"))"; else
    # kinesis-local reads its TLS certificate (server.json) from the working directory. The process gets its
    # own session and no inherited descriptors but its log, so whoever ran this script (a test JVM, CI) is
    # not kept waiting on an output pipe the server still holds.
    pushd "$dir/kinesis/node_modules/kinesis-local" >/dev/null
    KINESIS_MOCK_PLAIN_PORT="$KINESIS_PORT" KINESIS_MOCK_TLS_PORT="$KINESIS_TLS_PORT" \
      INITIALIZE_STREAMS="$STREAMS" LOG_LEVEL=WARN \
      setsid nohup node main.js < /dev/null > "$dir/kinesis.log" 2>&1 &
    echo $! > "$dir/kinesis.pid"
    popd >/dev/null
    wait_port "$KINESIS_PORT" kinesis
    log "kinesis on http://127.0.0.1:$KINESIS_PORT and https://127.0.0.1:$KINESIS_TLS_PORT (streams $STREAMS)"
  fi
  if running s3mock; then log "s3mock already running (pid $(cat "$dir/s3mock.pid"))"; else
    mkdir -p "$dir/s3mock/data"
    setsid nohup java -Xmx512m -cp "$dir/s3mock/lib/*" com.adobe.testing.s3mock.S3MockApplication \
      --http.port="$S3_PORT" --server.port="$S3_ADMIN_PORT" --server.address=127.0.0.1 \
      --com.adobe.testing.s3mock.store.initialBuckets="$BUCKET" \
      --com.adobe.testing.s3mock.store.root="$dir/s3mock/data" \
      --com.adobe.testing.s3mock.store.retainFilesOnExit=true \
      < /dev/null > "$dir/s3mock.log" 2>&1 &
    echo $! > "$dir/s3mock.pid"
    wait_port "$S3_PORT" s3mock
    log "s3 on http://127.0.0.1:$S3_PORT (bucket $BUCKET)"
  fi
}

stop() {
  local name
  for name in kinesis s3mock; do
    if running "$name"; then
      # Each runs in its own session (setsid): stop the whole group, node's child processes included.
      local pid i
      pid="$(cat "$dir/$name.pid")"
      kill -- "-$pid" 2>/dev/null || kill "$pid"
      for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      if kill -0 "$pid" 2>/dev/null; then
        # kinesis-local does not always exit on SIGTERM.
        kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid"
        for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      fi
      log "stopped $name"
    fi
    rm -f "$dir/$name.pid"
  done
}

status() {
  local name rc=0
  for name in kinesis s3mock; do
    if running "$name"; then echo "$name: running (pid $(cat "$dir/$name.pid"))"; else echo "$name: stopped"; rc=3; fi
  done
  return $rc
}

# Prints the settings that point the job at the stand-ins: ./clickstream run $(scripts/local-aws.sh env)
env_args() {
  echo "--set kinesis.endpoint=http://127.0.0.1:$KINESIS_PORT --set kinesis.sink-endpoint=https://127.0.0.1:$KINESIS_TLS_PORT" \
       "--set kinesis.credentials=static --set kinesis.trust-all-certificates=true" \
       "--set s3.endpoint=http://127.0.0.1:$S3_PORT --set s3.access-key=local --set s3.secret-key=local"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) env_args ;;
  *) echo "usage: $0 install|start|stop|status|env" >&2; exit 2 ;;
esac
