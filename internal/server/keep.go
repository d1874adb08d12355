package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"traguardo/internal/auth"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/paths"
)

// A save posted after its session expired is kept rather than lost. The
// forms that opt in (components.KeepInput) carry an owner token, signed by
// the server, naming the account that loaded them. When such a form is
// posted without a valid session, its fields are stored (store.KeepForm)
// for that account and that page, under a random token that only the
// posting browser holds, in an HttpOnly cookie; the browser is sent to sign
// in, with next set to the form's page. After the same account signs in on
// the same browser, the page shows the form again with the values as they
// were posted, not saved (the user checks them and saves: the version the
// form was read at goes with them, so a change saved meanwhile is still
// reported); the kept form is deleted as it is shown. Another account, or
// another browser, gets nothing; a kept form expires after keptFormLifetime.

const (
	// keptFormCookie holds the browser's token of its kept form.
	keptFormCookie = "traguardo_modulo"
	// keptFormLifetime is how long a kept form waits for its account.
	keptFormLifetime = 2 * time.Hour
	// ownerTokenLifetime bounds how old a form may be to be kept: a page
	// left open longer than a session's whole life (12 hours by default)
	// and more.
	ownerTokenLifetime = 24 * time.Hour
)

// The messages of a kept form, on the sign-in page and on the form.
const (
	msgKeptSignIn = "La sessione è scaduta: accedere di nuovo per salvare quanto inserito. I valori sono stati conservati."
	msgRestored   = "Valori ripristinati dopo l'accesso: verificare e salvare."
)

// ownerToken is the owner token of account userID: "id.issued.mac". ""
// when the key cannot be read (the form is then not kept).
func (s *Server) ownerToken(r *http.Request, userID int64) string {
	key, err := s.keys.keepKey(r.Context())
	if err != nil {
		s.log.Warn("form owner token not issued: no signing key", "user", userID, "err", err)
		return ""
	}
	id, issued := strconv.FormatInt(userID, 10), strconv.FormatInt(time.Now().Unix(), 10)
	return id + "." + issued + "." + sign(key, "form owner", id, issued)
}

// formOwner is the account that token names, when it is an owner token of
// this installation issued within ownerTokenLifetime; 0 otherwise.
func (s *Server) formOwner(r *http.Request, token string) int64 {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	at, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return 0
	}
	if age := time.Since(time.Unix(at, 0)); age > ownerTokenLifetime || age < -time.Hour {
		return 0
	}
	key, err := s.keys.keepKey(r.Context())
	if err != nil || !validMAC(key, parts[2], "form owner", parts[0], parts[1]) {
		return 0
	}
	return id
}

// tokenHash is how a kept form's token is stored.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// keepExpired keeps the form r posts without a signed-in user, when it
// carries a valid owner token and its page is one the site serves, and
// sends the browser to sign in; it reports whether it did. Anything else
// (no token, a failure to store) is left to the usual redirect.
func (s *Server) keepExpired(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost || r.PostForm == nil {
		return false
	}
	owner := s.formOwner(r, r.PostForm.Get(components.FormOwnerField))
	if owner == 0 {
		return false
	}
	page := r.URL.Path
	if s.safeNext(page) != page {
		return false
	}
	form := url.Values{}
	for k, v := range r.PostForm {
		if k != components.FormOwnerField {
			form[k] = v
		}
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	var replaced []byte
	if c, err := r.Cookie(keptFormCookie); err == nil && c.Value != "" {
		replaced = tokenHash(c.Value)
	}
	if err := s.store.KeepForm(r.Context(), store.KeptForm{TokenHash: tokenHash(token), UserID: owner, Path: page, Form: form.Encode()},
		replaced, keptFormLifetime); err != nil {
		s.log.Error("form posted after the session expired not kept", "user", owner, "path", page, "err", err)
		return false
	}
	s.log.Info("form kept after the session expired", "user", owner, "path", page)
	s.setKeptCookie(w, token, int(keptFormLifetime.Seconds()))
	http.Redirect(w, r, paths.SignIn+"?next="+url.QueryEscape(page), http.StatusSeeOther)
	return true
}

// setKeptCookie sets (maxAge > 0) or clears (maxAge < 0) the kept form's
// cookie.
func (s *Server) setKeptCookie(w http.ResponseWriter, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: keptFormCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// keptFormNotice is what the sign-in page tells of the browser's kept form
// that has not expired, "" when it has none.
func (s *Server) keptFormNotice(r *http.Request) string {
	c, err := r.Cookie(keptFormCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	ok, err := s.store.KeptFormWaiting(r.Context(), tokenHash(c.Value))
	if err != nil {
		s.log.Warn("kept form not checked", "err", err)
		return ""
	}
	if !ok {
		return ""
	}
	return msgKeptSignIn
}

// takeKeptForm returns, and deletes, the form the browser of r kept for
// the signed-in user at this page; ok is false when there is none.
func (s *Server) takeKeptForm(w http.ResponseWriter, r *http.Request) (url.Values, bool, error) {
	u := auth.UserFrom(r.Context())
	c, err := r.Cookie(keptFormCookie)
	if u == nil || err != nil || c.Value == "" {
		return nil, false, nil
	}
	raw, err := s.store.TakeKeptForm(r.Context(), tokenHash(c.Value), u.ID, r.URL.Path)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	s.setKeptCookie(w, "", -1)
	form, err := url.ParseQuery(raw)
	if err != nil {
		return nil, false, err
	}
	s.log.Info("kept form shown again", "user", u.ID, "path", r.URL.Path)
	return form, true, nil
}

// restoring is r for the page that shows a kept form: the page says so, and
// the form warns before it is left unsaved.
func restoring(r *http.Request) *http.Request {
	return r.WithContext(components.WithFormState(r.Context(), components.FormState{Unsaved: true, Restored: msgRestored}))
}
