# segment_vs_jq.sh - tingle-segment and jq agree: the same filters and the
# same join over generated records with escapes, non-ASCII text, missing
# fields and mixed types give the same records (compared after jq -c .).
set -eu
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }

python3 - <<'PY'
import json, random
random.seed(11)
events = ["delivered", "bounced", "opened", "d\u00e9livr\u00e9", "click\"ed"]
with open("users.ndjson", "w") as u, open("users.csv", "w") as c:
    c.write("email,plan,city\n")
    for i in range(300):
        plan = random.choice(["free", "pro", "team"])
        city = random.choice(["Z\u00fcrich", "S\u00e3o Paulo", "\u5317\u4eac", "Oslo"])
        email = "user%d@example.com" % i
        u.write(json.dumps({"email": email, "plan": plan, "city": city}) + "\n")
        c.write('%s,%s,"%s"\n' % (email, plan, city))
with open("events.ndjson", "w") as f:
    for i in range(3000):
        r = {"ts": "2026-12-%02dT%02d:00:00Z" % (1 + i % 7, i % 24),
             "event": random.choice(events),
             "email": "user%d@example.com" % random.randrange(400)}
        if random.random() < 0.9:
            r["size"] = random.choice([random.randrange(100000), 1.5, -3])
        if random.random() < 0.5:
            r["campaign"] = "c%d" % random.randrange(5)
        # both escaped and raw forms of the same text
        f.write(json.dumps(r, ensure_ascii=random.random() < 0.5) + "\n")
PY

check() {
	tingle-segment "$@" events.ndjson | jq -c . >tingle.out
	jq -c "$jqprog" events.ndjson >jq.out
	if ! cmp -s tingle.out jq.out; then
		echo "differs: tingle-segment $*"
		diff tingle.out jq.out | head -10
		exit 1
	fi
	[ -s jq.out ] || { echo "no records for: $*"; exit 1; }
}

jqprog='select(.event == "delivered" and .size > 50000)'
check --where 'event == "delivered" && size > 50000'
jqprog='select(.event == "d\u00e9livr\u00e9" or .event == "click\"ed")'
check --where 'event == "d\u00e9livr\u00e9" || event == "click\"ed"'
jqprog='select(.campaign | IN("c1", "c3"))'
check --where 'campaign in ["c1", "c3"]'
jqprog='select(.email | test("^user1[0-9]?@"))'
check --where 'email =~ "^user1[0-9]?@"'
jqprog='select(has("campaign") | not)'
check --where '!exists(campaign)'
jqprog='select(.size != null and .size * 2 >= 100000)'
check --where 'size * 2 >= 100000'

# The join, from the NDJSON table and from the CSV table.
jqprog='. + ($idx[.email] // {})'
tingle-segment --join users.ndjson --on email events.ndjson | jq -c . >tingle.out
jq -c -n --slurpfile u users.ndjson \
	'(reduce $u[] as $r ({}; .[$r.email] = $r)) as $idx | inputs | . + ($idx[.email] // {})' \
	events.ndjson >jq.out
cmp tingle.out jq.out
tingle-segment --join users.csv --on email events.ndjson | jq -c . >tingle.out
cmp tingle.out jq.out
# Dropping the misses, then segmenting by a joined field.
tingle-segment --join users.csv --on email --join-miss drop --by plan \
	events.ndjson | jq -c . >tingle.out
jq -c -n --slurpfile u users.ndjson \
	'(reduce $u[] as $r ({}; .[$r.email] = $r)) as $idx | inputs | select($idx[.email]) | . + $idx[.email] | .segment = .plan' \
	events.ndjson >jq.out
cmp tingle.out jq.out
