printf "hook: %s | %s\n" "$TINGLE_COHORT" "$TINGLE_MESSAGE" >&2
