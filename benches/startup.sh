#!/usr/bin/env bash
# Start-up: how long Keyholder's window takes to appear on screen, against a bare iced 0.14
# window (examples/bare_window.rs: the same iced features, renderer and size). Goal: within 1.2
# times. Not a criterion bench: what is timed is a whole process, from being started to its
# window being mapped, in a private X display (Xvfb) so nothing else on screen interferes.
#
#   benches/startup.sh [RUNS]        (default 13; medians of alternating runs are printed)
#
# Keyholder opens on the sign-in screen of a demo school of 2,000 pupils and 300 staff.
# Needs Xvfb and xdotool.
set -euo pipefail
runs=${1:-13}
cd "$(dirname "$0")/.."
cargo build --release --bin keyholder --example bare_window >/dev/null 2>&1
keyholder=target/release/keyholder
bare=target/release/examples/bare_window

work=$(mktemp -d)
disp=$(( 500 + RANDOM % 400 ))
while [ -e "/tmp/.X${disp}-lock" ]; do disp=$((disp + 1)); done
Xvfb ":$disp" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
cleanup() { kill "$xvfb" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
sleep 1
export DISPLAY=":$disp"

echo "startup benchmark password" >"$work/pw"
"$keyholder" demo --vault "$work/school.db" --password-file "$work/pw" --pupils 2000 --staff 300 >/dev/null

# Milliseconds from starting the command to its window being visible. A bare X server now and
# then refuses a connection (XOpenDisplayFailed) to a program started just after another ended;
# such a run is started again.
time_to_window() {
  local start now pid tries
  for tries in 1 2 3; do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 &
    pid=$!
    until xdotool search --onlyvisible --pid "$pid" >/dev/null 2>&1; do
      now=$(date +%s%N)
      if ! kill -0 "$pid" 2>/dev/null; then
        continue 2
      fi
      if [ $(( (now - start) / 1000000 )) -gt 20000 ]; then
        echo "startup.sh: no window from $1 within 20 s" >&2
        kill "$pid" 2>/dev/null || true
        exit 1
      fi
      sleep 0.002
    done
    now=$(date +%s%N)
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo $(( (now - start) / 1000000 ))
    return
  done
  echo "startup.sh: $1 could not open a window three times" >&2
  exit 1
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

: >"$work/bare"; : >"$work/keyholder"
for _ in $(seq "$runs"); do
  time_to_window "$bare" >>"$work/bare"
  time_to_window "$keyholder" --vault "$work/school.db" >>"$work/keyholder"
done
b=$(median <"$work/bare"); k=$(median <"$work/keyholder")
echo "bare iced window: median $b ms ($(tr '\n' ' ' <"$work/bare"))"
echo "keyholder:        median $k ms ($(tr '\n' ' ' <"$work/keyholder"))"
awk -v b="$b" -v k="$k" 'BEGIN { printf "ratio: %.2f (goal: at most 1.2)\n", k / b }'
