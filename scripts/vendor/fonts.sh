#!/bin/sh
# Builds the web fonts Traguardo serves, and web/static/css/fonts.css that
# declares them, from the fonts of the Bootstrap Italia npm package
# (dist/fonts/, the latin-ext+latin woff2 files of Titillium Web, Lora and
# Roboto Mono). Run by `make fonts`, not by make test; commit the output.
# Needs npm, openssl and pyftsubset (Debian: apt-get install fonttools
# python3-brotli; made with fonttools 4.38.0).
#
# Only the faces the pages use are declared (FACES below), as Chromium
# loads them on every page of every role and as Bootstrap Italia's CSS and
# app.css select them: Titillium Web 300 (.lead), 400, 600 (headings,
# labels, buttons, .fw-semibold) and 700 (strong); italic 400 and 700 (em
# and strong em in the rich text, .app-missing, the charts' italic
# labels) and 600 (the editor's "Corsivo" button); Lora 400 and 700
# (.card-text, .callout p and its strong); Roboto Mono 400 (code). Not
# used: Titillium Web italic 300, Lora italic, Roboto Mono bold and
# italic; a page asking for one gets the nearest declared face.
#
# Titillium Web (SIL OFL 1.1, no Reserved Font Name) and Roboto Mono
# (Apache 2.0) are split, as Google Fonts splits them, into a "latin" file
# (Latin-1, the typographic punctuation, €, ™) that every page loads and a
# "latin-ext" file (the rest of the package's file: letters of other
# European languages, as in names) that the browser loads only for a page
# that shows one of its characters (unicode-range). Lora's licence (SIL
# OFL 1.1) reserves the name "Lora": its files are copied unchanged.
set -eu

# The subsets, as Google Fonts draws them.
LATIN="U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
LATIN_EXT="U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,U+0329,U+1D00-1DBF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF"

# family|directory|file in the package, without -latin-ext_latin-STYLE.woff2|style name|weight|style|subset
FACES="
Titillium Web|Titillium_Web|titillium-web-v10|300|300|normal|split
Titillium Web|Titillium_Web|titillium-web-v10|regular|400|normal|split
Titillium Web|Titillium_Web|titillium-web-v10|italic|400|italic|split
Titillium Web|Titillium_Web|titillium-web-v10|600|600|normal|split
Titillium Web|Titillium_Web|titillium-web-v10|600italic|600|italic|split
Titillium Web|Titillium_Web|titillium-web-v10|700|700|normal|split
Titillium Web|Titillium_Web|titillium-web-v10|700italic|700|italic|split
Lora|Lora|lora-v20|regular|400|normal|copy
Lora|Lora|lora-v20|700|700|normal|copy
Roboto Mono|Roboto_Mono|roboto-mono-v13|regular|400|normal|split
"

root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/vendor/package.sh"
fonts="$root/web/static/vendor/bootstrap-italia/fonts"
css="$root/web/static/css/fonts.css"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bi_unpack "$tmp"
src="$tmp/node_modules/bootstrap-italia/dist/fonts"

rm -f "$fonts"/*/*.woff2
cat >"$css" <<'CSS'
/*
 * Traguardo: the web fonts of Bootstrap Italia its pages use, served from
 * our own origin (no CDN, no Bootstrap Italia loadFonts()). Written by
 * scripts/vendor/fonts.sh (make fonts) with the woff2 files it makes under
 * ../vendor/bootstrap-italia/fonts/ from those of the npm package:
 * Titillium Web and Roboto Mono subset by pyftsubset into a latin file and
 * a latin-ext one (loaded only for a page with one of its characters),
 * Lora unchanged. Licences: Titillium Web and Lora SIL OFL 1.1, Roboto
 * Mono Apache 2.0 (beside the files). Do not edit: change the script.
 * Load this file before bootstrap-italia.min.css.
 */
CSS

face() { # family file weight style [unicode-range]
	{
		printf '@font-face {\n  font-family: "%s";\n  font-style: %s;\n  font-weight: %s;\n  font-display: swap;\n' "$1" "$4" "$3"
		printf '  src: url("../vendor/bootstrap-italia/fonts/%s") format("woff2");\n' "$2"
		if [ -n "${5:-}" ]; then
			printf '  unicode-range: %s;\n' "$(echo "$5" | sed 's/,/, /g')"
		fi
		printf '}\n'
	} >>"$css"
}

echo "$FACES" | while IFS='|' read -r family dir base name weight style how; do
	[ -n "$family" ] || continue
	in="$src/$dir/$base-latin-ext_latin-$name.woff2"
	case $how in
	copy)
		cp "$in" "$fonts/$dir/"
		face "$family" "$dir/$(basename "$in")" "$weight" "$style"
		;;
	split)
		for subset in latin-ext latin; do
			if [ $subset = latin ]; then range=$LATIN; else range=$LATIN_EXT; fi
			out="$dir/$base-$subset-$name.woff2"
			pyftsubset "$in" --unicodes="$range" --flavor=woff2 \
				--layout-features='*' --name-IDs='*' --name-languages='*' --name-legacy \
				--output-file="$fonts/$out"
			face "$family" "$out" "$weight" "$style" "$range"
		done
		;;
	esac
done
echo "wrote $css and $(ls "$fonts"/*/*.woff2 | wc -l) fonts"
