package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/internal/interchange"
	"traguardo/internal/labels"
	"traguardo/internal/plan"
)

// The data of the report, for a spreadsheet: one row per indicator, in plan
// order, with its figures at the report's period. The CSV is for Excel as
// an Italian office opens it (UTF-8 with a BOM, ";" between the cells,
// numbers with the decimal comma as internal/format writes them, "sì" and
// "no", dates as 31/12/2023); the XLSX has the same columns with numbers as
// numbers. The Relazione's CSV and the public indicatori.csv of a validated
// version (FrozenCSV, made from its frozen JSON) have the same columns.
// Programs read the open data in JSON (OpenData), which keeps its own
// machine format.

// Columns are the headings of the data, in order.
var Columns = []string{"Anno", "Centro di responsabilità", "Sezione", "Obiettivo n.", "Obiettivo",
	"Grado di raggiungimento dell'obiettivo (%)", "Indicatore", "Descrizione", "Unità di misura", "Polarità",
	"Valore atteso", "Valore consuntivo", "Grado di raggiungimento dell'indicatore (%)", "Dati al", "Sterilizzato",
	"Motivo non rilevabile", "Nota"}

// Row is one indicator of the data.
type Row struct {
	Year            int
	Centre, Section string
	Number          int
	Objective       string
	// ObjectiveAchievement is the objective's achievement; ObjectiveText
	// says why there is none ("da rilevare").
	ObjectiveAchievement *float64
	ObjectiveText        string
	Indicator            string
	Description          string
	Unit                 domain.Unit
	Polarity             string // in words: "Più alto è meglio"
	Expected             float64
	Actual               *float64
	// Achievement is what the indicator counts with; AchievementText says
	// why there is none ("sterilizzato", "da rilevare").
	Achievement     *float64
	AchievementText string
	Period          time.Time
	Neutralised     bool
	// NotMeasurableReason is why the value at Period is "non rilevabile".
	NotMeasurableReason string
	Note                string
}

// Rows are the indicators of the report, in plan order.
func Rows(m *Model) []Row {
	var out []Row
	for _, ce := range m.Centres {
		for _, o := range ce.Objectives {
			for _, in := range o.Indicators {
				r := Row{Year: m.Year, Centre: ce.Name, Section: o.Section, Number: o.Number, Objective: o.Title,
					ObjectiveAchievement: clone(o.Achievement), Indicator: in.Name, Description: in.Description,
					Unit: domain.Unit(in.Unit), Polarity: in.Polarity, Expected: in.Expected, Actual: clone(in.Actual),
					Achievement: clone(in.Achievement), Period: m.AsOf, Neutralised: in.Neutralised != "",
					NotMeasurableReason: in.NotMeasurableReason,
					Note:                measureNote(in.Neutralised, in.Overridden, in.OverriddenAt, in.Note)}
				if o.Achievement == nil {
					r.ObjectiveText = o.AchievementText
				}
				if in.Achievement == nil {
					r.AchievementText = in.AchievementText
				}
				out = append(out, r)
			}
		}
	}
	return out
}

// measureNote is the note of an indicator's row: its neutralisation or the
// director's override in force, with the reason, else what its value is
// (valueNote).
func measureNote(neutralised, overridden, overriddenAt, note string) string {
	switch {
	case neutralised != "":
		return "sterilizzato: " + neutralised
	case overridden != "" && overriddenAt != "":
		return "grado stabilito dal direttore per il " + overriddenAt + ": " + overridden
	case overridden != "":
		return "grado stabilito dal direttore: " + overridden
	}
	return note
}

func clone(p *float64) *float64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// FrozenRows are the indicators of a frozen JSON v1 export (the record of
// a validated version), with the figures it was frozen with: the same rows
// as Rows of the report it was frozen from.
func FrozenRows(frozen []byte) ([]Row, error) {
	var doc interchange.Document
	if err := json.Unmarshal(frozen, &doc); err != nil {
		return nil, fmt.Errorf("report: the frozen JSON: %w", err)
	}
	var period time.Time
	figures := ""
	if doc.Figures != nil {
		figures = doc.Figures.Period
		p, err := time.Parse(time.DateOnly, figures)
		if err != nil {
			return nil, fmt.Errorf("report: the frozen JSON's period: %w", err)
		}
		period = p
	}
	day := func(s string) time.Time {
		t, _ := time.Parse(time.DateOnly, s)
		return t
	}
	var out []Row
	for _, ce := range doc.Centres {
		for _, o := range ce.Objectives {
			for _, in := range o.Indicators {
				unit := domain.Unit(in.Unit)
				r := Row{Year: doc.Year, Centre: ce.Name, Section: o.Section, Number: o.Number, Objective: o.Title,
					ObjectiveAchievement: clone(o.Achievement), Indicator: in.Name, Description: in.Description, Unit: unit,
					Polarity: labels.PolarityLabel(domain.Polarity(in.Polarity)), Expected: number(in.Expected),
					Actual: optNumber(in.Actual), Achievement: clone(in.Achievement), Period: period, Neutralised: in.Neutralised != nil}
				if o.Achievement == nil {
					r.ObjectiveText = format.Figure(nil, o.Pending)
				}
				notMeasurable := false
				for _, v := range in.Values {
					if v.Period == figures && v.NotMeasurable {
						notMeasurable = true
						if v.Reason != nil {
							r.NotMeasurableReason = *v.Reason
						}
					}
				}
				var latest *plan.Value
				if in.Latest != nil && in.Latest.Value != nil {
					latest = &plan.Value{Period: day(in.Latest.Period), Value: number(in.Latest.Value)}
				}
				// As the plan had it: the override in force at the period.
				pi := plan.Indicator{}
				if in.Override != nil {
					pi.Override = &plan.Override{Pct: in.Override.Achievement, Reason: in.Override.Reason}
				}
				for _, ov := range in.Overrides {
					pi.Overrides = append(pi.Overrides, plan.PeriodOverride{Period: day(ov.Period), Pct: ov.Achievement, Reason: ov.Reason})
				}
				var overridden, at, neutralised string
				if ov, ok := pi.OverrideAt(period); ok {
					overridden = ov.Reason
					if !ov.Period.IsZero() {
						at = format.DayMonth(ov.Period)
					}
				}
				switch {
				case in.Neutralised != nil:
					neutralised = in.Neutralised.Reason
					r.AchievementText = "sterilizzato"
				case o.Pending:
					r.AchievementText = format.Pending
				}
				r.Note = measureNote(neutralised, overridden, at, valueNote(unit, notMeasurable, latest, r.Actual == nil && !o.Pending))
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// number is an interchange value as a number (sì is 1, no 0).
func number(v *interchange.Value) float64 {
	switch {
	case v == nil:
		return 0
	case v.IsBool && v.Bool:
		return 1
	case v.IsBool:
		return 0
	}
	return v.Num
}

func optNumber(v *interchange.Value) *float64 {
	if v == nil {
		return nil
	}
	n := number(v)
	return &n
}

// figureText is an achievement for the CSV (56,2), or why there is none.
func figureText(v *float64, text string) string {
	if v == nil {
		return text
	}
	return format.Number(*v)
}

func (r Row) strings() []string {
	period, actual := "", ""
	if !r.Period.IsZero() {
		period = format.Date(r.Period)
	}
	if r.Actual != nil {
		actual = format.Value(r.Unit, *r.Actual)
	}
	return []string{strconv.Itoa(r.Year), r.Centre, r.Section, strconv.Itoa(r.Number), r.Objective,
		figureText(r.ObjectiveAchievement, r.ObjectiveText), r.Indicator, r.Description, string(r.Unit), r.Polarity,
		format.Value(r.Unit, r.Expected), actual, figureText(r.Achievement, r.AchievementText), period,
		format.YesNo(r.Neutralised), r.NotMeasurableReason, r.Note}
}

// cells are the row for the XLSX: numbers as numbers (a si/no value as
// "sì" or "no"), nil for an empty cell.
func (r Row) cells() []any {
	value := func(v float64) any {
		if r.Unit.IsYesNo() {
			return format.Value(r.Unit, v)
		}
		return v
	}
	figure := func(v *float64, text string) any {
		if v != nil {
			return *v
		}
		if text == "" {
			return nil
		}
		return text
	}
	var actual, period any
	if r.Actual != nil {
		actual = value(*r.Actual)
	}
	if !r.Period.IsZero() {
		period = format.Date(r.Period)
	}
	return []any{r.Year, r.Centre, r.Section, r.Number, r.Objective, figure(r.ObjectiveAchievement, r.ObjectiveText),
		r.Indicator, r.Description, string(r.Unit), r.Polarity, value(r.Expected), actual,
		figure(r.Achievement, r.AchievementText), period, format.YesNo(r.Neutralised), r.NotMeasurableReason, r.Note}
}

// WriteCSV writes rows under Columns with CSVWriter (for Italian Excel,
// formula-safe).
func WriteCSV(w io.Writer, rows []Row) error {
	cw := NewCSVWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(r.strings()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// CSV writes the data of the report (WriteCSV of its Rows).
func CSV(w io.Writer, m *Model) error { return WriteCSV(w, Rows(m)) }

// FrozenCSV is the CSV of a frozen JSON v1 export (WriteCSV of its
// FrozenRows): the same frozen JSON always gives the same bytes.
func FrozenCSV(frozen []byte) ([]byte, error) {
	rows, err := FrozenRows(frozen)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, rows); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// XLSX writes the data as a workbook: the sheet Indicatori with a header
// row and one row per indicator, numbers as numbers.
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
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(cell, r.cells()); err != nil {
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
