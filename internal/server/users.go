package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"traguardo/web/paths"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"traguardo/internal/audit"
	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
)

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
		if v.Centres, err = s.centres(ctx); err != nil {
			return err
		}
	}
	names := centreNames(v.Centres)
	me := auth.UserFrom(ctx)
	v.Users = make([]pages.UserRow, 0, len(users))
	for _, u := range users {
		row := pages.UserRow{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Active: u.Active, Self: u.ID == me.ID}
		for _, id := range u.Centres {
			row.Centres = append(row.Centres, names[id])
		}
		v.Users = append(v.Users, row)
	}
	s.render(w, r, status, pages.Users(v))
	return nil
}

// centres are the organisation's centres, as an account's choices.
func (s *Server) centres(ctx context.Context) ([]pages.Centre, error) {
	refs, err := s.store.ListCentres(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]pages.Centre, 0, len(refs))
	for _, c := range refs {
		out = append(out, pages.Centre{ID: c.ID, Name: c.Name})
	}
	return out, nil
}

func centreNames(centres []pages.Centre) map[domain.CentreID]string {
	names := make(map[domain.CentreID]string, len(centres))
	for _, c := range centres {
		names[c.ID] = c.Name
	}
	return names
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return badRequest()
	}
	centres, err := s.centres(ctx)
	if err != nil {
		return err
	}
	v := pages.UsersView{
		Centres: centres,
		Form:    pages.AccountForm{Email: strings.TrimSpace(r.PostForm.Get("email"))},
		Errors:  components.FieldErrors{},
	}
	f := &v.Form
	if msg := auth.CheckEmail(f.Email); msg != "" {
		v.Errors["email"] = msg
	}
	f.Name = readName(r, v.Errors)
	f.Role = auth.Role(r.PostForm.Get("role"))
	if msg := auth.CheckRole(f.Role); msg != "" {
		v.Errors["role"] = msg
	}
	f.Centres = readCentres(r, centres, f.Role, v.Errors)
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

// readName reads the account's name, with its error in errs.
func readName(r *http.Request, errs components.FieldErrors) string {
	name := strings.TrimSpace(r.PostFormValue("name"))
	if msg := auth.CheckName(name); msg != "" {
		errs["name"] = msg
	}
	return name
}

// readCentres reads the centres chosen among centres, each once, and checks
// them against role (unless the role is in error already).
func readCentres(r *http.Request, centres []pages.Centre, role auth.Role, errs components.FieldErrors) []domain.CentreID {
	known := func(id domain.CentreID) bool {
		return slices.ContainsFunc(centres, func(c pages.Centre) bool { return c.ID == id })
	}
	var out []domain.CentreID
	for _, raw := range r.PostForm["centre"] {
		n, err := strconv.ParseInt(raw, 10, 64)
		id := domain.CentreID(n)
		if err != nil || !known(id) {
			errs["centres"] = "Uno dei centri scelti non esiste."
			continue
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if errs["centres"] == "" && errs["role"] == "" && errs[""] == "" {
		if msg := auth.CheckCentres(role, out); msg != "" {
			errs["centres"] = msg
		}
	}
	return out
}

// userEdit changes an account's name, role and centres, through the
// lifecycle of every form that edits a stored record (servePlanForm): the
// version, 422 with the fields as typed, 409 with what changed meanwhile.
func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	target, err := s.userParam(r)
	if err != nil {
		return err
	}
	centres, err := s.centres(ctx)
	if err != nil {
		return err
	}
	me := auth.UserFrom(ctx)
	v := pages.UserEditView{
		ID:      target.ID,
		Email:   target.Email,
		Centres: centres,
		Form:    pages.AccountForm{Email: target.Email, Name: target.Name, Role: target.Role, Centres: target.Centres},
		Self:    target.ID == me.ID,
		Errors:  components.FieldErrors{},
	}
	return s.servePlanForm(w, r, planForm{
		page:   func() templ.Component { return pages.UserEdit(v) },
		errs:   v.Errors,
		edit:   &v.Edit,
		record: accountRecord(target, centreNames(centres)),
		notice: func(stale *store.StaleError, rec stored, advice string) *components.Stale {
			return accountNotice(stale, rec, target, advice)
		},
		read: func(string, string) {
			v.Form.Name = readName(r, v.Errors)
			v.Form.Role = auth.Role(r.PostFormValue("role"))
			if v.Self && v.Form.Role == "" {
				v.Form.Role = target.Role // the page offers no choice
			}
			if msg := auth.CheckRole(v.Form.Role); msg != "" {
				v.Errors["role"] = msg
			} else if msg := auth.CheckRoleChange(me, target, v.Form.Role); msg != "" {
				v.Errors[""] = msg
				v.Form.Role = target.Role
			}
			v.Form.Centres = readCentres(r, centres, v.Form.Role, v.Errors)
		},
		save: func(ch store.Change) (string, string, error) {
			f := v.Form
			if f.Name == target.Name && f.Role == target.Role && sameSet(f.Centres, target.Centres) {
				return paths.Users, "Nessuna modifica da salvare.", nil
			}
			ended, err := s.store.UpdateUser(ctx, ch.Actor, target.ID, ch.Version, store.AccountChange{Name: f.Name, Role: f.Role, Centres: f.Centres})
			if err != nil {
				return "", "", err
			}
			s.log.Info("user updated", "by", me.ID, "user", target.ID, "role", f.Role, "sessions_ended", ended)
			msg := "Account " + target.Email + " aggiornato."
			if ended {
				msg = "Account " + target.Email + " aggiornato: le sue sessioni aperte sono state chiuse."
			}
			return paths.Users, msg, nil
		},
		conflictField: func(err error) string {
			if c := (*store.Conflict)(nil); errors.As(err, &c) {
				return c.Field
			}
			return "" // not a Conflict: storeConflict leaves it an error
		},
	})
}

// sameSet reports whether a and b hold the same ids.
func sameSet(a, b []domain.CentreID) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// userResetPassword asks to confirm a password reset (GET) and does it
// (POST): the one-time password is shown on this response only.
func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	target, err := s.userParam(r)
	if err != nil {
		return err
	}
	v := pages.AccountConfirmView{
		Heading: "Reimpostare la password di " + target.Email + "?",
		Crumb:   "Reimposta password",
		Email:   target.Email,
		Effects: []string{
			"La password attuale smetterà di funzionare e le sessioni aperte termineranno.",
			"Sarà mostrata una sola volta una password provvisoria, da comunicare all'utente: al primo accesso dovrà sceglierne una nuova.",
		},
		Action: pages.UserURL(target.ID, "password"),
		Button: "Reimposta la password",
		Danger: true,
		Edit:   components.Edit{Version: target.Version},
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.AccountConfirm(v))
		return nil
	}
	password := auth.NewPassword()
	hash, err := s.passwords.Hash(ctx, password)
	if err != nil {
		return err
	}
	me := auth.UserFrom(ctx)
	if err := s.store.ResetPassword(ctx, actor(me), target.ID, formVersion(r), hash); err != nil {
		return s.confirmRefused(w, r, v, target, err, "Nulla è stato cambiato. Per reimpostare comunque la password, confermare di nuovo.")
	}
	s.log.Info("password reset", "by", me.ID, "user", target.ID)
	return s.renderUsers(w, r, http.StatusOK, pages.UsersView{
		OneTime: &pages.OneTimePassword{Email: target.Email, Password: password},
	})
}

// userSetActive asks to confirm a deactivation or a reactivation (GET) and
// does it (POST).
func (s *Server) userSetActive(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	target, err := s.userParam(r)
	if err != nil {
		return err
	}
	me := auth.UserFrom(ctx)
	v := pages.AccountConfirmView{
		Email:  target.Email,
		Action: pages.UserURL(target.ID, "stato"),
		Edit:   components.Edit{Version: target.Version},
	}
	if target.Active {
		v.Heading, v.Crumb, v.Active, v.Button, v.Danger = "Disattivare l'account "+target.Email+"?", "Disattiva", "false", "Disattiva l'account", true
		v.Effects = []string{
			"L'utente non potrà più accedere e le sue sessioni aperte termineranno subito.",
			"L'account e le sue operazioni restano registrati: lo si può riattivare in seguito.",
		}
		v.Blocked = auth.CheckDeactivation(me, target)
	} else {
		v.Heading, v.Crumb, v.Active, v.Button = "Riattivare l'account "+target.Email+"?", "Riattiva", "true", "Riattiva l'account"
		v.Effects = []string{"L'utente potrà di nuovo accedere, con la password che aveva."}
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.AccountConfirm(v))
		return nil
	}
	var active bool
	switch r.PostFormValue("active") {
	case "true":
		active = true
	case "false":
	default:
		// The page's form always sends a value: this is a hand-made request.
		v.Message = "Richiesta non valida: indicare se attivare o disattivare l'account."
		s.render(w, r, http.StatusUnprocessableEntity, pages.AccountConfirm(v))
		return nil
	}
	if !active {
		if msg := auth.CheckDeactivation(me, target); msg != "" {
			v.Blocked = msg
			s.render(w, r, http.StatusUnprocessableEntity, pages.AccountConfirm(v))
			return nil
		}
	}
	if err := s.store.SetActive(ctx, actor(me), target.ID, formVersion(r), active); err != nil {
		return s.confirmRefused(w, r, v, target, err, "Nulla è stato cambiato. Per procedere comunque, confermare di nuovo: la pagina mostra l'account com'è ora.")
	}
	s.log.Info("user active set", "by", me.ID, "user", target.ID, "active", active)
	msg := "Account " + target.Email + " riattivato."
	if !active {
		msg = "Account " + target.Email + " disattivato: le sue sessioni aperte sono state chiuse."
	}
	s.seeOther(w, r, paths.Users, msg)
	return nil
}

// confirmRefused shows the confirmation page v again when the store refused
// its action: with status 409 and what changed meanwhile when the account
// moved on since the page was read (target was read after the change), with
// 422 and the store's message for a Conflict. Other errors are returned as
// they are.
func (s *Server) confirmRefused(w http.ResponseWriter, r *http.Request, v pages.AccountConfirmView, target *auth.User, err error, advice string) error {
	var stale *store.StaleError
	var conflict *store.Conflict
	switch {
	case errors.As(err, &stale):
		centres, err := s.centres(r.Context())
		if err != nil {
			return err
		}
		v.Edit.Stale = accountNotice(stale, accountRecord(target, centreNames(centres)), target, advice)
		s.render(w, r, http.StatusConflict, pages.AccountConfirm(v))
		return nil
	case errors.As(err, &conflict):
		v.Message = sentence(conflict.Message)
		s.render(w, r, http.StatusUnprocessableEntity, pages.AccountConfirm(v))
		return nil
	}
	return err
}

// accountRecord is an account as its pages show it, for the notice of a
// change saved meanwhile; names are the centres' names by id.
func accountRecord(u *auth.User, names map[domain.CentreID]string) stored {
	status := "Attivo"
	if !u.Active {
		status = "Disattivato"
	}
	var centres []string
	for _, id := range u.Centres {
		centres = append(centres, names[id])
	}
	shownCentres := strings.Join(centres, "; ")
	if shownCentres == "" {
		shownCentres = "nessuno"
	}
	return stored{version: u.Version, fields: []recordField{
		{"name", "Nome e cognome", u.Name},
		{"role", "Ruolo", u.Role.Label()},
		{"centres", "Centri di responsabilità", shownCentres},
		{"active", "Stato", status},
	}}
}

// accountNotice tells what someone else did to the account u since the
// page was read: the fields changed, as they are now (the name quoted, as
// text typed; the others are the page's own words), and a password reset
// or change, which has no field to show.
func accountNotice(stale *store.StaleError, rec stored, u *auth.User, advice string) *components.Stale {
	n := staleNotice(stale, rec, advice)
	n.What = "l'account " + u.Email
	for i := range n.Fields {
		if n.Fields[i].Label != "Nome e cognome" {
			n.Fields[i].Value = strings.Trim(n.Fields[i].Value, "«»")
		}
	}
	switch {
	case stale.Did(audit.ResetPassword):
		n.Fields = append(n.Fields, components.StaleField{Label: "Password", Value: "reimpostata, con le sessioni aperte chiuse"})
	case stale.Did(audit.ChangePassword):
		n.Fields = append(n.Fields, components.StaleField{Label: "Password", Value: "cambiata dall'utente"})
	}
	return n
}

// userParam reads the account named by the {id} URL parameter.
func (s *Server) userParam(r *http.Request) (*auth.User, error) {
	id, ok := parseID(chi.URLParam(r, "id"))
	if !ok {
		return nil, notFound("L'utente richiesto non esiste.")
	}
	u, err := s.store.UserByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("L'utente richiesto non esiste.")
	}
	return u, err
}

// plainText reports whether s is valid UTF-8 without control characters,
// which PostgreSQL refuses (NUL) or nobody types on purpose.
func plainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

func badRequest() error {
	return &httpError{status: http.StatusBadRequest, title: "Richiesta non valida", message: "La richiesta inviata non è valida."}
}
