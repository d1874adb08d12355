package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/spreadsheet"
	"traguardo/internal/store"
)

// The helpers of the tests of the plan as files start with files.

const filesXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// filesUpload posts a multipart form whose field "file" holds data, with the
// extra headers hdr.
func filesUpload(c *secClient, path, filename string, data []byte, hdr http.Header) *secResponse {
	c.t.Helper()
	return filesUploadForm(c, path, nil, filename, data, hdr)
}

// filesUploadForm is filesUpload with the form's other fields.
func filesUploadForm(c *secClient, path string, fields url.Values, filename string, data []byte, hdr http.Header) *secResponse {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	if filename != "" {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(data)
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.base.String()+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("POST %s: reading the body: %v", path, err)
	}
	r := &secResponse{Status: resp.StatusCode, Body: string(b), Header: resp.Header, Cookies: resp.Cookies()}
	if r.Status >= 400 {
		secCheckNoLeak(c.t, "POST "+path, r.Body)
	}
	return r
}

// filesDownload gets a workbook and checks it is sent as an attachment.
func filesDownload(t testing.TB, c *secClient, path, filename string) []byte {
	t.Helper()
	r := c.get(path)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: status %d; body:\n%.800s", path, r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != filesXLSX {
		t.Errorf("GET %s: Content-Type %q, want %q", path, ct, filesXLSX)
	}
	if cd, want := r.Header.Get("Content-Disposition"), `attachment; filename="`+filename+`"`; cd != want {
		t.Errorf("GET %s: Content-Disposition %q, want %q", path, cd, want)
	}
	return []byte(r.Body)
}

// filesErrorRows reads the table of the errors of an upload.
func filesErrorRows(t testing.TB, body string) [][]string {
	t.Helper()
	doc := parseHTML(t, body)
	tables := byTestID(doc, "upload-errors")
	if len(tables) != 1 {
		t.Fatalf("%d tables of errors, want 1; body:\n%.2000s", len(tables), body)
	}
	var rows [][]string
	for _, tr := range bodyRows(t, tables[0]) {
		rows = append(rows, cellTexts(tr))
	}
	return rows
}

// filesProblem is the message above the errors (or alone).
func filesProblem(t testing.TB, body string) string {
	t.Helper()
	return textOf(oneByTestID(t, parseHTML(t, body), "upload-problem"))
}

// filesEdit opens a workbook, changes it and returns it written again.
func filesEdit(t testing.TB, b []byte, change func(f *excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	change(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func filesSet(t testing.TB, f *excelize.File, sheet string, cellsAndValues ...any) {
	t.Helper()
	for i := 0; i < len(cellsAndValues); i += 2 {
		if err := f.SetCellValue(sheet, cellsAndValues[i].(string), cellsAndValues[i+1]); err != nil {
			t.Fatal(err)
		}
	}
}

// filesEmptyCycle creates the empty cycle of year.
func filesEmptyCycle(t testing.TB, st *store.Store, year int) {
	t.Helper()
	if _, err := st.CreateCycle(context.Background(), store.Actor{Name: "test"}, store.NewCycle{Year: year}); err != nil {
		t.Fatalf("creating the cycle %d: %v", year, err)
	}
}

func filesLoad(t testing.TB, st *store.Store, year int) *plan.Cycle {
	t.Helper()
	c, err := st.LoadCycle(context.Background(), year)
	if err != nil {
		t.Fatalf("loading %d: %v", year, err)
	}
	return c
}

// filesSamePlan compares the plans of two cycles of the store: centres,
// every field of the objectives, activities and indicators, the months of
// got years later than want's; ids, monitoring data and achievements aside.
func filesSamePlan(t testing.TB, want, got *plan.Cycle, years int) {
	t.Helper()
	if len(got.Centres) != len(want.Centres) {
		t.Fatalf("%d centres, want %d", len(got.Centres), len(want.Centres))
	}
	ptr := func(p *float64) string {
		if p == nil {
			return "nil"
		}
		return fmt.Sprint(*p)
	}
	for i, wc := range want.Centres {
		gc := got.Centres[i]
		if gc.Name != wc.Name || gc.Manager != wc.Manager || gc.CentreID != wc.CentreID {
			t.Errorf("centre %d: %q (%q, unit %d), want %q (%q, unit %d)", i, gc.Name, gc.Manager, gc.CentreID, wc.Name, wc.Manager, wc.CentreID)
		}
		if len(gc.Objectives) != len(wc.Objectives) {
			t.Errorf("%s: %d objectives, want %d", wc.Name, len(gc.Objectives), len(wc.Objectives))
			continue
		}
		for j, wo := range wc.Objectives {
			gObj := gc.Objectives[j]
			fields := func(o *plan.Objective) []string {
				return []string{o.Section, fmt.Sprint(o.Number), o.Title, o.StrategicArea, o.OperationalObjective, o.PEGProject,
					o.Services, o.EndUsers, o.Networks, o.DescriptionHTML, ptr(o.Weight), o.Group}
			}
			what := fmt.Sprintf("%s objective %s %d", wc.Name, wo.Section, wo.Number)
			if g, w := fields(gObj), fields(wo); !slices.Equal(g, w) {
				t.Errorf("%s:\n got %q\nwant %q", what, g, w)
			}
			acts := func(o *plan.Objective, years int) []string {
				var out []string
				for _, a := range o.Activities {
					// The label of cycle 0 writes every month with its year.
					p := a.Planned
					for _, m := range []**domain.Month{&p.From, &p.To} {
						if *m != nil {
							moved := domain.Month{Year: (*m).Year + years, Month: (*m).Month}
							*m = &moved
						}
					}
					out = append(out, a.Description+" | "+p.Label(0)+" | "+fmt.Sprint(p.Annual))
				}
				return out
			}
			if g, w := acts(gObj, 0), acts(wo, years); !slices.Equal(g, w) {
				t.Errorf("%s activities:\n got %q\nwant %q", what, g, w)
			}
			inds := func(o *plan.Objective) []string {
				var out []string
				for _, in := range o.Indicators {
					out = append(out, fmt.Sprintf("%s | %s | %s | %s | %s | %v", in.Name, in.Description, in.Unit, in.Polarity, ptr(in.Weight), in.Expected))
				}
				return out
			}
			if g, w := inds(gObj), inds(wo); !slices.Equal(g, w) {
				t.Errorf("%s indicators:\n got %q\nwant %q", what, g, w)
			}
		}
	}
}

// TestPlanFiles_XLSXRoundTrip downloads the plan of 2023 as a workbook and
// uploads it into an empty cycle: the new cycle has the same plan.
func TestPlanFiles_XLSXRoundTrip(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")

	xlsx := filesDownload(t, dir, "/cicli/2023/piano.xlsx", "piano-2023.xlsx")
	// Every role that reads gets it.
	filesDownload(t, e.signedIn(t, "osservatore"), "/cicli/2023/piano.xlsx", "piano-2023.xlsx")
	tpl := filesDownload(t, e.signedIn(t, "responsabile"), "/modello-piano.xlsx", "modello-piano.xlsx")
	if f, err := excelize.OpenReader(bytes.NewReader(tpl)); err != nil || f.GetSheetList()[0] != "Istruzioni" {
		t.Errorf("the template: %v %v", err, f.GetSheetList())
	}

	filesEmptyCycle(t, e.st, 2025)
	// The cycle page offers the upload to who edits the plan, and the
	// download to everybody.
	for role, upload := range map[string]bool{"direttore": true, "admin": true, "osservatore": false, "nucleo": false} {
		doc := parseHTML(t, e.signedIn(t, role).get("/cicli/2025").Body)
		if n := len(byTestID(doc, "plan-upload-link")); (n == 1) != upload {
			t.Errorf("/cicli/2025 as %s: %d upload links", role, n)
		}
		if n := len(byTestID(doc, "plan-xlsx-link")); n != 1 {
			t.Errorf("/cicli/2025 as %s: %d download links", role, n)
		}
	}
	if n := len(byTestID(parseHTML(t, dir.get("/cicli/2023").Body), "plan-upload-link")); n != 0 {
		t.Errorf("/cicli/2023 (which has a plan) offers the upload")
	}

	// The form: a multipart post with a labelled file field.
	r := dir.get("/cicli/2025/importa-foglio")
	if r.Status != http.StatusOK {
		t.Fatalf("GET the upload form: %d", r.Status)
	}
	doc := parseHTML(t, r.Body)
	form := oneByTestID(t, doc, "upload-form")
	if enc, _ := attr(form, "enctype"); enc != "multipart/form-data" {
		t.Errorf("form enctype %q", enc)
	}
	if m, _ := attr(form, "method"); m != "post" {
		t.Errorf("form method %q", m)
	}
	filesCheckFileInput(t, form)

	// The plan of 2023 goes into 2025 with its dates moved by two years
	// (TestPlanFiles_XLSXOtherYear has the refusal without the move).
	r = filesUploadForm(dir, "/cicli/2025/importa-foglio", url.Values{"shift": {"2"}}, "piano-2023.xlsx", xlsx, nil)
	if r.Status != http.StatusSeeOther || r.Location() != "/cicli/2025" {
		t.Fatalf("upload: status %d, Location %q; body:\n%.3000s", r.Status, r.Location(), r.Body)
	}
	flash := textOf(oneByTestID(t, parseHTML(t, dir.get("/cicli/2025").Body), "flash"))
	if want := "Piano caricato dal foglio: 6 centri, 18 obiettivi, 86 attività, 62 indicatori."; flash != want {
		t.Errorf("flash = %q, want %q", flash, want)
	}
	c2023, c2025 := filesLoad(t, e.st, 2023), filesLoad(t, e.st, 2025)
	filesSamePlan(t, c2023, c2025, 2)
	if len(c2025.Periods) != 4 || c2025.Periods[0].EndsOn.Year() != 2025 {
		t.Errorf("2025 periods: %v", c2025.Periods)
	}
	for _, ce := range c2025.Centres {
		for _, o := range ce.Objectives {
			for _, in := range o.Indicators {
				if len(in.Values) > 0 {
					t.Errorf("%s: values came with the plan", in.Name)
				}
			}
		}
	}
	entries, err := e.st.ListAudit(context.Background(), store.AuditFilter{Actor: e.emails["direttore"]})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(entries, func(a store.AuditEntry) bool {
		return a.Action == "import-plan" && a.EntityID != nil && *a.EntityID == c2025.ID
	}) {
		t.Errorf("no audit record of the import: %+v", entries)
	}

	// A cycle with a plan takes no workbook.
	before := secSnapshot(t, e.pool)
	r = filesUpload(dir, "/cicli/2025/importa-foglio", "piano-2023.xlsx", xlsx, nil)
	if r.Status != http.StatusConflict || len(byTestID(parseHTML(t, r.Body), "has-plan")) != 1 {
		t.Errorf("second upload: status %d; body:\n%.2000s", r.Status, r.Body)
	}
	secRequireUnchanged(t, "second upload", before, secSnapshot(t, e.pool), "sessions")
	if r := dir.get("/cicli/2023/importa-foglio"); r.Status != http.StatusOK || len(byTestID(parseHTML(t, r.Body), "upload-form")) != 0 {
		t.Errorf("the form of a cycle with a plan: status %d, or it still shows the form", r.Status)
	}
}

// filesCheckFileInput checks the form's file field and its label.
func filesCheckFileInput(t testing.TB, form *html.Node) {
	t.Helper()
	inputs := findAll(form, func(n *html.Node) bool {
		typ, _ := attr(n, "type")
		return n.DataAtom == atom.Input && typ == "file"
	})
	if len(inputs) != 1 {
		t.Fatalf("%d file inputs, want 1", len(inputs))
	}
	id, _ := attr(inputs[0], "id")
	if name, _ := attr(inputs[0], "name"); name != "file" || id == "" {
		t.Errorf("file input name %q id %q", name, id)
	}
	labels := findAll(form, func(n *html.Node) bool {
		f, _ := attr(n, "for")
		return n.DataAtom == atom.Label && f == id
	})
	if len(labels) != 1 || textOf(labels[0]) == "" {
		t.Errorf("the file input has %d labels", len(labels))
	}
}

// TestPlanFiles_XLSXErrors uploads workbooks with problems: 422, every
// problem listed at its sheet, row and column, and nothing written.
func TestPlanFiles_XLSXErrors(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "admin")
	filesEmptyCycle(t, e.st, 2025)
	xlsx := filesDownload(t, dir, "/cicli/2023/piano.xlsx", "piano-2023.xlsx")
	// Rows 2 and 3 of Obiettivi are the first two objectives of AREA
	// DIREZIONE; row 2 of Attività and Indicatori belong to the first.
	broken := filesEdit(t, xlsx, func(f *excelize.File) {
		filesSet(t, f, "Obiettivi", "C3", 1, "D2", "")
		filesSet(t, f, "Attività", "F2", "2023-13", "C3", 42)
		filesSet(t, f, "Indicatori", "G2", "kg", "J3", "")
		filesSet(t, f, "Centri", "A3", "AREA DIREZIONE")
	})
	want := [][]string{
		{"Obiettivi", "2", "D", "Titolo dell'obiettivo mancante."},
		{"Obiettivi", "3", "C", "Numero già usato nella stessa sezione del centro (riga 2)."},
		{"Attività", "2", "F", "Mese non valido: usare AAAA-MM."},
		{"Attività", "3", "C", "Obiettivo non presente nel foglio «Obiettivi» (centro «AREA DIREZIONE», sezione «Obiettivi di performance», numero 42)."},
		{"Indicatori", "2", "G", "Unità di misura non ammessa: usare una tra n., n, %, si/no, €, gg."},
		{"Indicatori", "3", "J", "Valore atteso mancante."},
		{"Centri", "3", "A", "Centro già presente nel foglio (riga 2)."},
	}
	// The rows that follow from the broken ones: the objectives of the
	// repeated centre, and the items of the objective renumbered.
	// The dates move by two years, into 2025: the errors are the cells'.
	before := secSnapshot(t, e.pool)
	r := filesUploadForm(dir, "/cicli/2025/importa-foglio", url.Values{"shift": {"2"}}, "rotto.xlsx", broken, nil)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("upload: status %d; body:\n%.2000s", r.Status, r.Body)
	}
	rows := filesErrorRows(t, r.Body)
	for _, w := range want {
		if !slices.ContainsFunc(rows, func(g []string) bool { return slices.Equal(g, w) }) {
			t.Errorf("the error %q is not listed", w)
		}
	}
	// Every error of the workbook is listed, none more.
	_, err := spreadsheet.ReadPlanWith(bytes.NewReader(broken), spreadsheet.Options{Year: 2025, ShiftYears: 2})
	if errs, ok := err.(fielderr.List); !ok || len(errs) != len(rows) {
		t.Errorf("%d rows listed for the errors %v", len(rows), err)
	}
	if p := filesProblem(t, r.Body); !strings.Contains(p, fmt.Sprintf("Il file contiene %d errori: nulla è stato salvato.", len(rows))) {
		t.Errorf("problem = %q", p)
	}
	filesCheckFileInput(t, oneByTestID(t, parseHTML(t, r.Body), "upload-form"))
	secRequireUnchanged(t, "upload with errors", before, secSnapshot(t, e.pool), "sessions")

	// Not a workbook, no file, an empty file, a file too large.
	for _, tc := range []struct {
		name     string
		filename string
		data     []byte
		status   int
		problem  string
	}{
		{"text", "piano.csv", []byte("Centro;Sezione\n"), http.StatusUnprocessableEntity, "Il file contiene un errore: nulla è stato salvato."},
		{"no file", "", nil, http.StatusUnprocessableEntity, "Selezionare un file da caricare."},
		{"empty", "vuoto.xlsx", nil, http.StatusUnprocessableEntity, "Il file selezionato è vuoto."},
		{"too large", "grande.xlsx", bytes.Repeat([]byte("x"), 10<<20+1), http.StatusRequestEntityTooLarge, "Il file supera la dimensione massima di 10 MB."},
	} {
		r := filesUpload(dir, "/cicli/2025/importa-foglio", tc.filename, tc.data, nil)
		if r.Status != tc.status {
			t.Errorf("%s: status %d, want %d; body:\n%.1000s", tc.name, r.Status, tc.status, r.Body)
			continue
		}
		if p := filesProblem(t, r.Body); !strings.Contains(p, tc.problem) {
			t.Errorf("%s: problem %q, want %q", tc.name, p, tc.problem)
		}
	}
	if rows := filesErrorRows(t, filesUpload(dir, "/cicli/2025/importa-foglio", "piano.csv", []byte("a;b"), nil).Body); len(rows) != 1 ||
		rows[0][0] != "–" || !strings.Contains(rows[0][3], "non è una cartella di lavoro Excel leggibile") {
		t.Errorf("not a workbook: %q", rows)
	}
	secRequireUnchanged(t, "refused uploads", before, secSnapshot(t, e.pool), "sessions")
	if n := filesLoad(t, e.st, 2025).Count(); n != (plan.Counts{}) {
		t.Errorf("2025 after refused uploads: %+v", n)
	}
}

// TestPlanFiles_Forbidden: only who edits the plan uploads; a cross-site
// upload is refused too.
func TestPlanFiles_Forbidden(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	filesEmptyCycle(t, e.st, 2025)
	xlsx := filesDownload(t, e.signedIn(t, "direttore"), "/cicli/2023/piano.xlsx", "piano-2023.xlsx")
	doc := filesDemoJSON(t, 2026)
	clients := map[string]*secClient{}
	for _, role := range secRoles {
		clients[role] = e.signedIn(t, role)
	}
	before := secSnapshot(t, e.pool)
	for _, role := range []string{"responsabile", "nucleo", "osservatore"} {
		c := clients[role]
		for _, path := range []string{"/cicli/2025/importa-foglio", "/cicli/importa"} {
			if r := c.get(path); r.Status != http.StatusForbidden {
				t.Errorf("GET %s as %s: %d, want 403", path, role, r.Status)
			}
		}
		if r := filesUpload(c, "/cicli/2025/importa-foglio", "piano.xlsx", xlsx, nil); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Accesso negato") {
			t.Errorf("workbook upload as %s: %d, want 403", role, r.Status)
		}
		if r := filesUpload(c, "/cicli/importa", "ciclo.json", doc, nil); r.Status != http.StatusForbidden {
			t.Errorf("JSON upload as %s: %d, want 403", role, r.Status)
		}
		// The links are not offered either.
		home := parseHTML(t, c.get("/").Body)
		if len(byTestID(home, "import-json-link")) != 0 {
			t.Errorf("the home page offers the JSON import to %s", role)
		}
	}
	if r := filesUpload(clients[secAnonymous], "/cicli/importa", "ciclo.json", doc, nil); r.Status != http.StatusSeeOther || r.Location() != "/accedi" {
		t.Errorf("anonymous JSON upload: %d to %q", r.Status, r.Location())
	}
	crossSite := http.Header{"Origin": {"http://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}
	dir := clients["direttore"]
	if r := filesUpload(dir, "/cicli/2025/importa-foglio", "piano.xlsx", xlsx, crossSite); r.Status != http.StatusForbidden {
		t.Errorf("cross-site workbook upload: %d, want 403", r.Status)
	}
	if r := filesUpload(dir, "/cicli/importa", "ciclo.json", doc, crossSite); r.Status != http.StatusForbidden {
		t.Errorf("cross-site JSON upload: %d, want 403", r.Status)
	}
	secRequireUnchanged(t, "refused uploads", before, secSnapshot(t, e.pool), "sessions")
	if len(byTestID(parseHTML(t, dir.get("/").Body), "import-json-link")) != 1 {
		t.Errorf("the home page does not offer the JSON import to the director")
	}
}

// filesDemoJSON is the demo document moved to year, by its text: its year
// and every date, periods and months (2023 and 2024) alike.
func filesDemoJSON(t testing.TB, year int) []byte {
	t.Helper()
	doc := strings.Replace(string(demo.Cycle2023()), `"year": 2023`, fmt.Sprintf(`"year": %d`, year), 1)
	if !strings.Contains(doc, fmt.Sprintf(`"year": %d`, year)) {
		t.Fatal("the demo document has no \"year\": 2023")
	}
	return []byte(filesMoveDates(doc, year-2023))
}

// filesDates are the dates and months of a document: a quoted "AAAA-MM" or
// "AAAA-MM-GG".
var filesDates = regexp.MustCompile(`"(\d{4})(-\d\d(?:-\d\d)?)"`)

// filesMoveDates moves every date and month of a document's text by years
// (the demo has no 29 February).
func filesMoveDates(doc string, years int) string {
	return filesDates.ReplaceAllStringFunc(doc, func(s string) string {
		m := filesDates.FindStringSubmatch(s)
		y, _ := strconv.Atoi(m[1])
		return fmt.Sprintf(`"%d%s"`, y+years, m[2])
	})
}

// TestCycleImport_JSON creates a cycle from a v1 document, and refuses one
// with errors, listing them, without writing anything.
func TestCycleImport_JSON(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	adm := e.signedIn(t, "admin")

	r := adm.get("/cicli/importa")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /cicli/importa: %d", r.Status)
	}
	form := oneByTestID(t, parseHTML(t, r.Body), "upload-form")
	if enc, _ := attr(form, "enctype"); enc != "multipart/form-data" {
		t.Errorf("form enctype %q", enc)
	}
	filesCheckFileInput(t, form)

	r = filesUpload(adm, "/cicli/importa", "ciclo-2025.json", filesDemoJSON(t, 2025), nil)
	if r.Status != http.StatusSeeOther || r.Location() != "/cicli/2025" {
		t.Fatalf("import: status %d, Location %q; body:\n%.3000s", r.Status, r.Location(), r.Body)
	}
	flash := textOf(oneByTestID(t, parseHTML(t, adm.get("/cicli/2025").Body), "flash"))
	if want := "Ciclo 2025 importato: 6 centri, 18 obiettivi, 86 attività, 62 indicatori."; flash != want {
		t.Errorf("flash = %q, want %q", flash, want)
	}
	c2023, c2025 := filesLoad(t, e.st, 2023), filesLoad(t, e.st, 2025)
	filesSamePlan(t, c2023, c2025, 2)
	if c2025.Achievement == nil || c2023.Achievement == nil || *c2025.Achievement != *c2023.Achievement {
		t.Errorf("achievement 2025 %v, 2023 %v: the data came along with the plan", c2025.Achievement, c2023.Achievement)
	}

	// The same year again: a conflict, nothing written.
	before := secSnapshot(t, e.pool)
	r = filesUpload(adm, "/cicli/importa", "ciclo-2025.json", filesDemoJSON(t, 2025), nil)
	if r.Status != http.StatusConflict || filesProblem(t, r.Body) != "Il ciclo 2025 esiste già." {
		t.Errorf("second import: status %d; body:\n%.2000s", r.Status, r.Body)
	}

	// A document with errors: each listed at its path.
	bad := strings.Replace(string(filesDemoJSON(t, 2026)), `"unit": "n."`, `"unit": "kg"`, 1)
	bad = strings.Replace(bad, `"number": 1,`, `"number": 0,`, 1)
	bad = strings.Replace(bad, `"from": "2026-05"`, `"from": "2026-13"`, 1)
	_, readErr := interchange.Read(strings.NewReader(bad), richtext.NewPolicy())
	errs, ok := readErr.(fielderr.List)
	if !ok || len(errs) < 3 {
		t.Fatalf("the broken document reads as %v", readErr)
	}
	r = filesUpload(adm, "/cicli/importa", "rotto.json", []byte(bad), nil)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("import with errors: status %d; body:\n%.2000s", r.Status, r.Body)
	}
	rows := filesErrorRows(t, r.Body)
	if len(rows) != len(errs) {
		t.Errorf("%d errors listed, want %d: %q", len(rows), len(errs), rows)
	}
	for i, e := range errs {
		if i < len(rows) && (rows[i][0] != e.Field || !strings.EqualFold(strings.TrimSuffix(rows[i][1], "."), strings.TrimSuffix(e.Message, "."))) {
			t.Errorf("error %d listed as %q, want %s", i, rows[i], e.Error())
		}
	}
	for _, path := range []string{"centres[0].objectives[0].number", "centres[0].objectives[0].indicators[0].unit"} {
		if !slices.ContainsFunc(rows, func(r []string) bool { return r[0] == path }) {
			t.Errorf("no error at %s in %q", path, rows)
		}
	}
	if !slices.ContainsFunc(rows, func(r []string) bool {
		return strings.HasSuffix(r[0], ".planned.from") && r[1] == "Mese non valido: usare AAAA-MM."
	}) {
		t.Errorf("no error for the bad month in %q", rows)
	}
	// Not JSON at all; a NUL in a text.
	r = filesUpload(adm, "/cicli/importa", "rotto.json", []byte(`{"format": `), nil)
	if rows := filesErrorRows(t, r.Body); r.Status != http.StatusUnprocessableEntity || len(rows) != 1 || !strings.Contains(rows[0][1], "JSON non valido") {
		t.Errorf("not JSON: status %d, errors %q", r.Status, rows)
	}
	nul := strings.Replace(string(filesDemoJSON(t, 2027)), `"name": "AREA DIREZIONE"`, `"name": "AREA\u0000DIREZIONE"`, 1)
	r = filesUpload(adm, "/cicli/importa", "nul.json", []byte(nul), nil)
	if rows := filesErrorRows(t, r.Body); r.Status != http.StatusUnprocessableEntity || len(rows) != 1 ||
		rows[0][0] != "centres[0].name" || rows[0][1] != "Il testo contiene un carattere non ammesso (NUL)." {
		t.Errorf("a NUL: status %d; body:\n%.1500s", r.Status, r.Body)
	}
	secRequireUnchanged(t, "refused imports", before, secSnapshot(t, e.pool), "sessions")
	for _, y := range []int{2026, 2027} {
		if _, err := e.st.LoadCycle(context.Background(), y); err == nil {
			t.Errorf("the cycle %d was created", y)
		}
	}
	// An empty form posted as a plain form asks for a file.
	if r := adm.post("/cicli/importa", url.Values{}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(filesProblem(t, r.Body), "Selezionare un file") {
		t.Errorf("plain form: %d", r.Status)
	}
}

// TestBrowser_PlanFiles uploads a workbook with errors in a real browser,
// through the file field, and checks the pages of the plan as files with
// axe-core: the upload form, the list of errors, the JSON import.
func TestBrowser_PlanFiles(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	filesEmptyCycle(t, e.st, 2025)
	xlsx := filesDownload(t, e.signedIn(t, "direttore"), "/cicli/2023/piano.xlsx", "piano-2023.xlsx")
	broken := filesEdit(t, xlsx, func(f *excelize.File) { filesSet(t, f, "Indicatori", "J5", "", "G2", "kg") })
	path := filepath.Join(t.TempDir(), "piano.xlsx")
	if err := os.WriteFile(path, broken, 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := browsertest.New(t)
	base := e.srv.URL
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/accedi"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), e.emails["direttore"]),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="cycle-card"]`)),
	); err != nil {
		t.Fatalf("signing in: %v", err)
	}
	browsertest.AssertAccessible(t, ctx) // the home page, with the JSON import link

	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/cicli/2025"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="plan-upload-link"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="plan-upload-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="upload-form"] input[type="file"]`)),
	); err != nil {
		t.Fatalf("opening the upload form from the cycle page: %v", err)
	}
	browsertest.AssertAccessible(t, ctx)

	// The plan of 2023 into 2025: refused, with the move of its dates on
	// offer; ticked, the same file again gives only the broken cells.
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(`[data-testid="upload-form"] input[type="file"]`, []string{path}),
		chromedp.Click(chromedp.CSS(`[data-testid="upload"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="shift-offer"]`)),
	); err != nil {
		t.Fatalf("uploading the workbook: %v", err)
	}
	if got := visibleText(t, ctx, `[data-testid="shift-offer"] label`); got != "Sposta tutte le date di 2 anni (dal 2023 al 2025)" {
		t.Errorf("the offer reads %q", got)
	}
	browsertest.AssertAccessible(t, ctx)
	// The mark on the page shown tells it from the page of the next upload.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.before = "1"`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#shift`)),
		chromedp.SetUploadFiles(`[data-testid="upload-form"] input[type="file"]`, []string{path}),
		chromedp.Click(chromedp.CSS(`[data-testid="upload"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`body[data-before]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="upload-errors"]`)),
	); err != nil {
		t.Fatalf("uploading the workbook with its dates moved: %v", err)
	}
	if got := visibleText(t, ctx, `[data-testid="upload-errors"] tbody tr:nth-child(2)`); got != "Indicatori 5 J Valore atteso mancante." {
		t.Errorf("second error row: %q", got)
	}
	browsertest.AssertAccessible(t, ctx)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/cicli/importa"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="upload-form"]`)),
	); err != nil {
		t.Fatalf("opening the JSON import: %v", err)
	}
	browsertest.AssertAccessible(t, ctx)
}
