package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestFormulaSafe(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"Obiettivo":         "Obiettivo",
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+1+1":              "'+1+1",
		"-2+3":              "'-2+3",
		"@SUM(A1)":          "'@SUM(A1)",
		"\t=1":              "'\t=1",
		"\r=1":              "'\r=1",
		"-3.5":              "-3.5", // a number written as a number
		"-3,5":              "-3,5", // the Italian way
		"-1.234,5":          "-1.234,5",
		"-1.234":            "-1.234",
		"12":                "12",
		"-1,2,3":            "'-1,2,3",
		"-":                 "'-",
		"a=1":               "a=1",
		"'=already":         "'=already",
		"-1e5":              "'-1e5",
	} {
		if got := FormulaSafe(in); got != want {
			t.Errorf("FormulaSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// formulaModel is a report whose texts begin like formulas.
func formulaModel() *Model {
	return &Model{Year: 2023, Centres: []Centre{{Name: "@SUM(1+1)", Objectives: []Objective{{
		Section: "-sezione", Number: 1, Title: "=HYPERLINK(\"http://evil.example\",\"x\")",
		Indicators: []Indicator{{Name: "+cmd", Description: "\t=1+1", Unit: "numero", Polarity: "-polarità", Expected: -3.5,
			NotMeasurable: true, NotMeasurableReason: "=1+1", Note: "\r=2"}},
	}}}}}
}

// TestCSV_NoFormulaCell: no cell of the report's CSV starts a formula; the
// negative expected value is still a number.
func TestCSV_NoFormulaCell(t *testing.T) {
	var b bytes.Buffer
	if err := CSV(&b, formulaModel()); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, b.Bytes())
	row := rows[1]
	for i, want := range []string{"2023", "'@SUM(1+1)", "'-sezione", "1", "'=HYPERLINK(\"http://evil.example\",\"x\")", "", "'+cmd",
		"'\t=1+1", "numero", "'-polarità", "-3,5", "", "", "", "no", "'=1+1", "'\r=2"} {
		if row[i] != want {
			t.Errorf("column %s = %q, want %q", Columns[i], row[i], want)
		}
	}
}

// TestXLSX_TextIsNotFormula: excelize's stream writer writes a Go string as
// a string cell (an inline string), never as a formula, whatever it begins
// with; so the workbook keeps the text as it is and no cell has a formula.
func TestXLSX_TextIsNotFormula(t *testing.T) {
	b, err := XLSX(formulaModel())
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []string{"B2", "C2", "E2", "G2", "H2", "J2", "P2", "Q2"} {
		if formula, err := f.GetCellFormula("Indicatori", cell); err != nil || formula != "" {
			t.Errorf("%s: formula %q (%v)", cell, formula, err)
		}
		typ, err := f.GetCellType("Indicatori", cell)
		if err != nil || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
			t.Errorf("%s: cell type %v (%v), want a string", cell, typ, err)
		}
	}
	if v, _ := f.GetCellValue("Indicatori", "E2"); v != "=HYPERLINK(\"http://evil.example\",\"x\")" {
		t.Errorf("E2 = %q", v)
	}
	if v, _ := f.GetCellValue("Indicatori", "K2", excelize.Options{RawCellValue: true}); v != "-3.5" {
		t.Errorf("K2 (expected, -3,5) = %q, want the number -3.5", v)
	}
}

// readCSV checks that b is CSV for Italian Excel (a UTF-8 BOM, ";" between
// the cells) and reads it back.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatalf("the CSV does not begin with the UTF-8 BOM: %q", b[:min(len(b), 10)])
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read back with ';': %v", err)
	}
	return rows
}

// TestCSV_ItalianExcel: the report's CSV opens in Italian Excel in columns:
// a BOM, ";" between the cells, the headings in Italian, numbers with the
// decimal comma (and thousands points), "sì"/"no", the polarity in words,
// dates as 31/12/2023, the reason of a value not measurable in its column.
func TestCSV_ItalianExcel(t *testing.T) {
	actual, pct, obj := 1234.5, 87.5, 90.25
	m := &Model{Year: 2024, AsOf: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), Centres: []Centre{{Name: "AREA DIREZIONE",
		Objectives: []Objective{{Section: "Obiettivi di sviluppo", Number: 2, Title: "Comunicazione", Achievement: &obj,
			Indicators: []Indicator{
				{Name: "Spesa", Unit: "€", Polarity: "Più basso è meglio", Expected: 1500, Actual: &actual, Achievement: &pct},
				{Name: "Piano", Unit: "si/no", Polarity: "Più alto è meglio", Expected: 1, AchievementText: "sterilizzato",
					Neutralised: "fuori controllo", NotMeasurable: true, NotMeasurableReason: "dato non fornito dalla ASL", Note: "non rilevabile"},
			}}}}}}
	var b bytes.Buffer
	if err := CSV(&b, m); err != nil {
		t.Fatal(err)
	}
	if bytes.Count(b.Bytes(), []byte(";")) < 2*(len(Columns)-1) {
		t.Errorf("the cells are not separated by ';':\n%s", b.String())
	}
	rows := readCSV(t, b.Bytes())
	if got := strings.Join(rows[0], "|"); got != strings.Join(Columns, "|") || !strings.Contains(got, "Centro di responsabilità|") ||
		!strings.Contains(got, "|Motivo non rilevabile|") {
		t.Errorf("headings %q", rows[0])
	}
	want := [][]string{
		{"2024", "AREA DIREZIONE", "Obiettivi di sviluppo", "2", "Comunicazione", "90,25", "Spesa", "", "€", "Più basso è meglio",
			"1.500", "1.234,5", "87,5", "31/12/2024", "no", "", ""},
		{"2024", "AREA DIREZIONE", "Obiettivi di sviluppo", "2", "Comunicazione", "90,25", "Piano", "", "si/no", "Più alto è meglio",
			"sì", "", "sterilizzato", "31/12/2024", "sì", "dato non fornito dalla ASL", "sterilizzato: fuori controllo"},
	}
	if len(rows) != len(want)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(want)+1)
	}
	for i, w := range want {
		if strings.Join(rows[i+1], "|") != strings.Join(w, "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, rows[i+1], w)
		}
	}
}
