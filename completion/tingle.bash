# bash completion for tingle and its stages             -*- shell-script -*-
#
# One file for `tingle` and every `tingle-STAGE` command.  Installed as
# share/bash-completion/completions/tingle, with a link of that name for
# each stage, so bash-completion loads it for whichever is typed first.
#
# Adding a stage NAME takes a few lines here:
#   _tingle_args_NAME   its options that take a value,
#   _tingle_flags_NAME  its options that take none,
#   and, for options whose values can be completed, a line in
#   _tingle_value's case (NAME:--option, or *:--option when every stage
#   means the same by it).
# The stage is then completed as tingle-NAME and as `tingle NAME`, and
# `tingle <TAB>` lists it.  tests/sh/completion.sh fails for an option
# of a tool's --help or man page that is not completed here.

# Options every stage has.
_tingle_common_args='--time-field --tz --rejects --max-line'
_tingle_common_flags='--strict --line-buffered -h --help --version'

_tingle_args_parse='-f --format -e --regex --types --time-format --year
	--hold --max-field-lines --split --msg-regex'
_tingle_flags_parse='--keep-unmatched'

_tingle_args_segment='--join --on --join-prefix --join-miss --join-format
	--set --where --unique --within --max-groups --by -s --segment --default
	--field'
_tingle_flags_segment='--only'

_tingle_args_count='-w --window --every -k --key --each --week-start --distinct
	--sum --min --max --avg --lateness --late --late-keep --idle --forget
	--open --keys --max-groups --max-ahead --max-fill'
_tingle_flags_count='--partial --merge'

_tingle_args_compare='-b --baseline --stat --state --save-every
	--lock-timeout --against --rate --on --against-value --peers --idle -k
	--key --value --min-baseline --name --max-groups'
_tingle_flags_compare=''

_tingle_args_alert='-r --rule -F --rules -k --key -m --message
	--resolved-message --for --keep-firing-for --cooldown --severity
	--exec --exec-timeout --exec-jobs --state --lock-timeout --max-groups'
_tingle_flags_alert='--pass --rank'

_tingle_args_stitch='-k --key --end --collect --timeout --preset --start
	--expect --within --lateness --idle --max-open'
_tingle_flags_stitch=''

_tingle_args_report='-o --output --title --max-charts --max-rows --value'
_tingle_flags_report='--text'

# The stages, in the order of the pipeline (and of `tingle --help`);
# the ones defined above that are not listed here follow them.
_tingle_stages()
{
    local order='parse segment count compare alert stitch report' v s out
    out=$order
    for v in ${!_tingle_args_*}; do
        s=${v#_tingle_args_}
        [[ " $order " == *" $s "* ]] || out+=" $s"
    done
    printf '%s\n' $out
}

# IANA zone names, from the system's zoneinfo.
_tingle_zones()
{
    local d=/usr/share/zoneinfo
    [[ -d $d ]] || return
    (cd "$d" && find . -type f ! -name '*.*' ! -path './posix/*' \
        ! -path './right/*' ! -name 'posixrules' ! -name 'leapseconds' \
        ! -name 'Factory' 2>/dev/null | sed 's|^\./||')
}

# _tingle_value STAGE OPTION: complete the value of OPTION in cur.
# Returns 1 when the value is free text that cannot be completed.
_tingle_value()
{
    local stage=$1 opt=$2 words=''
    case $stage:$opt in
    parse:-f | parse:--format)
        words='syslog postfix exim sendmail clf combined logfmt csv tsv json' ;;
    parse:--types)
        # FIELD:TYPE,...: the type after the last colon.
        if [[ $cur == *:* ]]; then
            local pre=${cur%:*}:
            COMPREPLY=($(compgen -P "$pre" -W 'int float bool string' \
                -- "${cur##*:}"))
            __ltrim_colon_completions "$cur"
        fi
        return 0 ;;
    segment:--join | count:--keys | compare:--against | alert:-F | \
        alert:--rules | report:-o | report:--output | *:--rejects | *:--state)
        _filedir
        return 0 ;;
    segment:--join-miss) words='keep drop reject' ;;
    segment:--join-format) words='ndjson csv tsv' ;;
    count:-w | count:--window)
        words='1m 5m 15m 1h 1d 1w all' ;;
    count:--every) words='1m 5m 15m 1h 1d 1w' ;;
    count:--lateness) words='all' ;;
    count:--open) words='hold emit' ;;
    count:--week-start) words='mon sun' ;;
    count:--late) words='report emit' ;;
    compare:-b | compare:--baseline)
        words='prev: season:1d: season:1w: ewma:'
        compopt -o nospace 2>/dev/null ;;
    compare:--stat) words='mean median' ;;
    alert:--severity) words='info warning critical' ;;
    stitch:--preset) words='postfix exim' ;;
    alert:--exec)
        # Command lines: the installed hooks, then any file.
        local hooks
        hooks=$(command -v tingle-alert 2>/dev/null)
        hooks=${hooks%/bin/*}/share/tingle/hooks
        _filedir
        [[ -d $hooks ]] && COMPREPLY+=($(compgen -f -- "$hooks/${cur##*/}" |
            grep -F -- "$cur"))
        return 0 ;;
    *:--tz) words=$(_tingle_zones) ;;
    *) return 1 ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    __ltrim_colon_completions "$cur"
    return 0
}

# _tingle_stage STAGE: complete words[1..cword] as arguments of
# tingle-STAGE.
_tingle_stage()
{
    local stage=$1 args flags v
    v=_tingle_args_$stage
    args="${!v} $_tingle_common_args"
    v=_tingle_flags_$stage
    flags="${!v} $_tingle_common_flags"

    # --option=value
    if [[ $cur == --*=* ]]; then
        local opt=${cur%%=*}
        cur=${cur#*=}
        _tingle_value "$stage" "$opt"
        return
    fi
    # -o value, --option value
    if [[ " "$args" " == *[[:space:]]"$prev"[[:space:]]* ]]; then
        _tingle_value "$stage" "$prev"
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$args $flags" -- "$cur"))
        return
    fi
    _filedir
}

_tingle()
{
    local cur prev words cword
    _init_completion -n := || return

    local cmd=${words[0]##*/}
    if [[ $cmd == tingle-* ]]; then
        _tingle_stage "${cmd#tingle-}"
        return
    fi

    # tingle STAGE ARGS... | tingle help STAGE | tingle --help|--version
    if [[ $cword -eq 1 ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '-h --help --version' -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_tingle_stages) help" -- "$cur"))
        fi
        return
    fi
    local stage=${words[1]}
    if [[ $stage == help ]]; then
        [[ $cword -eq 2 ]] && COMPREPLY=($(compgen -W "$(_tingle_stages)" -- "$cur"))
        return
    fi
    local v=_tingle_args_$stage
    [[ -n ${!v+set} ]] || return
    words=("tingle-$stage" "${words[@]:2}")
    ((cword--))
    _tingle_stage "$stage"
}

complete -F _tingle tingle
for _tingle_s in $(_tingle_stages); do
    complete -F _tingle "tingle-$_tingle_s"
done
unset _tingle_s

# ex: filetype=sh
