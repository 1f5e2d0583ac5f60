# readme-examples.sh - the pipelines of README.md run as written.
#
# A block of "$ COMMAND" lines (a line ending in | or \ goes on to the
# next) and the output shown under them is run in one shell from a copy
# of the checkout's layout, and must print exactly that output.  A block
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

python3 - "$top/README.md" <<'PY' >blocks
import json, sys
lines = open(sys.argv[1]).read().split("\n")
blocks, i = [], 0
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
    cmds, out, prompt, cont = [], [], body[0].startswith("$ "), False
    for l in body:
        if prompt and l.startswith("$ "):
            cmds.append(l[2:])
        elif cont or not prompt:
            cmds.append(l)
        else:
            out.append(l)
        cont = l.rstrip().endswith(("|", "\\"))
    if cmds[0].lstrip().startswith(("tingle-", "tail ", "parallel ", "$ ", "cd ")) or prompt:
        blocks.append({"prompt": prompt, "cmd": "\n".join(cmds), "out": "\n".join(out)})
print(json.dumps(blocks))
PY

n=$(jq length blocks)
[ "$n" -ge 5 ] || { echo "only $n blocks found in README.md"; exit 1; }
fail=0 ran=0
# A block that changes directory leaves the next ones there, as in a
# terminal.
cwd=$PWD/tree/top
for i in $(seq 0 $((n - 1))); do
	jq -r ".[$i].cmd" blocks >cmd
	prompt=$(jq -r ".[$i].prompt" blocks)
	case $(cat cmd) in
	*/var/log/* | *big.ndjson* | *statuses.csv*) continue ;;
	*../shared/corpus*) [ -n "$TINGLE_CORPUS" ] || continue ;;
	esac
	ran=$((ran + 1))
	echo 'pwd >"$1"' >>cmd
	(cd "$cwd" && bash -o pipefail "$OLDPWD/cmd" "$OLDPWD/cwd" >"$OLDPWD/out" 2>"$OLDPWD/err")
	rc=$?
	cwd=$(cat cwd)
	if [ "$prompt" = true ]; then
		jq -r ".[$i].out" blocks >want
		if ! cmp -s want out; then
			echo "FAIL: README block $((i + 1)): output differs:"
			cat cmd
			diff want out | head -10
			fail=1
		fi
	elif [ "$rc" != 0 ] || [ -s err ]; then
		echo "FAIL: README block $((i + 1)): status $rc:"
		cat cmd err | head -20
		fail=1
	fi
done
echo "$ran README blocks run"
exit $fail
