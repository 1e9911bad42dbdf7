#!/bin/sh
# pwalk-nightly.sh ROOT WALKS_DIR KEEP
#
# One night's run: walk ROOT into WALKS_DIR/YYYY-MM-DD-HHMMSS, write that walk's
# capacity report (report.html, report.json) and the diff against the previous
# walk (diff.html, diff.json) into the new walk folder, delete all but the newest
# KEEP walks, then write the capacity trend over the walks kept (WALKS_DIR/trend.html,
# trend.json; each walk's summary is kept in the cache, so only tonight's walk is
# read whole). Prints nothing unless something fails, so cron mails only problems.
# PWALK_TS names the command (default: pwalk-ts on PATH).
set -eu
if [ $# -ne 3 ]; then
  echo "usage: pwalk-nightly.sh ROOT WALKS_DIR KEEP" >&2
  exit 2
fi
root=$1
walks=$2
keep=$3
pwalk=${PWALK_TS:-pwalk-ts}
# KEEP 0 (or not a number) would make the clean-up below delete tonight's walk too.
case $keep in
  '' | *[!0-9]* | 0) echo "pwalk-nightly.sh: KEEP must be a whole number >= 1, got '$keep'" >&2; exit 2 ;;
esac

mkdir -p "$walks"
previous=$(ls -1d "$walks"/20*/ 2>/dev/null | tail -n 1)
now="$walks/$(date +%Y-%m-%d-%H%M%S)"

# Exit 1 means some entries could not be read (they are in the report's errors
# section) or a walk was incomplete: still worth reporting. Anything else stops.
$pwalk "$root" --out "$now" --quiet || [ $? -eq 1 ]
$pwalk report "$now" --html "$now/report.html" --json "$now/report.json" --quiet || [ $? -eq 1 ]
if [ -n "$previous" ]; then
  $pwalk diff "$previous" "$now" --html "$now/diff.html" --json "$now/diff.json" --quiet || [ $? -eq 1 ]
fi

# Walk folder names sort by date: keep the newest $keep.
ls -1d "$walks"/20*/ | head -n -"$keep" | xargs -r rm -rf --

# Every walk kept in one page (trend sorts them by their start).
$pwalk trend "$walks"/20*/ --html "$walks/trend.html" --json "$walks/trend.json" --quiet || [ $? -eq 1 ]
