#!/usr/bin/perl -n
# postfix.pl - the perl reference for `tingle-parse -f postfix`: one regex
# per line for the syslog header, one for the key=value pairs, the same
# fields written as a JSON object.  Year-less stamps get the year of
# TINGLE_NOW, as tingle does for these inputs.
BEGIN {
	@m{qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)} = (1 .. 12);
	($y) = ($ENV{TINGLE_NOW} // "2026") =~ /^(\d{4})/;
	$| = 0;
}
/^(\w{3}) +(\d+) (\d\d:\d\d:\d\d) (\S+) ([^\[:\s]+)(?:\[(\d+)\])?: (.*)$/ or next;
($mo, $d, $t, $h, $p, $pid, $msg) = ($1, $2, $3, $4, $5, $6, $7);
$o = sprintf('{"ts":"%04d-%02d-%02dT%sZ","host":"%s","program":"%s"',
	$y, $m{$mo}, $d, $t, $h, $p);
$o .= qq(,"pid":$pid) if defined $pid;
$o .= qq(,"queue_id":"$1") if $msg =~ /^([0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}):/;
while ($msg =~ /\b(client|message-id|from|to|orig_to|relay|delay|delays|dsn|status|size|nrcpt)=(<[^>]*>|[^,\s]+)/g) {
	($k, $v) = ($1, $2);
	$v =~ s/^<(.*)>$/$1/;
	$k =~ tr/-/_/;
	$v =~ s/(["\\])/\\$1/g;
	$o .= qq(,"$k":"$v");
}
$msg =~ s/(["\\])/\\$1/g;
print $o, qq(,"msg":"$msg"}\n);
