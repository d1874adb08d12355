package server

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"traguardo/web/static"
)

// Request body limits. An ordinary form (the largest holds a rich-text
// description of up to plan.MaxRichText characters, URL-encoded) fits in
// maxFormBody; only the two upload routes take more, and only they take
// multipart bodies.
const (
	maxFormBody   = 1 << 20
	maxUploadBody = maxUpload + 64<<10
)

// securityHeaders sets the headers every response carries. The policy allows
// no inline script and no framing. Behind HTTPS (Secure cookies), browsers
// are also told to use nothing else for a year. Every response but the
// static files (which set their own) is kept out of caches: most depend on
// the signed-in user, the error pages included.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// A form may lead to the identity provider: its button and "Esci"
		// redirect there, which form-action governs too.
		formAction := "'self'"
		if s.oidc != nil {
			formAction += " " + s.oidc.origins()
		}
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action "+formAction+"; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		if s.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// staticFiles serves the embedded assets, gzipped (once, at the highest
// level) to clients that accept it. The layout links them by versioned URL
// (static.URL: ?v= the hash of the content), which browsers may keep for a
// year without asking again; any other request (a font named by a
// stylesheet, an old version) may be kept a day, then revalidated by its
// ETag. No directories are listed.
func staticFiles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		a, ok := static.Lookup(name)
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		if r.URL.Query().Get("v") == a.Hash {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "public, max-age=86400")
		}
		if a.ContentType != "" {
			h.Set("Content-Type", a.ContentType)
		}
		body, etag := a.Content, `"`+a.Hash+`"`
		if gz := a.Gzipped(); gz != nil {
			h.Add("Vary", "Accept-Encoding")
			if acceptsGzip(r) {
				body, etag = gz, `"`+a.Hash+`-gz"`
				h.Set("Content-Encoding", "gzip")
			}
		}
		h.Set("ETag", etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}

// acceptsGzip says whether the request's Accept-Encoding names gzip (and
// does not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// limitBody caps every request body at the largest upload: no route reads
// more, whatever a client sends. The form and upload groups set their own,
// smaller or equal, limit inside it.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
		next.ServeHTTP(w, r)
	})
}

// formInput guards the routes that take ordinary forms: the body is at most
// maxFormBody, a multipart body is refused before it is read (so no
// temporary file is ever written for it), and a URL-encoded form is parsed
// here, once, so that a body over the limit is refused instead of reaching
// the handler as an empty form. It must run inside LoadAndSave, as the error
// page reads the session.
func (s *Server) formInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if invalidText(r.URL.Query()) {
			s.badText(w, r)
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > maxFormBody {
			s.tooLarge(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if strings.HasPrefix(ct, "multipart/") {
			s.handle(func(w http.ResponseWriter, r *http.Request) error {
				return &httpError{status: http.StatusUnsupportedMediaType, title: "Richiesta non valida", message: "Questa pagina non accetta file."}
			})(w, r)
			return
		}
		err := r.ParseForm()
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			s.tooLarge(w, r)
			return
		case err != nil:
			s.handle(func(w http.ResponseWriter, r *http.Request) error {
				return &httpError{status: http.StatusBadRequest, title: "Richiesta non valida", message: "Il modulo inviato non è leggibile."}
			})(w, r)
			return
		case invalidText(r.PostForm):
			s.badText(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// uploadInput guards the two routes that take a file: the body is at most
// maxUploadBody; the handler reads the multipart form (in memory, see
// uploadedFile) and checks its text fields with invalidText.
func (s *Server) uploadInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if invalidText(r.URL.Query()) {
			s.badText(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// badText refuses a value holding a NUL byte or invalid UTF-8: PostgreSQL
// text can store neither, and no person types them.
func (s *Server) badText(w http.ResponseWriter, r *http.Request) {
	s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return &httpError{status: http.StatusUnprocessableEntity, title: "Richiesta non valida", message: msgBadText}
	})(w, r)
}

const msgBadText = "La richiesta contiene caratteri non ammessi."

func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request) {
	s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return &httpError{status: http.StatusRequestEntityTooLarge, title: "Richiesta troppo grande", message: "Il modulo inviato supera la dimensione massima consentita (1 MB)."}
	})(w, r)
}

// invalidText says whether any value holds a NUL byte or invalid UTF-8.
func invalidText(vs url.Values) bool {
	for _, v := range vs {
		for _, s := range v {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				return true
			}
		}
	}
	return false
}
