package server

import (
	"errors"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/auth"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
)

// maxNameLength bounds an account's name, which is only shown, never parsed.
const maxNameLength = 200

func (s *Server) usersList(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, pages.UsersView{})
}

// renderUsers completes v with the accounts (and the centres, unless the
// handler already read them) and renders the administration page.
func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, v pages.UsersView) error {
	ctx := r.Context()
	users, err := s.store.ListUsers(ctx)
	if err != nil {
		return err
	}
	if v.Centres == nil {
		if v.Centres, err = s.store.ListCentres(ctx); err != nil {
			return err
		}
	}
	names := make(map[int64]string, len(v.Centres))
	for _, c := range v.Centres {
		names[c.ID] = c.Name
	}
	me := auth.UserFrom(ctx)
	v.Users = make([]pages.UserRow, 0, len(users))
	for _, u := range users {
		row := pages.UserRow{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Active: u.Active, Self: u.ID == me.ID, Version: u.Version}
		for _, id := range u.Centres {
			row.Centres = append(row.Centres, names[id])
		}
		v.Users = append(v.Users, row)
	}
	s.render(w, r, status, pages.Users(v))
	return nil
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return badRequest()
	}
	centres, err := s.store.ListCentres(ctx)
	if err != nil {
		return err
	}
	v := pages.UsersView{
		Centres: centres,
		Form: pages.NewUserForm{
			Email: strings.TrimSpace(r.PostForm.Get("email")),
			Name:  strings.TrimSpace(r.PostForm.Get("name")),
			Role:  auth.Role(r.PostForm.Get("role")),
		},
		Errors: components.FieldErrors{},
	}
	f := &v.Form

	switch {
	case f.Email == "":
		v.Errors["email"] = "Inserire l'email."
	case !validEmail(f.Email):
		v.Errors["email"] = "L'email non è valida: deve avere la forma nome@dominio.it."
	}
	switch {
	case f.Name == "":
		v.Errors["name"] = "Inserire il nome."
	case !plainText(f.Name):
		v.Errors["name"] = "Il nome contiene caratteri non ammessi."
	case utf8.RuneCountInString(f.Name) > maxNameLength:
		v.Errors["name"] = "Il nome non può superare i 200 caratteri."
	}
	switch {
	case f.Role == "":
		v.Errors["role"] = "Scegliere un ruolo."
	case !f.Role.Valid():
		v.Errors["role"] = "Il ruolo scelto non esiste."
	}
	known := func(id int64) bool {
		return slices.ContainsFunc(centres, func(c store.CentreRef) bool { return c.ID == id })
	}
	for _, raw := range r.PostForm["centre"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || !known(id) {
			v.Errors["centres"] = "Uno dei centri scelti non esiste."
			continue
		}
		if !slices.Contains(f.Centres, id) {
			f.Centres = append(f.Centres, id)
		}
	}
	if v.Errors["centres"] == "" && v.Errors["role"] == "" {
		switch {
		case f.Role == auth.Manager && len(f.Centres) == 0:
			v.Errors["centres"] = "Scegliere almeno un centro di responsabilità per il Responsabile di Area."
		case f.Role != auth.Manager && len(f.Centres) > 0:
			v.Errors["centres"] = "I centri di responsabilità si assegnano solo al Responsabile di Area: togliere la scelta o cambiare ruolo."
		}
	}
	if len(v.Errors) > 0 {
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, v)
	}

	password := auth.NewPassword()
	hash, err := s.passwords.Hash(ctx, password)
	if err != nil {
		return err
	}
	me := auth.UserFrom(ctx)
	id, err := s.store.CreateUser(ctx, actor(me), store.NewUser{
		Email: f.Email, Name: f.Name, Role: f.Role, Centres: f.Centres,
		PasswordHash: hash, MustChangePassword: true,
	})
	var conflict *store.Conflict
	if errors.As(err, &conflict) {
		v.Errors["email"] = conflict.Message
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	s.log.Info("user created", "by", me.ID, "user", id, "role", f.Role)
	// The password is rendered on this response only: a redirect would have
	// to carry it in the session or the URL.
	return s.renderUsers(w, r, http.StatusOK, pages.UsersView{
		Centres: centres,
		OneTime: &pages.OneTimePassword{Email: strings.ToLower(f.Email), Password: password, Created: true},
	})
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	target, err := s.userParam(r)
	if err != nil {
		return err
	}
	password := auth.NewPassword()
	hash, err := s.passwords.Hash(ctx, password)
	if err != nil {
		return err
	}
	me := auth.UserFrom(ctx)
	if err := s.store.ResetPassword(ctx, actor(me), target.ID, formVersion(r), hash); err != nil {
		return s.accountStale(w, r, target, err)
	}
	s.log.Info("password reset", "by", me.ID, "user", target.ID)
	return s.renderUsers(w, r, http.StatusOK, pages.UsersView{
		OneTime: &pages.OneTimePassword{Email: target.Email, Password: password},
	})
}

func (s *Server) userSetActive(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	target, err := s.userParam(r)
	if err != nil {
		return err
	}
	me := auth.UserFrom(ctx)
	var active bool
	switch r.PostFormValue("active") {
	case "true":
		active = true
	case "false":
	default:
		// The page's buttons always send a value: this is a hand-made request.
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, pages.UsersView{
			Message: "Richiesta non valida: indicare se attivare o disattivare l'account.",
		})
	}
	if !active && target.ID == me.ID {
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, pages.UsersView{
			Message: "Non è possibile disattivare il proprio account: chiedere a un altro amministratore.",
		})
	}
	if err := s.store.SetActive(ctx, actor(me), target.ID, formVersion(r), active); err != nil {
		return s.accountStale(w, r, target, err)
	}
	s.log.Info("user active set", "by", me.ID, "user", target.ID, "active", active)
	msg := "Account " + target.Email + " riattivato."
	if !active {
		msg = "Account " + target.Email + " disattivato: le sue sessioni aperte sono state chiuse."
	}
	s.sessions.Put(ctx, keyFlash, msg)
	http.Redirect(w, r, "/admin/utenti", http.StatusSeeOther)
	return nil
}

// accountStale shows the accounts again, with status 409, when err says
// that the account target changed since the page was shown: who changed
// it, when and what, as it is now (target was read after the change).
// Other errors are returned as they are.
func (s *Server) accountStale(w http.ResponseWriter, r *http.Request, target *auth.User, err error) error {
	var stale *store.StaleError
	if !errors.As(err, &stale) {
		return err
	}
	status := "Attivo"
	if !target.Active {
		status = "Disattivato"
	}
	n := staleNotice(stale, stored{fields: []recordField{{"active", "Stato", status}}},
		"Nulla è stato cambiato. Per procedere comunque, ripetere l'operazione dall'elenco qui sotto, che mostra l'account com'è ora.")
	n.What = "l'account " + target.Email
	for i := range n.Fields {
		n.Fields[i].Value = strings.Trim(n.Fields[i].Value, "«»")
	}
	switch {
	case stale.Did("reset-password"):
		n.Fields = append(n.Fields, components.StaleField{Label: "Password", Value: "reimpostata, con le sessioni aperte chiuse"})
	case stale.Did("change-password"):
		n.Fields = append(n.Fields, components.StaleField{Label: "Password", Value: "cambiata dall'utente"})
	}
	return s.renderUsers(w, r, http.StatusConflict, pages.UsersView{Stale: n})
}

// userParam reads the account named by the {id} URL parameter.
func (s *Server) userParam(r *http.Request) (*auth.User, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, notFound("L'utente richiesto non esiste.")
	}
	u, err := s.store.UserByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("L'utente richiesto non esiste.")
	}
	return u, err
}

// validEmail accepts a bare address (no display name, no angle brackets)
// with a dot in its domain, as accounts are reached by ordinary mail.
func validEmail(s string) bool {
	if len(s) > 254 || !plainText(s) || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// plainText reports whether s is valid UTF-8 without control characters,
// which PostgreSQL refuses (NUL) or nobody types on purpose.
func plainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

func badRequest() error {
	return &httpError{status: http.StatusBadRequest, title: "Richiesta non valida", message: "La richiesta inviata non è valida."}
}
