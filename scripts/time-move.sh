#!/usr/bin/env bash
# The IT guide's move (docs/several-desks.md) performed end to end on this machine, each
# step timed: a fresh PostgreSQL cluster run by an unprivileged account, `store init`,
# the desk's backup, `store migrate --from`, two desks pointed at the server with their
# own machine config, and `audit verify` on the server. The desk's record is made first
# with the benchmark generator (not timed as part of the move).
#
#   scripts/time-move.sh [--decisions N]      (default 20,000; run as root or as a user
#                                              who may run the PostgreSQL binaries)
#
# Everything lives in a temporary folder that is removed at the end (the cluster is
# stopped); nothing of this machine's own TrustDesk or PostgreSQL is touched. The table
# printed at the end is what docs/several-desks.md quotes.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT_DIR=$PWD
DECISIONS=20000
while [ $# -gt 0 ]; do
    case "$1" in
        --decisions) DECISIONS=$2; shift 2 ;;
        *) echo "time-move.sh: unknown option $1 (only --decisions N)" >&2; exit 2 ;;
    esac
done

TD="$ROOT_DIR/.venv/bin/trustdesk"
PY="$ROOT_DIR/.venv/bin/python"
if [ ! -x "$TD" ]; then
    echo "time-move.sh: .venv is missing; run scripts/bootstrap.sh --tests first" >&2
    exit 2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "time-move.sh: PostgreSQL server binaries not found; run scripts/bootstrap.sh --tests" >&2
    exit 2
fi

WORK=$(mktemp -d /tmp/trustdesk-move.XXXXXX)
chmod 0755 "$WORK"
RESULTS="$WORK/results.txt"
: >"$RESULTS"
# The server runs as an unprivileged account (PostgreSQL refuses root): the tests' one.
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
    id trustdesk-pgtest >/dev/null 2>&1 ||
        useradd --system --no-create-home --shell /usr/sbin/nologin trustdesk-pgtest
    chown trustdesk-pgtest "$WORK"
    RUN_AS=(setpriv --reuid=trustdesk-pgtest --regid="$(id -g trustdesk-pgtest)" --clear-groups)
fi
PGDATA="$WORK/pgdata"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cleanup() {
    "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# step NAME COMMAND...: run it, print and keep its wall time.
step() {
    local name=$1
    shift
    local began ended
    began=$(date +%s.%N)
    "$@"
    ended=$(date +%s.%N)
    local took
    took=$(awk -v a="$began" -v b="$ended" 'BEGIN { printf "%.1f", b - a }')
    printf '%-58s %8s s\n' "$name" "$took" | tee -a "$RESULTS"
}

export TRUSTDESK_ANCHOR_DIR="$WORK/anchors"
export TRUSTDESK_CACHE_DIR="$WORK/cache"
export TRUSTDESK_LOG_DIR="$WORK/log"
export TRUSTDESK_PASSWORD="bench password 1" # the generator's accounts (bench/gen_record.py)
mkdir -p "$TRUSTDESK_ANCHOR_DIR" "$TRUSTDESK_CACHE_DIR" "$TRUSTDESK_LOG_DIR"
DESK="$WORK/desk-data"

echo "== the existing desk: $DECISIONS decisions (bench/gen_record.py), not part of the move"
step "prepare: generate the desk's record" \
    "$PY" bench/gen_record.py --decisions "$DECISIONS" --folder "$DESK" --fresh >/dev/null
: >"$RESULTS" # the move's own table starts here

echo "== the move, as docs/several-desks.md says"
step "1. server installed (already; checked only)" test -x "$PGBIN/postgres"
start_server() {
    "${RUN_AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$WORK/server.log" -w start \
        -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$WORK" \
        >/dev/null
}
step "1. a fresh cluster, started by an unprivileged account" start_server
SUPER="postgresql:///trustdesk?host=$WORK&port=$PORT&user=postgres"
init_store() {
    "${RUN_AS[@]}" "$PGBIN/createdb" -h "$WORK" -p "$PORT" -U postgres trustdesk
    "$TD" store init "$SUPER" --grant-desk desk_booking1 --grant-desk desk_booking2 >/dev/null
}
step "2-3. createdb, store init with two desk login roles" init_store
backup() {
    mkdir -m 0700 "$WORK/move"
    "$TD" --data-dir "$DESK" backup "$WORK/move/desk-move.db" --as admin1 >/dev/null
    mv "$WORK/move/desk-move.db" "$WORK/move/trustdesk.db"
}
step "5. backup at the desk" backup
step "5. store migrate --from (copy, verify on the server)" \
    "$TD" store migrate --from "$WORK/move" --to "$SUPER"
desks() {
    local name
    for name in desk_booking1 desk_booking2; do
        mkdir -p "$WORK/$name"
        printf 'database = "postgresql:///trustdesk?host=%s&port=%s&user=%s"\n' \
            "$WORK" "$PORT" "$name" >"$WORK/$name/config.toml"
        TRUSTDESK_CONFIG="$WORK/$name/config.toml" "$TD" --data-dir "$WORK/$name/data" \
            decisions list --active-holds --as officer1 >"$WORK/$name/holds.txt"
    done
    # Both desks see the same record: the same active holds.
    cmp -s "$WORK/desk_booking1/holds.txt" "$WORK/desk_booking2/holds.txt"
    test -s "$WORK/desk_booking1/holds.txt"
}
step "6. two desks configured (machine config), each lists holds" desks
verify() {
    TRUSTDESK_CONFIG="$WORK/desk_booking1/config.toml" "$TD" --data-dir "$WORK/desk_booking1/data" \
        audit verify --as admin1
}
step "7. audit verify on the server" verify

echo
echo "== $DECISIONS decisions; PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'); $(nproc) cores"
cat "$RESULTS"
awk '{ total += $(NF-1) } END { printf "%-58s %8.1f s\n", "total (the move, commands only)", total }' "$RESULTS"
