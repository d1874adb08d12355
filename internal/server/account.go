package server

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"traguardo/internal/auth"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
)

// Sign-in throttling: failures counted over this window.
const (
	throttleWindow     = 15 * time.Minute
	maxFailsPerEmail   = 5
	maxFailsPerAddress = 20
)

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) error {
	if auth.UserFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, pages.SignIn(pages.SignInView{Next: safeNext(r.URL.Query().Get("next"))}))
	return nil
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := pages.SignInView{
		Email:  strings.TrimSpace(r.PostFormValue("email")),
		Next:   safeNext(r.PostFormValue("next")),
		Errors: components.FieldErrors{},
	}
	password := r.PostFormValue("password")
	if v.Email == "" {
		v.Errors["email"] = "Inserire l'email."
	}
	if password == "" {
		v.Errors["password"] = "Inserire la password."
	}
	if len(v.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, pages.SignIn(v))
		return nil
	}
	addr := s.clientAddress(r)
	byEmail, byAddr, err := s.store.SignInFailures(ctx, v.Email, addr, time.Now().Add(-throttleWindow))
	if err != nil {
		return err
	}
	if byEmail >= maxFailsPerEmail || byAddr >= maxFailsPerAddress {
		s.log.Warn("sign-in throttled", "address", addr)
		v.Message = "Troppi tentativi di accesso non riusciti. Riprovare tra 15 minuti."
		s.render(w, r, http.StatusTooManyRequests, pages.SignIn(v))
		return nil
	}
	u, hash, err := s.store.UserForSignIn(ctx, v.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if u == nil {
		hash = s.dummyHash // the same work whether the account exists or not
	}
	if !auth.CheckPassword(hash, password) || u == nil || !u.Active {
		if err := s.store.RecordSignInFailure(ctx, v.Email, addr); err != nil {
			return err
		}
		v.Message = "Email o password non corretti, oppure account disattivato."
		s.render(w, r, http.StatusUnprocessableEntity, pages.SignIn(v))
		return nil
	}
	if err := s.store.ClearSignInFailures(ctx, v.Email); err != nil {
		return err
	}
	// A new token at sign-in, so a token planted before cannot ride along.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, keyUserID, u.ID)
	s.sessions.Put(ctx, keyEpoch, u.SessionEpoch)
	s.log.Info("signed in", "user", u.ID)
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
	return nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/accedi", http.StatusSeeOther)
	return nil
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	s.render(w, r, http.StatusOK, pages.Password(pages.PasswordView{Required: u.MustChangePassword}))
	return nil
}

func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	current, next, confirm := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	v := pages.PasswordView{Required: u.MustChangePassword, Errors: components.FieldErrors{}}
	_, hash, err := s.store.UserForSignIn(ctx, u.Email)
	if err != nil {
		return err
	}
	if !auth.CheckPassword(hash, current) {
		v.Errors["current"] = "La password attuale non è corretta."
	}
	if err := auth.CheckPasswordStrength(next); err != nil {
		v.Errors["new"] = "La nuova password deve avere almeno 12 caratteri."
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
	h, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(ctx, actor(u), u.ID, h, false, false); err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, keyFlash, "Password aggiornata.")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// actor is how the audit log names a signed-in user.
func actor(u *auth.User) store.Actor {
	return store.Actor{UserID: &u.ID, Name: u.Email}
}
