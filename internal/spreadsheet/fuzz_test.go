package spreadsheet_test

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"traguardo/internal/demo"
	"traguardo/internal/fielderr"
	"traguardo/internal/interchange"
	"traguardo/internal/richtext"
	"traguardo/internal/spreadsheet"
)

// checkRead reads b as a plan workbook. A workbook refused is refused with
// messages (Errors, each with a message), never a panic; one accepted
// travels unchanged through WritePlan and ReadPlan again.
func checkRead(t *testing.T, b []byte) {
	t.Helper()
	c, err := spreadsheet.ReadPlan(bytes.NewReader(b))
	if err != nil {
		var errs fielderr.List
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("ReadPlan refused the workbook with %T %v, want a non-empty fielderr.List", err, err)
		}
		for _, e := range errs {
			if e.Message == "" {
				t.Fatalf("an error without a message: %+v", errs)
			}
		}
		return
	}
	again, err := spreadsheet.ReadPlan(bytes.NewReader(write(t, c)))
	if err != nil {
		t.Fatalf("ReadPlan(WritePlan(c)) refused what ReadPlan accepted: %v", err)
	}
	samePlan(t, c, again)
}

// FuzzReadPlan feeds any bytes to the workbook importer, starting from the
// demo's exported plan, a small plan with every kind of value and the
// blank template.
func FuzzReadPlan(f *testing.F) {
	c, err := interchange.Read(bytes.NewReader(demo.Cycle2023()), richtext.NewPolicy())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(write(f, c))
	f.Add(write(f, smallCycle(f)))
	var tpl bytes.Buffer
	if err := spreadsheet.WriteTemplate(&tpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())
	f.Fuzz(checkRead)
}

// FuzzReadPlanCell writes any text or number into one cell of a small valid
// workbook and reads it: mutating a zip archive byte by byte rarely gets
// past its checksums, whereas this reaches the reading of every column.
func FuzzReadPlanCell(f *testing.F) {
	base := write(f, smallCycle(f))
	for _, s := range []struct {
		sheet, row, col uint8
		value           string
	}{
		{2, 2, 5, "2024-13"}, {2, 2, 6, "2023-12"}, {2, 3, 7, "si"}, {3, 2, 8, "1.234,5"},
		{3, 2, 6, "si/no"}, {1, 2, 3, "0"}, {1, 2, 4, "_x000D_a_x005F_"}, {1, 2, 12, "<script>x</script>"},
		{4, 2, 1, "AREA DIREZIONE"}, {5, 2, 1, "2023"}, {5, 2, 2, "2024-06-30"}, {3, 2, 9, "-1e308"},
	} {
		f.Add(s.sheet, s.row, s.col, s.value)
	}
	sheets := []string{spreadsheet.SheetInstructions, spreadsheet.SheetObjectives, spreadsheet.SheetActivities,
		spreadsheet.SheetIndicators, spreadsheet.SheetCentres, spreadsheet.SheetCycle}
	f.Fuzz(func(t *testing.T, sheet, row, col uint8, value string) {
		name := sheets[int(sheet)%len(sheets)]
		cell, err := excelize.CoordinatesToCellName(int(col)%16+1, int(row)%12+1)
		if err != nil {
			t.Fatal(err)
		}
		b := edit(t, base, func(f *excelize.File) {
			var v any = value
			if x, err := strconv.ParseFloat(value, 64); err == nil {
				v = x
			}
			if err := f.SetCellValue(name, cell, v); err != nil {
				t.Skip("excelize refuses to write it:", err)
			}
		})
		checkRead(t, b)
	})
}
