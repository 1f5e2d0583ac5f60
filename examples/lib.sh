# examples/lib.sh - sourced by the example scripts: find the tools.
# shellcheck shell=bash
#
# The tools come from $TINGLE_BIN when it is set (the test runner sets it),
# else from the bin/ of this checkout when it has been built, else from
# PATH (an installed tingle).

examples=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -n "${TINGLE_BIN:-}" ]; then
	PATH=$TINGLE_BIN:$PATH
elif [ -x "$examples/../bin/tingle-parse" ]; then
	PATH=$(cd "$examples/../bin" && pwd):$PATH
fi
export PATH

# need TOOL... - stop with a clear message when a tool is not there.
need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			{ echo "${0##*/}: $t not found: run make first" >&2; exit 69; }
	done
}

# format_alerts: alert records on stdin, shown for people: a line with
# the state, the rule, the group and the window, then the message,
# wrapped.  Without jq, the records as they are.
format_alerts() {
	if ! command -v jq >/dev/null 2>&1; then
		cat
		return
	fi
	jq -r --unbuffered '
		def group: [to_entries[]
			| select(.key as $k | ["alert", "state", "severity",
				"window_start", "window_end", "message", "since",
				"until", "duration", "repeat", "baseline"]
				| index($k) | not)
			| select(.value | type == "string")
			| "\(.key)=\(.value)  "] | add // "";
		"   \(.state | ascii_upcase)  \(.alert)  \(group)\(.window_start[0:16]) .. \(.window_end[0:16])",
		"    " + .message, ""' |
		awk '/^    / {
			n = split(substr($0, 5), w, " "); line = "     "
			for (i = 1; i <= n; i++) {
				if (length(line) + length(w[i]) + 1 > 78) {
					print line; line = "     "
				}
				line = line " " w[i]
			}
			print line; fflush(); next
		}
		{ print; fflush() }'
}
