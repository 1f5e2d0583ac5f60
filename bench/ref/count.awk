# count.awk - the awk reference for `tingle-count -w 5m -k event`: pull
# "ts" and "event" out of each line with regexes (no JSON parsing), bucket
# into 5-minute windows, count per window and event.
match($0, /"ts":"([0-9]+)-([0-9]+)-([0-9]+)T([0-9]+):([0-9]+):([0-9]+)/, t) &&
match($0, /"event":"([^"]*)"/, e) {
	b = int(mktime(t[1] " " t[2] " " t[3] " " t[4] " " t[5] " " t[6], 1) / 300) * 300
	c[b SUBSEP e[1]]++
}
END {
	for (k in c) {
		split(k, p, SUBSEP)
		printf "{\"event\":\"%s\",\"window_start\":\"%s\",\"window_end\":\"%s\",\"count\":%d}\n",
			p[2], strftime("%Y-%m-%dT%H:%M:%SZ", p[1], 1),
			strftime("%Y-%m-%dT%H:%M:%SZ", p[1] + 300, 1), c[k]
	}
}
