#!/usr/bin/env bash
# tingle-stitch expect mode on generated data: link attempts in one
# input, emails in another (read together, through a pipe), for 3000
# users.  A seeded generator withholds the "device linked" email of some
# users, or sends it too late; every one of them must be reported
# "matched": false, and no user whose email came within --within.
set -euo pipefail
command -v jq >/dev/null || { echo "jq is not installed"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

for seed in 1 7 42; do
	awk -v seed=$seed -v n=3000 -v within=600 '
	function ts(t) { return strftime("%Y-%m-%dT%H:%M:%SZ", t, 1) }
	BEGIN {
		srand(seed); t0 = 1764460800 # 2025-11-30T00:00:00Z, a Sunday
		for (i = 0; i < n; i++) {
			t = t0 + i * 7 + int(rand() * 5)
			u = sprintf("u%05d", i)
			printf "{\"ts\":\"%s\",\"user_id\":\"%s\",\"event\":\"device_link_attempt\"}\n", ts(t), u > "attempts.ndjson"
			if (rand() < 0.3)
				printf "{\"ts\":\"%s\",\"user_id\":\"%s\",\"event\":\"page_view\"}\n", ts(t + 1), u > "attempts.ndjson"
			r = rand()
			if (r < 0.1) {          # withheld
				print u > "withheld.txt"
				continue
			}
			if (r < 0.15) {         # too late
				print u > "withheld.txt"
				d = within + 1 + int(rand() * 900)
			} else if (r < 0.2)     # at the very edge: still in time
				d = within
			else
				d = int(rand() * within)
			e[t + d] = e[t + d] sprintf("{\"ts\":\"%s\",\"user_id\":\"%s\",\"event\":\"email\",\"template\":\"device_linked\"}\n", ts(t + d), u)
			if (rand() < 0.2)   # another template, never a confirmation
				e[t + 2] = e[t + 2] sprintf("{\"ts\":\"%s\",\"user_id\":\"%s\",\"event\":\"email\",\"template\":\"welcome\"}\n", ts(t + 2), u)
		}
		for (t = t0; t < t0 + n * 7 + 2000; t++)
			if (t in e) printf "%s", e[t] > "emails.ndjson"
	}'
	tingle-stitch -k user_id --within 10m \
		--start 'event == "device_link_attempt"' \
		--expect 'event == "email" && template == "device_linked"' \
		attempts.ndjson <(cat emails.ndjson) >out.ndjson 2>err
	[ ! -s err ] || fail "seed $seed: diagnostics: $(cat err)"
	[ "$(wc -l <out.ndjson)" = 3000 ] || fail "seed $seed: $(wc -l <out.ndjson) records, not 3000"
	jq -r 'select(.matched | not) | .user_id' out.ndjson | sort >missing.txt
	sort withheld.txt >want.txt
	cmp -s missing.txt want.txt || fail "seed $seed: matched:false is not the withheld users: $(diff want.txt missing.txt | head)"
	jq -e -s 'map(select(.matched)) | all(.latency >= 0 and .latency <= 600)' out.ndjson >/dev/null ||
		fail "seed $seed: a latency outside 0..600 s"
	rm -f attempts.ndjson emails.ndjson withheld.txt
done
exit 0
