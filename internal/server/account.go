package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"traguardo/web/paths"
	"unicode/utf8"

	"traguardo/internal/auth"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
)

// attemptLimits are the ceilings of failed password attempts (sign-in and
// the current password of the change form) within 15 minutes. From an
// untrusted client: low for one account from one address, so that a
// stranger elsewhere does not lock the owner out, higher for the account
// from anywhere, and per address. From a device where the account signed
// in before (a valid device cookie): per device only, so that however many
// strangers fail, from however many addresses, the owner still signs in
// there.
var attemptLimits = store.AttemptLimits{Window: 15 * time.Minute, Pair: 5, Account: 50, Address: 20, Device: 5}

// The messages of a refused attempt, as people read them.
const (
	msgThrottled         = "Troppi tentativi di accesso non riusciti. Riprovare tra 15 minuti."
	msgPasswordThrottled = "Troppi tentativi con una password attuale errata. Riprovare tra 15 minuti."
	msgBusy              = "Troppe richieste di accesso in corso: riprovare tra qualche secondo."
)

// refusal is a password attempt refused before its check, with 429.
type refusal struct {
	busy   bool // too many checks in progress, rather than too many failures
	window time.Duration
}

// retryAfter sets the Retry-After header of the 429.
func (r *refusal) retryAfter(w http.ResponseWriter) {
	secs := 5
	if !r.busy {
		secs = int(r.window.Seconds())
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
}

// checkAttempt checks one password attempt as count, check, record: the
// attempt is reserved first (counted as a failure until the caller takes
// it back with PassAttempt), so parallel attempts cannot all slip under the
// limits, and the argon2id check runs within the bound of s.passwords. A
// non-nil refusal means the password was not checked.
func (s *Server) checkAttempt(ctx context.Context, a *store.Attempt, hash, password string) (bool, *refusal, error) {
	if err := s.store.ReserveAttempt(ctx, a, attemptLimits); err != nil {
		var th *store.Throttled
		if errors.As(err, &th) {
			s.log.Warn("password attempt throttled", "form", a.Form, "limit", th.Limit, "address", a.Address)
			return false, &refusal{window: attemptLimits.Window}, nil
		}
		return false, nil, err
	}
	ok, err := s.passwords.Check(ctx, hash, password)
	if errors.Is(err, auth.ErrBusy) {
		s.log.Warn("password check refused: too many in progress", "form", a.Form, "address", a.Address)
		// Not checked, so not counted.
		if err := s.store.ReleaseAttempt(context.WithoutCancel(ctx), a); err != nil {
			return false, nil, err
		}
		return false, &refusal{busy: true}, nil
	}
	// An attempt cancelled by the client stays counted.
	return ok, nil, err
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) error {
	if auth.UserFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, pages.SignIn(s.signInView(r, s.safeNext(r.URL.Query().Get("next")), "")))
	return nil
}

// msgPasswordsOff refuses a password sign-in where local passwords are
// switched off.
const msgPasswordsOff = "L'accesso con email e password è disattivato: usare il pulsante di accesso qui sotto."

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := s.signInView(r, s.safeNext(r.PostFormValue("next")), "")
	if s.cfg.PasswordsOff {
		// No password is looked at: the form is not even shown.
		v.Message = msgPasswordsOff
		s.render(w, r, http.StatusForbidden, pages.SignIn(v))
		return nil
	}
	v.Email, v.Errors = strings.TrimSpace(r.PostFormValue("email")), components.FieldErrors{}
	password := r.PostFormValue("password")
	switch {
	case v.Email == "":
		v.Errors["email"] = "Inserire l'email."
	case utf8.RuneCountInString(v.Email) > auth.MaxEmailLength:
		v.Errors["email"] = "L'email non può superare " + strconv.Itoa(auth.MaxEmailLength) + " caratteri."
	}
	if password == "" {
		v.Errors["password"] = "Inserire la password."
	}
	if len(v.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, pages.SignIn(v))
		return nil
	}
	u, hash, err := s.store.UserForSignIn(ctx, v.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if u == nil {
		hash = s.dummyHash // the same work whether the account exists or not
	}
	a := &store.Attempt{Email: v.Email, Address: s.clientAddress(r), Form: store.FormSignIn}
	if u != nil {
		a.Device = s.deviceOf(r, u.ID)
	}
	ok, refused, err := s.checkAttempt(ctx, a, hash, password)
	if err != nil {
		return err
	}
	if refused != nil {
		v.Message = msgThrottled
		if refused.busy {
			v.Message = msgBusy
		}
		refused.retryAfter(w)
		s.render(w, r, http.StatusTooManyRequests, pages.SignIn(v))
		return nil
	}
	if !ok || u == nil || !u.Active {
		var id int64
		if u != nil {
			id = u.ID
		}
		if err := s.store.FailAttempt(ctx, a, id); err != nil {
			return err
		}
		v.Message = "Email o password non corretti, oppure account disattivato."
		s.render(w, r, http.StatusUnprocessableEntity, pages.SignIn(v))
		return nil
	}
	if err := s.store.PassAttempt(ctx, a, u); err != nil {
		return err
	}
	s.issueDevice(w, r, u)
	if err := s.beginSession(ctx, u); err != nil {
		return err
	}
	s.sessions.Remove(ctx, keyMethod)
	s.sessions.Remove(ctx, keyIDToken)
	s.log.Info("signed in", "user", u.ID)
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
	return nil
}

// signOut ends the session; a session opened with the provider then goes
// on to sign out there too, when it says where (end_session_endpoint).
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	idToken := s.sessions.GetString(ctx, keyIDToken)
	if u := auth.UserFrom(ctx); u != nil {
		if err := s.store.RecordSignOut(ctx, u, s.clientAddress(r)); err != nil {
			return err
		}
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	if target := s.providerLogout(ctx, idToken); target != "" {
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, paths.SignIn, http.StatusSeeOther)
	return nil
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	s.render(w, r, http.StatusOK, pages.Password(pages.PasswordView{Required: u.MustChangePassword}))
	return nil
}

// passwordChange replaces the user's password after checking the current
// one, which is throttled like a sign-in. The account's other sessions end;
// this one lives on with the new epoch and a new token.
func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	current, next, confirm := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	v := pages.PasswordView{Required: u.MustChangePassword, Errors: components.FieldErrors{}}
	refuse := func(rf *refusal) {
		v.Message = msgPasswordThrottled
		if rf.busy {
			v.Message = msgBusy
		}
		rf.retryAfter(w)
		s.render(w, r, http.StatusTooManyRequests, pages.Password(v))
	}
	if current == "" {
		v.Errors["current"] = "Inserire la password attuale."
	} else {
		_, hash, err := s.store.UserForSignIn(ctx, u.Email)
		if err != nil {
			return err
		}
		a := &store.Attempt{Email: u.Email, Address: s.clientAddress(r), Form: store.FormPassword, UserID: &u.ID,
			Device: s.deviceOf(r, u.ID)}
		ok, refused, err := s.checkAttempt(ctx, a, hash, current)
		if err != nil {
			return err
		}
		if refused != nil {
			refuse(refused)
			return nil
		}
		if ok {
			err = s.store.PassAttempt(ctx, a, u)
		} else {
			v.Errors["current"] = "La password attuale non è corretta."
			err = s.store.FailAttempt(ctx, a, u.ID)
		}
		if err != nil {
			return err
		}
	}
	if msg := auth.CheckNewPassword(next); msg != "" {
		v.Errors["new"] = msg
	} else if next == current {
		v.Errors["new"] = "La nuova password deve essere diversa da quella attuale."
	}
	if confirm != next {
		v.Errors["confirm"] = "Le due password non coincidono."
	}
	if len(v.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, pages.Password(v))
		return nil
	}
	h, err := s.passwords.Hash(ctx, next)
	if errors.Is(err, auth.ErrBusy) {
		refuse(&refusal{busy: true})
		return nil
	}
	if err != nil {
		return err
	}
	epoch, err := s.store.ChangePassword(ctx, actor(u), u.ID, h)
	if err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, keyEpoch, epoch)
	s.setFlash(w, r, "Password aggiornata.")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// actor is how the audit log names a signed-in user.
func actor(u *auth.User) store.Actor {
	return store.Actor{UserID: &u.ID, Name: u.Email}
}
