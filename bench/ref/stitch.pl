#!/usr/bin/perl -n
# stitch.pl - the perl reference for `tingle-parse -f postfix |
# tingle-stitch --preset postfix`: the regexes of postfix.pl per line,
# the lines grouped by queue id in a hash, one JSON object per message
# (first client, from, size, nrcpt, message-id; a list of deliveries)
# written at its "removed" line, and the rest at the end.
BEGIN {
	@m{qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)} = (1 .. 12);
	($y) = ($ENV{TINGLE_NOW} // "2026") =~ /^(\d{4})/;
	$| = 0;
	sub out {
		my ($q, $c) = @_;
		my $m = $msg{$q};
		print qq({"queue_id":"$q","ts":"$m->{ts}","end_ts":"$m->{end}"),
		    (map { exists $m->{$_} ? qq(,"$_":"$m->{$_}") : qq(,"$_":null) }
		    qw(client from size nrcpt message_id)),
		    qq(,"deliveries":[), join(",", @{$m->{d} // []}),
		    qq(],"records":$m->{n},"complete":$c}\n);
		delete $msg{$q};
	}
}
/^(\w{3}) +(\d+) (\d\d:\d\d:\d\d) (\S+) ([^\[:\s]+)(?:\[(\d+)\])?: (.*)$/ or next;
($mo, $d, $t, $msg) = ($1, $2, $3, $7);
$msg =~ /^([0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}):/ or next;
$q = $1;
$ts = sprintf('%04d-%02d-%02dT%sZ', $y, $m{$mo}, $d, $t);
$m = $msg{$q} //= {ts => $ts};
$m->{end} = $ts;
$m->{n}++;
%f = ();
while ($msg =~ /\b(client|message-id|from|to|relay|delay|dsn|status|size|nrcpt)=(<[^>]*>|[^,\s]+)/g) {
	($k, $v) = ($1, $2);
	$v =~ s/^<(.*)>$/$1/;
	$k =~ tr/-/_/;
	$v =~ s/(["\\])/\\$1/g;
	$f{$k} = $v;
}
if (exists $f{status}) {
	push @{$m->{d}}, sprintf('{"to":"%s","status":"%s","dsn":"%s","relay":"%s","delay":%s}',
	    @f{qw(to status dsn relay delay)});
} else {
	for $k (qw(client from size nrcpt message_id)) {
		$m->{$k} //= $f{$k} if exists $f{$k};
	}
}
out($q, "true") if $msg =~ /^\w+: removed$/;
END { out($_, "false") for sort keys %msg; }
