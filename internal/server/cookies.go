package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"traguardo/internal/auth"
	"traguardo/internal/store"
)

// The cookies the server signs itself, beside the session's: a device
// cookie per account that signed in on the browser, which keeps the
// per-account lock-out of sign-in from reaching the owner's own devices,
// and the one-time message shown by the page after a change, which must not
// depend on the session being written (the change is committed already).

// keyring holds the signing key shared by the app servers, read from the
// database once: a failed read is tried again at the next need.
type keyring struct {
	store *store.Store
	mu    sync.Mutex
	// device and flash are the keys of the two cookies, and keep the key of
	// the owner token of the forms kept after a session expired (see
	// keep.go), derived from the shared secret; nil until read.
	device, flash, keep []byte
}

// keys returns the keys of the device cookie and of the message cookie.
func (k *keyring) keys(ctx context.Context) (device, flash []byte, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.load(ctx); err != nil {
		return nil, nil, err
	}
	return k.device, k.flash, nil
}

// keepKey returns the key of the forms' owner token.
func (k *keyring) keepKey(ctx context.Context) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.load(ctx); err != nil {
		return nil, err
	}
	return k.keep, nil
}

// load derives the keys from the shared secret, once; k.mu is held.
func (k *keyring) load(ctx context.Context) error {
	if k.device != nil {
		return nil
	}
	secret, err := k.store.ServerKey(ctx, store.KeyCookies)
	if err != nil {
		return err
	}
	k.device, k.flash, k.keep = derive(secret, "device cookie v1"), derive(secret, "flash cookie v1"), derive(secret, "form owner v1")
	return nil
}

// derive is the key for purpose: one secret, a key per use.
func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// sign is the MAC of the fields under key, base64url.
func sign(key []byte, fields ...string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(fields, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validMAC compares a MAC in constant time.
func validMAC(key []byte, mac string, fields ...string) bool {
	return hmac.Equal([]byte(mac), []byte(sign(key, fields...)))
}

// DeviceCookieLifetime is how long a device stays recognised after the
// account's last sign-in on it (every sign-in issues a new cookie).
const DeviceCookieLifetime = 180 * 24 * time.Hour

// deviceCookiePrefix starts the name of a device cookie; the account's id
// ends it, so that a browser shared by several accounts keeps one for each.
const deviceCookiePrefix = "traguardo_dispositivo_"

func deviceCookieName(userID int64) string {
	return deviceCookiePrefix + strconv.FormatInt(userID, 10)
}

// issueDevice sets, after a successful sign-in of u, a new device cookie:
// "issued.device.mac", the device a random id, the MAC binding it to the
// account and the time of issue. A key that cannot be read leaves the
// browser without one: the sign-in itself does not depend on it.
func (s *Server) issueDevice(w http.ResponseWriter, r *http.Request, u *auth.User) {
	key, _, err := s.keys.keys(r.Context())
	if err != nil {
		s.log.Warn("device cookie not issued: no signing key", "user", u.ID, "err", err)
		return
	}
	id := make([]byte, 16)
	rand.Read(id)
	device := base64.RawURLEncoding.EncodeToString(id)
	issued := strconv.FormatInt(time.Now().Unix(), 10)
	http.SetCookie(w, &http.Cookie{
		Name:     deviceCookieName(u.ID),
		Value:    issued + "." + device + "." + sign(key, "device", strconv.FormatInt(u.ID, 10), issued, device),
		Path:     "/",
		MaxAge:   int(DeviceCookieLifetime.Seconds()),
		HttpOnly: true,
		Secure:   s.cfg.SecureCookies,
		SameSite: http.SameSiteStrictMode,
	})
}

// deviceOf is the device id of the valid device cookie of account userID
// that r carries, or "" (an untrusted client): no cookie, a MAC that is not
// ours or not for this account, an expired or malformed one.
func (s *Server) deviceOf(r *http.Request, userID int64) string {
	c, err := r.Cookie(deviceCookieName(userID))
	if err != nil {
		return ""
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 {
		return ""
	}
	issued, device, mac := parts[0], parts[1], parts[2]
	at, err := strconv.ParseInt(issued, 10, 64)
	if err != nil || device == "" {
		return ""
	}
	if age := time.Since(time.Unix(at, 0)); age > DeviceCookieLifetime || age < -time.Hour {
		return ""
	}
	key, _, err := s.keys.keys(r.Context())
	if err != nil {
		s.log.Warn("device cookie not checked: no signing key", "user", userID, "err", err)
		return ""
	}
	if !validMAC(key, mac, "device", strconv.FormatInt(userID, 10), issued, device) {
		s.log.Warn("device cookie refused: not signed for this account", "user", userID)
		return ""
	}
	return device
}

// flashCookieName carries the one-time message of the next page.
const flashCookieName = "traguardo_avviso"

// flashLifetime bounds how late the message may be shown: the page after
// the redirect asks for it at once.
const flashLifetime = 5 * time.Minute

// setFlash leaves msg for the next page the user sees, in a cookie signed
// for the signed-in user (so that no one else can plant a message, and a
// message cannot reach the next account signed in on the browser). It never
// touches the session.
func (s *Server) setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	_, key, err := s.keys.keys(r.Context())
	if err != nil {
		s.log.Warn("message not kept for the next page: no signing key", "err", err)
		return
	}
	expires := strconv.FormatInt(time.Now().Add(flashLifetime).Unix(), 10)
	text := base64.RawURLEncoding.EncodeToString([]byte(msg))
	http.SetCookie(w, &http.Cookie{
		Name:     flashCookieName,
		Value:    expires + "." + text + "." + sign(key, "flash", flashOwner(r), expires, text),
		Path:     "/",
		MaxAge:   int(flashLifetime.Seconds()),
		HttpOnly: true,
		Secure:   s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	})
}

// popFlash returns the message r carries for this page (valid, for this
// user, not expired) and clears the cookie; "" when there is none.
func (s *Server) popFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookieName)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 {
		return ""
	}
	expires, text, mac := parts[0], parts[1], parts[2]
	at, err := strconv.ParseInt(expires, 10, 64)
	if err != nil || time.Now().After(time.Unix(at, 0)) {
		return ""
	}
	_, key, err := s.keys.keys(r.Context())
	if err != nil || !validMAC(key, mac, "flash", flashOwner(r), expires, text) {
		return ""
	}
	msg, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return ""
	}
	return string(msg)
}

// flashOwner names the user a message is for: the signed-in user's id, "0"
// when nobody is signed in.
func flashOwner(r *http.Request) string {
	if u := auth.UserFrom(r.Context()); u != nil {
		return strconv.FormatInt(u.ID, 10)
	}
	return "0"
}

// sessionOutcome marks, in a request's context, whether its answer already
// stands without the session: a change committed in the database, with its
// confirmation in a cookie of its own. See acknowledge.
type sessionOutcome struct{ done atomic.Bool }

type outcomeKey struct{}

// trackOutcome gives every request a sessionOutcome, before the session
// middleware, so that its ErrorFunc can read what the handler marked.
func trackOutcome(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), outcomeKey{}, &sessionOutcome{})))
	})
}

// acknowledge marks r's change as committed: if writing the session fails
// after this (the database restarting between the change and the end of the
// request), the answer is still the handler's, since what the session would
// keep (its idle expiry) is not what the user is told.
func acknowledge(r *http.Request) {
	if o, ok := r.Context().Value(outcomeKey{}).(*sessionOutcome); ok {
		o.done.Store(true)
	}
}

// acknowledged reports whether acknowledge marked r's change.
func acknowledged(r *http.Request) bool {
	o, ok := r.Context().Value(outcomeKey{}).(*sessionOutcome)
	return ok && o.done.Load()
}
