#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME (make fuzz). A target
# fails when it finds an input that fails, and then its log is printed.
#
# Go 1.26's fuzz coordinator can report its own -fuzztime deadline as a
# failure, "context deadline exceeded" with no failing input and nothing
# written to testdata/fuzz (golang/go#75804, fixed in Go 1.27). Such a run
# is run again; a second one is said and passed over, since no input of
# ours failed. Anything else fails the run.
set -uo pipefail
GO="${GO:-go}"
FUZZTIME="${FUZZTIME:-5s}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# coordinator_race: the run failed on the coordinator's deadline alone.
coordinator_race() {
  local corpus="$1" before="$2"
  grep -qx '    context deadline exceeded' "$log" &&
    ! grep -q -e 'Failing input written' -e '^panic:' "$log" &&
    [ "$(ls "$corpus" 2>/dev/null | wc -l)" = "$before" ]
}

pkgs=$($GO list ./...) || exit 1 # a list that fails must not pass as nothing to fuzz
for pkg in $pkgs; do
  dir=$($GO list -f '{{.Dir}}' "$pkg") || exit 1
  for fn in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "fuzz $pkg $fn ($FUZZTIME)"
    corpus="$dir/testdata/fuzz/$fn"
    for attempt in 1 2; do
      before=$(ls "$corpus" 2>/dev/null | wc -l)
      if $GO test -run '^$' -fuzz "^$fn\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1; then
        break
      fi
      if ! coordinator_race "$corpus" "$before"; then
        cat "$log"
        exit 1
      fi
      if [ "$attempt" = 1 ]; then
        echo "  Go's fuzz coordinator reported its own deadline (golang/go#75804), no input failed: again"
      else
        echo "  the coordinator's deadline again, no input failed: passed over"
      fi
    done
  done
done
