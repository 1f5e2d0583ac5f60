# Postfix header and body checks of mail submitted on the host itself
# ("from local;"), as a web application's mail shows them, beside those
# of mail from the network: every line is a record, and each check line
# has its action, header, subject, origin or client and the list's
# from, to, proto and helo.  tests/data/postfix-local-checks.log holds
# 40 messages of four templates and one line of each kind of action.
set -u
f=$TINGLE_TOP/tests/data/postfix-local-checks.log
fail() { echo "FAIL: $*"; exit 1; }
is() { [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"; }
counts() { jq -r "$1" out | sort | uniq -c | awk '{print $2 "=" $1}' | paste -sd' ' -; }

tingle-parse -f postfix --rejects rej "$f" >out 2>err || fail "status $?: $(head -3 err)"
is records "$(wc -l <out)" 253
is rejects "$(wc -l <rej)" 0
is stderr "$(cat err)" ""
is actions "$(counts 'select(.action) | .action')" \
	"discard=1 filter=1 hold=2 info=44 milter-reject=1 prepend=1 redirect=1 reject=1 replace=1 strip=1 warning=3"
# Mail per template: the subjects of the info lines of local mail.
is templates "$(jq -r 'select(.action == "info" and .origin == "local" and .to) | .subject' out | sort | uniq -c | sed 's/^ *//' | paste -sd, -)" \
	"10 Confirm your device link,10 Password reset request,1 Re: lunch; from=<a@x> to=<b@y>,10 Weekly digest: 5 new posts,10 Your receipt from Example Shop"
is "every check line" "$(jq -r 'select(.program == "postfix/cleanup" and (.msg | test(": (header|body) "))) | has("action") and (has("origin") or has("client"))' out | sort -u)" true
is "local info" "$(jq -c 'select(.to == "user05@example.org" and .action) | [.queue_id, .action, .header_name, .header_value, .origin, .from]' out)" \
	'["3A1B2199","info","Subject","Confirm your device link","local","www-data@mail.example.com"]'
is "hold" "$(jq -c 'select(.action == "hold" and .origin) | [.subject, .to, .reason]' out)" \
	'["Invoice overdue","ops@example.org","held for review"]'
is "remote hold" "$(jq -c 'select(.action == "hold" and .client) | [.client_host, .client_ip, .client_port, .proto, .helo, .reason]' out)" \
	'["mx.partner.example","198.51.100.7",41234,"ESMTP","mx.partner.example","over quota"]'
is "reject" "$(jq -r 'select(.action == "reject") | .reason' out)" "5.7.1 no test mail to all"
is "redirect" "$(jq -r 'select(.action == "redirect") | .header_name + " " + .reason' out)" "To moderator@example.org"
is "prepend" "$(jq -r 'select(.action == "prepend") | .replacement' out)" "X-Template: device-link"
is "body" "$(jq -r 'select(.body) | .body + " " + .origin' out)" "unsubscribe here: http://x.example/u local"
is "no to" "$(jq -c 'select(.header_name == "From") | [.header_value, .from, .to]' out)" \
	'["\"Shop\" <shop@example.com>","www-data@mail.example.com",null]'
is "no list" "$(jq -c 'select(.subject == "no list") | [.origin, .from]' out)" '["local",null]'
is "milter" "$(jq -c 'select(.action == "milter-reject") | [.stage, .origin, .dsn, .reason, .to]' out)" \
	'["END-OF-MESSAGE","local","5.7.1","DKIM signing failed","user60@example.org"]'
exit 0
