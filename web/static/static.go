// Package static holds the browser assets of Traguardo, embedded in the
// binary so that the application serves them itself (no CDN at run time).
package static

import "embed"

// FS contains the static files, to be served under /static/:
//
//   - vendor/bootstrap-italia/: Bootstrap Italia 2.18.3 as shipped on npm
//     (css/bootstrap-italia.min.css, js/bootstrap-italia.bundle.min.js,
//     svg/sprites.svg, fonts/*/*.woff2, with their licences);
//   - css/fonts.css: the @font-face rules for those fonts (used instead of
//     Bootstrap Italia's loadFonts());
//   - css/app.css: the application's own rules.
//
// Paths inside FS are relative, e.g. "css/app.css"; serve it with
// http.StripPrefix("/static/", http.FileServerFS(static.FS)).
//
//go:embed vendor css
var FS embed.FS
