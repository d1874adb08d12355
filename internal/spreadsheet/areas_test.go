package spreadsheet_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"traguardo/internal/plan"
)

// TestRoundTrip_PublicValues: the public values of the strategic areas go
// to the sheet "Aree strategiche", in the plan's order, and come back; a
// workbook without the sheet (written before it existed) reads with none.
func TestRoundTrip_PublicValues(t *testing.T) {
	t.Parallel()
	c := demoCycle(t)
	c.PublicValues = []plan.PublicValue{
		{Area: "Minori e famiglie", Value: "Famiglie sostenute.\nSeconda riga."},
		{Area: "Governance, amministrazione e servizi generali.", Value: "Un ente trasparente."},
	}
	b := write(t, c)
	f, err := excelize.OpenReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Aree strategiche")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Area strategica", "Valore pubblico"},
		{"Governance, amministrazione e servizi generali.", "Un ente trasparente."},
		{"Minori e famiglie", "Famiglie sostenute.\nSeconda riga."},
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Fatalf("rows = %q, want %q", rows, want)
	}
	got := read(t, b)
	wantValues := []plan.PublicValue{{Area: want[1][0], Value: want[1][1]}, {Area: want[2][0], Value: want[2][1]}}
	if !slices.Equal(got.PublicValues, wantValues) {
		t.Errorf("read %+v, want %+v", got.PublicValues, wantValues)
	}
	samePlan(t, c, got)

	old := edit(t, b, func(f *excelize.File) {
		if err := f.DeleteSheet("Aree strategiche"); err != nil {
			t.Fatal(err)
		}
	})
	if got := read(t, old); len(got.PublicValues) != 0 {
		t.Errorf("a workbook without the sheet: %+v", got.PublicValues)
	}
}

// TestReadPlan_PublicValueErrors: each problem of the sheet "Aree
// strategiche" at its row and column.
func TestReadPlan_PublicValueErrors(t *testing.T) {
	t.Parallel()
	b := edit(t, write(t, smallCycle(t)), func(f *excelize.File) {
		setRow(t, f, "Aree strategiche", "A1", "Area strategica", "Valore pubblico")
		setRow(t, f, "Aree strategiche", "A2", "Governance", "Buon governo")
		setRow(t, f, "Aree strategiche", "A3", "Sport", "Più sport")
		setRow(t, f, "Aree strategiche", "A4", " Governance", "Di nuovo")
		setRow(t, f, "Aree strategiche", "A5", "", "Senza area")
		setRow(t, f, "Aree strategiche", "A6", "Governance", strings.Repeat("a", plan.MaxPublicValue+1))
	})
	want := []string{
		"Aree strategiche, riga 3, colonna A: nessun obiettivo del foglio «Obiettivi» indica l'area strategica «Sport»",
		"Aree strategiche, riga 4, colonna A: area strategica già presente nel foglio (riga 2)",
		"Aree strategiche, riga 5, colonna A: area strategica mancante",
		"Aree strategiche, riga 6, colonna A: area strategica già presente nel foglio (riga 2)",
		"Aree strategiche, riga 6, colonna B: testo troppo lungo: al più 4.000 caratteri (ne ha 4.001)",
	}
	var got []string
	for _, e := range readErrors(t, b) {
		got = append(got, e.Error())
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
