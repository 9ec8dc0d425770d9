#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# fuzz-run.sh NAME...: run each libFuzzer target $FUZZ_BIN/fuzz_NAME for
# FUZZ_SECONDS on its corpus $BUILD/fuzz/corpus/NAME (new inputs it finds
# are added there); a crash's input goes to $BUILD/fuzz/crash/NAME/ and the
# run goes on with the next target. FUZZ_ONLY="name ..." picks targets.
# Exits non-zero when any target crashed, naming them.
BUILD=${BUILD:-build}
FUZZ_BIN=${FUZZ_BIN:-build-fuzz/fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
crashed=""
for name in "$@"; do
	case " ${FUZZ_ONLY:-} " in "  ") ;; *" $name "*) ;; *) continue ;; esac
	corpus=$BUILD/fuzz/corpus/$name crash=$BUILD/fuzz/crash/$name
	mkdir -p "$corpus" "$crash"
	echo "== fuzz $name: $FUZZ_SECONDS s, corpus $corpus ($(ls "$corpus" | wc -l) files)"
	# -rss_limit_mb: the kernel target maps 64 MiB of guest RAM, and
	# decompression may reach its 8 MiB cap; 2 GiB is plenty.
	if ! "$FUZZ_BIN/fuzz_$name" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 \
		-max_len=1048576 -print_final_stats=1 -artifact_prefix="$crash/" \
		"$corpus" >"$crash/log" 2>&1; then
		crashed="$crashed $name"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$crash/log" | head -5
		echo "== fuzz $name: CRASHED; input and log in $crash/"
	else
		grep -E '^stat::number_of_executed_units|^Done' "$crash/log" | tr '\n' ' '
		echo
	fi
done
[ -z "$crashed" ] || { echo "fuzz: crashed:$crashed"; exit 1; }
echo "fuzz: no crashes"
