package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/auth"
	"traguardo/internal/store"
)

// The helpers of the tests of the administration of users and of the audit
// log. They build on the secEnv of security_helpers_test.go; their names
// start with users or audit.

// usersAccount reads an account by email.
func usersAccount(t testing.TB, st *store.Store, email string) (*auth.User, string) {
	t.Helper()
	u, hash, err := st.UserForSignIn(context.Background(), email)
	if err != nil {
		t.Fatalf("account %s: %v", email, err)
	}
	return u, hash
}

// usersOneTime reads the one-time password block of a page: the email it is
// for and the password. It fails t when the page has none.
func usersOneTime(t testing.TB, doc *html.Node) (email, password string) {
	t.Helper()
	block := oneByTestID(t, doc, "one-time")
	if role, _ := attr(block, "role"); role != "status" {
		t.Errorf("the one-time password block has role %q, want status", role)
	}
	email = textOf(oneByTestID(t, block, "one-time-email"))
	pw := oneByTestID(t, block, "one-time-password")
	if pw.DataAtom != atom.Code {
		t.Errorf("the one-time password is in a <%s>, want <code>", pw.Data)
	}
	password = textOf(pw)
	if len(password) < auth.MinPasswordLength || strings.ContainsAny(password, " 0O1lI") {
		t.Errorf("one-time password %q: too short or with ambiguous characters", password)
	}
	return email, password
}

// usersElementByID returns the element with the id, failing t when there is
// not exactly one.
func usersElementByID(t testing.TB, doc *html.Node, id string) *html.Node {
	t.Helper()
	found := findAll(doc, func(n *html.Node) bool {
		v, ok := attr(n, "id")
		return n.Type == html.ElementNode && ok && v == id
	})
	if len(found) != 1 {
		t.Fatalf("%d elements with id %q, want 1", len(found), id)
	}
	return found[0]
}

// usersFieldError returns the error shown for a field of a form ("" for
// none) and checks that it sits next to the field and is tied to it: the
// control (or the fieldset of a group) names it in aria-describedby, and
// the error is in the same form group.
func usersFieldError(t testing.TB, doc *html.Node, field string) string {
	t.Helper()
	errs := byTestID(doc, "error-"+field)
	if len(errs) == 0 {
		return ""
	}
	if len(errs) > 1 {
		t.Fatalf("%d errors for field %s", len(errs), field)
	}
	e := errs[0]
	id, _ := attr(e, "id")
	if id == "" {
		t.Fatalf("the error of %s has no id", field)
	}
	var control *html.Node
	if field == "centres" {
		control = findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Fieldset })[0]
		if !isAncestor(control, e) {
			t.Errorf("the error of %s is not inside its fieldset", field)
		}
	} else {
		control = usersElementByID(t, doc, field)
		if e.Parent != control.Parent {
			t.Errorf("the error of %s is not next to its field", field)
		}
		if v, _ := attr(control, "aria-invalid"); v != "true" {
			t.Errorf("field %s has an error but not aria-invalid", field)
		}
	}
	if v, _ := attr(control, "aria-describedby"); v != id {
		t.Errorf("field %s: aria-describedby %q, want the id of its error %q", field, v, id)
	}
	return textOf(e)
}

func isAncestor(a, n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == a {
			return true
		}
	}
	return false
}

// usersLabelled checks that every visible form control under n has a label.
func usersLabelled(t testing.TB, what string, n *html.Node) {
	t.Helper()
	labels := map[string]bool{}
	for _, l := range elements(n, atom.Label) {
		if v, ok := attr(l, "for"); ok {
			labels[v] = true
		}
	}
	for _, c := range findAll(n, func(d *html.Node) bool {
		return d.DataAtom == atom.Input || d.DataAtom == atom.Select || d.DataAtom == atom.Textarea
	}) {
		if kind, _ := attr(c, "type"); kind == "hidden" {
			continue
		}
		id, _ := attr(c, "id")
		if id == "" || !labels[id] {
			name, _ := attr(c, "name")
			t.Errorf("%s: the control %s (id %q) has no label", what, name, id)
		}
	}
}

// usersCheckTable checks a data table's accessible structure: a caption and
// a scope on every header cell.
func usersCheckTable(t testing.TB, what string, table *html.Node) {
	t.Helper()
	if caps := children(table, atom.Caption); len(caps) != 1 || textOf(caps[0]) == "" {
		t.Errorf("%s: the table has no caption", what)
	}
	for _, th := range elements(table, atom.Th) {
		if s, _ := attr(th, "scope"); s != "col" && s != "row" {
			t.Errorf("%s: <th> %q has scope %q", what, textOf(th), s)
		}
	}
}

// usersRow returns the cells of the row of email in the users table.
func usersRow(t testing.TB, doc *html.Node, email string) (*html.Node, []string) {
	t.Helper()
	for _, tr := range byTestID(doc, "user-row") {
		cells := cellTexts(tr)
		if len(cells) > 0 && cells[0] == email {
			return tr, cells
		}
	}
	t.Fatalf("no row for %s in the users table", email)
	return nil, nil
}

// auditRows returns the cells of each row of the audit table, in page order.
func auditRows(t testing.TB, doc *html.Node) [][]string {
	t.Helper()
	var out [][]string
	for _, tr := range byTestID(doc, "audit-row") {
		out = append(out, cellTexts(tr))
	}
	return out
}

// auditPage fetches the audit page with a query and returns it parsed.
func auditPage(t testing.TB, c *secClient, query string, want int) *html.Node {
	t.Helper()
	path := "/registro"
	if query != "" {
		path += "?" + query
	}
	r := c.get(path)
	if r.Status != want {
		t.Fatalf("GET %s: status %d, want %d; body:\n%.1500s", path, r.Status, want, r.Body)
	}
	return parseHTML(t, r.Body)
}

// auditRome is Italian time, in which the page shows and reads dates.
func auditRome(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatalf("Europe/Rome: %v", err)
	}
	return loc
}

// usersRequireStatus fails t unless r has the status.
func usersRequireStatus(t testing.TB, what string, r *secResponse, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d (Location %q); body:\n%.1500s", what, r.Status, want, r.Location(), r.Body)
	}
	if want == http.StatusOK || want == http.StatusUnprocessableEntity {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s: Content-Type %q", what, ct)
		}
	}
}
