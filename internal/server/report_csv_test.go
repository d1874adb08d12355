package server_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"traguardo/internal/report"
	"traguardo/web/paths"
)

// readCSV checks that body is CSV for Italian Excel (a UTF-8 BOM, ";"
// between the cells) and reads it back.
func readCSV(t *testing.T, what, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, report.CSVBOM) {
		t.Fatalf("%s does not begin with the UTF-8 BOM: %q", what, body[:min(len(body), 10)])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, report.CSVBOM)))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s does not read back with ';': %v", what, err)
	}
	return rows
}

// TestCSV_PublicSameAsRelazione: the Relazione's CSV (signed in) and the
// public indicatori.csv of its validated version are CSV for Italian Excel
// (text/csv, a BOM, ";"), with the same Italian headings; made from the same
// data (the public one from the JSON frozen at the validation), they are
// the same bytes.
func TestCSV_PublicSameAsRelazione(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	edgeValidate(t, e)
	internal := e.signedIn(t, "direttore").get("/cicli/2023/relazione.csv")
	public := e.client(t).get(paths.TransparencyFile(2023, 1, paths.PublicCSV))
	for what, r := range map[string]*secResponse{"relazione.csv": internal, "public CSV": public} {
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%s: %d %q", what, r.Status, r.Header.Get("Content-Type"))
		}
		rows := readCSV(t, what, r.Body)
		if strings.Join(rows[0], "|") != strings.Join(report.Columns, "|") || rows[0][1] != "Centro di responsabilità" {
			t.Errorf("%s headings %q, want %q", what, rows[0], report.Columns)
		}
		if len(rows) < 2 {
			t.Errorf("%s has no rows", what)
		}
		for _, row := range rows[1:] {
			if p := row[9]; p != "Più alto è meglio" && p != "Più basso è meglio" {
				t.Errorf("%s: polarity %q", what, p)
			}
		}
	}
	if internal.Body != public.Body {
		t.Errorf("the public CSV differs from the Relazione's:\n%s\n---\n%s", public.Body, internal.Body)
	}
}
