#!/usr/bin/env bash
# Run one stage of `make test` quietly: its output goes to .build/logs/STAGE.log, and one line says how it went
# (with the summary line its tool printed last, when it printed one). A failed stage prints the end of its log.
# Usage: hacking/stage.sh STAGE command [args...]
set -uo pipefail
stage=$1; shift
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/.build/logs"
log="$root/.build/logs/$stage.log"
started=$(date +%s)
"$@" > "$log" 2>&1
rc=$?
seconds=$(( $(date +%s) - started ))
# pytest's "N passed in ...", ansible-lint's "Passed: ...", the contract's fidelity line, ansible-test's last words.
summary=$(grep -E '(passed|failed|error)s? in [0-9.]+s|^Passed|^Failed|replayed [0-9]+/[0-9]+|^make test|^ok:' "$log" \
          | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/=//g' -e 's/^ *//' -e 's/ *$//' | tail -n 2 | paste -sd ';' -)
if [ "$rc" -eq 0 ]; then
  printf '%-16s ok     %4ss  %s\n' "$stage" "$seconds" "$summary"
else
  printf '%-16s FAILED %4ss  %s\n' "$stage" "$seconds" "$summary"
  # The lines that say what failed (pytest, ansible-test, ansible-lint), then how the log ends.
  echo "---- errors in $log ----"
  grep -E '^(ERROR|FAILED|FATAL)|^E  |Error:|error:' "$log" | head -n 40
  echo "---- last 30 lines ----"
  tail -n 30 "$log"
  echo "---- end of $log ----"
fi
exit "$rc"
