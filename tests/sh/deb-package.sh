# deb-package.sh - the Debian package builds, passes lintian, installs,
# works from the installed files and removes cleanly.  The build takes
# two to three minutes on a loaded two-core machine:
# timeout: 600
#
# The package is built with dpkg-buildpackage -b from a copy of the
# checkout in this test's directory (so the checkout stays clean), then
# installed with dpkg into a scratch root (--root, --force-not-root: no
# system package database is touched), where tingle-parse --version and
# a pipeline run from the installed files, then removed with dpkg -r.
# lintian (no error, no warning) runs under make deb-check, which sets
# TINGLE_LINTIAN=1; make check leaves it out for time.
# It builds from source, not from the tools under test, so it runs once,
# in the run against the checkout's bin/ (make check's first run, or
# make deb-check).  Skipped without dpkg-buildpackage or the
# build dependencies.
set -u
top=$TINGLE_TOP
[ -z "${DEB_RULES_REQUIRES_ROOT:-}" ] ||
	{ echo "inside a package build: not building the package again"; exit 77; }
[ "$(cd "$TINGLE_BIN" && pwd)" = "$top/bin" ] ||
	{ echo "the package is built from source once, in the run against bin/"; exit 77; }
command -v dpkg-buildpackage >/dev/null ||
	{ echo "dpkg-buildpackage is missing (dpkg-dev)"; exit 77; }
(cd "$top" && dpkg-checkbuilddeps -Pnocheck) >deps 2>&1 ||
	{ echo "build dependencies missing:"; cat deps; exit 77; }

version=$(cat "$top/VERSION")
chver=$(cd "$top" && dpkg-parsechangelog -SVersion)
[ "$chver" = "$version" ] ||
	{ echo "FAIL: debian/changelog says $chver, VERSION says $version"; exit 1; }

# The copy: what is in the checkout, less what builds and runs make.
mkdir "tingle-$version"
tar -C "$top" --exclude=./.git --exclude=./build --exclude=./bin \
	--exclude=./examples/out --exclude=./bench/data -cf - . |
	tar -C "tingle-$version" -xf -
(cd "tingle-$version" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
	dpkg-buildpackage -us -uc -b -Pnocheck) >build.log 2>&1 ||
	{ echo "FAIL: dpkg-buildpackage:"; tail -30 build.log; exit 1; }
deb=$(ls tingle_"$version"_*.deb)
[ -f "$deb" ] || { echo "FAIL: no package built"; ls; exit 1; }
fail=0

if [ "${TINGLE_LINTIAN:-0}" != 1 ]; then
	:
elif command -v lintian >/dev/null; then
	lintian --fail-on error,warning "${deb%.deb}.changes" 2>&1 |
		grep -v '^running with root privileges' >lintian.out
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] || grep -q '^[EW]:' lintian.out; then
		echo "FAIL: lintian:"; cat lintian.out; fail=1
	fi
else
	echo "lintian is missing: not run"
fi

dpkg-deb -f "$deb" Depends >depends
for lib in libjansson libpcre2-8 libc6; do
	grep -q "$lib" depends || { echo "FAIL: Depends lacks $lib: $(cat depends)"; fail=1; }
done

# A scratch root with an empty package database.
root=$PWD/root
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
dpkg() { command dpkg --root="$root" --force-not-root --force-depends \
	--force-script-chrootless --log=/dev/null "$@"; }
dpkg -i "$deb" >dpkg.log 2>&1 || { echo "FAIL: dpkg -i:"; cat dpkg.log; exit 1; }

u=$root/usr
for f in bin/tingle bin/tingle-parse bin/tingle-segment bin/tingle-count \
	bin/tingle-compare bin/tingle-alert \
	share/man/man1/tingle-parse.1.gz share/man/man7/tingle.7.gz \
	share/tingle/hooks/mail-alert.sh \
	share/bash-completion/completions/tingle \
	share/bash-completion/completions/tingle-parse \
	share/zsh/vendor-completions/_tingle \
	share/doc/tingle/copyright \
	share/doc/tingle/examples/email-blast/run.sh \
	share/doc/tingle/examples/rsyslog/tingle.conf \
	share/doc/tingle/examples/systemd/tingle-mail.service \
	share/doc/tingle/examples/data/maillog; do
	[ -e "$u/$f" ] || { echo "FAIL: /usr/$f not installed"; fail=1; }
done

got=$("$u/bin/tingle-parse" --version)
[ "$got" = "tingle-parse $version" ] ||
	{ echo "FAIL: tingle-parse --version says '$got', VERSION $version"; fail=1; }
# tingle runs the stage installed beside it.
got=$(env PATH=/usr/bin:/bin "$u/bin/tingle" count --version)
[ "$got" = "tingle-count $version" ] ||
	{ echo "FAIL: tingle count --version says '$got'"; fail=1; }

# One pipeline, only installed files: the example maillog, deliveries
# per day, an alert through the installed hook.
ex=$u/share/doc/tingle/examples
env PATH="$u/bin:/usr/bin:/bin" sh -c '
	tingle-parse -f postfix --year 2026 "$1/data/maillog" |
	tingle-count -w 1d -k status |
	tingle-alert -r "busy: status == \"sent\" && count > 50" \
		--exec "$2/share/tingle/hooks/mail-alert.sh -n ops@example.com"
' sh "$ex" "$u" >alerts 2>hook.out
rc=$?
[ "$rc" = 0 ] && grep -q '"state":"firing"' alerts && grep -q '^To: ops@example.com' hook.out ||
	{ echo "FAIL: the installed pipeline (status $rc):"; head -5 alerts hook.out; fail=1; }

dpkg -r tingle >dpkg.log 2>&1 || { echo "FAIL: dpkg -r:"; cat dpkg.log; exit 1; }
left=$(find "$root/usr" ! -type d 2>/dev/null)
[ -z "$left" ] || { echo "FAIL: dpkg -r left:"; echo "$left"; fail=1; }
exit $fail
