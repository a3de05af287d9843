#!/bin/sh
# Builds the libFuzzer targets with clang and runs each for SECONDS
# (default 60).  A crash leaves its input in build/fuzz/ and fails.
# SECONDS 0 only builds them and replays the inputs that once crashed,
# which make check does so that a target that no longer links is caught.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
out=$top/build/fuzz
mkdir -p "$out"
cd "$top"

CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ilog -Icommon -Iipc -Ibuild/gen -Ifrontd -Imoatd
 -I$out $(pkg-config --cflags libbsd-overlay msgpack libevent jansson)"
LIBS="$(pkg-config --libs libbsd-overlay msgpack libevent jansson libseccomp)"

# the message layer as the programs link it: the catalogue names every
# body's field table
IPC=$(make -s --no-print-directory print-ipc-srcs)

byacc -o "$out/parse.c" moatd/parse.y
# The targets build a core at a time each, as make -j would.
cores=$(nproc)
pids=
build_status=0
job() {		# job CMD...: runs CMD in the background, at most $cores
	"$@" &
	pids="$pids $!"
	[ "$(echo $pids | wc -w)" -lt "$cores" ] || wait_jobs
}
wait_jobs() {
	for p in $pids; do
		wait "$p" || build_status=1
	done
	pids=
}
# shellcheck disable=SC2086
{
job clang $CFLAGS regress/fuzz/fuzz_ipc.c $IPC \
    log/log.c -o "$out/fuzz_ipc" $LIBS
job clang $CFLAGS regress/fuzz/fuzz_http.c frontd/http_parse.c \
    frontd/http_chunked.c frontd/http_chars.c common/util.c log/log.c \
    -o "$out/fuzz_http" $LIBS
job clang $CFLAGS regress/fuzz/fuzz_json.c frontd/json_limits.c \
    -o "$out/fuzz_json" $LIBS
job clang $CFLAGS -Iauthd regress/fuzz/fuzz_jwt.c authd/crypto.c \
    authd/base64.c authd/seal.c authd/token.c authd/jwt.c authd/sigv2.c \
    authd/httpdate.c \
    -o "$out/fuzz_jwt" $LIBS $(pkg-config --libs libcrypto)
job clang $CFLAGS -Iauthd regress/fuzz/fuzz_sshkey.c authd/sshkey.c \
    common/sshkeycheck.c $IPC common/util.c \
    log/log.c \
    -o "$out/fuzz_sshkey" $LIBS $(pkg-config --libs libcrypto libssh)
job clang $CFLAGS regress/fuzz/fuzz_conf.c moatd/conffile.c moatd/confacme.c \
    moatd/confcce.c common/cceschema.c common/ccetype.c common/ccearray.c \
    "$out/parse.c" \
    log/log.c ipc/proc.c common/util.c common/dialect.c \
    common/cidr.c -o "$out/fuzz_conf" $LIBS -lpcre2-8
job clang $CFLAGS -Iauthd regress/fuzz/fuzz_tlssign.c authd/tlskey.c \
    $IPC log/log.c \
    common/util.c \
    -o "$out/fuzz_tlssign" $LIBS $(pkg-config --libs libcrypto)
job clang $CFLAGS -Iauthd regress/fuzz/fuzz_certnames.c authd/pki.c \
    -o "$out/fuzz_certnames" $LIBS $(pkg-config --libs libcrypto)
job clang $CFLAGS regress/fuzz/fuzz_cceline.c frontd/cceline.c common/ccearray.c \
    common/ccetype.c common/cceschema.c common/util.c log/log.c \
    -o "$out/fuzz_cceline" $LIBS -lpcre2-8
job clang $CFLAGS regress/fuzz/fuzz_ccecmd.c frontd/ccecmd.c frontd/cceline.c \
    frontd/json_limits.c $IPC common/util.c log/log.c \
    -o "$out/fuzz_ccecmd" $LIBS
job clang $CFLAGS -Itaskd regress/fuzz/fuzz_dns.c taskd/dnswire.c \
    taskd/dnstsig.c common/dnsprov.c -o "$out/fuzz_dns" $LIBS \
    $(pkg-config --libs libcrypto)
job clang $CFLAGS -Itaskd -DMOAT_VERSION='"fuzz"' \
    $(pkg-config --cflags libcurl) regress/fuzz/fuzz_acme.c \
    $(make -s --no-print-directory print-acme-srcs) \
    -o "$out/fuzz_acme" $LIBS $(pkg-config --libs libcurl libcrypto)
wait_jobs
}
[ $build_status -eq 0 ] || { echo "fuzz: a target did not build"; exit 1; }

status=0
# the inputs that once crashed a target run first, as regression tests
for f in regress/fuzz/crashes/*; do
	[ -f "$f" ] || continue
	t=${f##*/}
	t=${t%%-*}
	if ! "$out/fuzz_$t" "$f" > "$out/replay.log" 2>&1; then
		cat "$out/replay.log"
		status=1
	fi
done
[ "$secs" -eq 0 ] && { [ $status -eq 0 ] && echo "fuzz: built"; exit $status; }
# one target a core at a time: each still gets its SECONDS of a core
fuzz_one() {	# fuzz_one TARGET: its log in $out/fuzz_TARGET.log
	t=$1
	seeds=regress/fuzz/corpus/$t
	[ "$t" = conf ] && seeds=regress/unit/conf
	mkdir -p "$out/corpus-$t"
	(cd "$out" && ./fuzz_$t -max_total_time="$secs" -max_len=8192 \
	    -close_fd_mask=2 -print_final_stats=0 "corpus-$t" \
	    "$top/$seeds" > "fuzz_$t.log" 2>&1)
}
set -- ipc http json jwt sshkey conf tlssign certnames dns acme cceline \
    ccecmd
while [ $# -gt 0 ]; do
	batch=
	while [ $# -gt 0 ] && [ "$(echo $batch | wc -w)" -lt "$cores" ]; do
		batch="$batch $1"
		shift
	done
	pids=
	for t in $batch; do
		echo "fuzz_$t: ${secs}s"
		fuzz_one "$t" &
		pids="$pids $!:$t"
	done
	for pt in $pids; do
		if ! wait "${pt%%:*}"; then
			tail -40 "$out/fuzz_${pt#*:}.log"
			status=1
		fi
		grep -E '^Done|^#[0-9]+.*DONE' "$out/fuzz_${pt#*:}.log" |
		    tail -1 || true
	done
done
[ $status -eq 0 ] && echo "fuzz: no crash, no leak"
exit $status
