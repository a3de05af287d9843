#!/bin/sh
# The whole regress suite against the test build (clang, ASan, UBSan):
# unit tests, man page lint, the end-to-end tests with the real sandboxed
# suite, and a second end-to-end pass with the sandboxes off so that
# LeakSanitizer can stop the world (it needs ptrace and /proc, which the
# sandboxes forbid).  Ends with "N passed, N failed".  With -l it only
# lists the end-to-end files of that second pass.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)

# The end-to-end files of the pass with the sandboxes off: every one, so
# that a new file cannot miss it, but these, each for its reason:
#   test_processes.py: checks the sandboxes themselves (seccomp, chroots,
#     users, capabilities), which that pass turns off;
#   test_make.py: runs make run and make install, the release programs,
#     which have no LeakSanitizer to report anything;
#   test_hostile.py: the campaign, which has a pass of its own below.
leakcheck_files() {
	for f in "$top"/regress/e2e/test_*.py; do
		case ${f##*/} in
		test_processes.py|test_make.py|test_hostile.py)
			;;
		*)
			echo "regress/e2e/${f##*/}"
			;;
		esac
	done
}
if [ "${1:-}" = "-l" ]; then
	leakcheck_files
	exit 0
fi

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
pytest_pass() {	# pytest_pass NAME [pytest args...]
	name=$1
	shift
	(cd "$top" && /usr/bin/python3 -m pytest -q -p no:cacheprovider \
	    --junitxml="$out/$name.xml" "$@" > "$out/$name.log" 2>&1)
	res=$(/usr/bin/python3 - "$out/$name.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("0 1")
    sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) +
          int(s.get("skipped", 0)) for s in suites)
print(tests - bad, bad)
PY
)
	set -- $res
	[ "$2" -ne 0 ] && grep -E '^(FAILED|ERROR|SKIPPED)' "$out/$name.log"
	count "$name" "$1" "$2"
}

pytest_pass e2e regress/e2e
MOAT_TEST_NOSANDBOX=1 pytest_pass e2e-leakcheck $(leakcheck_files)
# the campaign again, a value in three, so that LeakSanitizer sees every
# refusal's path
MOAT_TEST_NOSANDBOX=1 MOAT_CAMPAIGN_QUICK=1 pytest_pass e2e-campaign-leakcheck \
    regress/e2e/test_hostile.py

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
