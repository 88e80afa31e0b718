#!/usr/bin/env bash
# Starts PostgreSQL, Mosquitto and Redis on this machine if they are not already running, and
# installs what the tests need from Debian when it is missing (including Chromium). Used by .ci/run and by
# `npm test` (tools/test.mjs); safe to rerun.
#   bash tools/ensure-services.sh                 # start what is missing
#   bash tools/ensure-services.sh stop NAME...    # stop services by name (postgresql, mosquitto, redis)
# With VIGIL_SERVICES_STARTED=<file>, the names of the services this run started are appended to that file, so
# the caller can stop exactly those afterwards (and leave alone what was already running).
set -euo pipefail

started() { if [ -n "${VIGIL_SERVICES_STARTED:-}" ]; then echo "$1" >>"$VIGIL_SERVICES_STARTED"; fi; }

if [ "${1:-}" = stop ]; then
  shift
  for name in "$@"; do
    case "$name" in
      postgresql) pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main stop || true ;;
      mosquitto) [ -f /run/mosquitto/mosquitto.pid ] && kill "$(cat /run/mosquitto/mosquitto.pid)" 2>/dev/null || true ;;
      redis) redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true ;;
      *) echo "unknown service $name" >&2 ;;
    esac
    echo "stopped $name"
  done
  exit 0
fi

have() { command -v "$1" >/dev/null 2>&1; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres).
if ! port_open 5432; then
  echo "starting PostgreSQL"
  if ! ls /etc/postgresql >/dev/null 2>&1; then apt_install postgresql; fi
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  started postgresql
fi
for _ in $(seq 1 30); do port_open 5432 && break; sleep 1; done
port_open 5432 || { echo "PostgreSQL did not come up on 5432" >&2; exit 1; }

# Mosquitto on 127.0.0.1:1883, and its clients for the protocol tests.
if ! have mosquitto; then apt_install mosquitto; fi
if ! have mosquitto_pub; then apt_install mosquitto-clients; fi
if ! port_open 1883; then
  echo "starting Mosquitto"
  mosquitto -d -c /etc/mosquitto/mosquitto.conf
  started mosquitto
fi
for _ in $(seq 1 15); do port_open 1883 && break; sleep 1; done
port_open 1883 || { echo "Mosquitto did not come up on 1883" >&2; exit 1; }

# Redis on 127.0.0.1:6379.
if ! port_open 6379; then
  echo "starting Redis"
  if ! have redis-server; then apt_install redis-server; fi
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  started redis
fi
for _ in $(seq 1 15); do port_open 6379 && break; sleep 1; done
port_open 6379 || { echo "Redis did not come up on 6379" >&2; exit 1; }

# Debian's Chromium for the console's browser tests (playwright-core drives it; no browser download).
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium"
  apt_install chromium
fi

echo "services ready: PostgreSQL :5432, Mosquitto :1883, Redis :6379"
