# man-width.sh - every man page formats at 80 columns without a
# warning from groff, as `man` shows it in an 80-column terminal (man-db
# sets the line length to a little under the terminal width, so 78 and
# 80 are tried).  mandoc -T lint cannot see this: it is groff's layout.
set -u
command -v groff >/dev/null || { echo "groff is missing"; exit 77; }
fail=0
for m in "$TINGLE_TOP"/man/*.[1-9]; do
	for w in 78 80; do
		groff -mandoc -Tutf8 -rLL=${w}n -ww "$m" 2>err >/dev/null
		if [ -s err ]; then
			echo "FAIL: ${m##*/} at $w columns:"
			cat err
			fail=1
		fi
	done
done
exit $fail
