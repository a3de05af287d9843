#!/bin/sh
# The long-poll figures of bench/run.sh (section 9; its header says the
# method).  Run by it, with the suite and nginx it started:
#
#	longpoll.sh BIN WORK MOAT_PORT NGINX_PORT NGINX_PIDFILE PASSWORD \
#	    USER_PATH TOKEN CPUS
#
# Prints raw numbers, then the two figure lines (or "unavailable" with
# the reason, never a made-up value).
set -u
bin=$1 work=$2 port_moat=$3 port_nginx=$4 nginx_pidfile=$5 password=$6
user_path=$7 token=$8 CPUS=$9
top=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_LONGPOLLS:-5000}
DURATION=${BENCH_SECONDS:-5}
WAIT=30
base="https://127.0.0.1:$port_moat"
lp=$work/longpoll
mkdir -p "$lp"

unavailable() {	# unavailable REASON
	echo "figure longpoll_kb_per_conn_vs_nginx unavailable ($1)"
	echo "figure longpoll_user_get_p99_ratio unavailable ($1)"
	exit 0
}

suite_pss() {	# the suite's PSS in KiB, all five processes
	t=0
	for name in moatd frontd authd stored taskd; do
		pid=$("$bin/moatctl" -s "$work/var/moatd.sock" status |
		    awk -v n="$name" '$1 == n { print $2 }')
		kb=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup")
		echo "$name $kb" >> "$lp/pss.$1"
		t=$((t + kb))
	done
	echo "$t"
}

nginx_pss() {	# nginx's PSS in KiB, master and workers
	master=$(cat "$nginx_pidfile")
	t=0
	for pid in "$master" $(pgrep -P "$master"); do
		kb=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup")
		t=$((t + kb))
	done
	echo "$t"
}

p99_us() {	# authenticated GET of the user, 10 connections -> p99 in us
	taskset -c "$CPUS" wrk -t1 -c10 -d"${DURATION}s" --latency \
	    -H "Authorization: Bearer $token" "$base$user_path" \
	    > "$lp/wrk.out" 2>&1
	awk '
	function us(v) {
		if (v ~ /us$/) { sub(/us$/, "", v); return v + 0 }
		if (v ~ /ms$/) { sub(/ms$/, "", v); return v * 1000 }
		if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000000 }
		return v
	}
	$1 == "99%" { p99 = us($2) }
	/Non-2xx/ { bad = 1 }
	END { print (bad || p99 == "") ? "failed" : p99 }
	' "$lp/wrk.out"
}

median3() {	# median of three numbers on stdin
	sort -n | sed -n 2p
}

# hold N connections with the client; "ready" once all have sent their
# first request; the client's output in $lp/client.$1
hold() {	# hold LABEL PORT PATH SECONDS [client options] -> sets client
	label=$1 port=$2 path=$3 secs=$4
	shift 4
	taskset -c "$CPUS" "$bin/longpoll" "$@" 127.0.0.1 "$port" "$N" \
	    "$secs" "$path" "$lp/tokens" > "$lp/client.$label" 2>&1 &
	client=$!
	i=0
	until grep -q '^ready' "$lp/client.$label"; do
		i=$((i + 1))
		if [ $i -gt 1200 ] || ! kill -0 "$client" 2>/dev/null; then
			kill "$client" 2>/dev/null
			unavailable "$label: the client did not connect"
		fi
		sleep 0.1
	done
	set -- $(sed -n 's/^ready //p' "$lp/client.$label")
	[ "$2" = 0 ] || {
		kill "$client" 2>/dev/null
		unavailable "$label: $2 of $N connections failed"
	}
	# the last ones' answers (moat: stored's "nothing new") settle
	sleep 2
}

# --- the devices, 1000 a user
/usr/bin/python3 "$top/bench/devices_make.py" "$base" "$password" "$N" \
    "$lp/tokens" > "$lp/devices.out" 2>&1 ||
    unavailable "devices: $(tail -1 "$lp/devices.out")"

# --- a normal request's p99 before the polls
for round in 1 2 3; do p99_us; done > "$lp/p99.idle"
grep -q failed "$lp/p99.idle" &&
    unavailable "wrk failed: $(tail -3 "$lp/wrk.out")"
p99_idle=$(median3 < "$lp/p99.idle")

# --- moat: N devices on GET /apiv1/devices/self/updates?wait=30, held
# for the memory and three wrk rounds, renewed as each wait ends
before=$(suite_pss before)
hold moat "$port_moat" "/apiv1/devices/self/updates?wait=$WAIT" \
    $((3 * DURATION + WAIT + 5))
during=$(suite_pss during)
for round in 1 2 3; do p99_us; done > "$lp/p99.waiting"
wait "$client"
client_rc=$?
cat "$lp/client.moat"
answers=$(sed -n 's/.* answers \([0-9]*\) .*/\1/p' "$lp/client.moat")
[ "$client_rc" -eq 0 ] && [ "${answers:-0}" -ge "$N" ] ||
    unavailable "moat: the polls were not all held, answered 2xx, renewed"
grep -q failed "$lp/p99.waiting" && unavailable "wrk failed while waiting"
p99_waiting=$(median3 < "$lp/p99.waiting")
paste "$lp/pss.before" "$lp/pss.during" |
    awk '{ printf "longpoll_pss_kb %s before %s during %s\n", $1, $2, $4 }'
moat_kb=$(echo "$before $during $N" |
    awk '{ printf "%.2f", ($2 - $1) / $3 }')

# --- nginx: N idle TLS keep-alive connections, each after one request
nbefore=$(nginx_pss)
hold nginx "$port_nginx" /healthz $((DURATION + 5)) -i
nduring=$(nginx_pss)
kill "$client" 2>/dev/null
wait "$client"
nginx_kb=$(echo "$nbefore $nduring $N" |
    awk '{ printf "%.2f", ($2 - $1) / $3 }')

echo "longpoll_connections $N (wait=$WAIT, renewed as each ends)"
echo "longpoll_moat_pss_kb before $before during $during"
echo "longpoll_nginx_pss_kb before $nbefore during $nduring"
echo "longpoll_kb_per_conn moat $moat_kb nginx $nginx_kb"
sed 's/^/longpoll_user_get_p99_us_idle_round /' "$lp/p99.idle"
sed 's/^/longpoll_user_get_p99_us_waiting_round /' "$lp/p99.waiting"
echo "longpoll_user_get_p99_us idle $p99_idle waiting $p99_waiting" \
    "(10 connections, median of 3 rounds)"
echo "figure longpoll_kb_per_conn_vs_nginx $(echo "$moat_kb $nginx_kb" |
    awk '{ printf "%.2f", $1 / $2 }') <= 1.5"
echo "figure longpoll_user_get_p99_ratio $(echo "$p99_waiting $p99_idle" |
    awk '{ printf "%.2f", $1 / $2 }') <= 2"
