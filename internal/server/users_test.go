package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/auth"
	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// TestUsers_List reads the administration page: every account with its role
// and centres by name, and accessible markup.
func TestUsers_List(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	r := admin.get("/admin/utenti")
	usersRequireStatus(t, "GET /admin/utenti", r, http.StatusOK)
	doc := parseHTML(t, r.Body)

	table := oneByTestID(t, doc, "users-table")
	usersCheckTable(t, "users table", table)
	users, err := e.st.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rows := byTestID(doc, "user-row"); len(rows) != len(users) {
		t.Errorf("%d rows, want one per account (%d)", len(rows), len(users))
	}
	centres, err := e.st.ListCentres(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first := "responsabile." + demo.ShortName(centres[0].Name) + "@traguardo.test"
	if _, cells := usersRow(t, doc, first); !slices.Equal(cells[2:5], []string{"Responsabile di Area", centres[0].Name, "Attivo"}) {
		t.Errorf("row of %s = %q, want role label, centre name, Attivo", first, cells)
	}
	tr, cells := usersRow(t, doc, e.emails["admin"])
	if cells[2] != "Amministratore" {
		t.Errorf("row of the admin = %q", cells)
	}
	// No way to deactivate oneself; a way to edit or reset one's account
	// and another's, and to deactivate another, each through its page.
	if len(byTestID(tr, "deactivate")) != 0 {
		t.Error("the admin's own row offers to deactivate him")
	}
	dir, _ := usersAccount(t, e.st, e.emails["direttore"])
	tr, _ = usersRow(t, doc, e.emails["direttore"])
	for id, action := range map[string]string{"edit-user": "modifica", "reset-password": "password", "deactivate": "stato"} {
		b := byTestID(tr, id)
		if len(b) != 1 {
			t.Fatalf("the direttore's row has %d %s links, want 1", len(b), id)
		}
		if text := textOf(b[0]); !strings.Contains(text, e.emails["direttore"]) {
			t.Errorf("link %s reads %q: its name does not say whose account it acts on", id, text)
		}
		// A link to the confirmation: the list itself changes nothing.
		if href, _ := attr(b[0], "href"); b[0].DataAtom != atom.A || href != "/admin/utenti/"+strconv.FormatInt(dir.ID, 10)+"/"+action {
			t.Errorf("%s is a <%s> to %q, want a link to its page", id, b[0].Data, href)
		}
	}
	form := oneByTestID(t, doc, "new-user")
	usersLabelled(t, "new user form", form)
	if len(findAll(form, func(n *html.Node) bool { return n.DataAtom == atom.Legend })) != 1 {
		t.Error("the centres have no legend")
	}
	if boxes := findAll(form, func(n *html.Node) bool { v, _ := attr(n, "type"); return v == "checkbox" }); len(boxes) != len(centres) {
		t.Errorf("%d centre checkboxes, want %d", len(boxes), len(centres))
	}
	if opts := elements(usersElementByID(t, doc, "role"), atom.Option); len(opts) != len(auth.Roles())+1 {
		t.Errorf("%d role options, want a prompt and %d roles", len(opts), len(auth.Roles()))
	}
}

// TestUsers_Create creates accounts through the form: a good one, then one
// for each invalid field, which must change nothing.
func TestUsers_Create(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	centres, err := e.st.ListCentres(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c0, c1 := strconv.FormatInt(int64(centres[0].ID), 10), strconv.FormatInt(int64(centres[1].ID), 10)

	t.Run("OK", func(t *testing.T) {
		form := url.Values{"email": {" Nuovo.Responsabile@Traguardo.test "}, "name": {"Nuovo Responsabile"},
			"role": {"responsabile"}, "centre": {c1, c0}}
		r := admin.post("/admin/utenti", form)
		usersRequireStatus(t, "creating an account", r, http.StatusOK)
		if r.Location() != "" {
			t.Errorf("the creation redirects to %q: the password must be shown on this response", r.Location())
		}
		doc := parseHTML(t, r.Body)
		email, password := usersOneTime(t, doc)
		if email != "nuovo.responsabile@traguardo.test" {
			t.Errorf("one-time password for %q", email)
		}
		// The password is not in a cookie or a header, nor on the next page.
		for k, vs := range r.Header {
			if strings.Contains(strings.Join(vs, " "), password) {
				t.Errorf("header %s carries the password", k)
			}
		}
		if again := admin.get("/admin/utenti"); strings.Contains(again.Body, password) || len(byTestID(parseHTML(t, again.Body), "one-time")) != 0 {
			t.Error("the one-time password is shown a second time")
		}
		// The form is empty again; the list has the new account.
		if v, _ := attr(usersElementByID(t, doc, "email"), "value"); v != "" {
			t.Errorf("after a creation the email field holds %q", v)
		}
		_, cells := usersRow(t, doc, "nuovo.responsabile@traguardo.test")
		names := []string{centres[0].Name, centres[1].Name}
		slices.Sort(names)
		if cells[1] != "Nuovo Responsabile" || cells[2] != "Responsabile di Area" || !strings.Contains(cells[3], names[0]) || !strings.Contains(cells[3], names[1]) {
			t.Errorf("new row = %q", cells)
		}

		u, hash := usersAccount(t, e.st, "nuovo.responsabile@traguardo.test")
		want := []domain.CentreID{centres[0].ID, centres[1].ID}
		slices.Sort(want)
		if u.Role != auth.Manager || !u.Active || !u.MustChangePassword || !slices.Equal(u.Centres, want) || u.Name != "Nuovo Responsabile" {
			t.Errorf("stored account = %+v", u)
		}
		if !auth.CheckPassword(hash, password) {
			t.Error("the password shown is not the account's")
		}
		entries, err := e.st.ListAudit(ctx, store.AuditFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if a := entries[0]; a.Action != "create" || a.Entity != "user" || a.Actor != e.emails["admin"] || a.EntityID == nil || *a.EntityID != u.ID {
			t.Errorf("last audit entry = %+v, want the creation by the admin", a)
		}

		// The new account signs in with it and must choose another first.
		c := e.client(t)
		c.signIn("nuovo.responsabile@traguardo.test", password)
		for _, p := range []string{"/", "/cicli/2023"} {
			if r := c.get(p); r.Status != http.StatusSeeOther || r.Location() != "/profilo/password" {
				t.Errorf("GET %s with a one-time password: %d to %q, want 303 to /profilo/password", p, r.Status, r.Location())
			}
		}
	})

	valid := func() url.Values {
		return url.Values{"email": {"valido@traguardo.test"}, "name": {"Utente Valido"}, "role": {"responsabile"}, "centre": {c0}}
	}
	tests := []struct {
		name  string
		edit  func(url.Values)
		field string
		want  string
	}{
		{"EmailMissing", func(f url.Values) { f.Set("email", "  ") }, "email", "Inserire l'email."},
		{"EmailInvalid", func(f url.Values) { f.Set("email", "mario.rossi") }, "email", "L'email non è valida: deve avere la forma nome@dominio.it."},
		{"EmailWithName", func(f url.Values) { f.Set("email", "Mario <mario@traguardo.test>") }, "email", "L'email non è valida: deve avere la forma nome@dominio.it."},
		{"EmailNoDomain", func(f url.Values) { f.Set("email", "mario@localhost") }, "email", "L'email non è valida: deve avere la forma nome@dominio.it."},
		{"EmailTaken", func(f url.Values) { f.Set("email", strings.ToUpper(e.emails["direttore"])) }, "email", "esiste già un utente con questa email"},
		{"EmailControl", func(f url.Values) { f.Set("email", "bell\x07@traguardo.test") }, "email", "L'email non è valida: deve avere la forma nome@dominio.it."},
		{"EmailTooLong", func(f url.Values) { f.Set("email", strings.Repeat("a", 10_000)+"@traguardo.test") }, "email", "L'email non è valida: deve avere la forma nome@dominio.it."},
		{"NameMissing", func(f url.Values) { f.Set("name", "") }, "name", "Inserire il nome."},
		{"NameControl", func(f url.Values) { f.Set("name", "Mario\x1bRossi") }, "name", "Il nome contiene caratteri non ammessi."},
		{"NameTooLong", func(f url.Values) { f.Set("name", strings.Repeat("à", 201)) }, "name", "Il nome non può superare i 200 caratteri."},
		{"RoleMissing", func(f url.Values) { f.Del("role"); f.Del("centre") }, "role", "Scegliere un ruolo."},
		{"RoleInvalid", func(f url.Values) { f.Set("role", "superutente"); f.Del("centre") }, "role", "Il ruolo scelto non esiste."},
		{"ManagerWithoutCentre", func(f url.Values) { f.Del("centre") }, "centres", "Scegliere almeno un centro di responsabilità per il Responsabile di Area."},
		{"CentreUnknown", func(f url.Values) { f.Add("centre", "999999") }, "centres", "Uno dei centri scelti non esiste."},
		{"CentreNotANumber", func(f url.Values) { f.Set("centre", "area-finanziaria") }, "centres", "Uno dei centri scelti non esiste."},
		{"CentreForAnotherRole", func(f url.Values) { f.Set("role", "osservatore") }, "centres",
			"I centri di responsabilità si assegnano solo al Responsabile di Area: togliere la scelta o cambiare ruolo."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			form := valid()
			tc.edit(form)
			before := secSnapshot(t, e.pool)
			r := admin.post("/admin/utenti", form)
			usersRequireStatus(t, tc.name, r, http.StatusUnprocessableEntity)
			secRequireUnchanged(t, tc.name, before, secSnapshot(t, e.pool), "sessions")
			doc := parseHTML(t, r.Body)
			if len(byTestID(doc, "one-time")) != 0 {
				t.Error("a refused creation shows a password")
			}
			if len(byTestID(doc, "form-errors")) != 1 {
				t.Error("no summary of the form's errors")
			}
			for _, f := range []string{"email", "name", "role", "centres"} {
				got := usersFieldError(t, doc, f)
				switch {
				case f == tc.field && got != tc.want:
					t.Errorf("error of %s = %q, want %q", f, got, tc.want)
				case f != tc.field && got != "":
					t.Errorf("unexpected error on %s: %q", f, got)
				}
			}
			// What was typed is kept.
			if v, _ := attr(usersElementByID(t, doc, "email"), "value"); v != strings.TrimSpace(form.Get("email")) {
				t.Errorf("email field holds %q, want %q", v, strings.TrimSpace(form.Get("email")))
			}
			if v, _ := attr(usersElementByID(t, doc, "name"), "value"); v != form.Get("name") {
				t.Errorf("name field holds %q, want %q", v, form.Get("name"))
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
		})
	}
}

// TestUsers_ResetPassword resets the direttore's password while he is
// signed in: his session ends at once, the old password stops working and
// the one-time password must be replaced before anything else.
func TestUsers_ResetPassword(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	victim := e.signedIn(t, "direttore")
	victim.requireSignedIn("before the reset")
	email := e.emails["direttore"]
	before, _ := usersAccount(t, e.st, email)

	r := admin.post("/admin/utenti/"+strconv.FormatInt(before.ID, 10)+"/password", url.Values{})
	usersRequireStatus(t, "resetting a password", r, http.StatusOK)
	gotEmail, password := usersOneTime(t, parseHTML(t, r.Body))
	if gotEmail != email {
		t.Errorf("one-time password for %q, want %q", gotEmail, email)
	}
	if again := admin.get("/admin/utenti"); strings.Contains(again.Body, password) {
		t.Error("the one-time password is shown a second time")
	}

	victim.requireSignedOut("the direttore's session after the reset")
	after, hash := usersAccount(t, e.st, email)
	if !after.MustChangePassword || after.SessionEpoch != before.SessionEpoch+1 || !after.Active {
		t.Errorf("after the reset: %+v, want must change password and the epoch bumped", after)
	}
	if !auth.CheckPassword(hash, password) || auth.CheckPassword(hash, demo.DefaultPassword) {
		t.Error("the stored password is not the one-time password")
	}

	old := e.client(t).post("/accedi", url.Values{"email": {email}, "password": {demo.DefaultPassword}, "next": {"/"}})
	if old.Status != http.StatusUnprocessableEntity || !strings.Contains(old.Body, secFailedMsg) {
		t.Errorf("sign-in with the old password: status %d, want 422 and %q", old.Status, secFailedMsg)
	}
	c := e.client(t)
	c.signIn(email, password)
	if r := c.get("/"); r.Status != http.StatusSeeOther || r.Location() != "/profilo/password" {
		t.Errorf("GET / with the one-time password: %d to %q, want 303 to /profilo/password", r.Status, r.Location())
	}
	if r := c.get("/profilo/password"); r.Status != http.StatusOK || !strings.Contains(r.Body, "provvisoria") {
		t.Errorf("GET /profilo/password: %d, want 200 asking for a new password", r.Status)
	}
	admin.requireSignedIn("the admin after the reset")

	entries, err := e.st.ListAudit(context.Background(), store.AuditFilter{Actor: e.emails["admin"], Entity: "user"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Action != "reset-password" || entries[0].EntityID == nil || *entries[0].EntityID != before.ID {
		t.Errorf("the admin's audit entries = %+v, want one reset-password of %d", entries, before.ID)
	}
}

// TestUsers_Deactivate deactivates the nucleo while signed in: the session
// ends at once and sign-in is refused, until the account is reactivated.
func TestUsers_Deactivate(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	nucleo := e.signedIn(t, "nucleo")
	email := e.emails["nucleo"]
	u, _ := usersAccount(t, e.st, email)
	path := "/admin/utenti/" + strconv.FormatInt(u.ID, 10) + "/stato"

	r := admin.post(path, url.Values{"active": {"false"}})
	if r.Status != http.StatusSeeOther || r.Location() != "/admin/utenti" {
		t.Fatalf("deactivating: %d to %q, want 303 to /admin/utenti; body:\n%.800s", r.Status, r.Location(), r.Body)
	}
	page := admin.get("/admin/utenti")
	doc := parseHTML(t, page.Body)
	if flash := textOf(oneByTestID(t, doc, "flash")); !strings.Contains(flash, email) || !strings.Contains(flash, "disattivato") {
		t.Errorf("flash = %q", flash)
	}
	tr, cells := usersRow(t, doc, email)
	if cells[4] != "Disattivato" || len(byTestID(tr, "reactivate")) != 1 || len(byTestID(tr, "deactivate")) != 0 {
		t.Errorf("row of the deactivated account = %q, want Disattivato with a Riattiva button", cells)
	}

	if r := nucleo.get("/registro"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/accedi") {
		t.Errorf("the nucleo's next request: %d to %q, want 303 to /accedi", r.Status, r.Location())
	}
	refused := e.client(t).post("/accedi", url.Values{"email": {email}, "password": {demo.DefaultPassword}, "next": {"/"}})
	if refused.Status != http.StatusUnprocessableEntity || !strings.Contains(refused.Body, secFailedMsg) {
		t.Errorf("sign-in of a deactivated account: status %d, want 422 and %q", refused.Status, secFailedMsg)
	}
	if got, _ := usersAccount(t, e.st, email); got.Active || got.SessionEpoch != u.SessionEpoch+1 {
		t.Errorf("stored account = %+v, want inactive with the epoch bumped", got)
	}

	r = admin.post(path, url.Values{"active": {"true"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("reactivating: status %d", r.Status)
	}
	if flash := textOf(oneByTestID(t, parseHTML(t, admin.get("/admin/utenti").Body), "flash")); !strings.Contains(flash, "riattivato") {
		t.Errorf("flash = %q", flash)
	}
	e.client(t).signIn(email, demo.DefaultPassword)

	entries, err := e.st.ListAudit(context.Background(), store.AuditFilter{Actor: e.emails["admin"], Entity: "user"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range entries {
		got = append(got, string(a.Action)+" "+a.OldValue+" "+a.NewValue)
	}
	want := []string{`set-active {"active": false, "version": 2} {"active": true, "version": 3}`,
		`set-active {"active": true, "version": 1} {"active": false, "version": 2}`}
	if !slices.Equal(got, want) {
		t.Errorf("audit = %q, want %q", got, want)
	}
}

// TestUsers_DeactivateSelf: an admin cannot deactivate himself, nor send a
// change of state without a value.
func TestUsers_DeactivateSelf(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	me, _ := usersAccount(t, e.st, e.emails["admin"])
	target := "/admin/utenti/" + strconv.FormatInt(e.targetID, 10) + "/stato"
	for _, tc := range []struct {
		name, path, active, testID, want string
	}{
		{"Self", "/admin/utenti/" + strconv.FormatInt(me.ID, 10) + "/stato", "false", "blocked",
			"Non è possibile disattivare il proprio account: chiedere a un altro amministratore."},
		{"NoValue", target, "", "account-error", "Richiesta non valida: indicare se attivare o disattivare l'account."},
		{"BadValue", target, "forse", "account-error", "Richiesta non valida: indicare se attivare o disattivare l'account."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := secSnapshot(t, e.pool)
			form := url.Values{"active": {tc.active}, "version": {strconv.Itoa(MustUserVersion(t, e, me.ID))}}
			if tc.path == target {
				form.Set("version", strconv.Itoa(MustUserVersion(t, e, e.targetID)))
			}
			r := admin.post(tc.path, form)
			usersRequireStatus(t, tc.name, r, http.StatusUnprocessableEntity)
			if msg := textOf(oneByTestID(t, parseHTML(t, r.Body), tc.testID)); msg != tc.want {
				t.Errorf("message = %q, want %q", msg, tc.want)
			}
			secRequireUnchanged(t, tc.name, before, secSnapshot(t, e.pool), "sessions")
			admin.requireSignedIn("the admin after the refusal")
		})
	}
}

// TestUsers_ErrNotFound: the actions on an unknown account answer 404 and
// change nothing.
func TestUsers_ErrNotFound(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	for _, id := range []string{"999999", "0", "-1", "abc"} {
		for _, action := range []string{"password", "stato", "modifica"} {
			path := "/admin/utenti/" + id + "/" + action
			before := secSnapshot(t, e.pool)
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				var form url.Values
				if method == http.MethodPost {
					form = url.Values{"active": {"false"}, "name": {"Nome"}, "role": {"osservatore"}, "version": {"1"}}
				}
				r := admin.do(method, path, form, nil)
				if r.Status != http.StatusNotFound || !strings.Contains(textOf(parseHTML(t, r.Body)), "L'utente richiesto non esiste.") {
					t.Errorf("%s %s: status %d, want 404 with the Italian message; body:\n%.600s", method, path, r.Status, r.Body)
				}
			}
			secRequireUnchanged(t, path, before, secSnapshot(t, e.pool), "sessions")
		}
	}
}

// TestUsers_Forbidden: a direttore opens each page of the administration
// and sends each form, filled in as an admin would: 403 and nothing
// changes.
func TestUsers_Forbidden(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	victim := e.client(t)
	victim.signIn(secTargetEmail, secTargetPassword)
	target := strconv.FormatInt(e.targetID, 10)
	for _, tc := range []struct {
		method, path string
		form         url.Values
	}{
		{http.MethodGet, "/admin/utenti", nil},
		{http.MethodPost, "/admin/utenti", url.Values{"email": {"intruso@traguardo.test"}, "name": {"Intruso"}, "role": {"admin"}}},
		{http.MethodGet, "/admin/utenti/" + target + "/modifica", nil},
		{http.MethodPost, "/admin/utenti/" + target + "/modifica", url.Values{"name": {"Intruso"}, "role": {"admin"}, "version": {"1"}}},
		{http.MethodGet, "/admin/utenti/" + target + "/password", nil},
		{http.MethodPost, "/admin/utenti/" + target + "/password", url.Values{"version": {"1"}}},
		{http.MethodGet, "/admin/utenti/" + target + "/stato", nil},
		{http.MethodPost, "/admin/utenti/" + target + "/stato", url.Values{"active": {"false"}, "version": {"1"}}},
	} {
		before := secSnapshot(t, e.pool)
		r := dir.do(tc.method, tc.path, tc.form, nil)
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Il suo ruolo non consente questa operazione.") {
			t.Errorf("%s %s as direttore: status %d, want 403 with the Italian message", tc.method, tc.path, r.Status)
		}
		secRequireUnchanged(t, tc.method+" "+tc.path, before, secSnapshot(t, e.pool), "sessions")
	}
	victim.requireSignedIn("the target after the refused requests")
	dir.requireSignedIn("the direttore after the refused requests")
}

// TestAudit_Page makes changes as the admin and reads them on the audit
// page, newest first, in Italian time, with their values.
func TestAudit_Page(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	adminEmail := e.emails["admin"]
	created := admin.post("/admin/utenti", url.Values{"email": {"registrato@traguardo.test"}, "name": {"Registrato"}, "role": {"osservatore"}})
	usersRequireStatus(t, "creating", created, http.StatusOK)
	newUser, _ := usersAccount(t, e.st, "registrato@traguardo.test")
	dir, _ := usersAccount(t, e.st, e.emails["direttore"])
	usersRequireStatus(t, "resetting", admin.post("/admin/utenti/"+strconv.FormatInt(dir.ID, 10)+"/password", url.Values{}), http.StatusOK)
	nuc, _ := usersAccount(t, e.st, e.emails["nucleo"])
	if r := admin.post("/admin/utenti/"+strconv.FormatInt(nuc.ID, 10)+"/stato", url.Values{"active": {"false"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("deactivating: status %d", r.Status)
	}

	doc := auditPage(t, admin, "", http.StatusOK)
	table := oneByTestID(t, doc, "audit-table")
	usersCheckTable(t, "audit table", table)
	var heads []string
	for _, th := range elements(table, atom.Th) {
		heads = append(heads, textOf(th))
	}
	if !slices.Equal(heads, []string{"Quando", "Chi", "Azione", "Oggetto", "Che cosa"}) {
		t.Errorf("headings = %q", heads)
	}
	usersLabelled(t, "audit filter", oneByTestID(t, doc, "audit-filter"))
	for _, id := range []string{"from", "to"} {
		if v, _ := attr(usersElementByID(t, doc, id), "type"); v != "date" {
			t.Errorf("field %s has type %q, want date", id, v)
		}
	}

	all, err := e.st.ListAudit(ctx, store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	rows := auditRows(t, doc)
	if len(rows) != len(all) {
		t.Fatalf("%d rows, want every entry (%d)", len(rows), len(all))
	}
	rome := auditRome(t)
	for i, a := range all {
		if want := a.At.In(rome).Format("02/01/2006 15:04"); rows[i][0] != want {
			t.Errorf("row %d: quando %q, want %q", i, rows[i][0], want)
		}
	}
	// Each entry in words: the record named, then its fields in Italian;
	// a change marked before (struck out) and after, said also in words.
	want := [][]string{
		{adminEmail, "Attivazione o disattivazione", "Utente " + nuc.Email, "Attivo: prima: sì → dopo: no"},
		{adminEmail, "Reimpostazione della password", "Utente " + dir.Email, "Password reimpostata: le sessioni aperte dell'account sono terminate."},
		{adminEmail, "Aggiunta", "Utente registrato@traguardo.test", "Email: «registrato@traguardo.test» Nome: «Registrato» Ruolo: Osservatore Attivo: sì"},
	}
	for i, w := range want {
		if got := rows[i][1:]; !slices.Equal(got, w) {
			t.Errorf("row %d =\n%q\nwant\n%q", i, got, w)
		}
	}
	trs := byTestID(doc, "audit-row")
	if del, ins := elements(trs[0], atom.Del), elements(trs[0], atom.Ins); len(del) != 1 || len(ins) != 1 || textOf(del[0]) != "prima: sì" || textOf(ins[0]) != "dopo: no" {
		t.Errorf("the change is not marked with <del> and <ins>: %q", rows[0])
	}
	// No JSON, no column names, no internal ids (an id is looked for as a
	// word outside the time column, which has numbers of its own).
	text := textOf(table)
	for _, raw := range []string{"{", `"active"`, "set-active", "osservatore\""} {
		if strings.Contains(text, raw) {
			t.Errorf("the audit table shows %q", raw)
		}
	}
	id := regexp.MustCompile(`\b` + strconv.FormatInt(newUser.ID, 10) + `\b`)
	for _, row := range rows {
		if rest := strings.Join(row[1:], " "); id.MatchString(rest) {
			t.Errorf("the audit table shows the account's id %d: %q", newUser.ID, rest)
		}
	}
	if codes := elements(table, atom.Code); len(codes) != 0 {
		t.Errorf("the audit table has %d code blocks", len(codes))
	}
	if last := rows[len(rows)-1]; last[1] != "demo" || last[2] != "Importazione del ciclo da file" || last[3] != "Ciclo 2023" {
		t.Errorf("oldest row = %q, want the import of the demo cycle", last)
	}
	if times := elements(trs[0], atom.Time); len(times) != 1 {
		t.Error("the time is not in a <time> element")
	} else if dt, _ := attr(times[0], "datetime"); !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`).MatchString(dt) {
		t.Errorf("datetime = %q", dt)
	}
}

// TestAudit_Filters filters the audit page by who, what and when, and
// refuses dates it cannot read.
func TestAudit_Filters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")
	nuc, _ := usersAccount(t, e.st, e.emails["nucleo"])
	if r := admin.post("/admin/utenti/"+strconv.FormatInt(nuc.ID, 10)+"/stato", url.Values{"active": {"false"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("deactivating: status %d", r.Status)
	}
	all, err := e.st.ListAudit(ctx, store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	rome := auditRome(t)
	today := time.Now().In(rome)
	iso := func(d time.Time) string { return d.Format(time.DateOnly) }
	yesterday, tomorrow := today.AddDate(0, 0, -1), today.AddDate(0, 0, 1)

	count := func(query string) (int, [][]string) {
		t.Helper()
		doc := auditPage(t, admin, query, http.StatusOK)
		rows := auditRows(t, doc)
		if len(rows) == 0 && len(byTestID(doc, "audit-empty")) != 1 {
			t.Errorf("?%s: no rows and no message saying so", query)
		}
		return len(rows), rows
	}
	// The expected counts, read straight from the table.
	countWhere := func(cond string) int {
		t.Helper()
		n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE `+cond)
		if n == 0 {
			t.Fatalf("no audit entry where %s: the filter would prove nothing", cond)
		}
		return n
	}
	tests := []struct {
		name  string
		query url.Values
		want  int
		check func(row []string) bool
	}{
		// The admin's sign-in and deactivation of the nucleo.
		{"Actor", url.Values{"actor": {e.emails["admin"]}}, 2, func(r []string) bool { return r[1] == e.emails["admin"] }},
		{"ActorUpperCase", url.Values{"actor": {" " + strings.ToUpper(e.emails["admin"]) + " "}}, 2, func(r []string) bool { return r[1] == e.emails["admin"] }},
		{"EntityAccess", url.Values{"entity": {"access"}}, countWhere(`entity = 'access'`), func(r []string) bool { return r[3] == "Accessi" }},
		{"ActorUnknown", url.Values{"actor": {"nessuno@traguardo.test"}}, 0, nil},
		{"EntityCycle", url.Values{"entity": {"cycle"}}, countWhere(`entity = 'cycle'`), func(r []string) bool { return strings.HasPrefix(r[3], "Ciclo 20") }},
		{"EntityUser", url.Values{"entity": {"user"}}, countWhere(`entity = 'user'`), func(r []string) bool { return strings.HasPrefix(r[3], "Utente ") }},
		{"ActorAndEntity", url.Values{"actor": {"demo"}, "entity": {"user"}}, countWhere(`actor = 'demo' AND entity = 'user'`),
			func(r []string) bool { return r[1] == "demo" && strings.HasPrefix(r[3], "Utente ") }},
		{"Today", url.Values{"from": {iso(today)}, "to": {iso(today)}}, len(all), nil},
		{"TodayItalian", url.Values{"from": {today.Format("02/01/2006")}, "to": {today.Format("02/01/2006")}}, len(all), nil},
		{"FromTomorrow", url.Values{"from": {iso(tomorrow)}}, 0, nil},
		{"ToYesterday", url.Values{"to": {iso(yesterday)}}, 0, nil},
		{"FromYesterday", url.Values{"from": {iso(yesterday)}}, len(all), nil},
		{"EntityUnknown", url.Values{"entity": {"nessuna"}}, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, rows := count(tc.query.Encode())
			if n != tc.want {
				t.Errorf("?%s: %d rows, want %d", tc.query.Encode(), n, tc.want)
			}
			for _, r := range rows {
				if tc.check != nil && !tc.check(r) {
					t.Errorf("?%s: row %q does not match the filter", tc.query.Encode(), r)
				}
			}
		})
	}

	t.Run("Kept", func(t *testing.T) {
		doc := auditPage(t, admin, url.Values{"actor": {"demo"}, "entity": {"user"}, "from": {iso(yesterday)}}.Encode(), http.StatusOK)
		if v, _ := attr(usersElementByID(t, doc, "actor"), "value"); v != "demo" {
			t.Errorf("actor field holds %q", v)
		}
		if v, _ := attr(usersElementByID(t, doc, "from"), "value"); v != iso(yesterday) {
			t.Errorf("from field holds %q", v)
		}
		var selected []string
		for _, o := range elements(usersElementByID(t, doc, "entity"), atom.Option) {
			if _, ok := attr(o, "selected"); ok {
				selected = append(selected, textOf(o))
			}
		}
		if !slices.Equal(selected, []string{"Utente"}) {
			t.Errorf("selected entities = %q, want Utente", selected)
		}
	})

	for _, tc := range []struct {
		name  string
		query url.Values
		field string
		want  string
	}{
		{"FromInvalid", url.Values{"from": {"2024-02-30"}}, "from", "Data non valida: usare il formato gg/mm/aaaa."},
		{"ToInvalid", url.Values{"to": {"domani"}}, "to", "Data non valida: usare il formato gg/mm/aaaa."},
		{"ActorControl", url.Values{"actor": {"admin\x01"}}, "actor", "Il valore contiene caratteri non ammessi."},
		{"ToBeforeFrom", url.Values{"from": {iso(today)}, "to": {iso(yesterday)}}, "to", "Il giorno finale non può precedere quello iniziale."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := auditPage(t, admin, tc.query.Encode(), http.StatusUnprocessableEntity)
			if got := usersFieldError(t, doc, tc.field); got != tc.want {
				t.Errorf("error of %s = %q, want %q", tc.field, got, tc.want)
			}
			if v, _ := attr(usersElementByID(t, doc, tc.field), "value"); v != tc.query.Get(tc.field) {
				t.Errorf("%s field holds %q, want what was typed %q", tc.field, v, tc.query.Get(tc.field))
			}
			if rows := auditRows(t, doc); len(rows) != 0 {
				t.Errorf("an invalid filter shows %d rows", len(rows))
			}
		})
	}
}

// TestAudit_Access: the admin and the nucleo read the log, other roles get
// 403, and nothing can be sent to it.
func TestAudit_Access(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	for role, want := range map[string]int{"admin": 200, "nucleo": 200, "responsabile": 403, "direttore": 403, "osservatore": 403} {
		c := e.signedIn(t, role)
		r := c.get("/registro")
		if r.Status != want {
			t.Errorf("GET /registro as %s: status %d, want %d", role, r.Status, want)
		}
		if want == http.StatusOK {
			for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
				before := secSnapshot(t, e.pool)
				if r := c.do(m, "/registro", url.Values{}, nil); r.Status != http.StatusMethodNotAllowed {
					t.Errorf("%s /registro as %s: status %d, want 405", m, role, r.Status)
				}
				secRequireUnchanged(t, m+" /registro", before, secSnapshot(t, e.pool), "sessions")
			}
		}
	}
}

// TestUsers_BrowserAccessibility runs axe-core in a real browser on the
// users page (as it opens, with a refused form, with a one-time password),
// on an account's edit page (as it opens, refused) and confirmation pages,
// and on the audit page (with its table, with a refused filter).
func TestUsers_BrowserAccessibility(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := browsertest.New(t)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("signing in",
		chromedp.Navigate(e.srv.URL+"/accedi"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), e.emails["admin"]),
		chromedp.SendKeys(chromedp.CSS(`#password`), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="main-nav"]`)),
	)

	step("opening the users page",
		chromedp.Navigate(e.srv.URL+"/admin/utenti"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="users-table"]`)),
	)
	browsertest.AssertAccessible(t, ctx)

	step("sending an empty form",
		chromedp.Click(chromedp.CSS(`[data-testid="create-user"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-email"]`)),
	)
	browsertest.AssertAccessible(t, ctx)

	step("creating an account",
		chromedp.SendKeys(chromedp.CSS(`#email`), "browser@traguardo.test"),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Utente dal browser"),
		chromedp.SetValue(chromedp.CSS(`#role`), "nucleo"),
		chromedp.Click(chromedp.CSS(`[data-testid="create-user"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="one-time-password"]`)),
	)
	browsertest.AssertAccessible(t, ctx)
	if _, hash := usersAccount(t, e.st, "browser@traguardo.test"); hash == "" {
		t.Error("the account made in the browser has no password")
	}

	edit := e.srv.URL + "/admin/utenti/" + strconv.FormatInt(e.targetID, 10)
	step("opening an account's edit page",
		chromedp.Navigate(edit+"/modifica"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="edit-user-form"]`)),
	)
	browsertest.AssertAccessible(t, ctx)

	step("saving it with no name and a centre for an observer",
		chromedp.SetValue(chromedp.CSS(`#name`), " "), // trimmed: no name
		chromedp.Click(chromedp.CSS(`#centre-`+strconv.FormatInt(e.centreRefID(t), 10))),
		chromedp.Click(chromedp.CSS(`[data-testid="save-user"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-name"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-centres"]`)),
	)
	browsertest.AssertAccessible(t, ctx)

	step("saving it as a direttore",
		chromedp.SendKeys(chromedp.CSS(`#name`), "Bersaglio dal browser"),
		chromedp.Click(chromedp.CSS(`#centre-`+strconv.FormatInt(e.centreRefID(t), 10))),
		chromedp.SetValue(chromedp.CSS(`#role`), "direttore"),
		chromedp.Click(chromedp.CSS(`[data-testid="save-user"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="users-table"]`)),
	)
	if u, _ := usersAccount(t, e.st, secTargetEmail); u.Name != "Bersaglio dal browser" || u.Role != auth.Director {
		t.Errorf("the account saved in the browser: %+v", u)
	}

	for _, page := range []string{"/password", "/stato"} {
		step("opening the confirmation "+page,
			chromedp.Navigate(edit+page),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm-form"]`)),
		)
		browsertest.AssertAccessible(t, ctx)
	}

	step("opening the audit page",
		chromedp.Navigate(e.srv.URL+"/registro"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit-table"]`)),
	)
	browsertest.AssertAccessible(t, ctx)

	step("filtering with a bad date",
		chromedp.Navigate(e.srv.URL+"/registro?from=31%2F02%2F2024"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-from"]`)),
	)
	browsertest.AssertAccessible(t, ctx)
}

// TestAudit_Truncated: a log longer than a page shows the newest entries and
// says that older ones are left out.
func TestAudit_Truncated(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	nuc := e.signedIn(t, "nucleo") // before the entries, so its sign-in is older
	if _, err := e.pool.Exec(context.Background(), `
		INSERT INTO audit_log (actor, action, entity, entity_id, new_value)
		SELECT 'cli', 'update', 'centre', 100000 + n, jsonb_build_object('name', 'CENTRO ' || n) FROM generate_series(1, 250) n`); err != nil {
		t.Fatal(err)
	}
	doc := auditPage(t, nuc, "", http.StatusOK)
	rows := auditRows(t, doc)
	if len(rows) != 200 {
		t.Fatalf("%d rows, want the newest 200", len(rows))
	}
	if got := rows[0][1:4]; !slices.Equal(got, []string{"cli", "Modifica", "Centro di responsabilità «CENTRO 250»"}) {
		t.Errorf("first row = %q, want the newest entry", got)
	}
	caption := children(oneByTestID(t, doc, "audit-table"), atom.Caption)
	if len(caption) != 1 || !strings.Contains(textOf(caption[0]), "sono mostrate le 200 più recenti") {
		t.Errorf("the caption does not say that older entries are left out")
	}
	if doc := auditPage(t, e.signedIn(t, "admin"), "entity=user", http.StatusOK); strings.Contains(textOf(doc), "più recenti:") {
		t.Error("a short result says that entries are left out")
	}
}
