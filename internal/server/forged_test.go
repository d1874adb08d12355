package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"traguardo/internal/demo"
	"traguardo/internal/server"
)

// crossSite are the headers a browser sends with a form posted from another
// site to this one.
var crossSite = http.Header{"Origin": {"http://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}

// forgedCase is a request that the server must refuse with 403 without
// writing anything. Add a row for every new form (plan changes, progress
// entry, approvals…): the role that must not send it, and the form that
// would change something if it were let through.
type forgedCase struct {
	name string
	// role sends the request, signed in as its demo account (secAnonymous:
	// no session).
	role string
	// path is a route pattern: secEnv.path puts real ids in it.
	method, path string
	form         url.Values
	// header is added to the request (cross-site headers, say).
	header http.Header
	// control is the role whose same request, sent from this site, does
	// change the database: it proves the form would have had an effect.
	// Empty for no control.
	control string
	// crossOrigin marks a refusal by the cross-origin protection, which comes
	// before the session is read: then even the session's expiry must stay
	// as it was, and no cookie may be set.
	crossOrigin bool
}

func forgedCases() []forgedCase {
	// One form for every attempt: the refused ones share a database, and
	// the control runs once per distinct request.
	newUser := url.Values{"email": {"forgiato@traguardo.test"}, "name": {"Account forgiato"}, "role": {"admin"}}
	deactivate := url.Values{"active": {"false"}}
	promote := url.Values{"name": {"Bersaglio promosso"}, "role": {"admin"}}
	var cases []forgedCase
	// Roles without ManageUsers on each form of the administration of users.
	for _, role := range []string{"responsabile", "direttore", "nucleo", "osservatore"} {
		cases = append(cases,
			forgedCase{name: role + " creates a user", role: role, method: "POST", path: "/admin/utenti",
				form: newUser, control: "admin"},
			forgedCase{name: role + " resets a password", role: role, method: "POST", path: "/admin/utenti/{id}/password",
				form: url.Values{}, control: "admin"},
			forgedCase{name: role + " deactivates a user", role: role, method: "POST", path: "/admin/utenti/{id}/stato",
				form: deactivate, control: "admin"},
			forgedCase{name: role + " makes a user admin", role: role, method: "POST", path: "/admin/utenti/{id}/modifica",
				form: promote, control: "admin"},
		)
	}
	// Roles without EditPlan on each form of the plan.
	objective := url.Values{"section": {"Obiettivi di performance"}, "number": {"97"}, "title": {"Obiettivo forgiato"}}
	for _, role := range []string{"responsabile", "nucleo", "osservatore"} {
		cases = append(cases,
			forgedCase{name: role + " creates an objective", role: role, method: "POST", path: "/cicli/{year}/centri/{centre}/obiettivi/nuovo",
				form: objective, control: "direttore"},
			forgedCase{name: role + " edits an objective", role: role, method: "POST", path: "/cicli/{year}/obiettivi/{id}/modifica",
				form: objective, control: "direttore"},
			forgedCase{name: role + " deletes an objective", role: role, method: "POST", path: "/cicli/{year}/obiettivi/{id}/elimina",
				form: url.Values{}, control: "direttore"},
			forgedCase{name: role + " moves an objective", role: role, method: "POST", path: "/cicli/{year}/obiettivi/{id}/sposta",
				form: url.Values{"direction": {"giu"}}, control: "direttore"},
		)
	}
	// Roles without EditLegal on the form of the legal notices.
	notices := legalFormValues()
	for _, role := range []string{"direttore", "responsabile", "nucleo", "osservatore"} {
		cases = append(cases, forgedCase{name: role + " edits the legal notices", role: role, method: "POST", path: "/admin/note-legali",
			form: notices, control: "admin"})
	}
	cases = append(cases, forgedCase{name: "cross-site edit of the legal notices", role: "admin", method: "POST", path: "/admin/note-legali",
		form: notices, header: crossSite, control: "admin", crossOrigin: true})
	cases = append(cases,
		forgedCase{name: "cross-site objective deletion", role: "direttore", method: "POST", path: "/cicli/{year}/obiettivi/{id}/elimina",
			form: url.Values{}, header: crossSite, control: "direttore", crossOrigin: true},
		forgedCase{name: "cross-site objective edit", role: "direttore", method: "POST", path: "/cicli/{year}/obiettivi/{id}/modifica",
			form: objective, header: crossSite, control: "direttore", crossOrigin: true},
	)
	cases = append(cases,
		// Cross-site forms, each sent with a session of a role that holds
		// the permission (or, for /accedi, with good credentials).
		forgedCase{name: "cross-site sign-in", role: secAnonymous, method: "POST", path: "/accedi",
			form:   url.Values{"email": {"admin@traguardo.test"}, "password": {demo.DefaultPassword}, "next": {"/"}},
			header: crossSite, control: secAnonymous, crossOrigin: true},
		forgedCase{name: "cross-site sign-out", role: "osservatore", method: "POST", path: "/esci",
			form: url.Values{}, header: crossSite, control: "osservatore", crossOrigin: true},
		forgedCase{name: "cross-site password change", role: "osservatore", method: "POST", path: "/profilo/password",
			form:   url.Values{"current": {demo.DefaultPassword}, "new": {"scelta-dall-attaccante"}, "confirm": {"scelta-dall-attaccante"}},
			header: crossSite, control: "osservatore", crossOrigin: true},
		forgedCase{name: "cross-site user creation", role: "admin", method: "POST", path: "/admin/utenti",
			form: newUser, header: crossSite, control: "admin", crossOrigin: true},
		forgedCase{name: "cross-site password reset", role: "admin", method: "POST", path: "/admin/utenti/{id}/password",
			form: url.Values{}, header: crossSite, control: "admin", crossOrigin: true},
		forgedCase{name: "cross-site deactivation", role: "admin", method: "POST", path: "/admin/utenti/{id}/stato",
			form: deactivate, header: crossSite, control: "admin", crossOrigin: true},
		forgedCase{name: "cross-site account edit", role: "admin", method: "POST", path: "/admin/utenti/{id}/modifica",
			form: promote, header: crossSite, control: "admin", crossOrigin: true},
		// Browsers that send Origin but not Sec-Fetch-Site.
		forgedCase{name: "cross-origin user creation, Origin only", role: "admin", method: "POST", path: "/admin/utenti",
			form: newUser, header: http.Header{"Origin": {"http://evil.example"}}, control: "admin", crossOrigin: true},
		// A sibling subdomain is another site's content too.
		forgedCase{name: "same-site but cross-origin user creation", role: "admin", method: "POST", path: "/admin/utenti",
			form:   newUser,
			header: http.Header{"Origin": {"http://altro.traguardo.test"}, "Sec-Fetch-Site": {"same-site"}}, control: "admin", crossOrigin: true},
	)
	return cases
}

// TestForged sends each forged request: 403, and no table of the database
// changed. The forged requests share one database (none of them may change
// it); then each distinct request, sent from this site by its control role
// on a database of its own, does change it.
func TestForged(t *testing.T) {
	t.Parallel()
	cases := forgedCases()
	e := newSecEnv(t, server.Config{})
	clients := map[string]*secClient{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := clients[tc.role]
			if c == nil {
				c = e.signedIn(t, tc.role)
				clients[tc.role] = c
			}
			path := e.path(t, tc.method+" "+tc.path)
			before := secSnapshot(t, e.pool)
			r := c.do(tc.method, path, tc.form, tc.header)
			if r.Status != http.StatusForbidden {
				t.Fatalf("%s %s as %s: status %d, want 403 (Location %q); body:\n%.800s", tc.method, path, tc.role, r.Status, r.Location(), r.Body)
			}
			after := secSnapshot(t, e.pool)
			if tc.crossOrigin {
				secRequireUnchanged(t, tc.name, before, after)
				if k := r.cookie(); k != nil {
					t.Errorf("%s: the refusal sets the session cookie %v", tc.name, k)
				}
				if !strings.Contains(r.Body, "Richiesta rifiutata: proviene da un altro sito.") {
					t.Errorf("%s: 403 without the Italian explanation: %q", tc.name, r.Body)
				}
			} else {
				// The request's own session had its expiry moved on: only the
				// tokens of the sessions must stay.
				secRequireUnchanged(t, tc.name, before, after, "sessions")
				if !strings.Contains(r.Body, "Accesso negato") {
					t.Errorf("%s: 403 without the Italian error page:\n%.800s", tc.name, r.Body)
				}
			}
			if tc.role != secAnonymous {
				c.requireSignedIn("after the refused request")
			}
		})
	}

	done := map[string]bool{}
	for _, tc := range cases {
		key := tc.control + " " + tc.method + " " + tc.path + " " + tc.form.Encode()
		if tc.control == "" || done[key] {
			continue
		}
		done[key] = true
		t.Run("control "+tc.name, func(t *testing.T) {
			t.Parallel()
			e := newSecEnv(t, server.Config{})
			path := e.path(t, tc.method+" "+tc.path)
			ctl := e.signedIn(t, tc.control)
			form := tc.form
			if tc.method == http.MethodPost {
				form = ctl.withVersion(path, form) // as the page would send it
			}
			before := secSnapshot(t, e.pool)
			r := ctl.do(tc.method, path, form, nil)
			if r.Status >= 400 {
				t.Fatalf("%s %s as %s from this site: status %d; body:\n%.800s", tc.method, path, tc.control, r.Status, r.Body)
			}
			after := secSnapshot(t, e.pool)
			changed := false
			for k := range before {
				if k != "sessions" && before[k] != after[k] {
					changed = true
				}
			}
			if !changed {
				t.Errorf("%s %s as %s from this site changed nothing, so its refusal proves nothing", tc.method, path, tc.control)
			}
		})
	}
}

// TestForged_SignInRedirectStaysOnSite signs in with a next parameter that
// points elsewhere: the redirect goes to / only.
func TestForged_SignInRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	for _, next := range []string{
		"//evil.example",
		"https://evil.example",
		"http://evil.example/accedi",
		"/\\evil.example",
		"\\\\evil.example",
		"/\t/evil.example",   // browsers drop tabs and newlines: "//evil.example"
		"/\n/evil.example",   // idem
		"/\r\n/evil.example", // idem
		"javascript:alert(1)",
		"evil.example",
		"",
		"/./\\evil.example", // cleaned, "/\evil.example": a browser reads //evil.example
		"\\/evil.example",
		"/%5Cevil.example", // the backslash, encoded
		"/%5C%5Cevil.example",
		"/%2F%2Fevil.example", // "///evil.example" once decoded
		"/.//evil.example",
		"/../\\evil.example",
		"/%09/evil.example",
		"/.%2F/evil.example",
		"https:/evil.example",
		"/pagina-che-non-esiste", // on the site, but no page of it
		"JaVaScRiPt:alert(1)",
	} {
		t.Run(strconv.Quote(next), func(t *testing.T) {
			// A raw round trip: a client would choke on a Location with a tab.
			status, loc := e.rawPost(t, "/accedi", url.Values{"email": {e.emails["osservatore"]}, "password": {demo.DefaultPassword}, "next": {next}})
			if status != http.StatusSeeOther || loc != "/" {
				t.Errorf("next=%q: status %d, Location %q, want 303 to /", next, status, loc)
			}
			// The sign-in form carries next along: it must not carry it there either.
			r := e.client(t).get("/accedi?next=" + url.QueryEscape(next))
			if r.Status != http.StatusOK {
				t.Fatalf("GET /accedi?next=%q: status %d", next, r.Status)
			}
			doc := parseHTML(t, r.Body)
			var got []string
			for _, in := range findAll(doc, func(n *html.Node) bool { v, _ := attr(n, "name"); return n.Data == "input" && v == "next" }) {
				v, _ := attr(in, "value")
				got = append(got, v)
			}
			if len(got) != 1 || got[0] != "/" {
				t.Errorf("GET /accedi?next=%q: hidden next %q, want [\"/\"]", next, got)
			}
		})
	}
	// A next on this site is kept (cleaned), so the checks above can tell.
	for next, want := range map[string]string{
		"/cicli/2023":                         "/cicli/2023",
		"/cicli/./2023":                       "/cicli/2023",
		"/cicli/2023/cruscotto?al=2023-06-30": "/cicli/2023/cruscotto?al=2023-06-30",
		"/":                                   "/",
	} {
		r := e.client(t).post("/accedi", url.Values{"email": {e.emails["osservatore"]}, "password": {demo.DefaultPassword}, "next": {next}})
		if r.Status != http.StatusSeeOther || r.Location() != want {
			t.Errorf("next=%s: status %d, Location %q, want 303 to %s", next, r.Status, r.Location(), want)
		}
	}
}
