# install.sh - `make install` puts the tools, the man pages, the alert
# hooks where the README says (PREFIX/share/tingle/hooks) and the bash
# and zsh completion, and `make uninstall` takes them away again.
set -u
command -v make >/dev/null || { echo "make is missing"; exit 77; }
root=$PWD/root
# -o all: install the tools of this run as they are, never rebuild.
make -s -C "$TINGLE_TOP" -o all BIN="$TINGLE_BIN" DESTDIR="$root" PREFIX=/usr \
	install >log 2>&1 || { echo "make install failed:"; cat log; exit 1; }
fail=0
for f in bin/tingle bin/tingle-parse bin/tingle-alert \
	share/man/man1/tingle-parse.1 share/man/man7/tingle.7 \
	share/tingle/hooks/mail-alert.sh \
	share/bash-completion/completions/tingle \
	share/bash-completion/completions/tingle-count \
	share/zsh/site-functions/_tingle; do
	[ -f "$root/usr/$f" ] || { echo "FAIL: usr/$f not installed"; fail=1; }
done
[ -x "$root/usr/share/tingle/hooks/mail-alert.sh" ] ||
	{ echo "FAIL: the hook is not executable"; fail=1; }
# The installed hook works as tingle-alert runs it.
printf '%s\n' '{"alert":"bounces","state":"firing","message":"5 bounced"}' |
	TINGLE_ALERT=bounces TINGLE_STATE=firing TINGLE_MESSAGE='5 bounced' \
	"$root/usr/share/tingle/hooks/mail-alert.sh" -n ops@example.com >mail 2>&1 ||
	{ echo "FAIL: the installed hook failed:"; cat mail; fail=1; }
grep -q '^To: ops@example.com' mail || { echo "FAIL: no To: line:"; cat mail; fail=1; }
make -s -C "$TINGLE_TOP" -o all BIN="$TINGLE_BIN" DESTDIR="$root" PREFIX=/usr \
	uninstall >log 2>&1 || { echo "make uninstall failed:"; cat log; exit 1; }
left=$(find "$root" ! -type d)
[ -z "$left" ] || { echo "FAIL: make uninstall left:"; echo "$left"; fail=1; }
exit $fail
