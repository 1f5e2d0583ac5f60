#!/usr/bin/env bash
# live/run.sh - the silent segment, caught on a live stream.
#
#   examples/live/run.sh [--speed N] [--from TIME] [--to TIME]
#                        [--rotate-at TIME|none] [DATA_DIR [OUT_DIR]]
#
# replay writes the incident week of the example data into two log files
# as it happened, an hour a second by default (--speed 3600), and rotates
# them half way through as logrotate would.  The same pipeline as
# sunday-cohort/run.sh reads them through `tail -F`, and each alert is
# shown when it arrives, with the replay's clock at that moment: the
# Wednesday alert comes early on Friday, while the replay goes on.
#
# Kept in OUT_DIR (default examples/out/live): logs/ (the log files),
# esp-seen.ndjson and app-seen.ndjson (every line tail -F delivered, to
# check that the rotation lost nothing), alerts.ndjson, and arrivals.txt
# (the replay's clock when each alert arrived, then the alert).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need tingle-parse tingle-segment tingle-count tingle-compare tingle-alert

replay_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--speed | --from | --to | --rotate-at)
		[ $# -ge 2 ] || { echo "${0##*/}: $1 needs a value" >&2; exit 64; }
		replay_args+=("$1" "$2"); shift 2 ;;
	-h | --help)
		echo "usage: ${0##*/} [--speed N] [--from TIME] [--to TIME]"
		echo "              [--rotate-at TIME|none] [DATA_DIR [OUT_DIR]]"
		exit 0 ;;
	-*) echo "${0##*/}: unknown option '$1'" >&2; exit 64 ;;
	*) break ;;
	esac
done
data=${1:-$examples/data}
out=${2:-$examples/out/live}
tz=America/Chicago
dims=plan,os,country,signup_version,signup_channel,start_weekday
derive='start_weekday = weekday(program_start)'
logs=$out/logs

rm -rf "$logs"
mkdir -p "$logs"
rm -f "$out"/*.ndjson "$out"/*.pid "$out/arrivals.txt" "$out/clock"
# The logs exist before tail starts: GNU tail -F that starts on a missing
# file follows its first version, but not the ones after a rotation.
: >"$logs/esp.log"
: >"$logs/app.log"

# follow FILE NAME: the lines of FILE as they are written, across
# rotations, remembering tail's pid in OUT_DIR/NAME.pid.
follow() {
	sh -c 'echo $$ >"$2"; exec tail -F -n +1 "$1" 2>>"$3"' \
		follow "$1" "$out/$2.pid" "$out/tail.err"
}

# Link attempts per day and attribute value, from the app log.
attempts() {
	follow "$logs/app.log" app |
		tee "$out/app-seen.ndjson" |
		tingle-parse -f json |
		tingle-segment --where 'event == "device_link_attempt"' \
			--join "$data/users.csv" --on user_id --set "$derive" |
		tingle-count -w 1d --tz "$tz" --each "$dims"
}

# show: each alert as it arrives, with the replay's clock.
show() {
	local line clock
	while IFS= read -r line; do
		clock=$(cat "$out/clock" 2>/dev/null || echo "?")
		printf '%s %s\n' "$clock" "$line" >>"$out/arrivals.txt"
		printf '%s\n' "$line" >>"$out/alerts.ndjson"
		printf '[replay at %s]\n' "$clock"
		printf '%s\n' "$line" | format_alerts
	done
}

# "device linked" confirmations per day and attribute value, from the email
# service's log, compared with the attempts as both arrive.  tingle-count
# writes a day's records once event time has passed its end (the first
# events of the next day), and tingle-compare compares a day once both of
# its inputs have gone past it.
follow "$logs/esp.log" esp |
	tee "$out/esp-seen.ndjson" |
	tingle-parse -f json --time-field timestamp |
	tingle-segment --where 'event == "delivered" && template == "device_linked"' \
		--join "$data/users.csv" --on email --set "$derive" |
	tingle-count -w 1d --tz "$tz" --each "$dims" --lateness 5m |
	tingle-compare --against <(attempts) --peers dimension \
		--name "link attempts at the peers' rate" |
	tingle-alert --cooldown 1d \
		-r 'link_confirmations_low: q < 0.001 && ratio < 0.5' \
		-m 'Device linking is failing for members with {dimension} = {value}: on {window_start:%.10s} their link attempts should have sent about {expected:%.0f} "device linked" emails, at the rate the other {dimension} values got, but only {count} went out (q = {q:%.1e}). Look at what changed in device linking for them.' \
		--resolved-message 'Device linking works again for members with {dimension} = {value}: on {window_start:%.10s} {count} "device linked" emails went out, against about {expected:%.0f} expected from their link attempts. The alert was on for {duration}.' |
	show &
pipeline=$!

stop() {
	local n
	for n in esp app; do
		[ -f "$out/$n.pid" ] && kill -INT "$(cat "$out/$n.pid")" 2>/dev/null
	done
	return 0
}
trap 'stop; exit 130' INT TERM

"$examples/live/replay" --clock "$out/clock" ${replay_args[@]+"${replay_args[@]}"} \
	"$data" "$logs" || { stop; exit 1; }

# Let tail deliver the last lines, then end the input: the stages flush
# what is complete and exit.
lines() { cat "$@" 2>/dev/null | wc -l; }
for _ in $(seq 100); do
	[ "$(lines "$out/esp-seen.ndjson")" -ge "$(lines "$logs"/esp.log*)" ] &&
		[ "$(lines "$out/app-seen.ndjson")" -ge "$(lines "$logs"/app.log*)" ] &&
		break
	sleep 0.1
done
stop
wait "$pipeline" || true
[ -s "$out/alerts.ndjson" ] || echo "no alert fired"
