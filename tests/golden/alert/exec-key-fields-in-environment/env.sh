env | grep '^TINGLE_' | grep -v '^TINGLE_\(NOW\|BIN\|TOP\|CORPUS\)=' | sort
