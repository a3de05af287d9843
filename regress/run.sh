#!/bin/sh
# The whole regress suite against the test build (clang, ASan, UBSan):
# unit tests, man page lint, the end-to-end tests with the real sandboxed
# suite, and a second end-to-end pass with the sandboxes off so that
# LeakSanitizer can stop the world (it needs ptrace and /proc, which the
# sandboxes forbid); the two passes share two lanes that run at once.
# Ends with "N passed, N failed".  With -l it only
# lists the end-to-end files of that second pass; with -L the two lanes
# the end-to-end files run in (below).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)

# The end-to-end files of the pass with the sandboxes off: every one, so
# that a new file cannot miss it, but these, each for its reason:
#   test_processes.py, test_acme_sandbox.py: check the sandboxes
#     themselves (seccomp, chroots, users, capabilities; the ACME
#     worker's seccomp kill), which that pass turns off;
#   test_make.py: runs make run and make install, the release programs,
#     which have no LeakSanitizer to report anything;
#   test_hostile.py: the campaign, which has a pass of its own below.
leakcheck_files() {
	for f in "$top"/regress/e2e/test_*.py; do
		case ${f##*/} in
		test_processes.py|test_acme_sandbox.py|test_make.py|\
		test_hostile.py)
			;;
		*)
			echo "regress/e2e/${f##*/}"
			;;
		esac
	done
}

# The end-to-end passes run in two lanes at once: the suites spend most
# of their time waiting (on containers, on the limits' delays, on crun),
# so two at a time take little more than half the time of one after the
# other.  A file runs in one lane only, its sandboxed pass and its leak
# pass one after the other there, so that no file ever runs beside
# itself (some make fixed names: test_egress.py's provider namespace).
# Lane 1 runs sandboxed then leak-checked, lane 2 the other way round,
# which keeps each lane's heaviest work apart from the other's.  The
# files are shared out by the seconds both passes took here; a file not
# in the list counts as 10.
lanes() {
	/usr/bin/python3 - "$top"/regress/e2e/test_*.py <<'PY'
import os
import sys
seconds = {
    "test_limits.py": 181, "test_hostile.py": 122, "test_hosts.py": 73,
    "test_make.py": 69, "test_account_data.py": 69, "test_egress.py": 53,
    "test_v1_identity.py": 51, "test_oversized.py": 42,
    "test_acme_listener.py": 39, "test_certs_ca.py": 33,
    "test_acme_engine.py": 31, "test_http.py": 26,
    "test_account_identity.py": 24, "test_devices.py": 22,
}
names = sorted(os.path.basename(f) for f in sys.argv[1:])
load = {1: 0, 2: 0}
for name in sorted(names, key=lambda n: (-seconds.get(n, 10), n)):
    lane = 1 if load[1] <= load[2] else 2
    load[lane] += seconds.get(name, 10)
    print(lane, "regress/e2e/" + name)
PY
}
case "${1:-}" in
-l)
	leakcheck_files
	exit 0
	;;
-L)
	lanes
	exit 0
	;;
esac

bin=${MOAT_TEST_BINDIR:-$top/build/test/bin}
out=$top/build/test/results
rm -rf "$out"
mkdir -p "$out"
export MOAT_TEST_BINDIR="$bin"
passed=0
failed=0

count() {	# count NAME PASSED FAILED
	passed=$((passed + $2))
	failed=$((failed + $3))
	printf '%-28s %5d passed, %d failed\n' "$1" "$2" "$3"
}

# --- unit tests: each prints "suite: N passed, N failed"
for t in "$bin"/test_*; do
	name=$(basename "$t")
	(cd "$top" && ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    "$t" > "$out/$name.log" 2>&1)
	rc=$?
	line=$(grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed$' \
	    "$out/$name.log" | tail -1)
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')
	[ -n "$line" ] || { p=0; f=0; }
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed, leaked or reported by a sanitizer
	fi
	[ "$f" -ne 0 ] && tail -30 "$out/$name.log"
	count "unit/$name" "$p" "$f"
done

# --- man pages
p=0; f=0
for m in "$top"/man/*.[0-9]; do
	if [ -z "$(mandoc -Tlint -Wwarning "$m" 2>&1)" ]; then
		p=$((p + 1))
	else
		mandoc -Tlint -Wwarning "$m"
		f=$((f + 1))
	fi
done
count "mandoc -Tlint" $p $f

# --- end-to-end
pytest_run() {	# pytest_run NAME FILE...: junit in $out/NAME.xml
	name=$1
	shift
	[ $# -eq 0 ] && return 0
	(cd "$top" && /usr/bin/python3 -m pytest -q -p no:cacheprovider \
	    --junitxml="$out/$name.xml" "$@" > "$out/$name.log" 2>&1)
	return 0
}

pytest_tally() {	# pytest_tally NAME PART...: counts the parts' junit
	name=$1
	shift
	parts=$*
	res=$(cd "$out" && /usr/bin/python3 - "$@" <<'PY'
import os
import sys
import xml.etree.ElementTree as ET
tests = bad = 0
for part in sys.argv[1:]:
    if not os.path.exists(part + ".log"):
        continue        # a lane with no file of this pass
    try:
        root = ET.parse(part + ".xml").getroot()
    except Exception:
        bad += 1
        continue
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests += sum(int(s.get("tests", 0)) for s in suites)
    bad += sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) +
               int(s.get("skipped", 0)) for s in suites)
print(tests - bad, bad)
PY
)
	set -- $res
	if [ "$2" -ne 0 ]; then
		for part in $parts; do
			grep -sE '^(FAILED|ERROR|SKIPPED)' "$out/$part.log"
		done
	fi
	count "$name" "$1" "$2"
}

lane_files() {	# lane_files N [leak]: the lane's files for one pass
	lanes | while read -r n f; do
		[ "$n" = "$1" ] || continue
		if [ "${2:-}" = leak ]; then
			leakcheck_files | grep -x "$f" > /dev/null || continue
		fi
		echo "$f"
	done
}

sandboxed() {	# sandboxed N
	pytest_run "e2e-$1" $(lane_files "$1")
}

leakchecked() {	# leakchecked N
	MOAT_TEST_NOSANDBOX=1 pytest_run "e2e-leakcheck-$1" \
	    $(lane_files "$1" leak)
	# the campaign again, a value in three, so that LeakSanitizer sees
	# every refusal's path; in the lane of its sandboxed pass
	if lane_files "$1" | grep -x regress/e2e/test_hostile.py \
	    > /dev/null; then
		MOAT_TEST_NOSANDBOX=1 MOAT_CAMPAIGN_QUICK=1 pytest_run \
		    e2e-campaign-leakcheck regress/e2e/test_hostile.py
	fi
}

{ sandboxed 1; leakchecked 1; } &
lane1=$!
{ leakchecked 2; sandboxed 2; } &
lane2=$!
wait "$lane1" "$lane2"
pytest_tally e2e e2e-1 e2e-2
pytest_tally e2e-leakcheck e2e-leakcheck-1 e2e-leakcheck-2
pytest_tally e2e-campaign-leakcheck e2e-campaign-leakcheck

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
