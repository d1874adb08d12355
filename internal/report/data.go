package report

import (
	"bytes"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// The open data of the report (Amministrazione Trasparente): one row per
// indicator, in plan order, with its figures at the report's period.
// Numbers are written as numbers (a point for decimals in the CSV), a
// si/no value as 1 or 0, so that a program reads them as they are.

// Columns are the headers of the open data, in order.
var Columns = []string{"centro", "sezione", "obiettivo_numero", "obiettivo", "indicatore", "descrizione",
	"unita_misura", "valore_atteso", "valore_consuntivo", "grado_raggiungimento", "periodo", "nota"}

// Row is one indicator of the open data.
type Row struct {
	Centre, Section      string
	Number               int
	Objective, Indicator string
	Description, Unit    string
	Expected             float64
	Actual, Achievement  *float64
	Period               time.Time
	Note                 string
}

// Rows are the indicators of the report, in plan order.
func Rows(m *Model) []Row {
	var out []Row
	for _, ce := range m.Centres {
		for _, o := range ce.Objectives {
			for _, in := range o.Indicators {
				r := Row{Centre: ce.Name, Section: o.Section, Number: o.Number, Objective: o.Title, Indicator: in.Name,
					Description: in.Description, Unit: in.Unit, Expected: in.Expected, Actual: in.Actual, Period: m.AsOf, Note: in.Note}
				if in.Achievement != nil {
					a := *in.Achievement
					r.Achievement = &a
				}
				switch {
				case in.Neutralised != "":
					r.Note = "sterilizzato: " + in.Neutralised
				case in.Overridden != "" && in.OverriddenAt != "":
					r.Note = "grado stabilito dal direttore per il " + in.OverriddenAt + ": " + in.Overridden
				case in.Overridden != "":
					r.Note = "grado stabilito dal direttore: " + in.Overridden
				}
				out = append(out, r)
			}
		}
	}
	return out
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func optNum(v *float64) string {
	if v == nil {
		return ""
	}
	return num(*v)
}

func (r Row) strings() []string {
	period := ""
	if !r.Period.IsZero() {
		period = r.Period.Format(time.DateOnly)
	}
	return []string{r.Centre, r.Section, strconv.Itoa(r.Number), r.Objective, r.Indicator, r.Description, r.Unit,
		num(r.Expected), optNum(r.Actual), optNum(r.Achievement), period, r.Note}
}

// CSV writes the open data as CSV (RFC 4180, UTF-8, a header row),
// formula-safe (CSVWriter).
func CSV(w io.Writer, m *Model) error {
	cw := NewCSVWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, r := range Rows(m) {
		if err := cw.Write(r.strings()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// XLSX writes the open data as a workbook: the sheet Indicatori with a
// header row and one row per indicator, numbers as numbers.
func XLSX(m *Model) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Indicatori"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	header := make([]any, len(Columns))
	for i, c := range Columns {
		header[i] = c
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, err
	}
	for i, r := range Rows(m) {
		row := []any{r.Centre, r.Section, r.Number, r.Objective, r.Indicator, r.Description, r.Unit, r.Expected, nil, nil, "", r.Note}
		if r.Actual != nil {
			row[8] = *r.Actual
		}
		if r.Achievement != nil {
			row[9] = *r.Achievement
		}
		if !r.Period.IsZero() {
			row[10] = r.Period.Format(time.DateOnly)
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
