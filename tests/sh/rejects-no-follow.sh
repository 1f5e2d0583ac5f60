# rejects-no-follow.sh - how --rejects FILE is opened (SECURITY.md, "Files
# tingle writes"): a symbolic link planted at FILE is not followed to a
# regular file, whether it exists or not, and exits 74 leaving the target
# alone; a file with another name (hard link) or, holding data, another
# owner is not truncated; a link to a FIFO, /dev/stderr, /dev/fd/N from
# process substitution and /dev/null still work as in any Unix filter;
# the user's own file is overwritten as `>` would.
set -u
fail() {
	echo "FAIL: $*"
	exit 1
}

# One good line, so that a run that can write its rejects exits 0.
bad() { printf '{"ok":1}\nATTACKER LINE\n'; }
ww=$PWD/ww
mkdir ww && chmod 1777 ww
echo precious >victim

# expect_refusal NAME WHY: --rejects NAME is refused, and victim kept.
expect_refusal() {
	bad | tingle-parse -f json --rejects "$1" >/dev/null 2>err
	rc=$?
	[ "$rc" = 74 ] || fail "--rejects $1: exit $rc: $(cat err)"
	grep -q "^tingle-parse: refusing to write --rejects file '$1': $2\$" err ||
		fail "--rejects $1: message: $(cat err)"
	[ "$(cat victim)" = precious ] || fail "--rejects $1: victim changed"
}

ln -s "$PWD/victim" ww/p.rej
expect_refusal ww/p.rej "it is a symbolic link"
ln -s "$PWD/created" ww/dangling.rej
expect_refusal ww/dangling.rej "it is a symbolic link"
[ ! -e created ] || fail "a dangling link made its target"

ln victim ww/hard.rej
expect_refusal ww/hard.rej "it has another name (a hard link)"
rm ww/hard.rej

if [ "$(id -u)" = 0 ]; then
	echo theirs >ww/theirs.rej
	chown 65534 ww/theirs.rej
	bad | tingle-parse -f json --rejects ww/theirs.rej >/dev/null 2>err
	[ $? = 74 ] || fail "another user's file: $(cat err)"
	grep -q "'ww/theirs.rej': it belongs to another user" err ||
		fail "another user's file: $(cat err)"
	[ "$(cat ww/theirs.rej)" = theirs ] || fail "another user's file changed"
	# Empty, it loses nothing.
	: >ww/theirs.rej
	bad | tingle-parse -f json --rejects ww/theirs.rej >/dev/null 2>err ||
		fail "another user's empty file: $(cat err)"
fi

# The user's own file is truncated and written, as `>` would.
printf 'an old reject that is much longer\n' >mine.rej
bad | tingle-parse -f json --rejects mine.rej >/dev/null 2>err ||
	fail "own file: $(cat err)"
[ "$(cat mine.rej)" = "ATTACKER LINE" ] || fail "own file: $(cat mine.rej)"

# A new file is made.
bad | tingle-parse -f json --rejects new.rej >/dev/null 2>err ||
	fail "new file: $(cat err)"
[ "$(cat new.rej)" = "ATTACKER LINE" ] || fail "new file: $(cat new.rej)"

# Unix filter plumbing keeps working.
bad | tingle-parse -f json --rejects /dev/stderr >/dev/null 2>both
rc=$?
[ "$rc" = 0 ] || fail "/dev/stderr: exit $rc"
grep -q 'invalid JSON' both && grep -qx 'ATTACKER LINE' both ||
	fail "/dev/stderr to a file lost a line: $(cat both)"
bad | tingle-parse -f json --rejects >(cat >subst.out) >/dev/null 2>err ||
	fail "process substitution: $(cat err)"
for i in $(seq 50); do [ -s subst.out ] && break; sleep 0.1; done
[ "$(cat subst.out)" = "ATTACKER LINE" ] || fail "process substitution"
mkfifo fifo
ln -s "$PWD/fifo" ww/fifo.rej
cat fifo >fifo.out &
bad | tingle-parse -f json --rejects ww/fifo.rej >/dev/null 2>err ||
	fail "link to a FIFO: $(cat err)"
wait
[ "$(cat fifo.out)" = "ATTACKER LINE" ] || fail "link to a FIFO"
bad | tingle-parse -f json --rejects /dev/null >/dev/null 2>err ||
	fail "/dev/null: $(cat err)"
bad | tingle-parse -f json --rejects /dev/fd/9 >/dev/null 2>err 9<&-
[ $? = 74 ] && grep -q "'/dev/fd/9': Bad file descriptor" err ||
	fail "a closed descriptor: $(cat err)"
exit 0
