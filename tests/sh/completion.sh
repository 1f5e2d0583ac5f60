# completion.sh - bash and zsh completion of tingle and its stages.
#
# bash: completion/tingle.bash is loaded with bash-completion and driven
# as readline drives it (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT,
# then COMPREPLY), for a handful of cases per tool.  Then, for every
# tingle-* tool of the build: each option of its --help and of its man
# page is completed, the completion knows whether it takes a value as
# --help and the man page say, and an option whose man page lists its
# values (.Cm a | b) completes exactly those.  A new option or stage
# without completion fails here.
# zsh: completion/_tingle passes zsh -n, compinit loads it for every
# tool, Tab in an interactive zsh (zpty) lists stages and values, and
# it names each option of each tool's --help.
set -u
top=$TINGLE_TOP
[ "$(cd "$TINGLE_BIN" && pwd)" = "$top/bin" ] ||
	{ echo "completion is the same for every build: checked in the run against bin/"; exit 77; }
bc=/usr/share/bash-completion/bash_completion
[ -r $bc ] || { echo "bash-completion is not installed"; exit 77; }
. $bc
. "$top/completion/tingle.bash"
fail=0
say() { echo "FAIL: $*"; fail=1; }

# comp LINE: complete at the end of LINE; the words split as readline
# splits them (at blanks, and around = and :, which are word breaks).
# Sets got to the sorted candidates, one line.
comp() {
	local line=$1 w
	COMP_WORDS=()
	for w in $line; do
		while [[ $w =~ ^([^:=]*)([:=]+)(.*)$ ]]; do
			[[ -n ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
			COMP_WORDS+=("${BASH_REMATCH[2]}")
			w=${BASH_REMATCH[3]}
		done
		[[ -n $w ]] && COMP_WORDS+=("$w")
	done
	[[ $line == *' ' ]] && COMP_WORDS+=('')
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line COMP_POINT=${#line}
	COMPREPLY=()
	_tingle "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' ')
	got=${got% }
}
# want LINE EXPECTED: the candidates are exactly EXPECTED (sorted).
want() {
	comp "$1"
	[ "$got" = "$2" ] || say "'$1<TAB>' gives '$got', want '$2'"
}
# has LINE WORD...: the candidates include each WORD.
has() {
	local line=$1 w
	shift
	comp "$line"
	for w in "$@"; do
		[[ " $got " == *" $w "* ]] || say "'$line<TAB>' lacks '$w': $got"
	done
}

# Files in the test's directory, for the options that take a file.
mkdir d
: >users.csv
: >rules.json
: >d/x.ndjson

# tingle
want 'tingle ' 'alert compare count help parse report segment stitch'
want 'tingle co' 'compare count'
want 'tingle help s' 'segment stitch'
want 'tingle --v' '--version'
want 'tingle parse --form' '--format'
want 'tingle count --late ' 'emit report'
want 'tingle nosuchstage -' ''
# tingle-parse
want 'tingle-parse -f ' 'clf combined csv exim json logfmt postfix sendmail syslog tsv'
want 'tingle-parse --format=c' 'clf combined csv'
want 'tingle-parse --types count:i' 'int'
want 'tingle-parse --keep-u' '--keep-unmatched'
want 'tingle-parse -f postfix u' 'users.csv'
want 'tingle-parse --rejects r' 'rules.json'
# tingle-segment
want 'tingle-segment --join-miss ' 'drop keep reject'
want 'tingle-segment --join-format ' 'csv ndjson tsv'
want 'tingle-segment --join u' 'users.csv'
want 'tingle-segment --join users.csv --on ' ''
want 'tingle-segment --wh' '--where'
# tingle-count
want 'tingle-count --late ' 'emit report'
want 'tingle-count --week-start ' 'mon sun'
want 'tingle-count --open ' 'emit hold'
has 'tingle-count -w ' all
want 'tingle-segment --uni' '--unique'
want 'tingle-stitch --preset ' 'exim postfix'
want 'tingle stitch --exp' '--expect'
want 'tingle-report -o u' 'users.csv'
want 'tingle-report --te' '--text'
want 'tingle-count --keys d/' 'd/x.ndjson'
has 'tingle-count -w ' 1m 5m 1h 1d
has 'tingle-count --tz Europe/Be' Europe/Berlin
want 'tingle-count -k status --par' '--partial'
# tingle-compare
want 'tingle-compare -b ' 'ewma: prev: season:1d: season:1w:'
want 'tingle-compare --baseline=season:1' '1d: 1w:'
want 'tingle-compare --stat ' 'mean median'
want 'tingle-compare --state r' 'rules.json'
want 'tingle-compare --against d/' 'd/x.ndjson'
# tingle-alert
want 'tingle-alert -F r' 'rules.json'
want 'tingle-alert --rules=r' 'rules.json'
want 'tingle-alert --state u' 'users.csv'
want 'tingle-alert -r ' ''
want 'tingle-alert --pa' '--pass'
has 'tingle-alert --tz America/Chi' America/Chicago

# Every tool against its --help and its man page.
tools=0
for t in "$TINGLE_BIN"/tingle-*; do
	tool=${t##*/}
	stage=${tool#tingle-}
	tools=$((tools + 1))
	v=_tingle_args_$stage
	if [ -z "${!v+set}" ]; then
		say "$tool has no completion: add _tingle_args_$stage and _tingle_flags_$stage to completion/tingle.bash"
		continue
	fi
	f=_tingle_flags_$stage
	args=" $(echo ${!v} $_tingle_common_args) "
	flags=" $(echo ${!f} $_tingle_common_flags) "
	# OPTION arg|flag, one a line: from option lines of --help (lines
	# that start with an option), a value after one blank; from the
	# man page's .It lines, an Ar or Cm after the option.
	{
		"$t" --help | grep -E '^  +-' |
			grep -oE -- '(^| )-(-[a-z][a-z-]*|[a-zA-Z])(,| [^ -]|  | ?$)' |
			awk '{ o = $1; k = $2 != "" ? "arg" : "flag"
				if (o ~ /,$/) { sub(/,$/, "", o); k = "?" }
				print o, k }'
		m=$top/man/$tool.1
		[ -r "$m" ] && grep '^\.It Fl ' "$m" | sed 's/^\.It //' | awk -F' , ' '{
			for (i = 1; i <= NF; i++) {
				n = split($i, w, " ")
				if (w[1] == "Fl") print "-" w[2], (n > 2 ? "arg" : "flag")
			} }'
	} >kinds.$stage
	# A "-x," of "-x, --long ARG" is of the kind of the long option.
	awk '$2 != "?"' kinds.$stage | sort -u >known.$stage
	while read -r o k; do
		[ "$k" = "?" ] || continue
		grep -qE -- "^$o " known.$stage || { echo "$o ?" >>known.$stage; }
	done <kinds.$stage
	comp "$tool -"
	all=" $got "
	while read -r o k; do
		[[ $all == *" $o "* ]] || say "$tool: '$o' is not completed"
		case $k in
		arg) [[ $args == *" $o "* ]] ||
			say "$tool: '$o' takes a value: list it in _tingle_args_$stage (or _tingle_common_args)" ;;
		flag) [[ $flags == *" $o "* ]] ||
			say "$tool: '$o' takes no value: list it in _tingle_flags_$stage (or _tingle_common_flags)" ;;
		esac
	done <known.$stage
	# Values listed in the man page (.It Fl -opt Cm a | b | c) are all
	# completed.
	m=$top/man/$tool.1
	[ -r "$m" ] && grep -E '^\.It Fl -?[a-z-]+ Cm ' "$m" | while read -r _ _ o _ vals; do
		for w in $(echo "$vals" | tr -d '|'); do
			has "$tool -$o " "$w"
		done
	done
done
[ "$tools" -ge 5 ] || say "only $tools tools in $TINGLE_BIN"

# zsh
if command -v zsh >/dev/null; then
	zsh -n "$top/completion/_tingle" || say "zsh -n completion/_tingle"
	mkdir zfunc
	cp "$top/completion/_tingle" zfunc/
	loaded=$(HOME=$PWD zsh -f -c 'fpath=($PWD/zfunc $fpath); autoload -Uz compinit;
		compinit -u -d $PWD/zcompdump; for c in "$@"; do print -r -- "$c=${_comps[$c]}"; done' \
		zsh tingle $(cd "$TINGLE_BIN" && ls tingle-*) 2>&1)
	for c in tingle $(cd "$TINGLE_BIN" && ls tingle-*); do
		[[ $loaded == *"$c=_tingle"* ]] || say "zsh compinit does not bind $c to _tingle: $loaded"
	done
	# Tab pressed in an interactive zsh on a pseudo-terminal (zpty):
	# the listing shows the values.
	cat >drive.zsh <<'ZSH'
zmodload zsh/zpty || exit 77
zpty z 'TERM=vt100 zsh -f -i'
# The prompt is READY>, spelt otherwise in the line that sets it, so
# that the wait below does not stop at the echo of that line.
zpty -w z "PS1='RE''ADY> '; fpath=($PWD/zfunc \$fpath); autoload -Uz compinit; compinit -u -d $PWD/zcompdump2; PATH=$TINGLE_BIN:\$PATH; LISTMAX=1000"
zpty -r -m z out '*READY> ' || exit 1
for line in "$@"; do
	zpty -n -w z "$line"$'\t'
	sleep 1
	zpty -n -w z $'\C-u'
	zpty -r -t z out && print -r -- "$out"
done
zpty -w z exit
sleep 0.3
while zpty -r -t z out; do print -r -- "$out"; done
ZSH
	HOME=$PWD timeout 60 zsh -f drive.zsh 'tingle ' 'tingle-parse -f ' \
		'tingle count --late ' 'tingle-compare -b ' >zsh.out 2>&1
	for w in 'segment  -- filter records' 'postfix' 'emit    report' \
		'season:PERIOD:N  -- the same slot'; do
		grep -aqF -- "$w" zsh.out || say "zsh: Tab did not list '$w'"
	done
	for t in "$TINGLE_BIN"/tingle-*; do
		# The stage's function and the common options.
		awk -v f="_${t##*/}() {" '$0 == f { on = 1 } on { print } on && /^}/ { on = 0 }
			/^  common=\(/ { c = 1 } c { print } c && /^  \)/ { c = 0 }' \
			"$top/completion/_tingle" >zsh.${t##*/}
		for o in $(cut -d' ' -f1 kinds.${t##*/tingle-} 2>/dev/null | grep -- '^--' | sort -u); do
			grep -qE -- "['*,)]$o(=|\[|}'\[)" zsh.${t##*/} ||
				say "zsh: ${t##*/} '$o' is not in _${t##*/} of completion/_tingle"
		done
	done
else
	echo "zsh is missing: its completion is not checked"
fi
exit $fail
