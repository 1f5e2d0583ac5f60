# What tingle-alert --exec puts in a hook's environment is bounded and
# never silently wrong: a key value of 200 KB (past Linux's 128 KiB
# limit on one string) no longer keeps the hook from running, it is cut
# to 8 KiB at a UTF-8 boundary and marked; two fields that map to one
# TINGLE_ name do not both claim it; a NUL in a value is U+FFFD rather
# than the end of the value; the whole environment is bounded.  Each is
# reported once, and no diagnostic quotes a whole value.
set -u
fail() {
	echo "FAIL: $*"
	exit 1
}
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }

printf '%s\n' 'env | grep "^TINGLE_" | sort >"env.$TINGLE_CASE"' >hook.sh
win='"window_start":"2026-06-01T00:00:00Z","window_end":"2026-06-02T00:00:00Z","count":0'

# alert CASE RECORD KEYS...: run the rule over one record, the hook
# writes its environment to env.CASE, the diagnostics go to err.CASE.
alert() {
	c=$1 rec=$2
	shift 2
	printf '%s\n' "$rec" |
		tingle-alert --exec-jobs 1 --exec 'sh hook.sh' "$@" \
			-r "low: count < 1" -m '{case}' >"out.$c" 2>"err.$c"
	rc=$?
	[ "$rc" = 0 ] || fail "$c: status $rc: $(head -c 2000 "err.$c")"
	[ -f "env.$c" ] || fail "$c: the hook did not run: $(head -c 2000 "err.$c")"
	[ "$(wc -c <"err.$c")" -lt 1000 ] || fail "$c: stderr of $(wc -c <"err.$c") bytes"
}

# A value of 210,000 bytes of three-byte characters: 8190 bytes are kept
# (8192 would end inside a character), then the marker.
python3 -c 'print("\u20ac" * 70000, end="")' >big.txt
alert big "{\"case\":\"big\",\"k\":\"$(cat big.txt)\",$win}" -k case -k k
python3 - <<'PY' || fail "big: TINGLE_K is not the cut value: $(head -c 300 env.big)"
full = open('big.txt', 'rb').read()
env = open('env.big', 'rb').read().split(b'\n')
v = [l for l in env if l.startswith(b'TINGLE_K=')][0][len(b'TINGLE_K='):]
assert v == full[:8190] + b'[...]', (len(v), v[-20:])
v.decode('utf-8')
PY
grep -q 'hook for low firing (case=big, k=€€€.*\.\.\.: TINGLE_K cut to 8192 bytes; the record on standard input is whole (reported once)$' err.big ||
	fail "big: diagnostic: $(head -c 1000 err.big)"
# The record itself is whole, on standard output.
[ "$(jq -r '.k | length' out.big)" = 70000 ] || fail "big: output record cut"

# a-b and a_b are both TINGLE_A_B: the first keeps it.
alert clash "{\"case\":\"clash\",\"a-b\":\"first\",\"a_b\":\"second\",$win}" -k case -k a-b -k a_b
[ "$(grep -c '^TINGLE_A_B=' env.clash)" = 1 ] || fail "clash: $(cat env.clash)"
grep -qx 'TINGLE_A_B=first' env.clash || fail "clash: $(cat env.clash)"
grep -q "field 'a_b' is left out: TINGLE_A_B is already another field's (reported once)" err.clash ||
	fail "clash: diagnostic: $(cat err.clash)"

# A NUL in a value.
alert nul "{\"case\":\"nul\",\"k\":\"x\\u0000y\",$win}" -k case -k k
grep -qx 'TINGLE_K=x�y' env.nul || fail "nul: $(cat env.nul)"
grep -q 'a NUL in TINGLE_K is passed as U+FFFD (reported once)' err.nul ||
	fail "nul: diagnostic: $(cat err.nul)"
# Twenty values of 10,000 bytes: 8 KiB of each would pass the bound on
# the whole environment, so the last fields are left out, not the
# alert's own.
rec=$(python3 -c '
import json
r = {"case": "many"}
for i in range(20):
    r["k%02d" % i] = "v" * 10000
print(json.dumps(r)[:-1], end="")')
keys=$(python3 -c 'print(" ".join("-k k%02d" % i for i in range(20)))')
alert many "$rec,$win}" -k case $keys
grep -qx 'TINGLE_MESSAGE=many' env.many || fail "many: no TINGLE_MESSAGE"
grep -q '^TINGLE_K00=v' env.many || fail "many: no TINGLE_K00"
grep -q '^TINGLE_K19=' env.many && fail "many: TINGLE_K19 is there"
[ "$(wc -c <env.many)" -le $((128 * 1024)) ] || fail "many: $(wc -c <env.many) bytes"
grep -q 'is left out: the variables would pass 131072 bytes (reported once)' err.many ||
	fail "many: diagnostic: $(cat err.many)"
exit 0
