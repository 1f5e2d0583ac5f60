# Print what the hook was given: its environment and its input.
printf 'hook %s %s %s segment=[%s]\n' "$TINGLE_ALERT" "$TINGLE_STATE" "$TINGLE_SEVERITY" "$TINGLE_SEGMENT"
printf 'stdin: '
cat
