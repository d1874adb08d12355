# Sourced by the scripts of this directory: the Bootstrap Italia npm
# package Traguardo vendors (see web/static/vendor/bootstrap-italia/VERSION),
# and bi_unpack DIR, which downloads it with npm pack, checks its integrity
# and unpacks it into DIR/node_modules/bootstrap-italia.

BI_VERSION=2.18.3
BI_INTEGRITY=sha512-dz4kNtcAYJF4OsWABT9m3CAT3NH5y6OzGG+v/VUGH1LjumIUmlP3GaQ+aHgtv5Vw3B5dS0jbHZiHGSfdu+DffA==

bi_unpack() {
	(cd "$1" && npm pack --silent "bootstrap-italia@$BI_VERSION" >/dev/null)
	got="sha512-$(openssl dgst -sha512 -binary "$1/bootstrap-italia-$BI_VERSION.tgz" | openssl base64 -A)"
	if [ "$got" != "$BI_INTEGRITY" ]; then
		echo "bootstrap-italia-$BI_VERSION.tgz: integrity $got, want $BI_INTEGRITY" >&2
		return 1
	fi
	mkdir -p "$1/node_modules/bootstrap-italia"
	tar -xzf "$1/bootstrap-italia-$BI_VERSION.tgz" -C "$1/node_modules/bootstrap-italia" --strip-components=1
}
