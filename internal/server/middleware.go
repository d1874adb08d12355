package server

import (
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// securityHeaders sets the headers every response carries. The policy allows
// no inline script and no framing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// staticFiles lets browsers cache the embedded assets for a day, and lists
// no directories.
func staticFiles(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		next.ServeHTTP(w, r)
	})
}

// noStore keeps pages that depend on the signed-in user out of shared caches.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// textInput refuses, with 400, a query string or URL-encoded form with a
// value holding a NUL byte or invalid UTF-8: PostgreSQL text can store
// neither, so the handler would fail with an internal error. It must run
// inside LoadAndSave, as the error page reads the session.
func (s *Server) textInput(next http.Handler) http.Handler {
	bad := s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return &httpError{status: http.StatusBadRequest, title: "Richiesta non valida", message: "La richiesta contiene caratteri non ammessi."}
	})
	invalid := func(vs url.Values) bool {
		for _, v := range vs {
			for _, s := range v {
				if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
					return true
				}
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if invalid(r.URL.Query()) {
			bad(w, r)
			return
		}
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct == "application/x-www-form-urlencoded" && r.ParseForm() == nil && invalid(r.PostForm) {
			bad(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
