package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"traguardo/internal/demo"
	"traguardo/internal/server"
	"traguardo/web/paths"
)

// progressFixture is AREA FINANZIARIA's first objective of 2024 at its
// first period (31/03/2024), with its indicators and activities in order.
type progressFixture struct {
	e                      *secEnv
	objective, other, pid  int64
	indicators, activities []int64
	path                   string
}

// judgeFirst gives the first indicator an intermediate target of 3 at the
// period, so its draft value 2 is judged (and below it) before the last
// period; the others have none and are not judged there.
func (f *progressFixture) judgeFirst(t *testing.T) {
	t.Helper()
	if _, err := f.e.pool.Exec(context.Background(), `INSERT INTO indicator_targets (indicator_id, period_id, target) VALUES ($1, $2, 3)`,
		f.indicators[0], f.pid); err != nil {
		t.Fatal(err)
	}
}

func newProgressFixture(t *testing.T) *progressFixture {
	t.Helper()
	return newProgressFixtureOn(t, newSecEnv(t, server.Config{}))
}

// newProgressFixtureOn is newProgressFixture in the environment e.
func newProgressFixtureOn(t *testing.T, e *secEnv) *progressFixture {
	t.Helper()
	f := &progressFixture{e: e}
	ctx := context.Background()
	if err := e.pool.QueryRow(ctx, `
		SELECT (array_agg(o.id ORDER BY o.position))[1], (array_agg(o.id ORDER BY o.position))[2],
		       (SELECT p.id FROM periods p WHERE p.cycle_id = cy.id AND p.ends_on = '2024-03-31')
		FROM objectives o JOIN cycle_centres cc ON cc.id = o.cycle_centre_id JOIN centres ce ON ce.id = cc.centre_id
		JOIN cycles cy ON cy.id = o.cycle_id
		WHERE cy.year = 2024 AND ce.name = 'AREA FINANZIARIA' GROUP BY cy.id`).Scan(&f.objective, &f.other, &f.pid); err != nil {
		t.Fatalf("AREA FINANZIARIA in 2024: %v", err)
	}
	ids := func(sql string) []int64 {
		rows, err := e.pool.Query(ctx, sql, f.objective)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		return out
	}
	f.indicators = ids(`SELECT id FROM indicators WHERE objective_id = $1 ORDER BY position`)
	f.activities = ids(`SELECT id FROM activities WHERE objective_id = $1 ORDER BY position`)
	if len(f.indicators) != 4 || len(f.activities) != 6 {
		t.Fatalf("objective 1 of AREA FINANZIARIA: %d indicators, %d activities; want 4 and 6", len(f.indicators), len(f.activities))
	}
	f.path = paths.Progress(2024, f.objective, f.pid)
	return f
}

func (f *progressFixture) manager(t *testing.T, centre string) *secClient {
	t.Helper()
	c := f.e.client(t)
	c.signIn("responsabile."+centre+"@traguardo.test", demo.DefaultPassword)
	return c
}

func ind(id int64, part string) string { return "ind_" + strconv.FormatInt(id, 10) + "_" + part }
func act(id int64, part string) string { return "act_" + strconv.FormatInt(id, 10) + "_" + part }

// draft is a full form: the first indicator 2 of 3 (below target, no
// reason), the second not measurable with its reason, the first activity
// done in April 2024 (planned April: not late at 31/03).
func (f *progressFixture) draft() url.Values {
	return url.Values{
		ind(f.indicators[0], "value"): {"2"},
		ind(f.indicators[1], "nm"):    {"1"}, ind(f.indicators[1], "reason"): {"Dati non ancora disponibili"},
		ind(f.indicators[2], "value"): {"12"},
		act(f.activities[0], "from"):  {"2024-01"}, act(f.activities[0], "to"): {"2024-02"},
		act(f.activities[5], "annual"): {"1"},
		"status":                       {"a rischio"},
		"text_html":                    {"<p>Primo trimestre <strong>avviato</strong></p><script>alert(1)</script>"},
	}
}

// TestProgress_SaveDraftAndReadBack: the manager of the centre saves a
// draft; it is stored as typed (the report sanitised), read back on the
// form, audited once, and the missing reason is reported, not refused.
func TestProgress_SaveDraftAndReadBack(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	f.judgeFirst(t)
	c := f.manager(t, "finanziaria")
	r := c.post(f.path, f.draft())
	if r.Status != http.StatusSeeOther || r.Location() != f.path {
		t.Fatalf("save: status %d to %q, want 303 to the form; body:\n%.1500s", r.Status, r.Location(), r.Body)
	}
	pool := f.e.pool
	if n := secCount(t, pool, `SELECT count(*) FROM indicator_values WHERE period_id = $1 AND indicator_id = $2 AND value = 2 AND NOT not_measurable`, f.pid, f.indicators[0]); n != 1 {
		t.Errorf("value 2 of indicator 1: %d rows", n)
	}
	if n := secCount(t, pool, `SELECT count(*) FROM indicator_values WHERE period_id = $1 AND indicator_id = $2 AND value IS NULL AND not_measurable AND reason = 'Dati non ancora disponibili'`, f.pid, f.indicators[1]); n != 1 {
		t.Errorf("indicator 2 not measurable: %d rows", n)
	}
	if n := secCount(t, pool, `SELECT count(*) FROM indicator_values WHERE period_id = $1 AND indicator_id = $2`, f.pid, f.indicators[3]); n != 0 {
		t.Errorf("indicator 4 left blank: %d rows", n)
	}
	if n := secCount(t, pool, `SELECT count(*) FROM activity_progress WHERE period_id = $1 AND activity_id = $2 AND actual_from = '2024-01-01' AND actual_to = '2024-02-01'`, f.pid, f.activities[0]); n != 1 {
		t.Errorf("activity 1 actual: %d rows", n)
	}
	if n := secCount(t, pool, `SELECT count(*) FROM activity_progress WHERE period_id = $1 AND activity_id = $2 AND actual_annual`, f.pid, f.activities[5]); n != 1 {
		t.Errorf("activity 6 annual: %d rows", n)
	}
	var status, text string
	var version int
	if err := pool.QueryRow(context.Background(), `SELECT status, text_html, version FROM progress_reports WHERE objective_id = $1 AND period_id = $2`, f.objective, f.pid).Scan(&status, &text, &version); err != nil {
		t.Fatal(err)
	}
	if status != "a rischio" || strings.Contains(text, "script") || !strings.Contains(text, "<strong>avviato</strong>") || version != 1 {
		t.Errorf("report: %q %q version %d", status, text, version)
	}
	if n := secCount(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'save-progress' AND entity = 'progress'`); n != 1 {
		t.Errorf("%d audit records of the save, want 1", n)
	}

	page := c.get(f.path)
	if page.Status != http.StatusOK {
		t.Fatalf("form: %d", page.Status)
	}
	doc := parseHTML(t, page.Body)
	valueOf := func(id string) string {
		for _, n := range findAll(doc, func(n *html.Node) bool { a, _ := attr(n, "id"); return a == id }) {
			v, _ := attr(n, "value")
			return v
		}
		t.Errorf("no field %s", id)
		return ""
	}
	if got := valueOf(ind(f.indicators[0], "value")); got != "2" {
		t.Errorf("indicator 1 reads %q, want 2", got)
	}
	if got := valueOf(act(f.activities[0], "to")); got != "2024-02" {
		t.Errorf("activity 1 end reads %q", got)
	}
	if _, ok := attr(findAll(doc, func(n *html.Node) bool { a, _ := attr(n, "id"); return a == ind(f.indicators[1], "nm") })[0], "checked"); !ok {
		t.Error("indicator 2 not measurable is not checked")
	}
	missing := textOf(oneByTestID(t, doc, "reasons-missing"))
	if !strings.Contains(missing, "Indicatore 1 «Giornate di formazione» è sotto il target") {
		t.Errorf("the missing reason of indicator 1 (2 of its intermediate target 3) is not reported: %q", missing)
	}
	// Indicator 3 (12) has no intermediate target at 31/03: not judged, no
	// reason asked, and the form says so.
	if strings.Contains(missing, "Indicatore 3") {
		t.Errorf("a reason is asked for indicator 3, which has no intermediate target: %q", missing)
	}
	if n := len(byTestID(doc, "unjudged")); n != 3 {
		t.Errorf("%d indicators say they are not judged at 31/03, want 3 (all but the first)", n)
	}
	if !strings.Contains(page.Body, `name="version" value="1"`) {
		t.Error("the form does not carry version 1")
	}
}

// TestProgress_Validation: each refused input gets 422, its Italian
// message next to its field, the form as typed, and nothing saved.
func TestProgress_Validation(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	ctx := context.Background()
	// Make indicators 3 and 4 a percentage and a si/no one, for their rules.
	if _, err := f.e.pool.Exec(ctx, `UPDATE indicators SET unit = '%', expected = 80 WHERE id = $1`, f.indicators[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.pool.Exec(ctx, `UPDATE indicators SET unit = 'si/no', expected = 1 WHERE id = $1`, f.indicators[3]); err != nil {
		t.Fatal(err)
	}
	c := f.manager(t, "finanziaria")
	cases := []struct {
		name, field, value, want string
	}{
		{"not a number", ind(f.indicators[0], "value"), "tre", "Inserire un numero"},
		{"negative count", ind(f.indicators[0], "value"), "-1", "numero intero"},
		{"fractional count", ind(f.indicators[0], "value"), "2,5", "numero intero"},
		{"percentage over 100", ind(f.indicators[2], "value"), "120", "non può superare 100"},
		{"number for si/no", ind(f.indicators[3], "value"), "1", "scegliere si o no"},
		{"month years before the cycle", act(f.activities[0], "from"), "2019-04", "mese fuori dal ciclo 2024"},
		{"month years after the cycle", act(f.activities[0], "to"), "2030-01", "mese fuori dal ciclo 2024"},
		{"end before start", act(f.activities[1], "to"), "2024-01", "successivo al mese di fine"},
		{"oversized reason", ind(f.indicators[0], "reason"), strings.Repeat("a", 2001), "testo troppo lungo"},
		{"oversized report", "text_html", "<p>" + strings.Repeat("a", 100_001) + "</p>", "troppo lungo"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := f.draft()
			form.Set(tc.field, tc.value)
			if strings.HasSuffix(tc.field, "_to") && tc.name == "end before start" {
				form.Set(act(f.activities[1], "from"), "2024-03")
			}
			before := secSnapshot(t, f.e.pool)
			r := c.post(f.path, form)
			secRequireUnchanged(t, tc.name, before, secSnapshot(t, f.e.pool), "sessions")
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422; body:\n%.1000s", r.Status, r.Body)
			}
			doc := parseHTML(t, r.Body)
			// The summary names the field's indicator or activity: the
			// same message for two indicators reads apart.
			summary := textOf(oneByTestID(t, doc, "form-errors"))
			if strings.HasPrefix(tc.field, "ind_") && !strings.Contains(summary, "Indicatore ") {
				t.Errorf("the error summary does not name the indicator: %q", summary)
			}
			if strings.HasPrefix(tc.field, "act_") && !strings.Contains(summary, "Attività ") {
				t.Errorf("the error summary does not name the activity: %q", summary)
			}
			msg := textOf(oneByTestID(t, doc, "error-"+tc.field))
			if !strings.Contains(strings.ToLower(msg), strings.ToLower(tc.want)) {
				t.Errorf("message next to %s: %q, want %q", tc.field, msg, tc.want)
			}
			// The rest of the form as typed.
			if !strings.Contains(r.Body, `value="12"`) && tc.field != ind(f.indicators[2], "value") {
				t.Error("indicator 3 as typed (12) is not kept")
			}
			if !strings.Contains(r.Body, "Dati non ancora disponibili") {
				t.Error("the reason as typed is not kept")
			}
		})
	}
}

// TestProgress_Conflict: two people read the form at the same version; the
// second save is refused with 409 and the first one's values, and nothing
// of it is stored.
func TestProgress_Conflict(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	a := f.manager(t, "finanziaria")
	b := f.e.signedIn(t, "direttore")
	// Both read the form at no version (nothing saved yet).
	formA := a.withVersion(f.path, f.draft())
	formB := b.withVersion(f.path, f.draft())
	formB.Set(ind(f.indicators[0], "value"), "3")
	formB.Set("status", "in linea")
	if r := a.do(http.MethodPost, f.path, formA, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%.1000s", r.Status, r.Body)
	}
	before := secSnapshot(t, f.e.pool)
	r := b.do(http.MethodPost, f.path, formB, nil)
	secRequireUnchanged(t, "the stale save", before, secSnapshot(t, f.e.pool), "sessions")
	if r.Status != http.StatusConflict {
		t.Fatalf("second save: %d, want 409\n%.1000s", r.Status, r.Body)
	}
	doc := parseHTML(t, r.Body)
	stale := textOf(oneByTestID(t, doc, "stale"))
	for _, want := range []string{"Responsabile di Area AREA FINANZIARIA", "a rischio", "indicatore 1 «Giornate di formazione»: 2"} {
		if !strings.Contains(strings.ToLower(stale), strings.ToLower(want)) {
			t.Errorf("the notice lacks %q:\n%s", want, stale)
		}
	}
	if !strings.Contains(r.Body, `name="version" value="1"`) {
		t.Error("the form again does not carry the version now (1)")
	}
	// Saving again, knowing, replaces it, as the director's correction.
	if r := b.post(f.path, formB); r.Status != http.StatusSeeOther {
		t.Fatalf("saving again: %d", r.Status)
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM audit_log WHERE action = 'correct-progress'`); n != 1 {
		t.Errorf("%d corrections audited, want 1", n)
	}
	// The centre's manager is told, with a link to the entry.
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE u.email = 'responsabile.finanziaria@traguardo.test' AND n.text LIKE '%corretto l''avanzamento%' AND n.link = $1`, f.path); n != 1 {
		t.Errorf("%d notifications of the correction to the manager, want 1", n)
	}
}

// TestProgress_ForgedByAnotherCentre: the manager of AREA MINORI cannot
// read or change AREA FINANZIARIA's entry by any id of the URL or form.
func TestProgress_ForgedByAnotherCentre(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	owner := f.manager(t, "finanziaria")
	if r := owner.post(f.path, f.draft()); r.Status != http.StatusSeeOther {
		t.Fatalf("owner's save: %d", r.Status)
	}
	m := f.manager(t, "minori")
	var minoriObjective, minoriIndicator int64
	if err := f.e.pool.QueryRow(context.Background(), `
		SELECT o.id, (SELECT min(i.id) FROM indicators i WHERE i.objective_id = o.id)
		FROM objectives o JOIN cycle_centres cc ON cc.id = o.cycle_centre_id JOIN centres ce ON ce.id = cc.centre_id
		JOIN cycles cy ON cy.id = o.cycle_id WHERE cy.year = 2024 AND ce.name LIKE 'AREA MINORI%' ORDER BY o.position LIMIT 1`).Scan(&minoriObjective, &minoriIndicator); err != nil {
		t.Fatal(err)
	}
	forged := f.draft()
	forged.Set(ind(f.indicators[0], "value"), "0")
	forged.Set("version", "1")
	own := paths.Progress(2024, minoriObjective, f.pid)
	ownForm := url.Values{ind(minoriIndicator, "value"): {"4"}, "version": {"0"}}
	for _, tc := range []struct {
		path string
		form url.Values
		want []int
	}{
		{f.path, forged, []int{http.StatusForbidden}},
		{paths.Progress(2024, f.other, f.pid), forged, []int{http.StatusForbidden}},
		{paths.Progress(2023, f.objective, f.pid), forged, []int{http.StatusNotFound}},
		// His own objective, with AREA FINANZIARIA's indicator in the form:
		// a forged form, refused as a whole.
		{own, func() url.Values {
			v := url.Values{}
			v.Set(ind(f.indicators[0], "value"), "0")
			v.Set("version", "0")
			return v
		}(), []int{http.StatusUnprocessableEntity}},
		{own + "?objective=" + strconv.FormatInt(f.objective, 10), ownForm, []int{http.StatusSeeOther, http.StatusConflict}},
	} {
		before := secSnapshot(t, f.e.pool)
		r := m.do(http.MethodPost, tc.path, tc.form, nil)
		ok := false
		for _, w := range tc.want {
			ok = ok || r.Status == w
		}
		if !ok {
			t.Errorf("POST %s as MINORI: %d, want %v", tc.path, r.Status, tc.want)
		}
		if r.Status == http.StatusForbidden || r.Status == http.StatusNotFound || r.Status == http.StatusUnprocessableEntity {
			secRequireUnchanged(t, "POST "+tc.path, before, secSnapshot(t, f.e.pool), "sessions")
		}
	}
	if r := m.get(f.path); r.Status != http.StatusForbidden {
		t.Errorf("GET the form as MINORI: %d, want 403", r.Status)
	}
	// AREA FINANZIARIA's values are as its manager saved them.
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM indicator_values WHERE indicator_id = $1 AND period_id = $2 AND value = 2`, f.indicators[0], f.pid); n != 1 {
		t.Error("AREA FINANZIARIA's value changed")
	}
}

// TestProgress_MyAreas: a responsabile lands on his areas, which show the
// open period, each objective with what is filled and missing, and links
// to the entry forms; others may not open it.
func TestProgress_MyAreas(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	f.judgeFirst(t)
	c := f.manager(t, "finanziaria")
	if r := c.get("/"); r.Status != http.StatusSeeOther || r.Location() != paths.MyAreas {
		t.Fatalf("home of a responsabile: %d to %q", r.Status, r.Location())
	}
	if r := c.post(f.path, f.draft()); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	r := c.get(paths.MyAreas)
	if r.Status != http.StatusOK {
		t.Fatalf("my areas: %d", r.Status)
	}
	doc := parseHTML(t, r.Body)
	centres := byTestID(doc, "my-centre")
	if len(centres) != 1 || !strings.Contains(textOf(centres[0]), "AREA FINANZIARIA") {
		t.Fatalf("centres shown: %d", len(centres))
	}
	if got := textOf(oneByTestID(t, doc, "open-period")); got != "al 31/03/2024" {
		t.Errorf("open period %q", got)
	}
	objs := byTestID(doc, "my-objective")
	if len(objs) != 2 {
		t.Fatalf("%d objectives, want 2", len(objs))
	}
	first, second := textOf(objs[0]), textOf(objs[1])
	// Saved: indicators 1, 2 (not measurable), 3 of 4; activities 1 and 6 of 6.
	if !strings.Contains(first, "Indicatori rilevati: 3 di 4") || !strings.Contains(first, "Attività aggiornate: 2 di 6") ||
		!strings.Contains(first, "1 motivi di scostamento") || strings.Contains(first, "stato dell'obiettivo") {
		t.Errorf("first objective: %q", first)
	}
	if !strings.Contains(second, "Indicatori rilevati: 0 di 4") || !strings.Contains(second, "stato dell'obiettivo, report") {
		t.Errorf("second objective: %q", second)
	}
	if !strings.Contains(r.Body, `href="`+f.path+`"`) || !strings.Contains(r.Body, `href="`+paths.Progress(2024, f.other, f.pid)+`"`) {
		t.Error("links to the entry forms missing")
	}
	for _, role := range []string{"direttore", "admin", "osservatore"} {
		if r := f.e.signedIn(t, role).get(paths.MyAreas); r.Status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", role, r.Status)
		}
	}
}

// TestProgress_DailyUse: the objective page links its entry form (to enter
// for the centre's manager, to correct for the director, nothing for an
// observer); a manager of another centre is told the centre is not hers,
// not that her role forbids it; the director's form says it saves a
// correction; a closed period's read-only form asks for no reason.
func TestProgress_DailyUse(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	f.judgeFirst(t)
	objective := paths.AsOf(paths.Objective(2024, f.objective), time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		who  *secClient
		want string
	}{
		{f.manager(t, "finanziaria"), "Inserisci l'avanzamento al 31/03/2024"},
		{f.e.signedIn(t, "direttore"), "Correggi l'avanzamento al 31/03/2024"},
		{f.e.signedIn(t, "osservatore"), ""},
	} {
		links := byTestID(parseHTML(t, tc.who.get(objective).Body), "progress-link")
		switch {
		case tc.want == "" && len(links) != 0:
			t.Errorf("an observer sees %d links to the entry form", len(links))
		case tc.want != "" && (len(links) != 1 || textOf(links[0]) != tc.want):
			t.Errorf("link to the entry form: %d, want %q", len(links), tc.want)
		case tc.want != "":
			if href, _ := attr(links[0], "href"); href != f.path {
				t.Errorf("the link goes to %q, want %q", href, f.path)
			}
		}
	}
	other := f.manager(t, "minori")
	r := other.get(f.path)
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "un centro che non le è assegnato") {
		t.Errorf("another centre's manager: %d, %q", r.Status, firstWords(textOf(parseHTML(t, r.Body)), 40))
	}
	dir := f.e.signedIn(t, "direttore")
	form := parseHTML(t, dir.get(f.path).Body)
	if got := textOf(oneByTestID(t, form, "save")); got != "Salva la correzione" {
		t.Errorf("the director's save button reads %q", got)
	}
	// A long form saves from its top too, and leads to the centre's next
	// objective at the same period.
	if got := textOf(oneByTestID(t, form, "save-top")); got != "Salva la correzione" {
		t.Errorf("the save button at the top reads %q", got)
	}
	next := oneByTestID(t, form, "next-objective")
	if href, _ := attr(next, "href"); href != paths.Progress(2024, f.other, f.pid) || !strings.HasPrefix(textOf(next), "Obiettivo successivo: 2") {
		t.Errorf("the next objective's link: %q %q, want %s", href, textOf(next), paths.Progress(2024, f.other, f.pid))
	}
	// The manager saves a value under its intermediate target without a
	// reason; once the period's window is closed the read-only form asks
	// for nothing.
	if r := f.manager(t, "finanziaria").post(f.path, f.draft()); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	if _, err := f.e.pool.Exec(context.Background(), `UPDATE periods SET opens_on = '2024-03-31', closes_on = '2024-04-20' WHERE id = $1`, f.pid); err != nil {
		t.Fatal(err)
	}
	page := parseHTML(t, f.manager(t, "finanziaria").get(f.path).Body)
	if n := len(byTestID(page, "reasons-missing")); n != 0 {
		t.Errorf("a closed period's form asks for %d lists of reasons", n)
	}
}
