package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/demo"
	"traguardo/internal/server"
)

// filesShiftOffer reads the move of the dates that an upload page offers:
// the value and label of its checkbox, and whether it is ticked; "" when
// there is none.
func filesShiftOffer(t testing.TB, body string) (value, label string, checked bool) {
	t.Helper()
	offers := byTestID(parseHTML(t, body), "shift-offer")
	if len(offers) == 0 {
		return "", "", false
	}
	boxes := findAll(offers[0], func(n *html.Node) bool { id, _ := attr(n, "id"); return n.DataAtom == atom.Input && id == "shift" })
	labels := findAll(offers[0], func(n *html.Node) bool { f, _ := attr(n, "for"); return n.DataAtom == atom.Label && f == "shift" })
	if len(boxes) != 1 || len(labels) != 1 {
		t.Fatalf("the offer has %d boxes and %d labels", len(boxes), len(labels))
	}
	if name, _ := attr(boxes[0], "name"); name != "shift" {
		t.Errorf("the box is named %q", name)
	}
	value, _ = attr(boxes[0], "value")
	_, checked = attr(boxes[0], "checked")
	return value, textOf(labels[0]), checked
}

// TestPlanFiles_XLSXOtherYear: the plan of 2024 uploaded into the cycle
// 2025 kept its months of 2024, and the plan of 2023 its months of 2023,
// silently. Both are refused, each wrong cell listed and nothing written,
// with the move of the dates on offer; with the move, the plan of 2024
// lands in 2025 a year later.
func TestPlanFiles_XLSXOtherYear(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	filesEmptyCycle(t, e.st, 2025)
	xlsx2024 := filesDownload(t, dir, "/cicli/2024/piano.xlsx", "piano-2024.xlsx")
	xlsx2023 := filesDownload(t, dir, "/cicli/2023/piano.xlsx", "piano-2023.xlsx")
	before := secSnapshot(t, e.pool)

	// 2024: its months (2024 and 2025) may belong to 2025; its sheet
	// "Ciclo" says the plan is of 2024.
	r := filesUpload(dir, "/cicli/2025/importa-foglio", "piano-2024.xlsx", xlsx2024, nil)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("the plan of 2024: status %d; body:\n%.2000s", r.Status, r.Body)
	}
	want := [][]string{{"Ciclo", "2", "A", "Il foglio è del ciclo 2024, non del ciclo 2025 in cui si carica il piano."}}
	if rows := filesErrorRows(t, r.Body); !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("the plan of 2024: errors %q, want %q", rows, want)
	}
	if v, label, checked := filesShiftOffer(t, r.Body); v != "1" || label != "Sposta tutte le date di 1 anno (dal 2024 al 2025)" || checked {
		t.Errorf("the plan of 2024: offer %q %q, ticked %v", v, label, checked)
	}

	// 2023: each month of 2023 at its cell, and the year.
	r = filesUpload(dir, "/cicli/2025/importa-foglio", "piano-2023.xlsx", xlsx2023, nil)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("the plan of 2023: status %d; body:\n%.2000s", r.Status, r.Body)
	}
	rows := filesErrorRows(t, r.Body)
	outside := "Mese fuori dal ciclo 2025: le attività del ciclo hanno mesi dal 2024 al 2026."
	// Row 2 of Attività is the first activity of the demo: May 2023 to
	// May 2023 (docs/domain.md).
	for _, w := range [][]string{{"Attività", "2", "F", outside}, {"Attività", "2", "G", outside},
		{"Ciclo", "2", "A", "Il foglio è del ciclo 2023, non del ciclo 2025 in cui si carica il piano."}} {
		if !slices.ContainsFunc(rows, func(g []string) bool { return slices.Equal(g, w) }) {
			t.Errorf("the plan of 2023: the error %q is not listed", w)
		}
	}
	for _, row := range rows[:len(rows)-1] {
		if row[0] != "Attività" || (row[2] != "F" && row[2] != "G") || row[3] != outside {
			t.Errorf("the plan of 2023: an error that is not a month of 2023: %q", row)
		}
	}
	if v, label, _ := filesShiftOffer(t, r.Body); v != "2" || label != "Sposta tutte le date di 2 anni (dal 2023 al 2025)" {
		t.Errorf("the plan of 2023: offer %q %q", v, label)
	}
	filesCheckFileInput(t, oneByTestID(t, parseHTML(t, r.Body), "upload-form"))
	// A move that no page offers.
	r = filesUploadForm(dir, "/cicli/2025/importa-foglio", url.Values{"shift": {"un anno"}}, "piano-2024.xlsx", xlsx2024, nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(filesProblem(t, r.Body), "Spostamento delle date non valido") {
		t.Errorf("shift=un anno: status %d", r.Status)
	}
	secRequireUnchanged(t, "uploads of another year", before, secSnapshot(t, e.pool), "sessions")

	// With the move: the plan of 2024, every month a year later.
	r = filesUploadForm(dir, "/cicli/2025/importa-foglio", url.Values{"shift": {"1"}}, "piano-2024.xlsx", xlsx2024, nil)
	if r.Status != http.StatusSeeOther || r.Location() != "/cicli/2025" {
		t.Fatalf("with the move: status %d, Location %q; body:\n%.3000s", r.Status, r.Location(), r.Body)
	}
	filesSamePlan(t, filesLoad(t, e.st, 2024), filesLoad(t, e.st, 2025), 1)
}

// TestPlanFiles_XLSXMoveKeptOnOtherErrors: a workbook moved into the cycle
// but refused for another problem shows the move ticked, for the next try.
func TestPlanFiles_XLSXMoveKeptOnOtherErrors(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	filesEmptyCycle(t, e.st, 2025)
	xlsx := filesDownload(t, dir, "/cicli/2024/piano.xlsx", "piano-2024.xlsx")
	broken := filesEdit(t, xlsx, func(f *excelize.File) { filesSet(t, f, "Indicatori", "J2", "") })
	r := filesUploadForm(dir, "/cicli/2025/importa-foglio", url.Values{"shift": {"1"}}, "piano-2024.xlsx", broken, nil)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d; body:\n%.2000s", r.Status, r.Body)
	}
	want := [][]string{{"Indicatori", "2", "J", "Valore atteso mancante."}}
	if rows := filesErrorRows(t, r.Body); !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("errors %q, want %q", rows, want)
	}
	if v, label, checked := filesShiftOffer(t, r.Body); v != "1" || label != "Sposta tutte le date di 1 anno (dal 2024 al 2025)" || !checked {
		t.Errorf("offer %q %q, ticked %v; want it kept, ticked", v, label, checked)
	}
}

// filesDemoJSONYearOnly is the demo document with only its year and
// periods written as of year: its months stay in 2023 and 2024.
func filesDemoJSONYearOnly(t testing.TB, year int) []byte {
	t.Helper()
	y := fmt.Sprint(year)
	doc := strings.NewReplacer(`"year": 2023`, `"year": `+y,
		`"2023-03-31"`, `"`+y+`-03-31"`, `"2023-06-30"`, `"`+y+`-06-30"`,
		`"2023-09-30"`, `"`+y+`-09-30"`, `"2023-12-31"`, `"`+y+`-12-31"`).Replace(string(demo.Cycle2023()))
	if !strings.Contains(doc, `"year": `+y) {
		t.Fatal("the demo document has no \"year\": 2023")
	}
	return []byte(doc)
}

// TestCycleImport_JSONOtherYear: the 2023 document with only its year and
// periods changed to 2027 made a cycle 2027 whose activities stayed in
// 2023 and 2024. It is refused, each month at its path, with the move of
// the months on offer; with the move the months land in 2027 and 2028. The
// document as it is, given another year on the form, becomes that cycle
// with every date moved.
func TestCycleImport_JSONOtherYear(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	adm := e.signedIn(t, "admin")
	edited := filesDemoJSONYearOnly(t, 2027)
	before := secSnapshot(t, e.pool)

	r := filesUpload(adm, "/cicli/importa", "ciclo-2027.json", edited, nil)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("the edited document: status %d; body:\n%.2000s", r.Status, r.Body)
	}
	rows := filesErrorRows(t, r.Body)
	outside := "Mese fuori dal ciclo 2027: le attività del ciclo hanno mesi dal 2026 al 2028."
	// 321 months in the demo: 315 of 2023 and 6 of 2024.
	if len(rows) != 321 {
		t.Errorf("%d errors, want one for each of the 321 months", len(rows))
	}
	for _, row := range rows {
		if (!strings.HasSuffix(row[0], ".from") && !strings.HasSuffix(row[0], ".to")) || row[1] != outside {
			t.Errorf("an error that is not a month: %q", row)
			break
		}
	}
	if rows[0][0] != "centres[0].objectives[0].activities[0].planned.from" {
		t.Errorf("first error at %q", rows[0][0])
	}
	if v, label, checked := filesShiftOffer(t, r.Body); v != "4" || label != "Sposta i mesi delle attività di 4 anni (dal 2023 al 2027)" || checked {
		t.Errorf("offer %q %q, ticked %v", v, label, checked)
	}
	// A year that is not one.
	r = filesUploadForm(adm, "/cicli/importa", url.Values{"year": {"duemila"}}, "ciclo-2027.json", edited, nil)
	if r.Status != http.StatusUnprocessableEntity || usersFieldError(t, parseHTML(t, r.Body), "year") == "" {
		t.Errorf("year=duemila: status %d; body:\n%.1500s", r.Status, r.Body)
	}
	secRequireUnchanged(t, "refused imports", before, secSnapshot(t, e.pool), "sessions")

	// With the move of the months.
	r = filesUploadForm(adm, "/cicli/importa", url.Values{"shift": {"4"}}, "ciclo-2027.json", edited, nil)
	if r.Status != http.StatusSeeOther || r.Location() != "/cicli/2027" {
		t.Fatalf("with the move: status %d, Location %q; body:\n%.3000s", r.Status, r.Location(), r.Body)
	}
	c2023, c2027 := filesLoad(t, e.st, 2023), filesLoad(t, e.st, 2027)
	filesSamePlan(t, c2023, c2027, 4)
	if c2027.Achievement == nil || *c2027.Achievement != *c2023.Achievement {
		t.Errorf("achievement 2027 %v, 2023 %v", c2027.Achievement, c2023.Achievement)
	}

	// The document of 2023 as it is, as the cycle 2028: periods and
	// months five years later, the data along.
	r = filesUploadForm(adm, "/cicli/importa", url.Values{"year": {"2028"}}, "ciclo-2023.json", demo.Cycle2023(), nil)
	if r.Status != http.StatusSeeOther || r.Location() != "/cicli/2028" {
		t.Fatalf("as 2028: status %d, Location %q; body:\n%.3000s", r.Status, r.Location(), r.Body)
	}
	c2028 := filesLoad(t, e.st, 2028)
	filesSamePlan(t, c2023, c2028, 5)
	var periods []string
	for _, p := range c2028.Periods {
		periods = append(periods, p.EndsOn.Format("2006-01-02"))
	}
	if want := []string{"2028-03-31", "2028-06-30", "2028-09-30", "2028-12-31"}; !slices.Equal(periods, want) {
		t.Errorf("periods of 2028: %q", periods)
	}
	if c2028.Achievement == nil || *c2028.Achievement != *c2023.Achievement {
		t.Errorf("achievement 2028 %v, 2023 %v", c2028.Achievement, c2023.Achievement)
	}
}

// TestCycleImport_JSONAllProblems: the import stopped at the unknown
// fields; they are listed with the problems of the values, all at once.
func TestCycleImport_JSONAllProblems(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	adm := e.signedIn(t, "admin")
	doc := string(filesDemoJSON(t, 2026))
	doc = strings.Replace(doc, `"format": "traguardo/v1",`, `"format": "traguardo/v1", "colore": "blu",`, 1)
	doc = strings.Replace(doc, `"unit": "n.",`, `"unit": "kg", "fonte": "ufficio",`, 1)
	before := secSnapshot(t, e.pool)
	r := filesUpload(adm, "/cicli/importa", "ciclo.json", []byte(doc), nil)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d; body:\n%.2000s", r.Status, r.Body)
	}
	want := [][]string{
		{"centres[0].objectives[0].indicators[0].fonte", "Campo sconosciuto."},
		{"colore", "Campo sconosciuto."},
		{"centres[0].objectives[0].indicators[0].unit", "Unità di misura non ammessa: usare una tra n., n, %, si/no, €, gg."},
	}
	if rows := filesErrorRows(t, r.Body); !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("errors %q, want %q", rows, want)
	}
	if p := filesProblem(t, r.Body); !strings.Contains(p, "Il file contiene 3 errori") {
		t.Errorf("problem %q", p)
	}
	secRequireUnchanged(t, "refused import", before, secSnapshot(t, e.pool), "sessions")
}
