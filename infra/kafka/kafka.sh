#!/usr/bin/env bash
# A single-node Apache Kafka (KRaft: controller and broker in one JVM) on 127.0.0.1, for tests, CI and the
# one-machine distributed mode (docs/operations.md). No Docker, no download outside Maven Central: the jars
# come from infra/kafka/pom.xml (cached in ~/.m2, copied into infra/kafka/lib, which git ignores).
#
#   bash infra/kafka/kafka.sh start [--fresh]   # prints KAFKA_BROKERS=127.0.0.1:<port> once the broker answers
#   bash infra/kafka/kafka.sh stop              # stops the broker this script started (by its pid)
#   bash infra/kafka/kafka.sh status            # exit 0 when it runs
#   bash infra/kafka/kafka.sh jars              # only resolves the jars
#
# Settings (environment): KAFKA_PORT (default 9092; the controller listens on KAFKA_PORT+1), KAFKA_STATE_DIR
# (default infra/kafka/.run/<port>: config, data, pid and broker.log), KAFKA_HEAP_OPTS (default -Xms256m -Xmx512m),
# JAVA (default java; Kafka 4 needs Java 17+), KAFKA_START_TIMEOUT (seconds, default 120).
# `--fresh` wipes the data first (a new cluster id, no topics): the test runner uses it.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
port="${KAFKA_PORT:-9092}"
controller_port="$((port + 1))"
state="${KAFKA_STATE_DIR:-$here/.run/$port}"
lib="$here/lib"
java="${JAVA:-java}"
pidfile="$state/broker.pid"
log="$state/broker.log"
timeout="${KAFKA_START_TIMEOUT:-120}"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

jars() {
  # Re-resolve when the pom changed since the last copy; ~/.m2 makes this a local copy after the first time.
  if [ ! -f "$lib/.resolved" ] || [ "$here/pom.xml" -nt "$lib/.resolved" ]; then
    echo "resolving Kafka jars (infra/kafka/pom.xml)" >&2
    rm -rf "$lib"
    mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies >&2
    touch "$lib/.resolved"
  fi
}

write_config() {
  mkdir -p "$state/data"
  cat >"$state/server.properties" <<EOF
# Written by infra/kafka/kafka.sh: one node that is both KRaft controller and broker.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$state/data
# Topics are created explicitly (the adapter's ensureTopics, or \`vigil kafka-topics\` in production).
auto.create.topics.enable=false
num.partitions=8
default.replication.factor=1
min.insync.replicas=1
# One node: the internal topics cannot have more replicas than that. Fewer offsets partitions start faster.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# A lone test consumer should not wait 3 s for company before its first assignment.
group.initial.rebalance.delay.ms=0
EOF
  cat >"$state/log4j2.yaml" <<EOF
Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.request.logger
        level: WARN
      - name: org.apache.kafka.controller
        level: INFO
      - name: state.change.logger
        level: WARN
EOF
}

format() {
  local cluster_id
  cluster_id="$("$java" -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  "$java" -cp "$lib/*" -Dlog4j2.configurationFile="$state/log4j2.yaml" kafka.tools.StorageTool format \
    --ignore-formatted -t "$cluster_id" -c "$state/server.properties" >>"$log" 2>&1
}

start() {
  local fresh=0
  [ "${1:-}" = "--fresh" ] && fresh=1
  if pid="$(running_pid)"; then
    echo "Kafka already running (pid $pid)" >&2
    echo "KAFKA_BROKERS=127.0.0.1:$port"
    return 0
  fi
  if port_open "$port" || port_open "$controller_port"; then
    echo "port $port or $controller_port is taken by another process: set KAFKA_PORT" >&2
    return 1
  fi
  jars
  [ "$fresh" = 1 ] && rm -rf "$state"
  mkdir -p "$state"
  : >"$log"
  write_config
  [ -f "$state/data/meta.properties" ] || format
  local started
  started="$(date +%s)"
  # setsid: the broker outlives the shell that started it and is stopped by its pid, not by a terminal's ^C.
  setsid "$java" ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$state/log4j2.yaml" -cp "$lib/*" kafka.Kafka "$state/server.properties" \
    >>"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  local pid
  pid="$(cat "$pidfile")"
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "Kafka exited during startup; last lines of $log:" >&2
      tail -n 40 "$log" >&2
      rm -f "$pidfile"
      return 1
    fi
    if port_open "$port" && grep -q 'Kafka Server started' "$log"; then break; fi
    if [ "$(($(date +%s) - started))" -ge "$timeout" ]; then
      echo "Kafka did not start within ${timeout}s; last lines of $log:" >&2
      tail -n 40 "$log" >&2
      stop >&2
      return 1
    fi
    sleep 0.2
  done
  echo "Kafka started on 127.0.0.1:$port (pid $pid) in $(($(date +%s) - started))s; log: $log" >&2
  echo "KAFKA_BROKERS=127.0.0.1:$port"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pidfile"
    echo "Kafka not running" >&2
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "Kafka (pid $pid) did not stop within 30s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  echo "Kafka stopped (pid $pid)" >&2
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status)
    if pid="$(running_pid)"; then echo "Kafka running on 127.0.0.1:$port (pid $pid)"; else echo "Kafka not running"; exit 1; fi
    ;;
  jars) jars ;;
  *) echo "usage: $0 start [--fresh] | stop | status | jars" >&2; exit 2 ;;
esac
