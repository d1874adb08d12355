package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"traguardo/web/paths"

	"traguardo/internal/auth"
	"traguardo/internal/store"
)

// Session keys.
const (
	keyUserID = "user_id"
	keyEpoch  = "epoch"
	// keySeen is when the session was last used (Unix milliseconds), as
	// written at most touchEvery apart.
	keySeen = "seen"
)

// touchEvery is how often a session in use is written again to record its
// use: a thirtieth of the idle timeout, at most a minute. In between a
// request writes nothing to the session store (unless it changes the
// session), so a session ends between IdleTimeout-touchEvery and
// IdleTimeout after its last use, never later.
func touchEvery(idle time.Duration) time.Duration { return min(idle/30, time.Minute) }

// beginSession makes the session of ctx u's, signed in now (by the
// server's clock, as authenticate reads it), on a new token: a token
// planted before cannot ride along.
func (s *Server) beginSession(ctx context.Context, u *auth.User) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, keyUserID, u.ID)
	s.sessions.Put(ctx, keyEpoch, u.SessionEpoch)
	s.sessions.Put(ctx, keySeen, s.cfg.Clock().UnixMilli())
	return nil
}

// loadSession is the session manager's LoadAndSave, its session read
// with the signed-in account and, for a page of a cycle (/cicli/{year}),
// where that cycle and the one before stand (store.WithPrefetch): one
// round trip to the database before the handler. The counters serve only
// a request that does not write (GET, HEAD), which has no write of its
// own to see.
func (s *Server) loadSession(next http.Handler) http.Handler {
	load := s.sessions.LoadAndSave(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		readOnly := r.Method == http.MethodGet || r.Method == http.MethodHead
		load.ServeHTTP(w, r.WithContext(store.WithPrefetch(r.Context(), pathYear(r.URL.Path), readOnly)))
	})
}

// pathYear is the year of a path /cicli/{year}[/...], 0 for any other.
func pathYear(path string) int {
	rest, ok := strings.CutPrefix(path, "/cicli/")
	if !ok {
		return 0
	}
	rest, _, _ = strings.Cut(rest, "/")
	if len(rest) != 4 {
		return 0
	}
	y, err := strconv.Atoi(rest)
	if err != nil || y < 1000 {
		return 0
	}
	return y
}

// authenticate puts the signed-in user in the request context. A session
// unused for the idle timeout ends here (its last use is in the session,
// shared by every server, see touchEvery); so does one whose account was
// deactivated or had its password reset since sign-in (its epoch is
// older), at once.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := s.sessions.GetInt64(ctx, keyUserID)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		now := s.cfg.Clock()
		// A session of before keySeen has none: the store's expiry (the
		// idle timeout, as then written) let it through; it is in use now.
		if seen := s.sessions.GetInt64(ctx, keySeen); seen != 0 && now.Sub(time.UnixMilli(seen)) > s.cfg.IdleTimeout {
			if err := s.sessions.Destroy(ctx); err != nil {
				s.log.Error("destroy session", "err", err)
			}
			next.ServeHTTP(w, r)
			return
		} else if seen == 0 || now.Sub(time.UnixMilli(seen)) >= touchEvery(s.cfg.IdleTimeout) {
			s.sessions.Put(ctx, keySeen, now.UnixMilli())
		}
		u, ok := store.PrefetchedUser(ctx, id)
		var err error
		if !ok {
			u, err = s.store.UserByID(ctx, id)
		}
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
		// A one-time password must be replaced before anything else, unless
		// passwords are not how the user signs in.
		if u.MustChangePassword && !s.cfg.PasswordsOff && !s.signedInByProvider(ctx) && r.URL.Path != paths.Password && r.URL.Path != paths.SignOut && !strings.HasPrefix(r.URL.Path, "/static/") {
			http.Redirect(w, r, paths.Password, http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithUser(ctx, u)))
	})
}

// require lets through only users holding p: anonymous users are sent to
// sign in (a form posted after the session expired is kept first, see
// keepExpired), others get 403.
func (s *Server) require(p auth.Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return s.handle(func(w http.ResponseWriter, r *http.Request) error {
			u := auth.UserFrom(r.Context())
			if u == nil {
				if s.keepExpired(w, r) {
					return nil
				}
				target := paths.SignIn
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

// clientAddress is the address password attempts are counted against. An
// IPv6 client counts by its /64, the block one machine usually holds, so
// that it cannot escape the limit by changing the rest of its address.
// Behind a trusted proxy it is the last X-Forwarded-For hop, the one the
// proxy added (earlier hops, and earlier header lines, are the client's to
// forge); a last hop that is not an address falls back on the peer's.
func (s *Server) clientAddress(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			hops := strings.Split(xff[len(xff)-1], ",")
			if ip, err := netip.ParseAddr(strings.TrimSpace(hops[len(hops)-1])); err == nil {
				return addressKey(ip)
			}
		}
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return addressKey(ap.Addr())
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// addressKey is the form of ip that throttling counts: an IPv4 address as
// it is, an IPv6 one as its /64.
func addressKey(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	return netip.PrefixFrom(ip, 64).Masked().String()
}
