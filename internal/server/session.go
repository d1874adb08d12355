package server

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"traguardo/internal/auth"
	"traguardo/internal/store"
)

// Session keys.
const (
	keyUserID = "user_id"
	keyEpoch  = "epoch"
	keyFlash  = "flash"
)

// authenticate puts the signed-in user in the request context. A session
// whose account was deactivated or had its password reset since sign-in
// (its epoch is older) ends here, at once.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := s.sessions.GetInt64(ctx, keyUserID)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		u, err := s.store.UserByID(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.Error("load session user", "err", err)
			http.Error(w, "Errore del server", http.StatusInternalServerError)
			return
		}
		if u == nil || !u.Active || u.SessionEpoch != s.sessions.GetInt(ctx, keyEpoch) {
			if err := s.sessions.Destroy(ctx); err != nil {
				s.log.Error("destroy session", "err", err)
			}
			next.ServeHTTP(w, r)
			return
		}
		// A one-time password must be replaced before anything else.
		if u.MustChangePassword && r.URL.Path != "/profilo/password" && r.URL.Path != "/esci" && !strings.HasPrefix(r.URL.Path, "/static/") {
			http.Redirect(w, r, "/profilo/password", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithUser(ctx, u)))
	})
}

// require lets through only users holding p: anonymous users are sent to
// sign in, others get 403.
func (s *Server) require(p auth.Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return s.handle(func(w http.ResponseWriter, r *http.Request) error {
			u := auth.UserFrom(r.Context())
			if u == nil {
				target := "/accedi"
				if r.Method == http.MethodGet {
					target += "?next=" + url.QueryEscape(r.URL.RequestURI())
				}
				http.Redirect(w, r, target, http.StatusSeeOther)
				return nil
			}
			if !u.Active || !auth.RoleHolds(u.Role, p) {
				return forbidden()
			}
			next.ServeHTTP(w, r)
			return nil
		})
	}
}

// clientAddress is the address sign-in throttling counts against.
func (s *Server) clientAddress(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			hops := strings.Split(xff, ",")
			return strings.TrimSpace(hops[len(hops)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// safeNext keeps a post-sign-in redirect on this site. Browsers drop tabs
// and newlines from a URL, so "/\t/evil.example" would lead to
// //evil.example: a next with any control character is refused too.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return next
}
