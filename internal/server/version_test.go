package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/auth"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// The tests of lost updates: two people edit the same record; the second
// save, made on what the first replaced, is refused and shown again with
// what the first saved. Their helpers start with ver.

// verSignIn creates an account of role named name and returns a client
// signed in to it.
func verSignIn(t *testing.T, e *secEnv, role auth.Role, email, name string) *secClient {
	t.Helper()
	const password = "una-password-di-prova"
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateUser(context.Background(), store.Actor{Name: "test"}, store.NewUser{
		Email: email, Name: name, Role: role, PasswordHash: hash,
	}); err != nil {
		t.Fatalf("creating %s: %v", email, err)
	}
	c := e.client(t)
	c.signIn(email, password)
	return c
}

// verStale checks a refused save: 409, the notice naming who saved and the
// fields they changed (label: value, as the form shows them) and nothing
// else, and the version now in the form posting to path. It returns the
// page and that version.
func verStale(t *testing.T, r *secResponse, path, by string, want []string) string {
	t.Helper()
	usersRequireStatus(t, "the stale save", r, http.StatusConflict)
	doc := parseHTML(t, r.Body)
	notice := textOf(oneByTestID(t, doc, "stale"))
	today := time.Now().In(verRome(t)).Format("02/01/2006")
	if head := "Nel frattempo " + by + " ha modificato "; !strings.Contains(notice, head) || !strings.Contains(notice, " il "+today+" alle ") {
		t.Errorf("notice %q: want %q, with today's date", notice, head)
	}
	var got []string
	for _, ul := range byTestID(doc, "stale-fields") {
		for _, li := range elements(ul, atom.Li) {
			got = append(got, strings.ReplaceAll(strings.Join(strings.Fields(textOf(li)), " "), " : ", ": "))
		}
	}
	if !equalStrings(got, want) {
		t.Errorf("notice lists %q, want %q", got, want)
	}
	if len(byTestID(doc, "form-errors")) != 0 {
		t.Error("a stale save shows the error summary too")
	}
	usersLabelled(t, "the stale page", doc)
	v, ok := secFormVersion(doc, path)
	if !ok {
		t.Fatalf("the stale page has no form posting to %s with a version", path)
	}
	return v
}

// verForm is the form posting to path as the page that shows it holds it,
// as a browser would send it with its submit button.
func verForm(t *testing.T, c *secClient, page, path string) url.Values {
	t.Helper()
	r := c.get(page)
	usersRequireStatus(t, "GET "+page, r, http.StatusOK)
	doc := parseHTML(t, r.Body)
	for _, f := range findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Form }) {
		if action, _ := attr(f, "action"); action != path {
			continue
		}
		form := url.Values{}
		for _, n := range findAll(f, func(n *html.Node) bool {
			return n.DataAtom == atom.Input || n.DataAtom == atom.Textarea || n.DataAtom == atom.Select || n.DataAtom == atom.Button
		}) {
			name, ok := attr(n, "name")
			if !ok {
				continue
			}
			if kind, _ := attr(n, "type"); (kind == "checkbox" || kind == "radio") && !has(n, "checked") {
				continue
			}
			switch n.DataAtom {
			case atom.Textarea, atom.Select:
				form.Set(name, pfFieldValue(t, doc, name))
			default:
				v, _ := attr(n, "value")
				form.Add(name, v)
			}
		}
		return form
	}
	t.Fatalf("GET %s: no form posting to %s", page, path)
	return nil
}

func has(n *html.Node, key string) bool {
	_, ok := attr(n, key)
	return ok
}

func verRome(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestVersion_TwoDirectorsEditTheSameObjective: two directors open the
// same objective; the first saves, the second's save is refused with what
// the first changed and keeps what the second typed; saving again, knowing
// it, goes through.
func TestVersion_TwoDirectorsEditTheSameObjective(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	anna := verSignIn(t, e, auth.Director, "anna.bianchi@traguardo.test", "Anna Bianchi")
	carlo := verSignIn(t, e, auth.Director, "carlo.neri@traguardo.test", "Carlo Neri")
	path := fmt.Sprintf("/cicli/2023/obiettivi/%d/modifica", e.objectiveID)
	_, before := pfObjective(t, pfCycle(t, e.st), e.objectiveID)

	// Both open the form: the same version.
	annaRead, ok := anna.formVersion(path)
	carloRead, ok2 := carlo.formVersion(path)
	if !ok || !ok2 || annaRead != carloRead {
		t.Fatalf("the two forms carry versions %q (%v) and %q (%v), want the same", annaRead, ok, carloRead, ok2)
	}
	shown := verForm(t, carlo, path, path)
	form := func(title, services, version string) url.Values {
		f := url.Values{}
		for k, v := range shown {
			f[k] = v
		}
		f.Set("title", title)
		f.Set("services", services)
		f.Set("version", version)
		return f
	}

	pfRequireRedirect(t, "Anna's save", anna.post(path, form("Titolo di Anna", "Servizi di Anna", annaRead)), "/cicli/2023/obiettivi/")

	// Carlo saves on the version he read: refused.
	audits := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'objective' AND entity_id = $1`, e.objectiveID)
	r := carlo.post(path, form("Titolo di Carlo", "Servizi di Carlo", carloRead))
	now := verStale(t, r, path, "Anna Bianchi", []string{
		"Titolo dell'obiettivo: «Titolo di Anna»",
		"Servizi interessati: «Servizi di Anna»",
	})
	doc := parseHTML(t, r.Body)
	for field, want := range map[string]string{"title": "Titolo di Carlo", "services": "Servizi di Carlo", "number": "1"} {
		if got := pfFieldValue(t, doc, field); got != want {
			t.Errorf("after the refusal %s holds %q, want %q as Carlo typed it", field, got, want)
		}
	}
	if now == carloRead {
		t.Errorf("the refused form still carries version %s", now)
	}
	_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
	if o.Title != "Titolo di Anna" || o.Services != "Servizi di Anna" {
		t.Errorf("stored objective: title %q, services %q; want Anna's", o.Title, o.Services)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'objective' AND entity_id = $1`, e.objectiveID); n != audits {
		t.Errorf("the refused save wrote %d audit entries", n-audits)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'objective' AND entity_id = $1 AND action = 'update'`, e.objectiveID); n != 1 {
		t.Errorf("%d updates of the objective in the audit log, want Anna's only", n)
	}
	if o.Version != before.Version+1 {
		t.Errorf("version %d after one update, want %d", o.Version, before.Version+1)
	}

	// Carlo, having seen Anna's values, saves again: his replace them.
	pfRequireRedirect(t, "Carlo's second save", carlo.post(path, form("Titolo di Carlo", "Servizi di Carlo", now)), "/cicli/2023/obiettivi/")
	if _, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID); o.Title != "Titolo di Carlo" || o.Services != "Servizi di Carlo" {
		t.Errorf("after the second save: title %q, services %q; want Carlo's", o.Title, o.Services)
	}

	// Anna's old version is stale now in turn: a form made by hand without
	// a version too.
	usersRequireStatus(t, "Anna's stale save", anna.post(path, form("Ancora Anna", "", annaRead)), http.StatusConflict)
	noVersion := form("Senza versione", "", "")
	noVersion.Del("version")
	usersRequireStatus(t, "a save without a version", anna.do(http.MethodPost, path, noVersion, nil), http.StatusConflict)
	if _, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID); o.Title != "Titolo di Carlo" {
		t.Errorf("title %q after stale saves, want Carlo's", o.Title)
	}
}

// TestVersion_Stale: for every other record a form edits, a save on a
// version that someone else replaced is refused with what they changed,
// writes nothing, and goes through when made again on the version shown.
func TestVersion_Stale(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := pfCycle(t, e.st)
	_, o := pfObjective(t, c, e.objectiveID)
	act := fmt.Sprintf("/cicli/2023/attivita/%d/modifica", o.Activities[0].ID)
	ind := fmt.Sprintf("/cicli/2023/indicatori/%d/modifica", o.Indicators[0].ID)
	centre := fmt.Sprintf("/cicli/2023/centri/%d/modifica", e.centreID)
	last := c.Centres[len(c.Centres)-1]
	centreDel := fmt.Sprintf("/cicli/2023/centri/%d/elimina", last.ID)
	lastCentreEdit := fmt.Sprintf("/cicli/2023/centri/%d/modifica", last.ID)
	settings := "/cicli/2023/impostazioni"
	spare := fmt.Sprintf("/cicli/2023/obiettivi/%d", e.spareID)
	user := fmt.Sprintf("/admin/utenti/%d", e.targetID)

	// Each form as its page shows it, with one field changed.
	edited := func(path string, changes ...string) func(*testing.T, *secClient) url.Values {
		return func(t *testing.T, c *secClient) url.Values {
			f := verForm(t, c, path, path)
			for i := 0; i+1 < len(changes); i += 2 {
				f.Set(changes[i], changes[i+1])
			}
			f.Del("version") // post sends the version of the page
			return f
		}
	}
	cases := []struct {
		name        string
		role        auth.Role
		first       string                                  // where the first person saves
		firstForm   func(*testing.T, *secClient) url.Values // what
		path        string                                  // where the second saves, on the version read before
		form        func(*testing.T, *secClient) url.Values
		want        []string // the notice's fields
		field, kept string   // a field of the second form and what it holds after the refusal
		status      int      // the second's save once made again
		check       func(t *testing.T)
	}{
		{"Activity", auth.Director, act, edited(act, "description", "Descrizione di Anna"), act, edited(act, "description", "Descrizione di Carlo"),
			[]string{"Descrizione dell'attività: «Descrizione di Anna»"}, "description", "Descrizione di Carlo", http.StatusSeeOther,
			func(t *testing.T) {
				if _, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID); o.Activities[0].Description != "Descrizione di Carlo" {
					t.Errorf("activity %q", o.Activities[0].Description)
				}
			}},
		{"Indicator", auth.Director, ind, edited(ind, "name", "Indicatore di Anna"), ind, edited(ind, "name", "Indicatore di Carlo"),
			[]string{"Nome dell'indicatore: «Indicatore di Anna»"}, "name", "Indicatore di Carlo", http.StatusSeeOther,
			func(t *testing.T) {
				if _, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID); o.Indicators[0].Name != "Indicatore di Carlo" {
					t.Errorf("indicator %q", o.Indicators[0].Name)
				}
			}},
		{"Centre", auth.Director, centre, edited(centre, "manager", "Dott.ssa Anna"), centre, edited(centre, "manager", "Dott. Carlo"),
			[]string{"Responsabile di Area: «Dott.ssa Anna»"}, "manager", "Dott. Carlo", http.StatusSeeOther,
			func(t *testing.T) {
				if m := pfCycle(t, e.st).Centres[0].Manager; m != "Dott. Carlo" {
					t.Errorf("manager %q", m)
				}
			}},
		{"CycleSettings", auth.Director, settings, edited(settings, "band_reached", "90"), settings, edited(settings, "band_reached", "80"),
			[]string{"Soglia di raggiungimento (%): «90»"}, "band_reached", "80", http.StatusSeeOther,
			func(t *testing.T) {
				if b := pfCycle(t, e.st).Bands; b.Reached != 80 || b.Partial != 50 {
					t.Errorf("bands %+v", b)
				}
			}},
		{"ObjectiveDelete", auth.Director, spare + "/modifica", edited(spare+"/modifica", "title", "Titolo cambiato prima"), spare + "/elimina", edited(spare + "/elimina"),
			[]string{"Titolo dell'obiettivo: «Titolo cambiato prima»"}, "", "", http.StatusSeeOther,
			func(t *testing.T) {
				if _, _, ok := pfCycle(t, e.st).ObjectiveByID(e.spareID); ok {
					t.Error("the objective is still there")
				}
			}},
		{"CentreDelete", auth.Director, lastCentreEdit, edited(lastCentreEdit, "manager", "Dott. Nuovo"), centreDel, edited(centreDel),
			[]string{"Responsabile di Area: «Dott. Nuovo»"}, "", "", http.StatusSeeOther,
			func(t *testing.T) {
				if n := len(pfCycle(t, e.st).Centres); n != len(c.Centres)-1 {
					t.Errorf("%d centres, want %d", n, len(c.Centres)-1)
				}
			}},
		{"Account", auth.Admin, user + "/stato", edited(user + "/stato"), user + "/password", edited(user + "/password"),
			[]string{"Stato: Disattivato"}, "", "", http.StatusOK,
			func(t *testing.T) {
				if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'user' AND entity_id = $1 AND action = 'reset-password'`, e.targetID); n != 1 {
					t.Errorf("%d resets, want 1", n)
				}
			}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			anna := verSignIn(t, e, tc.role, fmt.Sprintf("anna%d@traguardo.test", i), "Anna Bianchi")
			carlo := verSignIn(t, e, tc.role, fmt.Sprintf("carlo%d@traguardo.test", i), "Carlo Neri")
			read, ok := carlo.formVersion(tc.path)
			if !ok {
				t.Fatalf("no version in the form posting to %s", tc.path)
			}
			form := tc.form(t, carlo) // as Carlo typed it, on the page he read
			if r := anna.post(tc.first, tc.firstForm(t, anna)); r.Status != http.StatusSeeOther {
				t.Fatalf("Anna's save: status %d; body:\n%.1500s", r.Status, r.Body)
			}
			before := pfSnapshot(t, e, anna)
			form.Set("version", read)
			r := carlo.post(tc.path, form)
			now := verStale(t, r, tc.path, "Anna Bianchi", tc.want)
			pfRequireUnchanged(t, "the stale save", e, anna, before)
			if tc.field != "" {
				if got := pfFieldValue(t, parseHTML(t, r.Body), tc.field); got != tc.kept {
					t.Errorf("after the refusal %s holds %q, want %q as typed", tc.field, got, tc.kept)
				}
			}
			form.Set("version", now)
			if r := carlo.post(tc.path, form); r.Status != tc.status {
				t.Fatalf("saving again: status %d, want %d; body:\n%.1500s", r.Status, tc.status, r.Body)
			}
			tc.check(t)
		})
	}
}
