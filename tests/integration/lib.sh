# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for the integration tests (sourced). Each test prints what it
# checks, exits 0 on success, 77 when skipped (saying why), 1 on failure.
BUILD=${BUILD:-build}
HVMON=${HVMON:-$BUILD/hvmon}
TESTGUEST=${TESTGUEST:-$BUILD/testguest}
GUEST=${GUEST:-$BUILD/guest}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvmon-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

need_kvm() {
	if [ ! -c /dev/kvm ] || ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
		echo "skipped: no /dev/kvm"
		exit 77
	fi
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

ok() {
	echo "ok: $*"
}

# expect_line FILE PATTERN WHAT: FILE has a line matching the fixed string.
expect_line() {
	if grep -qF -- "$2" "$1"; then ok "$3"; else fail "$3: no line with '$2' in $1"; sed 's/^/    | /' "$1" | tail -30; fi
}

expect_no_line() {
	if grep -qF -- "$2" "$1"; then fail "$3: unexpected '$2'"; else ok "$3"; fi
}

# expect_status GOT WANT WHAT
expect_status() {
	if [ "$1" -eq "$2" ]; then ok "$3 (exit $1)"; else fail "$3: exit status $1, wanted $2"; fi
}

# run_hvmon SECONDS OUTFILE ARGS...: run hvmon with a time limit; stdout
# and stderr to OUTFILE (stderr also to OUTFILE.err); sets $status.
run_hvmon() {
	limit=$1 out=$2
	shift 2
	timeout --kill-after=5 "$limit" "$HVMON" "$@" >"$out" 2>"$out.err" </dev/null
	status=$?
	cat "$out.err" >>"$out"
}

finish() {
	if [ "$failures" -eq 0 ]; then exit 0; fi
	echo "$failures check(s) failed"
	exit 1
}
