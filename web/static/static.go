// Package static holds the browser assets of Traguardo, embedded in the
// binary so that the application serves them itself (no CDN at run time).
package static

import "embed"

// FS contains the static files, to be served under /static/:
//
//   - vendor/bootstrap-italia/: Bootstrap Italia 2.18.3 from npm
//     (css/bootstrap-italia.min.css, less one rule, and svg/sprites.svg;
//     js/bootstrap-italia.traguardo.min.js, only the plugins the pages use,
//     and fonts/*/*.woff2, only the faces they use, subset, built by the
//     scripts of scripts/vendor/; with their licences, see its VERSION);
//   - css/fonts.css: the @font-face rules for those fonts (used instead of
//     Bootstrap Italia's loadFonts()), written by scripts/vendor/fonts.sh;
//   - css/app.css and js/editor.js: the application's own rules and scripts;
//   - vendor/squire/ and vendor/dompurify/: the rich-text editor and the
//     sanitiser it needs (npm squire-rte 2.4.8, dompurify 3.4.18).
//
// Paths inside FS are relative, e.g. "css/app.css"; serve it with
// http.StripPrefix("/static/", http.FileServerFS(static.FS)).
//
//go:embed vendor css js
var FS embed.FS
