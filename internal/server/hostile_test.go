package server_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"traguardo/internal/format"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/browsertest"
	"traguardo/internal/domain"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// hostilePayloads is the corpus of hostile input: script injection in
// every form a browser would run it, SQL metacharacters, oversized values,
// control characters, a right-to-left override, invalid UTF-8 and NUL. The
// scripts set window.__pwned and open a dialog, which the browser part
// watches for; the markup is also looked for, unescaped, in every page.
var hostilePayloads = []string{
	`<script>window.__pwned=1;alert(1)</script>`,
	`<img src=x onerror="window.__pwned=1;alert(1)">`,
	`"><svg onload=window.__pwned=1>`,
	`'><p onmouseover='window.__pwned=1'>x</p>`,
	`javascript:window.__pwned=1`,
	`<a href="javascript:window.__pwned=1">clic</a><p style="background:url(javascript:x)" onclick="window.__pwned=1">ok</p>`,
	`'; DROP TABLE objectives;--`,
	`1' OR '1'='1'); DELETE FROM users WHERE ('x'='x`,
	strings.Repeat("Lungo ", 20000) + `<script>window.__pwned=1</script>`,
	"riga\x01\x08\x1b[31m\x7f\u0085\tfine\r\n",
	"conto\u202etxt.exe \u200f\u2066x\u2069",
	"caff\xe8 \xff\xfe mezzo",
	"prima\x00dopo",
	`{{.Password}} ${7*7} <%= 7*7 %>`,
}

// hostileMarkup is what must never reach a page unescaped.
var hostileMarkup = regexp.MustCompile(`(?i)<script>window|<img src=x|<svg onload|<p onmouseover|href="javascript:|onclick="window`)

// hostileSkip are the POST routes whose forms the test does not fill, and
// why; every other POST route must be found as a form on some page.
var hostileSkip = map[string]string{
	"POST /cicli/importa":               "a file upload: the JSON importer is fuzzed (internal/interchange)",
	"POST /cicli/{year}/importa-foglio": "a file upload: the workbook importer is fuzzed (internal/spreadsheet)",
	"POST /profilo/password":            "password fields only, which are never shown",
	"POST /esci":                        "no field",
	"POST /accedi/oidc":                 "no text field, and shown only with an OpenID Connect provider (oidc_test.go)",
	"POST /cicli/{year}/monitoraggio-intermedio/osservazioni": "shown only once the director has sent the mid-year report; its text is sanitised rich text like the Relazione's comments (TestMidYear_SendAndObserve sends <script>)",
	"POST /cicli/{year}/piano/congela":                        "no field, and shown only when the print of an adopted Piano failed (TestPiano_ApprovalAndVariationFreezeVersions)",
	"POST /cicli/{year}/validazione/invia": "no text field (a confirmation checkbox; TestReport_Send); its page is " +
		"replaced by the version waiting, which the Relazione's forms below need",
}

// hostileField is a field of a form: a text field takes the payloads, the
// others keep the value the page gives them.
type hostileField struct {
	name, value string
	text        bool
}

// hostileForm is a form that posts to action, as the page shows it.
type hostileForm struct {
	action string
	fields []hostileField
}

// hostileForms reads the POST forms of an HTML page.
func hostileForms(t *testing.T, body string) []hostileForm {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []hostileForm
	for _, f := range findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Form }) {
		if m, _ := attr(f, "method"); !strings.EqualFold(m, "post") {
			continue
		}
		action, _ := attr(f, "action")
		form := hostileForm{action: action}
		for _, n := range findAll(f, func(n *html.Node) bool {
			return n.DataAtom == atom.Input || n.DataAtom == atom.Textarea || n.DataAtom == atom.Select
		}) {
			name, _ := attr(n, "name")
			if name == "" {
				continue
			}
			switch n.DataAtom {
			case atom.Textarea:
				form.fields = append(form.fields, hostileField{name, textOf(n), true})
			case atom.Select:
				// The option selected, or the first choice after a
				// prompt ("Scegliere..."), as a person would pick.
				v, first := "", ""
				for _, o := range elements(n, atom.Option) {
					ov, _ := attr(o, "value")
					if _, sel := attr(o, "selected"); sel {
						v = ov
					}
					if first == "" {
						first = ov
					}
				}
				if v == "" {
					v = first
				}
				form.fields = append(form.fields, hostileField{name, v, false})
			default:
				kind, _ := attr(n, "type")
				v, _ := attr(n, "value")
				switch strings.ToLower(kind) {
				case "hidden":
					form.fields = append(form.fields, hostileField{name, v, false})
				case "checkbox", "radio":
					if _, on := attr(n, "checked"); on {
						form.fields = append(form.fields, hostileField{name, v, false})
					}
				case "password", "submit", "button", "file", "image", "reset":
				default: // text, email, number, date, month, search, url, tel...
					form.fields = append(form.fields, hostileField{name, v, true})
				}
			}
		}
		out = append(out, form)
	}
	return out
}

// hostileSerial makes the names and emails that must be new each time.
var hostileSerial atomic.Int64

// hostileFiller is what a person would type in a required field that the
// page leaves empty, so that the payload in another field of the form can
// be saved; by field name.
func hostileFiller(name string) string {
	n := hostileSerial.Add(1)
	switch name {
	case "name":
		return fmt.Sprintf("Nome %d", n)
	case "email":
		return fmt.Sprintf("ostile%d@traguardo.test", n)
	case "title", "description", "manager", "reason", "act", "comment":
		return "Testo di prova"
	case "approved_on":
		return "15/01/2024"
	case "until":
		return format.Date(domain.Today(time.Now()).AddDate(0, 0, 10))
	case "expected":
		return "1"
	}
	return ""
}

// values is the form as a browser would send it, with payload in the
// text field named field and the empty fields filled in.
func (f hostileForm) values(field, payload string) url.Values {
	v := url.Values{}
	for _, x := range f.fields {
		switch {
		case x.name == field:
			v.Add(x.name, payload)
		case x.text && x.value == "":
			v.Add(x.name, hostileFiller(x.name))
		default:
			v.Add(x.name, x.value)
		}
	}
	return v
}

// hostileKinds are the text fields of f, one per kind: the fields repeated
// for each row of a form (ind_63_value, ind_64_value...) are the same field
// for the server, so the first stands for the others.
func (f hostileForm) hostileKinds() []string {
	digits := regexp.MustCompile(`[0-9]+`)
	seen := map[string]bool{}
	var out []string
	for _, x := range f.fields {
		k := digits.ReplaceAllString(x.name, "#")
		if x.text && !seen[k] {
			seen[k] = true
			out = append(out, x.name)
		}
	}
	return out
}

// hostileRoute matches a path against the POST routes.
type hostileRoute struct {
	route string
	re    *regexp.Regexp
}

func hostileRoutes(t *testing.T, e *secEnv) []hostileRoute {
	var out []hostileRoute
	param := regexp.MustCompile(`\{[a-z]+\}`)
	for _, r := range secRoutes(t, e.handler) {
		method, pattern, _ := strings.Cut(r, " ")
		if method != http.MethodPost {
			continue
		}
		out = append(out, hostileRoute{r, regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(param.ReplaceAllString(pattern, "\x00")), "\x00", `[^/]+`) + "$")})
	}
	return out
}

func routeOf(routes []hostileRoute, action string) string {
	for _, r := range routes {
		if r.re.MatchString(action) {
			return r.route
		}
	}
	return ""
}

// TestHostileInput submits every payload of hostilePayloads to every text
// field of every form, as every role that is shown the form: the forms are
// found on the pages of the route table (filled in with the 2024 cycle's
// records), so a new form is covered without changing the test, and a POST
// route with no form found fails it. No response is a 5xx and the server
// logs no error; a refusal is a 422 with an Italian message; what is stored
// is escaped on every page (no payload markup in any page the roles can
// open) and rich text is stored sanitised; then Chromium opens the pages
// that show the values, as the director, the admin and the manager: no
// injected script runs (window.__pwned unset, no dialog, no CSP
// violation), no injected element or event handler is in the DOM, and every
// page renders (200, a main heading).
func TestHostileInput(t *testing.T) {
	t.Parallel()
	start := time.Now()
	e := newSecEnv(t, server.Config{})
	routes := hostileRoutes(t, e)

	var y2024 struct{ objective, centre, activity, indicator, period int64 }
	if err := e.pool.QueryRow(context.Background(), `
		SELECT o.id, o.cycle_centre_id,
			(SELECT min(a.id) FROM activities a WHERE a.objective_id = o.id),
			(SELECT min(i.id) FROM indicators i WHERE i.objective_id = o.id),
			(SELECT min(p.id) FROM periods p WHERE p.cycle_id = c.id)
		FROM objectives o JOIN cycles c ON c.id = o.cycle_id
		WHERE c.year = 2024 ORDER BY o.id LIMIT 1`).Scan(
		&y2024.objective, &y2024.centre, &y2024.activity, &y2024.indicator, &y2024.period); err != nil {
		t.Fatalf("records of the 2024 cycle: %v", err)
	}
	itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
	fill := func(pattern string) string {
		id := itoa(y2024.objective)
		if strings.HasPrefix(pattern, "/admin/utenti/") {
			id = itoa(e.targetID)
		}
		return strings.NewReplacer("{year}", "2024", "{id}", id, "{centre}", itoa(y2024.centre),
			"{aid}", itoa(y2024.activity), "{iid}", itoa(y2024.indicator), "{pid}", itoa(y2024.period), "{nid}", "1").Replace(pattern)
	}
	// The pages: every GET route of the table, filled in; the files and
	// exports are not pages.
	var pages []string
	for _, r := range secRoutes(t, e.handler) {
		method, pattern, _ := strings.Cut(r, " ")
		if method != http.MethodGet || strings.Contains(pattern, "*") || strings.HasSuffix(pattern, ".json") || strings.HasSuffix(pattern, ".xlsx") {
			continue
		}
		pages = append(pages, fill(pattern))
	}
	// The Relazione's forms (the Nucleo's comments and validation, the
	// director's answers) show only on an approved cycle whose report waits
	// for the Nucleo, with a comment to answer: 2023, approved and sent.
	hostileRelazione(t, e)
	pages = append(pages, "/cicli/2023/validazione", "/cicli/2023/validazione/valida")

	roles := []string{"direttore", "admin", "responsabile", "nucleo", "osservatore", secAnonymous}
	clients := map[string]*secClient{}
	for _, role := range roles {
		clients[role] = e.signedIn(t, role)
	}

	// Which role is shown which form on which page: one page per role and
	// route, the first found.
	type job struct{ role, route, page, action string }
	var jobs []job
	covered := map[string]bool{}
	discover := func(role string) {
		seen := map[string]bool{}
		for _, p := range pages {
			r := clients[role].get(p)
			if r.Status != http.StatusOK {
				continue
			}
			for _, f := range hostileForms(t, r.Body) {
				route := routeOf(routes, f.action)
				if route == "" || seen[route] {
					continue
				}
				seen[route] = true
				covered[route] = true
				if _, skip := hostileSkip[route]; skip || !slices.ContainsFunc(f.fields, func(x hostileField) bool { return x.text }) {
					continue
				}
				jobs = append(jobs, job{role, route, p, f.action})
			}
		}
	}
	for _, role := range roles {
		discover(role)
	}

	// The review of a submitted period shows only once the centre has sent
	// it: the manager sends it, and sends it again after each return.
	submitPage := fill("/cicli/{year}/monitoraggio/{pid}/centri/{centre}")
	// post sends the form of page that posts to a path ending in suffix,
	// as it is, and reports whether it was there.
	post := func(role, page, suffix string) bool {
		for _, f := range hostileForms(t, clients[role].get(page).Body) {
			if strings.HasSuffix(f.action, suffix) {
				if s := clients[role].post(f.action, f.values("", "")); s.Status >= 400 {
					t.Errorf("%s: %s answered %d\n%.800s", role, f.action, s.Status, s.Body)
				}
				return true
			}
		}
		return false
	}
	submit := func() { post("responsabile", submitPage, "/invia") }
	submit()
	before := len(jobs)
	discover("direttore")
	discover("admin")
	jobs = jobs[:before+len(slices.DeleteFunc(jobs[before:], func(j job) bool {
		return slices.ContainsFunc(jobs[:before], func(k job) bool { return k.role == j.role && k.route == j.route })
	}))]
	// Returned, the period is the centre's to edit again.
	if !post("direttore", submitPage, "/restituisci") {
		t.Fatalf("%s: the director is not offered the review of a sent period", submitPage)
	}
	for _, r := range routes {
		if _, skip := hostileSkip[r.route]; !skip && !covered[r.route] {
			t.Errorf("%s: no page of the route table shows its form to any role; add a page or a reason to hostileSkip", r.route)
		}
	}
	// Deletions and the approval go last, so that the forms before them
	// find the records and the plan open.
	last := func(route string) int {
		switch {
		case strings.HasSuffix(route, "/elimina"):
			return 3
		case strings.HasSuffix(route, "{year}/approva"), strings.HasSuffix(route, "/riporta"),
			strings.HasSuffix(route, "/validazione/valida"):
			return 2
		case strings.HasSuffix(route, "/restituisci"):
			// Before any value is entered, which could leave the
			// period lacking a reason and so unsendable.
			return -1
		case strings.HasSuffix(route, "/riapri"):
			return 1
		}
		return 0
	}
	slices.SortStableFunc(jobs, func(a, b job) int { return last(a.route) - last(b.route) })

	statuses := map[int]int{}
	byRoute := map[string]int{}
	posts := 0
	for _, j := range jobs {
		c := clients[j.role]
		if strings.HasSuffix(j.route, "/restituisci") {
			submit()
		}
		var fields []string
		r := c.get(j.page)
		for _, f := range hostileForms(t, r.Body) {
			if f.action == j.action {
				fields = f.hostileKinds()
			}
		}
		for _, field := range fields {
			for i, payload := range hostilePayloads {
				if strings.HasSuffix(j.route, "/restituisci") && (field != fields[0] || i > 0) {
					submit()
				}
				// The form as the page shows it now (its version moves
				// with every save).
				r := c.get(j.page)
				var form *hostileForm
				for _, f := range hostileForms(t, r.Body) {
					if f.action == j.action {
						form = &f
						break
					}
				}
				if form == nil {
					// A deletion or the approval took the form away.
					break
				}
				resp := c.do(http.MethodPost, j.action, form.values(field, payload), nil)
				posts++
				statuses[resp.Status]++
				byRoute[j.role+" "+j.route+" "+strconv.Itoa(resp.Status)]++
				what := fmt.Sprintf("%s as %s, field %s, payload %d", j.route, j.role, field, i)
				switch {
				case resp.Status >= 500:
					t.Errorf("%s: status %d\n%.1000s", what, resp.Status, resp.Body)
				case resp.Status == http.StatusUnprocessableEntity:
					if !strings.Contains(resp.Body, `class="invalid-feedback`) && !strings.Contains(resp.Body, msgBadTextHTML) {
						t.Errorf("%s: 422 without a message next to a field:\n%.1500s", what, resp.Body)
					}
				case resp.Status == http.StatusForbidden || resp.Status == http.StatusUnauthorized:
					t.Errorf("%s: status %d for a form the page offered", what, resp.Status)
				}
				if resp.Status < 300 && hostileMarkup.MatchString(resp.Body) {
					t.Errorf("%s: the response shows the payload unescaped: %q", what, hostileMarkup.FindString(resp.Body))
				}
			}
		}
	}
	t.Logf("%d forms (role, route), %d posts, statuses %v, in %v", len(jobs), posts, statuses, time.Since(start).Round(time.Millisecond))
	for _, k := range slices.Sorted(maps.Keys(byRoute)) {
		t.Logf("  %s: %d", k, byRoute[k])
	}
	if posts < 100 {
		t.Errorf("only %d posts: the forms were not found", posts)
	}

	// Rich text is stored sanitised: every *_html column holds what the
	// sanitiser leaves of it.
	policy := richtext.NewPolicy()
	rows, err := e.pool.Query(context.Background(), `
		SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND column_name LIKE '%html%' AND data_type = 'text'`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var tb, col string
		if err := rows.Scan(&tb, &col); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, [2]string{tb, col})
	}
	rows.Close()
	if len(cols) == 0 {
		t.Fatal("no rich-text column found")
	}
	for _, c := range cols {
		rows, err := e.pool.Query(context.Background(), fmt.Sprintf(`SELECT %s FROM %s WHERE %[1]s IS NOT NULL`, c[1], c[0]))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			if policy.Sanitize(v) != v {
				t.Errorf("%s.%s holds unsanitised rich text: %.300q", c[0], c[1], v)
			}
		}
		rows.Close()
	}

	// Every page each role can open: the pages of the route table and
	// every page they link to, once; none shows a payload unescaped.
	shown := map[string][]string{}
	shapes := map[string]bool{}
	for _, role := range []string{"direttore", "admin", "responsabile"} {
		queue := slices.Clone(pages)
		visited := map[string]bool{}
		for len(queue) > 0 && len(visited) < 300 {
			p := queue[0]
			queue = queue[1:]
			if visited[p] {
				continue
			}
			visited[p] = true
			r := clients[role].get(p)
			if r.Status >= 500 {
				t.Errorf("GET %s as %s: %d", p, role, r.Status)
			}
			if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				continue
			}
			if m := hostileMarkup.FindString(r.Body); m != "" {
				t.Errorf("GET %s as %s shows a payload unescaped: %q", p, role, m)
			}
			// One page of each kind (its path without numbers) goes to
			// the browser.
			if shape := regexp.MustCompile(`[0-9]+`).ReplaceAllString(p, "#"); strings.Contains(r.Body, "window.__pwned") && !shapes[role+shape] {
				shapes[role+shape] = true
				shown[role] = append(shown[role], p)
			}
			doc, err := html.Parse(strings.NewReader(r.Body))
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range elements(doc, atom.A) {
				href, _ := attr(a, "href")
				u, err := url.Parse(href)
				if err != nil || u.IsAbs() || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "/static/") ||
					strings.HasSuffix(u.Path, ".json") || strings.HasSuffix(u.Path, ".xlsx") {
					continue
				}
				// Another period or filter of a page shows the same
				// records: one of each path is enough.
				u.Fragment, u.RawQuery = "", ""
				if !visited[u.String()] {
					queue = append(queue, u.String())
				}
			}
		}
		t.Logf("%s: %d pages read, %d show a payload", role, len(visited), len(shown[role]))
	}
	if len(shown["direttore"]) == 0 {
		t.Fatal("no page shows any payload: nothing was stored")
	}

	// Chromium opens the pages that show a payload, with the session of
	// each role. Before any script of a page, a listener records the
	// page's CSP violations and alert, confirm and prompt record instead of
	// opening a dialog (injected by the browser's tools, which the CSP does
	// not restrict).
	ctx := browsertest.New(t)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: hostileListenJS}); err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse(e.srv.URL)
	opened := 0
	otherCSP := map[string]bool{}
	for _, role := range []string{"direttore", "admin", "responsabile"} {
		cookie := ""
		for _, k := range clients[role].hc.Jar.Cookies(base) {
			if k.Name == secCookieName {
				cookie = k.Value
			}
		}
		if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: secCookieName, Value: cookie, URL: e.srv.URL, Path: "/"}); err != nil {
			t.Fatal(err)
		}
		for _, p := range shown[role] {
			tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			resp, err := chromedp.Run(tctx, chromedp.NavigateResponse(e.srv.URL+p))
			var report hostileReport
			if err == nil {
				report, err = chromedp.Run(tctx, chromedp.Evaluate[hostileReport](hostileJS))
			}
			cancel()
			opened++
			switch {
			case err != nil:
				t.Errorf("%s as %s: %v", p, role, err)
			case resp == nil || resp.Status != http.StatusOK:
				t.Errorf("%s as %s: response %+v", p, role, resp)
			case report.Pwned || len(report.Bad) > 0 || len(report.Dialogs) > 0 || report.H1 == "":
				t.Errorf("%s as %s: pwned=%v, injected %q, dialogs %q, main heading %q",
					p, role, report.Pwned, report.Bad, report.Dialogs, report.H1)
			}
			for _, v := range report.Violations {
				// A script the CSP stopped is an injection that got
				// through; the application's own styles and fonts are
				// not this test's business.
				if strings.HasPrefix(v, "script-src") {
					t.Errorf("%s as %s: the CSP stopped a script: %s", p, role, v)
				}
				otherCSP[v] = true
			}
		}
	}
	t.Logf("CSP violations seen (not scripts): %q", slices.Sorted(maps.Keys(otherCSP)))
	t.Logf("%d pages opened in Chromium; total %v", opened, time.Since(start).Round(time.Millisecond))
}

// msgBadTextHTML is the refusal of NUL and invalid UTF-8 as the page shows
// it (the middleware refuses those before any field is read).
const msgBadTextHTML = "La richiesta contiene caratteri non ammessi."

// hostileReport is what hostileJS finds on a page.
type hostileReport struct {
	Pwned      bool     `json:"pwned"`
	Bad        []string `json:"bad"`
	Violations []string `json:"violations"`
	Dialogs    []string `json:"dialogs"`
	H1         string   `json:"h1"`
}

// hostileListenJS runs before any script of each page.
const hostileListenJS = `window.__violations = []; window.__dialogs = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
for (const f of ['alert', 'confirm', 'prompt']) window[f] = m => { window.__dialogs.push(f + ' ' + m); };`

// hostileJS looks at the page for what an injection would leave: the
// marker, an event-handler attribute, a javascript: URL, an inline script
// or an element of the payloads (the application has none of them: its
// Content-Security-Policy allows no inline script), and the CSP violations
// the page reported (listened to from the start by hostileListenJS).
const hostileJS = `(() => {
	const bad = [];
	for (const el of document.querySelectorAll('*')) {
		for (const a of el.attributes) {
			if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
			if (/^(href|src|action|formaction|data|poster|xlink:href)$/.test(a.name) && /^\s*javascript:/i.test(a.value)) bad.push(el.tagName + ' ' + a.name + '=' + a.value);
		}
		if (el.tagName === 'SCRIPT' && !el.src) bad.push('inline script');
		if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') bad.push('img src=x');
	}
	const h1 = document.querySelector('main h1, h1');
	return {pwned: !!window.__pwned, bad, violations: (window.__violations || []), dialogs: (window.__dialogs || []), h1: h1 ? h1.textContent.trim() : ''};
})()`

// hostileRelazione approves the 2023 plan if it is not, sends its
// Relazione to the Nucleo and has the Nucleo comment an objective, so that
// the forms of the report's lifecycle are on its pages.
func hostileRelazione(t *testing.T, e *secEnv) {
	t.Helper()
	ctx := context.Background()
	a := store.Actor{Name: "test"}
	c, err := e.st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Approved() {
		if err := e.st.ApprovePlan(ctx, a, 2023, c.Version, "Delibera n. 1", time.Date(2023, time.January, 20, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := e.st.SendReport(ctx, a, 2023, nil, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.CommentReport(ctx, a, 2023, c.Centres[0].Objectives[0].ID, "Commento di prova", ""); err != nil {
		t.Fatal(err)
	}
}
