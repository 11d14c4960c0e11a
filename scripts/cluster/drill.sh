#!/usr/bin/env bash
# The cluster drill (bench/README.md, "Cluster drill"): a PostgreSQL primary and a
# streaming replica, Redis, three gunicorn app hosts and HAProxy, each in a network
# namespace of its own on one bridge, under a bounded mixed load while faults are
# injected one after another. Writes bench/cluster-drill.md and bench/cluster-drill.png.
#
#   sudo make cluster-drill        # root: namespaces, veth pairs, a bridge
#
# Nothing here touches the system PostgreSQL on :5432 or the system Redis: every server
# runs from a temporary folder inside its own namespace. The trap stops every process
# and removes every namespace and interface the script made, also on Ctrl-C or failure.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
GUNICORN=$(dirname "$PY")/gunicorn
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
OUT=${DRILL_OUT:-$ROOT/bench}
CLIENTS=${DRILL_CLIENTS:-4}    # signed-in clients: reads, review writes, read-backs
READERS=${DRILL_READERS:-2}    # anonymous clients: reads only
BASELINE=${DRILL_BASELINE_SECONDS:-20}
HOLD=${DRILL_HOLD_SECONDS:-15}
SETTLE=${DRILL_SETTLE_SECONDS:-20}

P=mvd                          # prefix of every namespace and interface made here
BR=${P}br0
NET=10.213.77                  # the drill's own hosts, on the bridge only
LB_IP=$NET.2 PG1_IP=$NET.11 PG2_IP=$NET.12 REDIS_IP=$NET.13
HOSTS=(lb pg1 pg2 redis app1 app2 app3)
declare -A IP=([lb]=$LB_IP [pg1]=$PG1_IP [pg2]=$PG2_IP [redis]=$REDIS_IP
	[app1]=$NET.21 [app2]=$NET.22 [app3]=$NET.23)

WORK=$(mktemp -d /tmp/cluster-drill.XXXXXX)
EVENTS=$WORK/events.tsv
LOADGEN_PID=""

log() { printf '%s drill: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
event() { printf '%s\t%s\t%s\n' "$(date +%s.%N)" "$1" "$2" >>"$EVENTS"; log "$1 $2"; }
in_ns() { local ns=$1; shift; ip netns exec "$P-$ns" "$@"; }
as_pg() { local ns=$1; shift; ip netns exec "$P-$ns" runuser -u postgres -- "$@"; }

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	log "cleanup (exit status $status)"
	[ -n "$LOADGEN_PID" ] && kill "$LOADGEN_PID" 2>/dev/null || true
	for host in "${HOSTS[@]}"; do
		# Only processes inside the drill's own namespaces: everything there is ours.
		if ip netns list | grep -qw "$P-$host"; then
			for pid in $(ip netns pids "$P-$host" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
		fi
	done
	sleep 1
	for host in "${HOSTS[@]}"; do
		ip link del "$P-$host" 2>/dev/null || true
		ip netns del "$P-$host" 2>/dev/null || true
	done
	ip link del "$BR" 2>/dev/null || true
	if [ "${DRILL_KEEP:-}" = "" ]; then rm -rf "$WORK"; else log "kept $WORK"; fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ----------------------------------------------------------------------------- network
make_network() {
	ip link add "$BR" type bridge
	ip addr add "$NET.1/24" dev "$BR"
	ip link set "$BR" up
	for host in "${HOSTS[@]}"; do
		ip netns add "$P-$host"
		ip link add "$P-$host" type veth peer name "$P-${host}n"
		ip link set "$P-$host" master "$BR" up
		ip link set "$P-${host}n" netns "$P-$host"
		in_ns "$host" ip addr add "${IP[$host]}/24" dev "$P-${host}n"
		in_ns "$host" ip link set "$P-${host}n" up
		in_ns "$host" ip link set lo up
	done
}

wait_for() { # what, command...: up to 60 s
	local what=$1; shift
	for _ in $(seq 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
	log "timed out waiting for $what"; return 1
}

# --------------------------------------------------------------------------- postgres
start_pg() { # host
	local host=$1
	# Sockets outside the data folder: pg_basebackup would copy the primary's lock file.
	install -d -o postgres "$WORK/$host.sock"
	as_pg "$host" "$PGBIN/pg_ctl" -D "$WORK/$host" -l "$WORK/$host.log" -w -t 60 start \
		-o "-c listen_addresses=${IP[$host]} -c port=5432 -c unix_socket_directories=$WORK/$host.sock" >/dev/null
}
stop_pg() { as_pg "$1" "$PGBIN/pg_ctl" -D "$WORK/$1" -m "${2:-fast}" -w -t 60 stop >/dev/null; }

make_primary() {
	mkdir -p "$WORK/pg1" && chown postgres "$WORK" "$WORK/pg1" && chmod 700 "$WORK/pg1"
	as_pg pg1 "$PGBIN/initdb" -D "$WORK/pg1" -U postgres --auth=trust >/dev/null
	cat >>"$WORK/pg1/postgresql.conf" <<-EOF
		wal_level = replica
		max_wal_senders = 5
		hot_standby = on
		wal_keep_size = 256MB
		wal_sender_timeout = 5s
		wal_receiver_timeout = 5s
		wal_retrieve_retry_interval = 1s
		max_connections = 100
	EOF
	echo "host all,replication all $NET.0/24 trust" >>"$WORK/pg1/pg_hba.conf"
	start_pg pg1
	as_pg pg1 "$PGBIN/psql" -h "$PG1_IP" -U postgres -qc "CREATE DATABASE movie_drill" >/dev/null
}

make_replica() {
	as_pg pg2 "$PGBIN/pg_basebackup" -h "$PG1_IP" -U postgres -D "$WORK/pg2" -R -X stream -c fast >/dev/null
	start_pg pg2
}

# ------------------------------------------------------------------------- app hosts
app_env() {
	cat <<-EOF
		DJANGO_SETTINGS_MODULE=movie_api.settings.production
		SECRET_KEY=$SECRET_KEY
		METRICS_TOKEN=$METRICS_TOKEN
		PROMETHEUS_MULTIPROC_DIR=$WORK/metrics-$HOSTNAME_FOR_ENV
		JWT_SIGNING_KEY=$JWT_SIGNING_KEY
		JWT_ACCESS_MINUTES=60
		ALLOWED_HOSTS=*
		DATABASE_URL=postgres://postgres@$PG1_IP:5432/movie_drill
		DATABASE_REPLICA_URLS=postgres://postgres@$PG2_IP:5432/movie_drill
		REDIS_URL=redis://$REDIS_IP:6379/0
		REDIS_SECURITY_URL=redis://$REDIS_IP:6379/1
		SECURE_SSL_REDIRECT=false
		NUM_PROXIES=1
		FORWARDED_ALLOW_IPS=$LB_IP
		THROTTLE_ANON=100000/min
		THROTTLE_USER=100000/min
		WEB_CONCURRENCY=2
		GUNICORN_TIMEOUT=30
		LOG_LEVEL=WARNING
		SMS_BACKEND=console
		STATIC_ROOT=$WORK/static
	EOF
}

start_app() { # host
	local host=$1
	in_ns "$host" env -i PATH="$PATH" $(HOSTNAME_FOR_ENV=$host app_env) HOST="${IP[$host]}" PORT=8000 \
		"$GUNICORN" -c "$ROOT/gunicorn.conf.py" --chdir "$ROOT" movie_api.wsgi \
		>>"$WORK/$host.log" 2>&1 &
	disown # the trap stops it; no job notice when it is killed
}
app_answers() { curl -fsS -o /dev/null "http://${IP[$1]}:8000/api/movies/genres/"; }

# Setup commands talk to the primary only (the replica does not exist yet).
manage() {
	(cd "$ROOT" && env -i PATH="$PATH" DRILL_CLIENTS="${DRILL_CLIENTS:-}" $(app_env) \
		DATABASE_REPLICA_URLS= "$PY" manage.py "$@")
}

start_redis() {
	# No protected mode: it refuses every client not on loopback, and this Redis is
	# reachable only on the drill's bridge.
	in_ns redis redis-server --bind "$REDIS_IP" --port 6379 --save "" --appendonly no \
		--protected-mode no \
		--daemonize no --logfile "$WORK/redis.log" &
	disown
}
stop_redis() { for pid in $(ip netns pids "$P-redis"); do kill -9 "$pid"; done; }

start_lb() {
	cat >"$WORK/haproxy.cfg" <<-EOF
		global
		    maxconn 512
		defaults
		    mode http
		    timeout connect 2s
		    timeout client 30s
		    timeout server 30s
		    retries 2
		    # Only a request that never reached a server is tried on another one:
		    # a write must not run twice.
		    retry-on conn-failure
		    option redispatch
		    timeout check 2s
		frontend api
		    bind $LB_IP:8080
		    default_backend apps
		backend apps
		    balance roundrobin
		    # Up once a worker answers HTTP, whatever it says about the database and
		    # Redis (a shared outage must not take every host out); a booting gunicorn
		    # has its port open long before a worker answers.
		    option httpchk GET /healthz
		    http-check expect rstatus ^(200|503)$
		    default-server check inter 1s fall 2 rise 2
		    server app1 ${IP[app1]}:8000
		    server app2 ${IP[app2]}:8000
		    server app3 ${IP[app3]}:8000
	EOF
	in_ns lb haproxy -f "$WORK/haproxy.cfg" -db >>"$WORK/lb.log" 2>&1 &
	disown
}

# ---------------------------------------------------------------------------- faults
kill_ns() { for pid in $(ip netns pids "$P-$1"); do kill -9 "$pid"; done; }

fault() { # name inject restore
	local name=$1 inject=$2 restore=$3
	event inject "$name"
	$inject
	sleep "$HOLD"
	event restore "$name"
	$restore
	sleep "$SETTLE"
}
app_down() { kill_ns app2; }
app_up() { start_app app2; wait_for "app2 again" app_answers app2; }
replica_down() { stop_pg pg2 fast; }
replica_up() { start_pg pg2; }
replica_cut() { in_ns pg2 ip link set "$P-pg2n" down; }
replica_join() { in_ns pg2 ip link set "$P-pg2n" up; }
primary_restart() { stop_pg pg1 immediate; start_pg pg1; }
nothing() { :; }
redis_down() { stop_redis; }
redis_up() { start_redis; }

# ------------------------------------------------------------------------------ main
[ "$(id -u)" = 0 ] || { echo "the drill needs root (namespaces, veth, bridge)" >&2; exit 2; }
command -v haproxy >/dev/null || apt-get install -y -q haproxy >/dev/null
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(60))')
JWT_SIGNING_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')
METRICS_TOKEN=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(24))')
HOSTNAME_FOR_ENV=setup
: >"$EVENTS"

log "network: bridge $BR, namespaces ${HOSTS[*]/#/$P-}"
make_network
log "primary, schema, seed"
make_primary
manage migrate --noinput >/dev/null
# seed_bench belongs to the bench app, which only the bench settings install: run it by object.
manage shell --no-imports -v 0 -c "from django.core.management import call_command; from bench.management.commands.seed_bench import Command; call_command(Command(), size='XS')" >/dev/null
DRILL_CLIENTS=$CLIENTS manage shell --no-imports -v 0 <"$ROOT/scripts/cluster/tokens.py" >"$WORK/tokens.json"
log "replica (pg_basebackup), redis, app hosts, load balancer"
make_replica
start_redis
for host in app1 app2 app3; do start_app "$host"; done
for host in app1 app2 app3; do wait_for "$host" app_answers "$host"; done
# Every worker of every host answers once before the load starts (imports are lazy).
for host in app1 app2 app3; do for _ in 1 2 3 4 5 6; do app_answers "$host" || true; done; done
start_lb
wait_for "load balancer" curl -fsS -o /dev/null "http://$LB_IP:8080/api/movies/genres/"

# The load stops when the last fault has settled; this cap only bounds a stuck drill.
TOTAL=$((BASELINE + 5 * (HOLD + SETTLE) + 300))
log "load: $CLIENTS signed-in + $READERS anonymous clients until the last fault settled"
"$PY" -m scripts.cluster.loadgen --url "http://$LB_IP:8080" --tokens "$WORK/tokens.json" \
	--readers "$READERS" --seconds "$TOTAL" --out "$WORK/requests.jsonl" &
LOADGEN_PID=$!
sleep "$BASELINE"
fault "app host killed" app_down app_up
fault "replica stopped" replica_down replica_up
fault "replica network cut" replica_cut replica_join
HOLD_SAVED=$HOLD; HOLD=0
fault "primary restarted" primary_restart nothing
HOLD=$HOLD_SAVED
fault "redis stopped" redis_down redis_up
event end load
kill -INT "$LOADGEN_PID" 2>/dev/null || true
wait "$LOADGEN_PID" || true
LOADGEN_PID=""

for host in app1 app2 app3; do
	curl -fsS -H "Authorization: Bearer $METRICS_TOKEN" "http://${IP[$host]}:8000/metrics" |
		grep '^movie_api_db_read_routes_total' >>"$WORK/routes.txt" || true
done
log "report"
"$PY" -m scripts.cluster.report --requests "$WORK/requests.jsonl" --events "$EVENTS" \
	--routes "$WORK/routes.txt" --primary "postgres://postgres@$PG1_IP:5432/movie_drill" \
	--out "$OUT"
