package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"traguardo/internal/demo"
)

// The messages of a form kept after its session expired.
const (
	keptSignInMsg = "La sessione è scaduta: accedere di nuovo per salvare quanto inserito. I valori sono stati conservati."
	keptRestored  = "Valori ripristinati dopo l'accesso: verificare e salvare."
	keptCookie    = "traguardo_modulo"
)

var ownerField = regexp.MustCompile(`name="form_owner" value="([^"]+)"`)

// keptOwner reads the owner token of the form on the page at path.
func keptOwner(t *testing.T, c *secClient, path string) string {
	t.Helper()
	r := c.get(path)
	m := ownerField.FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		t.Fatalf("GET %s: status %d, owner field %v; body:\n%.1500s", path, r.Status, m, r.Body)
	}
	return m[1]
}

// expireSession ends c's session as its idle timeout would: the row is gone.
func expireSession(t *testing.T, e *secEnv, c *secClient) {
	t.Helper()
	if _, err := e.pool.Exec(context.Background(), `DELETE FROM sessions WHERE token = $1`, c.session()); err != nil {
		t.Fatal(err)
	}
}

// keptPost posts the manager's draft, with the owner token, after the
// session expired, and checks that it was kept: 303 to sign in with next
// at the form, a cookie, one kept row, nothing saved.
func keptPost(t *testing.T, f *progressFixture, c *secClient) {
	t.Helper()
	owner := keptOwner(t, c, f.path)
	expireSession(t, f.e, c)
	form := f.draft()
	form.Set("form_owner", owner)
	r := c.do(http.MethodPost, f.path, form, nil)
	if want := "/accedi?next=" + url.QueryEscape(f.path); r.Status != http.StatusSeeOther || r.Location() != want {
		t.Fatalf("save after the session expired: status %d to %q, want 303 to %q", r.Status, r.Location(), want)
	}
	var cookie *http.Cookie
	for _, k := range r.Cookies {
		if k.Name == keptCookie {
			cookie = k
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.MaxAge <= 0 || cookie.MaxAge > 3*3600 {
		t.Errorf("kept form cookie %+v, want an HttpOnly cookie of a few hours", cookie)
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM kept_forms`); n != 1 {
		t.Errorf("%d kept forms, want 1", n)
	}
	if n := keptSaved(t, f); n != 0 {
		t.Errorf("%d values saved by the expired post, want none", n)
	}
	page := c.get(r.Location())
	if page.Status != http.StatusOK || !strings.Contains(html.UnescapeString(page.Body), keptSignInMsg) {
		t.Errorf("sign-in page: status %d, message %v", page.Status, strings.Contains(html.UnescapeString(page.Body), keptSignInMsg))
	}
}

// keptSaved counts what is stored of the objective's progress at the period.
func keptSaved(t *testing.T, f *progressFixture) int {
	t.Helper()
	return secCount(t, f.e.pool, `SELECT (SELECT count(*) FROM indicator_values WHERE period_id = $1 AND indicator_id = ANY($2))
		+ (SELECT count(*) FROM progress_reports WHERE period_id = $1 AND objective_id = $3)`, f.pid, f.indicators, f.objective)
}

// TestKept_ExpiredSaveRestoredToSameAccountOnly: a save posted after the
// session expired is kept; the director signing in on the same browser (who
// may correct the form) does not get it; another browser of the manager
// does not get it; the manager signing in again on the browser gets the
// form with the values and the message, unsaved, once; saving then works.
func TestKept_ExpiredSaveRestoredToSameAccountOnly(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	c := f.manager(t, "finanziaria")
	keptPost(t, f, c)

	// The director, on the same browser.
	c.signIn(f.e.emails["direttore"], demo.DefaultPassword)
	page := c.get(f.path)
	if page.Status != http.StatusOK || strings.Contains(html.UnescapeString(page.Body), keptRestored) || strings.Contains(page.Body, "Primo trimestre") {
		t.Errorf("the director got the manager's kept form: status %d; body:\n%.1500s", page.Status, page.Body)
	}
	c.post("/esci", nil)

	// The manager, on another browser.
	other := f.manager(t, "finanziaria")
	if page := other.get(f.path); strings.Contains(html.UnescapeString(page.Body), keptRestored) {
		t.Errorf("another browser of the manager got the kept form")
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM kept_forms`); n != 1 {
		t.Fatalf("%d kept forms after other accounts and browsers signed in, want 1", n)
	}

	// The manager, on the browser that posted it.
	r := c.post("/accedi", url.Values{"email": {"responsabile.finanziaria@traguardo.test"}, "password": {demo.DefaultPassword}, "next": {f.path}})
	if r.Status != http.StatusSeeOther || r.Location() != f.path {
		t.Fatalf("sign in: status %d to %q, want 303 to the form", r.Status, r.Location())
	}
	page = c.get(f.path)
	if page.Status != http.StatusOK || !strings.Contains(html.UnescapeString(page.Body), keptRestored) {
		t.Fatalf("the form after signing in again: status %d, message %v; body:\n%.1500s", page.Status, strings.Contains(html.UnescapeString(page.Body), keptRestored), page.Body)
	}
	for _, want := range []string{`value="12"`, "Dati non ancora disponibili", `value="2024-02"`, "Primo trimestre", "data-unsaved"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the restored form lacks %s", want)
		}
	}
	if n := keptSaved(t, f); n != 0 {
		t.Errorf("%d values saved by restoring the form, want none before the user saves", n)
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM kept_forms`); n != 0 {
		t.Errorf("%d kept forms after it was shown, want 0", n)
	}
	if again := c.get(f.path); strings.Contains(html.UnescapeString(again.Body), keptRestored) || strings.Contains(again.Body, "Primo trimestre") {
		t.Errorf("the kept form was shown twice")
	}
	if r := c.post(f.path, f.draft()); r.Status != http.StatusSeeOther || r.Location() != f.path {
		t.Fatalf("save: status %d to %q; body:\n%.1500s", r.Status, r.Location(), r.Body)
	}
	if n := keptSaved(t, f); n == 0 {
		t.Errorf("nothing saved by the user's save")
	}
}

// TestKept_Expires: a kept form past its time is neither announced on the
// sign-in page nor restored, and is deleted when another form is kept.
func TestKept_Expires(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	c := f.manager(t, "finanziaria")
	keptPost(t, f, c)
	if _, err := f.e.pool.Exec(context.Background(), `UPDATE kept_forms SET expires_at = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	if page := c.get("/accedi?next=" + url.QueryEscape(f.path)); strings.Contains(html.UnescapeString(page.Body), keptSignInMsg) {
		t.Errorf("the sign-in page announces an expired kept form")
	}
	c.signIn("responsabile.finanziaria@traguardo.test", demo.DefaultPassword)
	if page := c.get(f.path); strings.Contains(html.UnescapeString(page.Body), keptRestored) || strings.Contains(page.Body, "Primo trimestre") {
		t.Errorf("an expired kept form was restored")
	}
	other := f.manager(t, "finanziaria")
	keptPost(t, f, other) // checks that only the new one is left
}

// TestKept_OnlyWithValidOwner: a post without a session and without a valid
// owner token (none, forged, another installation's) is not kept: the
// browser is sent to sign in as before.
func TestKept_OnlyWithValidOwner(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	c := f.manager(t, "finanziaria")
	owner := keptOwner(t, c, f.path)
	expireSession(t, f.e, c)
	id, rest, _ := strings.Cut(owner, ".")
	forged := map[string]string{
		"none":          "",
		"bad mac":       owner + "x",
		"other account": "1." + rest,
		"garbage":       "a.b.c",
		"id only":       id,
	}
	for name, token := range forged {
		form := f.draft()
		if token != "" {
			form.Set("form_owner", token)
		}
		r := c.do(http.MethodPost, f.path, form, nil)
		if r.Status != http.StatusSeeOther || r.Location() != "/accedi" {
			t.Errorf("%s: status %d to %q, want 303 to /accedi", name, r.Status, r.Location())
		}
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM kept_forms`); n != 0 {
		t.Errorf("%d kept forms, want none", n)
	}
}

// TestKept_CrossOriginRefused: a cross-site post with a valid owner token
// is refused before anything is kept.
func TestKept_CrossOriginRefused(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	c := f.manager(t, "finanziaria")
	owner := keptOwner(t, c, f.path)
	expireSession(t, f.e, c)
	form := f.draft()
	form.Set("form_owner", owner)
	r := c.do(http.MethodPost, f.path, form, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}})
	if r.Status != http.StatusForbidden {
		t.Errorf("cross-site post: status %d, want 403", r.Status)
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM kept_forms`); n != 0 {
		t.Errorf("%d kept forms, want none", n)
	}
}

// TestKept_PlanForm: the director's edit of an objective, posted after the
// session expired, comes back after signing in with the title typed and
// the version it was read at, so that a change saved meanwhile is still
// reported when it is saved.
func TestKept_PlanForm(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, testConfig)
	c := e.signedIn(t, "direttore")
	path := "/cicli/2023/obiettivi/" + strconv.FormatInt(e.objectiveID, 10) + "/modifica"
	owner := keptOwner(t, c, path)
	version, ok := c.formVersion(path)
	if !ok {
		t.Fatal("no version on the objective's form")
	}
	expireSession(t, e, c)
	form := url.Values{"form_owner": {owner}, "version": {version}, "title": {"Titolo scritto a sessione scaduta"}}
	if r := c.do(http.MethodPost, path, form, nil); r.Status != http.StatusSeeOther || r.Location() != "/accedi?next="+url.QueryEscape(path) {
		t.Fatalf("save after the session expired: status %d to %q", r.Status, r.Location())
	}
	if r := c.post("/accedi", url.Values{"email": {e.emails["direttore"]}, "password": {demo.DefaultPassword}, "next": {path}}); r.Location() != path {
		t.Fatalf("sign in: status %d to %q, want the form", r.Status, r.Location())
	}
	page := c.get(path)
	body := html.UnescapeString(page.Body)
	if !strings.Contains(body, keptRestored) || !strings.Contains(body, "Titolo scritto a sessione scaduta") ||
		!strings.Contains(body, `name="version" value="`+version+`"`) {
		t.Errorf("the restored objective's form lacks the message, the title or version %s; body:\n%.3000s", version, page.Body)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM objectives WHERE title = 'Titolo scritto a sessione scaduta'`); n != 0 {
		t.Errorf("the objective was saved by restoring the form")
	}
}
