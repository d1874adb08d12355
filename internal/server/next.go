package server

import (
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/go-chi/chi/v5"
)

// safeNext is where to go after signing in: next when it is a page of this
// site, else the home page. A browser reads "/\evil.example" (and, after
// dropping tabs and newlines, "/\t/evil.example") as //evil.example, so
// rather than list what is dangerous, next is accepted only when it is a
// path the router serves to GET, in the form the site writes its links:
//
//   - a single leading "/", no scheme, host or user, no backslash (typed or
//     percent-encoded), no control character;
//   - its path cleaned (path.Clean: no "." or ".." segments, no "//");
//   - a route of the application for GET (chi's Match on the router).
//
// The answer is the cleaned path with next's query, if any; never the
// text as typed.
func (s *Server) safeNext(next string) string {
	const home = "/"
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") ||
		strings.ContainsFunc(u.Path, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return home
	}
	clean := path.Clean(u.Path)
	if s.router == nil || !s.router.Match(chi.NewRouteContext(), http.MethodGet, clean) {
		return home
	}
	out := &url.URL{Path: clean, RawQuery: u.RawQuery}
	return out.String()
}
