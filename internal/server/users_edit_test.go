package server_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/auth"
	"traguardo/internal/demo"
	"traguardo/internal/server"
	"traguardo/internal/store"

	"traguardo/internal/domain"
)

// usersEditPath is the edit page of the account id.
func usersEditPath(id int64) string {
	return "/admin/utenti/" + strconv.FormatInt(id, 10) + "/modifica"
}

// usersLastAudit is the newest audit entry about users.
func usersLastAudit(t testing.TB, st *store.Store) store.AuditEntry {
	t.Helper()
	entries, err := st.ListAudit(context.Background(), store.AuditFilter{Entity: "user", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("no audit entry about users")
	}
	return entries[0]
}

// usersFlash is the flash message of the list of accounts, read after a
// redirect.
func usersFlash(t testing.TB, c *secClient) string {
	t.Helper()
	return textOf(oneByTestID(t, parseHTML(t, c.get("/admin/utenti").Body), "flash"))
}

// TestUsers_Edit changes an account's name, role and centres: each save is
// one audit entry; a change of role or centres ends the sessions of that
// account at once, a change of name does not.
func TestUsers_Edit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	centres, err := e.st.ListCentres(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c0, c1 := strconv.FormatInt(int64(centres[0].ID), 10), strconv.FormatInt(int64(centres[1].ID), 10)

	t.Run("Page", func(t *testing.T) {
		resp, _ := usersAccount(t, e.st, e.emails["responsabile"])
		r := admin.get(usersEditPath(resp.ID))
		usersRequireStatus(t, "GET the edit page", r, http.StatusOK)
		doc := parseHTML(t, r.Body)
		form := oneByTestID(t, doc, "edit-user-form")
		usersLabelled(t, "edit form", form)
		if got := pfFieldValue(t, doc, "name"); got != resp.Name {
			t.Errorf("name field holds %q, want %q", got, resp.Name)
		}
		if got := pfFieldValue(t, doc, "role"); got != string(auth.Manager) {
			t.Errorf("role field holds %q, want responsabile", got)
		}
		for _, c := range centres {
			_, checked := attr(usersElementByID(t, doc, "centre-"+strconv.FormatInt(int64(c.ID), 10)), "checked")
			if want := slices.Contains(resp.Centres, c.ID); checked != want {
				t.Errorf("centre %s checked = %v, want %v", c.Name, checked, want)
			}
		}
		if v, ok := secFormVersion(doc, usersEditPath(resp.ID)); !ok || v != strconv.Itoa(MustUserVersion(t, e, resp.ID)) {
			t.Errorf("the form carries version %q, want the account's", v)
		}
		if note := textOf(oneByTestID(t, doc, "sessions-note")); !strings.Contains(note, "le sessioni aperte dell'account termineranno") {
			t.Errorf("the page does not say that sessions end: %q", note)
		}
		if email := textOf(oneByTestID(t, doc, "user-email")); email != resp.Email {
			t.Errorf("email shown %q", email)
		}
		// The list leads to the page.
		tr, _ := usersRow(t, parseHTML(t, admin.get("/admin/utenti").Body), resp.Email)
		if links := byTestID(tr, "edit-user"); len(links) != 1 {
			t.Errorf("%d edit links in the row", len(links))
		} else if href, _ := attr(links[0], "href"); href != usersEditPath(resp.ID) {
			t.Errorf("edit link to %q", href)
		}
	})

	t.Run("Name", func(t *testing.T) {
		dir := e.signedIn(t, "direttore")
		before, _ := usersAccount(t, e.st, e.emails["direttore"])
		before.Version = MustUserVersion(t, e, before.ID)
		r := admin.post(usersEditPath(before.ID), url.Values{"name": {"  Nuovo Nome del Direttore "}, "role": {"direttore"}})
		pfRequireRedirect(t, "renaming", r, "/admin/utenti")
		if flash := usersFlash(t, admin); flash != "Account "+before.Email+" aggiornato." {
			t.Errorf("flash = %q", flash)
		}
		after, _ := usersAccount(t, e.st, before.Email)
		if after.Name != "Nuovo Nome del Direttore" || after.Role != auth.Director || after.SessionEpoch != before.SessionEpoch {
			t.Errorf("after the rename: %+v", after)
		}
		if got := MustUserVersion(t, e, before.ID); got != before.Version+1 {
			t.Errorf("version %d, want %d", got, before.Version+1)
		}
		dir.requireSignedIn("the direttore after a change of his name only")
		a := usersLastAudit(t, e.st)
		if a.Action != "update" || a.Actor != e.emails["admin"] || a.EntityID == nil || *a.EntityID != before.ID ||
			!strings.Contains(a.OldValue, `"name": "`+before.Name+`"`) || !strings.Contains(a.NewValue, `"name": "Nuovo Nome del Direttore"`) ||
			!strings.Contains(a.NewValue, `"version": `+strconv.Itoa(before.Version+1)) {
			t.Errorf("audit entry = %+v", a)
		}
	})

	t.Run("Role", func(t *testing.T) {
		nuc := e.signedIn(t, "nucleo")
		before, _ := usersAccount(t, e.st, e.emails["nucleo"])
		r := admin.post(usersEditPath(before.ID), url.Values{"name": {before.Name}, "role": {"responsabile"}, "centre": {c1, c0, c1}})
		pfRequireRedirect(t, "changing the role", r, "/admin/utenti")
		if flash := usersFlash(t, admin); !strings.Contains(flash, "le sue sessioni aperte sono state chiuse") {
			t.Errorf("flash = %q, want it to say the sessions ended", flash)
		}
		nuc.requireSignedOut("the nucleo's session after the change of role")
		after, _ := usersAccount(t, e.st, before.Email)
		want := []domain.CentreID{centres[0].ID, centres[1].ID}
		slices.Sort(want)
		if after.Role != auth.Manager || !slices.Equal(after.Centres, want) || after.SessionEpoch != before.SessionEpoch+1 || !after.Active {
			t.Errorf("after the change: %+v, want responsabile of %v with the epoch bumped", after, want)
		}
		a := usersLastAudit(t, e.st)
		if a.Action != "update" || !strings.Contains(a.OldValue, `"role": "nucleo"`) || !strings.Contains(a.NewValue, `"role": "responsabile"`) ||
			!strings.Contains(a.NewValue, `"centres": [`+strconv.FormatInt(int64(want[0]), 10)+`, `+strconv.FormatInt(int64(want[1]), 10)+`]`) {
			t.Errorf("audit entry = %+v", a)
		}
		// The new role holds at once: a responsabile reads no audit log.
		c := e.client(t)
		c.signIn(before.Email, demo.DefaultPassword)
		if r := c.get("/registro"); r.Status != http.StatusForbidden {
			t.Errorf("GET /registro as the former nucleo: %d, want 403", r.Status)
		}
	})

	t.Run("Centres", func(t *testing.T) {
		resp := e.signedIn(t, "responsabile")
		before, _ := usersAccount(t, e.st, e.emails["responsabile"])
		other := centres[len(centres)-1].ID
		if slices.Contains(before.Centres, other) {
			t.Fatal("the responsabile already has the last centre")
		}
		r := admin.post(usersEditPath(before.ID), url.Values{"name": {before.Name}, "role": {"responsabile"}, "centre": {strconv.FormatInt(int64(other), 10)}})
		pfRequireRedirect(t, "changing the centres", r, "/admin/utenti")
		resp.requireSignedOut("the responsabile's session after the change of centres")
		if after, _ := usersAccount(t, e.st, before.Email); !slices.Equal(after.Centres, []domain.CentreID{other}) || after.SessionEpoch != before.SessionEpoch+1 {
			t.Errorf("after the change: %+v", after)
		}
	})

	t.Run("NoChange", func(t *testing.T) {
		u, _ := usersAccount(t, e.st, secTargetEmail)
		beforeDB := secSnapshot(t, e.pool)
		r := admin.post(usersEditPath(u.ID), url.Values{"name": {u.Name}, "role": {string(u.Role)}})
		pfRequireRedirect(t, "saving without changes", r, "/admin/utenti")
		secRequireUnchanged(t, "a save without changes", beforeDB, secSnapshot(t, e.pool), "sessions")
		if flash := usersFlash(t, admin); flash != "Nessuna modifica da salvare." {
			t.Errorf("flash = %q", flash)
		}
	})
}

// MustUserVersion reads the version of the account id.
func MustUserVersion(t testing.TB, e *secEnv, id int64) int {
	t.Helper()
	u, err := e.st.UserByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u.Version
}

// TestUsers_EditInvalid sends the edit form with each field wrong: 422, the
// message next to the field, what was typed kept, nothing changed.
func TestUsers_EditInvalid(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	centres, err := e.st.ListCentres(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c0 := strconv.FormatInt(int64(centres[0].ID), 10)
	path := usersEditPath(e.targetID)
	valid := func() url.Values {
		return url.Values{"name": {"Bersaglio Nuovo"}, "role": {"responsabile"}, "centre": {c0}}
	}
	for _, tc := range []struct {
		name  string
		edit  func(url.Values)
		field string
		want  string
	}{
		{"NameMissing", func(f url.Values) { f.Set("name", "   ") }, "name", "Inserire il nome."},
		{"NameControl", func(f url.Values) { f.Set("name", "Mario\x1bRossi") }, "name", "Il nome contiene caratteri non ammessi."},
		{"NameTooLong", func(f url.Values) { f.Set("name", strings.Repeat("à", 201)) }, "name", "Il nome non può superare i 200 caratteri."},
		{"RoleMissing", func(f url.Values) { f.Del("role"); f.Del("centre") }, "role", "Scegliere un ruolo."},
		{"RoleInvalid", func(f url.Values) { f.Set("role", "superutente"); f.Del("centre") }, "role", "Il ruolo scelto non esiste."},
		{"ManagerWithoutCentre", func(f url.Values) { f.Del("centre") }, "centres", "Scegliere almeno un centro di responsabilità per il Responsabile di Area."},
		{"CentreUnknown", func(f url.Values) { f.Add("centre", "999999") }, "centres", "Uno dei centri scelti non esiste."},
		{"CentreForAnotherRole", func(f url.Values) { f.Set("role", "nucleo") }, "centres",
			"I centri di responsabilità si assegnano solo al Responsabile di Area: togliere la scelta o cambiare ruolo."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := valid()
			tc.edit(form)
			before := secSnapshot(t, e.pool)
			r := admin.post(path, form)
			usersRequireStatus(t, tc.name, r, http.StatusUnprocessableEntity)
			secRequireUnchanged(t, tc.name, before, secSnapshot(t, e.pool), "sessions")
			doc := parseHTML(t, r.Body)
			if len(byTestID(doc, "form-errors")) != 1 {
				t.Error("no summary of the form's errors")
			}
			for _, f := range []string{"name", "role", "centres"} {
				got := usersFieldError(t, doc, f)
				switch {
				case f == tc.field && got != tc.want:
					t.Errorf("error of %s = %q, want %q", f, got, tc.want)
				case f != tc.field && got != "":
					t.Errorf("unexpected error on %s: %q", f, got)
				}
			}
			if got := pfFieldValue(t, doc, "name"); got != strings.TrimSpace(form.Get("name")) {
				t.Errorf("name field holds %q, want %q", got, strings.TrimSpace(form.Get("name")))
			}
			for _, o := range elements(usersElementByID(t, doc, "role"), atom.Option) {
				v, _ := attr(o, "value")
				_, selected := attr(o, "selected")
				if want := v == form.Get("role") || (v == "" && !auth.Role(form.Get("role")).Valid()); selected != want {
					t.Errorf("role option %q selected = %v, want %v", v, selected, want)
				}
			}
			for _, c := range centres {
				_, checked := attr(usersElementByID(t, doc, "centre-"+strconv.FormatInt(int64(c.ID), 10)), "checked")
				if want := slices.Contains(form["centre"], strconv.FormatInt(int64(c.ID), 10)); checked != want {
					t.Errorf("centre %s checked = %v, want %v", c.Name, checked, want)
				}
			}
			if _, ok := secFormVersion(doc, path); !ok {
				t.Error("the refused form lost its version")
			}
		})
	}
}

// TestUsers_EditStale: an edit on a version that another administrator
// replaced is refused with what changed (409), the form kept; saved again
// on the version shown, it goes through.
func TestUsers_EditStale(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	anna := verSignIn(t, e, auth.Admin, "anna.admin@traguardo.test", "Anna Bianchi")
	carlo := verSignIn(t, e, auth.Admin, "carlo.admin@traguardo.test", "Carlo Neri")
	path := usersEditPath(e.targetID)
	read, ok := carlo.formVersion(path)
	if !ok {
		t.Fatal("no version on the edit page")
	}
	pfRequireRedirect(t, "Anna's save", anna.post(path, url.Values{"name": {"Nome di Anna"}, "role": {"nucleo"}}), "/admin/utenti")
	usersRequireStatus(t, "Anna's reset", anna.post("/admin/utenti/"+strconv.FormatInt(e.targetID, 10)+"/password", url.Values{}), http.StatusOK)
	before := secSnapshot(t, e.pool)
	r := carlo.post(path, url.Values{"name": {"Nome di Carlo"}, "role": {"direttore"}, "version": {read}})
	now := verStale(t, r, path, "Anna Bianchi", []string{
		"Nome e cognome: «Nome di Anna»",
		"Ruolo: Nucleo di Valutazione",
		"Password: reimpostata, con le sessioni aperte chiuse",
	})
	secRequireUnchanged(t, "the stale save", before, secSnapshot(t, e.pool), "sessions")
	doc := parseHTML(t, r.Body)
	if got := pfFieldValue(t, doc, "name"); got != "Nome di Carlo" {
		t.Errorf("after the refusal the name holds %q, want Carlo's", got)
	}
	if got := pfFieldValue(t, doc, "role"); got != "direttore" {
		t.Errorf("after the refusal the role holds %q, want Carlo's", got)
	}
	if notice := textOf(oneByTestID(t, doc, "stale")); !strings.Contains(notice, "l'account "+secTargetEmail) {
		t.Errorf("the notice does not name the account: %q", notice)
	}
	pfRequireRedirect(t, "Carlo's second save", carlo.post(path, url.Values{"name": {"Nome di Carlo"}, "role": {"direttore"}, "version": {now}}), "/admin/utenti")
	if u, _ := usersAccount(t, e.st, secTargetEmail); u.Name != "Nome di Carlo" || u.Role != auth.Director {
		t.Errorf("after the second save: %+v", u)
	}
}

// TestUsers_EditSelf: an administrator renames himself but cannot change
// his own role, which his page does not offer.
func TestUsers_EditSelf(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	me, _ := usersAccount(t, e.st, e.emails["admin"])
	path := usersEditPath(me.ID)

	doc := parseHTML(t, admin.get(path).Body)
	if n := len(findAll(doc, func(n *html.Node) bool { v, _ := attr(n, "name"); return n.DataAtom == atom.Select && v == "role" })); n != 0 {
		t.Error("the admin's own page offers to change his role")
	}
	if own := textOf(oneByTestID(t, doc, "own-role")); !strings.Contains(own, "Amministratore") {
		t.Errorf("own role shown as %q", own)
	}

	before := secSnapshot(t, e.pool)
	r := admin.post(path, url.Values{"name": {me.Name}, "role": {"osservatore"}})
	usersRequireStatus(t, "changing one's own role", r, http.StatusUnprocessableEntity)
	if msg := textOf(oneByTestID(t, parseHTML(t, r.Body), "form-errors")); !strings.Contains(msg, "Non è possibile cambiare il proprio ruolo: chiedere a un altro amministratore.") {
		t.Errorf("errors = %q", msg)
	}
	secRequireUnchanged(t, "a change of one's own role", before, secSnapshot(t, e.pool), "sessions")

	pfRequireRedirect(t, "renaming oneself", admin.post(path, url.Values{"name": {"Amministratore Rinominato"}}), "/admin/utenti")
	if u, _ := usersAccount(t, e.st, me.Email); u.Name != "Amministratore Rinominato" || u.Role != auth.Admin || u.SessionEpoch != me.SessionEpoch {
		t.Errorf("after renaming himself: %+v", u)
	}
	admin.requireSignedIn("the admin after renaming himself")
}

// TestUsers_LastAdmin: two administrators demote each other at the same
// moment; one of them stays an active administrator whatever the order.
// The store's refusal itself is TestStore_UpdateUser/LastAdmin.
func TestUsers_LastAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSecEnv(t, server.Config{})
	anna := verSignIn(t, e, auth.Admin, "anna.admin@traguardo.test", "Anna Bianchi")
	carlo := verSignIn(t, e, auth.Admin, "carlo.admin@traguardo.test", "Carlo Neri")
	// Only these two administrators are active.
	demoAdmin, _ := usersAccount(t, e.st, e.emails["admin"])
	if err := e.st.SetActive(ctx, store.CLI, demoAdmin.ID, MustUserVersion(t, e, demoAdmin.ID), false); err != nil {
		t.Fatal(err)
	}
	annaU, _ := usersAccount(t, e.st, "anna.admin@traguardo.test")
	carloU, _ := usersAccount(t, e.st, "carlo.admin@traguardo.test")
	annaU.Version, carloU.Version = MustUserVersion(t, e, annaU.ID), MustUserVersion(t, e, carloU.ID)
	demote := func(c *secClient, target *auth.User) url.Values {
		return c.withVersion(usersEditPath(target.ID), url.Values{"name": {target.Name}, "role": {"osservatore"}})
	}
	forms := []url.Values{demote(anna, carloU), demote(carlo, annaU)}
	var wg sync.WaitGroup
	statuses := make([]*secResponse, 2)
	for i, c := range []*secClient{anna, carlo} {
		target := []*auth.User{carloU, annaU}[i]
		wg.Go(func() { statuses[i] = c.do(http.MethodPost, usersEditPath(target.ID), forms[i], nil) })
	}
	wg.Wait()
	if n := secCount(t, e.pool, `SELECT count(*) FROM users WHERE role = 'admin' AND active`); n != 1 {
		t.Errorf("%d active administrators after the mutual demotion, want 1", n)
	}
	for i, r := range statuses {
		t.Logf("request %d: %d %s", i, r.Status, r.Location())
		switch {
		case r.Status == http.StatusSeeOther: // done, or the session ended first
		case r.Status == http.StatusUnprocessableEntity:
			if got := usersFieldError(t, parseHTML(t, r.Body), "role"); got != auth.LastAdminMessage {
				t.Errorf("request %d: error of role %q, want %q", i, got, auth.LastAdminMessage)
			}
		default:
			t.Errorf("request %d: status %d; body:\n%.800s", i, r.Status, r.Body)
		}
	}
}

// TestUsers_Confirm: a password reset and a change of state show what they
// will do and change nothing until confirmed.
func TestUsers_Confirm(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	me, _ := usersAccount(t, e.st, e.emails["admin"])
	target := "/admin/utenti/" + strconv.FormatInt(e.targetID, 10)
	for _, tc := range []struct {
		name, path, effect, active string
	}{
		{"Reset", target + "/password", "La password attuale smetterà di funzionare e le sessioni aperte termineranno.", ""},
		{"Deactivate", target + "/stato", "L'utente non potrà più accedere e le sue sessioni aperte termineranno subito.", "false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := secSnapshot(t, e.pool)
			r := admin.get(tc.path)
			usersRequireStatus(t, "GET "+tc.path, r, http.StatusOK)
			secRequireUnchanged(t, "GET "+tc.path, before, secSnapshot(t, e.pool), "sessions")
			doc := parseHTML(t, r.Body)
			if effects := textOf(oneByTestID(t, doc, "effects")); !strings.Contains(effects, tc.effect) {
				t.Errorf("effects = %q, want %q", effects, tc.effect)
			}
			if email := textOf(oneByTestID(t, doc, "user-email")); email != secTargetEmail {
				t.Errorf("the page is about %q", email)
			}
			if v, ok := secFormVersion(doc, tc.path); !ok || v != strconv.Itoa(MustUserVersion(t, e, e.targetID)) {
				t.Errorf("the form carries version %q, want the account's", v)
			}
			var active string
			for _, in := range elements(oneByTestID(t, doc, "confirm-form"), atom.Input) {
				if n, _ := attr(in, "name"); n == "active" {
					active, _ = attr(in, "value")
				}
			}
			if active != tc.active {
				t.Errorf("the form sends active=%q, want %q", active, tc.active)
			}
		})
	}

	t.Run("Reactivate", func(t *testing.T) {
		r := admin.post(target+"/stato", url.Values{"active": {"false"}})
		pfRequireRedirect(t, "deactivating", r, "/admin/utenti")
		doc := parseHTML(t, admin.get(target+"/stato").Body)
		if h := textOf(elements(doc, atom.H1)[0]); h != "Riattivare l'account "+secTargetEmail+"?" {
			t.Errorf("heading %q", h)
		}
		if got := textOf(oneByTestID(t, doc, "confirm")); got != "Riattiva l'account" {
			t.Errorf("button %q", got)
		}
	})

	t.Run("Self", func(t *testing.T) {
		doc := parseHTML(t, admin.get("/admin/utenti/"+strconv.FormatInt(me.ID, 10)+"/stato").Body)
		if msg := textOf(oneByTestID(t, doc, "blocked")); msg != "Non è possibile disattivare il proprio account: chiedere a un altro amministratore." {
			t.Errorf("blocked = %q", msg)
		}
		if len(byTestID(doc, "confirm-form")) != 0 {
			t.Error("the page offers to deactivate oneself")
		}
	})
}

// centreRefID is the first of the organisation's centres, by name.
func (e *secEnv) centreRefID(t testing.TB) int64 {
	t.Helper()
	centres, err := e.st.ListCentres(context.Background())
	if err != nil || len(centres) == 0 {
		t.Fatalf("centres: %v, %v", centres, err)
	}
	return int64(centres[0].ID)
}
