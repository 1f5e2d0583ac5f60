# docs-examples.sh - the pipelines of README.md and docs/walkthrough.md
# run as written.
#
# A block of "$ COMMAND" lines (a line ending in | or \ goes on to the
# next) and the output shown under them is run in one shell from a copy
# of the checkout's layout, and must print exactly that output; where the
# output shown has a line "...", its other lines must come out in that
# order, among others.  "$ ... | COMMAND" goes on from the command shown
# before it.  A block
# of commands without a prompt must run with status 0 and nothing on
# standard error, unless it reads files a reader has to supply
# (/var/log, big.ndjson, statuses.csv).  Blocks that read the sample
# corpus are skipped when it is absent.
set -u
top=$TINGLE_TOP
for t in tingle-parse tingle-segment tingle-count tingle-compare tingle-alert; do
	[ -x "$TINGLE_BIN/$t" ] || { echo "$t is not built yet"; exit 77; }
done
for t in jq python3; do
	command -v $t >/dev/null || { echo "$t is missing"; exit 77; }
done

# The layout the README assumes: the checkout, with ../shared/corpus
# beside it and examples/out made by `make demo`.
mkdir -p tree/top/examples/out tree/shared
for f in "$top"/examples/*; do
	ln -s "$f" "tree/top/examples/$(basename "$f")"
done
[ -n "$TINGLE_CORPUS" ] && ln -s "$TINGLE_CORPUS" tree/shared/corpus
"$top/examples/sunday-cohort/run.sh" "$top/examples/data" \
	tree/top/examples/out/sunday-cohort >/dev/null 2>sunday.err
[ $? -le 1 ] || { echo "sunday-cohort/run.sh failed:"; cat sunday.err; exit 1; }

python3 - "$top/README.md" "$top/docs/walkthrough.md" <<'PY' >blocks
import json, sys

def blocks_of(doc):
    """Indented blocks after a blank line: commands and the output shown.
    "$ ... | CMD" goes on from the command before."""
    lines = open(doc).read().split("\n")
    i, prev = 0, ""
    while i < len(lines):
        if not lines[i].startswith("    ") or (i > 0 and lines[i - 1].strip()):
            i += 1
            continue
        body = []
        while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
            if not lines[i].strip() and not (i + 1 < len(lines) and lines[i + 1].startswith("    ")):
                break
            body.append(lines[i][4:])
            i += 1
        prompt = body[0].startswith("$ ")
        cmds, out, cont = [], [], False
        for l in body:
            if prompt and l.startswith("$ "):
                cmds.append(l[2:])
            elif cont or not prompt:
                cmds.append(l)
            else:
                out.append(l)
            cont = l.rstrip().endswith(("|", "\\"))
        cmd = "\n".join(cmds)
        if prompt and cmd.startswith("... |"):
            cmd = prev + " |" + cmd[len("... |"):]
        if prompt:
            prev = cmd
        if prompt or cmds[0].startswith(("tingle-", "tail ", "parallel ")):
            yield {"doc": doc.split("/")[-1], "prompt": prompt and bool(out),
                   "cmd": cmd, "out": "\n".join(out)}

print(json.dumps([b for doc in sys.argv[1:] for b in blocks_of(doc)]))
PY

# same WANT GOT: GOT is WANT, or where WANT has "..." lines, holds WANT's
# other lines in order.
same() {
	python3 - "$1" "$2" <<'PY'
import sys
want = open(sys.argv[1]).read().rstrip("\n").split("\n")
got = open(sys.argv[2]).read().rstrip("\n").split("\n")
if "..." not in want:
    sys.exit(want != got)
it = iter(got)
sys.exit(not all(any(w == g for g in it) for w in want if w != "..."))
PY
}

n=$(jq length blocks)
[ "$n" -ge 15 ] || { echo "only $n blocks found"; exit 1; }
fail=0 ran=0 doc=""
for i in $(seq 0 $((n - 1))); do
	jq -r ".[$i].cmd" blocks >cmd
	prompt=$(jq -r ".[$i].prompt" blocks)
	# Each document starts at the top of the checkout; a block that
	# changes directory leaves the next ones there, as in a terminal.
	if [ "$(jq -r ".[$i].doc" blocks)" != "$doc" ]; then
		doc=$(jq -r ".[$i].doc" blocks)
		cwd=$PWD/tree/top
	fi
	case $(cat cmd) in
	*/var/log/* | *big.ndjson* | *statuses.csv*) continue ;;
	# Arguments left out ("..."); the live replay, which has a test of
	# its own and takes minutes.
	*...* | examples/live/run.sh*) continue ;;
	*../shared/corpus*) [ -n "$TINGLE_CORPUS" ] || continue ;;
	esac
	ran=$((ran + 1))
	echo 'pwd >"$1"' >>cmd
	(cd "$cwd" && bash -o pipefail "$OLDPWD/cmd" "$OLDPWD/cwd" >"$OLDPWD/out" 2>"$OLDPWD/err")
	rc=$?
	cwd=$(cat cwd)
	if [ "$prompt" = true ]; then
		jq -r ".[$i].out" blocks >want
		if ! same want out; then
			echo "FAIL: $doc, block $((i + 1)): output differs:"
			sed '$d' cmd
			diff want out | head -10
			fail=1
		fi
	elif [ "$rc" != 0 ] || [ -s err ]; then
		echo "FAIL: $doc, block $((i + 1)): status $rc:"
		sed '$d' cmd
		head -20 err
		fail=1
	fi
done
echo "$ran blocks run"
exit $fail
