env | grep '^TINGLE_' | sort
