package report

import (
	"bytes"
	"encoding/csv"
	"testing"

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
		"12":                "12",
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
		Indicators: []Indicator{{Name: "+cmd", Description: "\t=1+1", Unit: "numero", Expected: -3, Note: "\r=2"}},
	}}}}}
}

// TestCSV_NoFormulaCell: no cell of the report's CSV starts a formula; the
// negative expected value is still a number.
func TestCSV_NoFormulaCell(t *testing.T) {
	var b bytes.Buffer
	if err := CSV(&b, formulaModel()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := rows[1]
	for i, want := range []string{"'@SUM(1+1)", "'-sezione", "1", "'=HYPERLINK(\"http://evil.example\",\"x\")", "'+cmd", "'\t=1+1", "numero", "-3"} {
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
	for _, cell := range []string{"A2", "B2", "D2", "E2", "F2", "L2"} {
		if formula, err := f.GetCellFormula("Indicatori", cell); err != nil || formula != "" {
			t.Errorf("%s: formula %q (%v)", cell, formula, err)
		}
		typ, err := f.GetCellType("Indicatori", cell)
		if err != nil || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
			t.Errorf("%s: cell type %v (%v), want a string", cell, typ, err)
		}
	}
	if v, _ := f.GetCellValue("Indicatori", "D2"); v != "=HYPERLINK(\"http://evil.example\",\"x\")" {
		t.Errorf("D2 = %q", v)
	}
	if typ, _ := f.GetCellType("Indicatori", "H2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("H2 (expected, -3): cell type %v, want a number", typ)
	}
}
