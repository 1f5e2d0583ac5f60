# scale-out.sh - the commands of docs/scale-out.md that can run here give
# the answer of one process on one machine.
#
# 1. GNU parallel across two "hosts": `parallel --ssh ./fakessh -S
#    1/hostA,1/hostB --pipe` (fakessh runs the command here, as ssh would
#    there) splits the example maillog into blocks; each host runs
#    tingle-parse | tingle-count --partial; one tingle-count --merge
#    joins them.  The windows equal one tingle-parse | tingle-count run,
#    and both hosts did work.
# 2. Shards by key: the count records go to the two hosts by the hash of
#    their group key (`parallel --shard 1 --colsep ',"window_start":'`:
#    tingle-count writes the -k fields first), each runs tingle-compare
#    and tingle-alert; the records (sorted) equal one compare | alert run,
#    but for q, which adjusts over the groups of a window that a shard has.
# 3. Hadoop Streaming, as its jobs are tried on one machine: the mapper on
#    each of three splits, the output as the framework hands it to the
#    reducer (a tab after each key, sorted), the reducer.  Equals (1).
# Kafka with kcat is not run here (no broker).
set -u
command -v parallel >/dev/null || { echo "GNU parallel is missing"; exit 77; }
parallel --version 2>/dev/null | grep -q 'GNU parallel' || { echo "parallel is not GNU parallel"; exit 77; }
log=$TINGLE_TOP/examples/data/maillog
# Without $SHELL (cron, CI runners, env -i), GNU parallel guesses the
# shell from its parent and, for --ssh jobs, runs nothing and exits 0.
export PARALLEL_SHELL=/bin/sh
fail=0

cat >fakessh <<'EOF'
#!/bin/sh
# fakessh [OPTION...] HOST [--] COMMAND...: run COMMAND here.
while [ $# -gt 0 ]; do case $1 in -*) shift ;; *) break ;; esac; done
host=$1; shift
[ "${1:-}" = "--" ] && shift
echo "$host" >>"$(dirname "$0")/hosts.log"
exec sh -c "$*"
EOF
chmod +x fakessh
P="parallel --will-cite --ssh $PWD/fakessh -S 1/hostA,1/hostB"

# 1. One machine, then two hosts.
tingle-parse -f postfix --year 2026 "$log" | tingle-count -w 1h -k status >one.ndjson
$P --pipe --block 100k 'tingle-parse -f postfix --year 2026 | tingle-count -w 1h -k status --partial' \
	<"$log" | tingle-count -w 1h -k status --merge >two.ndjson
[ -s one.ndjson ] || { echo "FAIL: no windows"; fail=1; }
cmp -s one.ndjson two.ndjson || { echo "FAIL: parallel --partial/--merge differs from one run:"; diff one.ndjson two.ndjson | head; fail=1; }
for h in hostA hostB; do
	grep -qx $h hosts.log || { echo "FAIL: $h ran nothing"; fail=1; }
done

# 2. compare and alert sharded by the group key.
rule='busy: status == "sent" && ratio > 1.5'
# q (Benjamini-Hochberg over the groups of a window) is, by design,
# over the groups of the shard: it is left out of the comparison.
noq() { sed 's/,"q":[^,}]*//' | sort; }
tingle-compare -b prev:2 one.ndjson | tingle-alert --pass -r "$rule" | noq >k1
: >hosts.log
$P --pipe --shard 1 --colsep ',"window_start":' \
	"tingle-compare -b prev:2 | tingle-alert --pass -r '$rule'" <one.ndjson | noq >k2
grep -q '"alert":"busy"' k1 || { echo "FAIL: no alert in the one-machine run"; fail=1; }
cmp -s k1 k2 || { echo "FAIL: compare | alert sharded by key differs from one run:"; diff k1 k2 | head; fail=1; }
[ "$(sort -u hosts.log | wc -l)" = 2 ] || { echo "FAIL: the shards did not go to both hosts"; fail=1; }

# 3. Hadoop Streaming's mapper and reducer, run as a local test would.
mapper='tingle-parse -f postfix --year 2026 | tingle-count -w 1h -k status --partial'
reducer='cut -f1 | tingle-count -w 1h -k status --merge'
split -n l/3 "$log" split.
for s in split.*; do sh -c "$mapper" <"$s"; done | sed 's/$/\t/' | sort | sh -c "$reducer" >hadoop.ndjson
cmp -s one.ndjson hadoop.ndjson || { echo "FAIL: mapper | sort | reducer differs from one run:"; diff one.ndjson hadoop.ndjson | head; fail=1; }
exit $fail
