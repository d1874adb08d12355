package spreadsheet

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// maxDataRow bounds the ranges that carry formats and drop-down lists.
const maxDataRow = 5000

// WritePlan writes the plan of c (centres, objectives, activities,
// indicators, the public values of the strategic areas; no actual values) as a workbook that ReadPlan reads back.
func WritePlan(w io.Writer, c *plan.Cycle) error {
	b, err := newBook("Piano della performance " + strconv.Itoa(c.Year))
	if err != nil {
		return err
	}
	defer b.f.Close()
	for _, s := range dataSheets {
		if err := b.addSheet(s); err != nil {
			return err
		}
	}
	if err := b.fill(c); err != nil {
		return err
	}
	if err := b.addInstructions(); err != nil {
		return err
	}
	b.f.SetActiveSheet(0)
	return b.f.Write(w)
}

// WriteTemplate writes the workbook of WritePlan with no plan in it, after a
// first sheet of instructions that explains every column with an example.
func WriteTemplate(w io.Writer) error {
	b, err := newBook("Modello del piano della performance")
	if err != nil {
		return err
	}
	defer b.f.Close()
	if err := b.addInstructions(); err != nil {
		return err
	}
	for _, s := range dataSheets {
		if err := b.addSheet(s); err != nil {
			return err
		}
	}
	b.f.SetActiveSheet(0)
	return b.f.Write(w)
}

// book is a workbook being written, with its styles.
type book struct {
	f      *excelize.File
	styles map[kind]int
	header int
	title  int
	bold   int
	para   int
	// first is the name of the sheet the new file came with, renamed by
	// the first sheet added.
	first string
}

func newBook(title string) (*book, error) {
	f := excelize.NewFile()
	b := &book{f: f, styles: map[kind]int{}, first: f.GetSheetName(0)}
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "Traguardo", Language: "it-IT"}); err != nil {
		return nil, err
	}
	top := &excelize.Alignment{Vertical: "top"}
	wrapTop := &excelize.Alignment{Vertical: "top", WrapText: true}
	styles := []struct {
		dst   *int
		style excelize.Style
	}{
		{&b.header, excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE6F0"}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
			Border:    []excelize.Border{{Type: "bottom", Color: "7F7F7F", Style: 1}},
		}},
		{&b.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&b.bold, excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}, Alignment: top}},
		{&b.para, excelize.Style{Alignment: wrapTop}},
	}
	for _, s := range styles {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return nil, err
		}
		*s.dst = id
	}
	kinds := map[kind]excelize.Style{
		text:     {Alignment: top},
		longText: {Alignment: wrapTop},
		integer:  {Alignment: top},
		number:   {Alignment: top},
		month:    {Alignment: top, NumFmt: 49}, // "@": kept as typed, not turned into a date
		date:     {Alignment: top, NumFmt: 49},
		yesNo:    {Alignment: top},
		polarity: {Alignment: top},
		unit:     {Alignment: top, NumFmt: 49},
		expected: {Alignment: top},
		label: {
			Alignment: top,
			Font:      &excelize.Font{Italic: true, Color: "595959"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
		},
	}
	for k, s := range kinds {
		id, err := f.NewStyle(&s)
		if err != nil {
			return nil, err
		}
		b.styles[k] = id
	}
	return b, nil
}

// newSheet adds an empty sheet, taking over the new file's own sheet first.
func (b *book) newSheet(name string) error {
	if b.first != "" {
		err := b.f.SetSheetName(b.first, name)
		b.first = ""
		return err
	}
	_, err := b.f.NewSheet(name)
	return err
}

// addSheet adds a data sheet: header row bold and frozen, column widths and
// formats, drop-down lists where the values are fixed.
func (b *book) addSheet(s *sheet) error {
	if err := b.newSheet(s.name); err != nil {
		return err
	}
	last := columnName(len(s.columns) - 1)
	for i, col := range s.columns {
		name := columnName(i)
		if err := b.f.SetColWidth(s.name, name, name, col.width); err != nil {
			return err
		}
		if err := b.f.SetColStyle(s.name, name, b.styles[col.kind]); err != nil {
			return err
		}
		if err := b.f.SetCellStr(s.name, name+"1", col.header); err != nil {
			return err
		}
		var choices []string
		switch col.kind {
		case yesNo:
			choices = []string{"si", "no"}
		case polarity:
			choices = []string{"più alto", "più basso"}
		case unit:
			choices = strings.Split(unitList(), ", ")
		}
		if choices != nil {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s%d", name, name, maxDataRow)
			if err := dv.SetDropList(choices); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, col.header, "Scegliere un valore dall'elenco: "+strings.Join(choices, ", ")+".")
			if err := b.f.AddDataValidation(s.name, dv); err != nil {
				return err
			}
		}
	}
	if err := b.f.SetCellStyle(s.name, "A1", last+"1", b.header); err != nil {
		return err
	}
	if err := b.f.SetRowHeight(s.name, 1, 32); err != nil {
		return err
	}
	return b.f.SetPanes(s.name, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
}

// row writes the values of one row of a data sheet, from column A.
func (b *book) row(sheet string, n int, values ...any) error {
	for i, v := range values {
		cell := columnName(i) + strconv.Itoa(n)
		var err error
		switch v := v.(type) {
		case nil:
			continue
		case string:
			if v == "" {
				continue
			}
			err = b.f.SetCellStr(sheet, cell, cellText(v))
		default:
			err = b.f.SetCellValue(sheet, cell, v)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", sheet, cell, err)
		}
	}
	return nil
}

// cellText drops the control characters a cell cannot hold, and a database
// column should not; line breaks and tabs stay, "\r\n" becomes "\n".
func cellText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, strings.ReplaceAll(s, "\r\n", "\n"))
}

// fill writes the plan of c into the data sheets.
func (b *book) fill(c *plan.Cycle) error {
	rows := map[string]int{}
	next := func(sheet string) int {
		if rows[sheet] == 0 {
			rows[sheet] = 1
		}
		rows[sheet]++
		return rows[sheet]
	}
	// Ciclo: the year with the first period, then one period per row.
	if len(c.Periods) == 0 && c.Year != 0 {
		if err := b.row(SheetCycle, next(SheetCycle), c.Year); err != nil {
			return err
		}
	}
	for i, p := range c.Periods {
		var year any
		if i == 0 && c.Year != 0 {
			year = c.Year
		}
		if err := b.row(SheetCycle, next(SheetCycle), year, p.EndsOn.Format("2006-01-02")); err != nil {
			return err
		}
	}
	for _, a := range c.StrategicAreas() {
		if a.PublicValue == "" {
			continue
		}
		if err := b.row(SheetAreas, next(SheetAreas), a.Name, a.PublicValue); err != nil {
			return err
		}
	}
	for _, ce := range c.Centres {
		if err := b.row(SheetCentres, next(SheetCentres), ce.Name, ce.Manager); err != nil {
			return err
		}
		for _, o := range ce.Objectives {
			if err := b.row(SheetObjectives, next(SheetObjectives),
				ce.Name, o.Section, o.Number, o.Title, o.StrategicArea, o.OperationalObjective, o.PEGProject,
				o.Services, o.EndUsers, o.Networks, HTMLToText(o.DescriptionHTML), optional(o.Weight), o.Group); err != nil {
				return err
			}
			for i, a := range o.Activities {
				var from, to string
				if a.Planned.From != nil {
					from = a.Planned.From.String()
				}
				if a.Planned.To != nil {
					to = a.Planned.To.String()
				}
				if err := b.row(SheetActivities, next(SheetActivities),
					ce.Name, o.Section, o.Number, i+1, a.Description, from, to, yesNoText(a.Planned.Annual),
					a.Planned.Label(c.Year)); err != nil {
					return err
				}
			}
			for i, in := range o.Indicators {
				pol := "più alto"
				if in.Polarity == domain.Lower {
					pol = "più basso"
				}
				var exp any = in.Expected
				if in.Unit.IsYesNo() {
					exp = yesNoText(in.Expected == 1)
				}
				if err := b.row(SheetIndicators, next(SheetIndicators),
					ce.Name, o.Section, o.Number, i+1, in.Name, in.Description, string(in.Unit), pol,
					optional(in.Weight), exp); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func optional(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func yesNoText(b bool) string {
	if b {
		return "si"
	}
	return "no"
}

// instructions are the opening paragraphs of the sheet "Istruzioni".
var instructions = []string{
	"Questo file contiene il piano della performance di un ciclo: centri di responsabilità, obiettivi, " +
		"attività e indicatori. Si può compilare da zero (partendo dal modello vuoto) o modificare il piano " +
		"scaricato da un altro ciclo, e poi caricarlo in Traguardo dalla pagina del ciclo («Carica il piano da " +
		"un foglio Excel»). Il piano si carica soltanto in un ciclo che non ha ancora centri né obiettivi.",
	"Compilare i fogli «Centri», «Obiettivi», «Attività» e «Indicatori» con un elemento per riga, dalla riga 2. " +
		"Non modificare le intestazioni della riga 1 e non rinominare i fogli. Le righe del tutto vuote si ignorano.",
	"Un obiettivo si collega al suo centro con il nome scritto come nel foglio «Centri»; attività e indicatori si " +
		"collegano al loro obiettivo con centro, sezione e numero dell'obiettivo, scritti come nel foglio «Obiettivi».",
	"Formati: mesi AAAA-MM (ad esempio 2023-05); date AAAA-MM-GG (2023-03-31); numeri con la virgola o il punto " +
		"per i decimali (12,5); si/no scritti «si» o «no». Unità di misura ammesse: " + unitList() + ".",
	"La formattazione della descrizione degli obiettivi è semplificata: ogni riga della cella è un paragrafo, " +
		"le righe che iniziano con «- » sono voci di elenco; grassetto, corsivo ed elenchi annidati non si conservano.",
	"Al caricamento si controlla tutto il file: se c'è anche un solo errore non si salva nulla e si riceve " +
		"l'elenco completo degli errori, ciascuno con foglio, riga e colonna. I valori consuntivi, l'avanzamento " +
		"delle attività e i report non fanno parte del piano e non sono in questo file.",
	"Qui sotto, per ogni foglio, le colonne (con la loro lettera) e il loro contenuto, con un esempio di riga " +
		"scritto colonna per colonna.",
}

// addInstructions writes the sheet "Istruzioni": what the workbook is for,
// the formats, then each sheet's columns with an example row.
func (b *book) addInstructions() error {
	const s = SheetInstructions
	if err := b.newSheet(s); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 34, "B": 80, "C": 13, "D": 45} {
		if err := b.f.SetColWidth(s, col, col, width); err != nil {
			return err
		}
	}
	n := 1
	if err := b.f.SetCellStr(s, "A1", "Istruzioni per il piano della performance"); err != nil {
		return err
	}
	if err := b.f.SetCellStyle(s, "A1", "A1", b.title); err != nil {
		return err
	}
	paragraph := func(text string) error {
		n++
		cell := "A" + strconv.Itoa(n)
		if err := b.f.SetCellStr(s, cell, text); err != nil {
			return err
		}
		if err := b.f.MergeCell(s, cell, "D"+strconv.Itoa(n)); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(s, cell, cell, b.para); err != nil {
			return err
		}
		// A merged cell does not grow with its text: size the row.
		lines := utf8.RuneCountInString(text)/150 + 1
		return b.f.SetRowHeight(s, n, float64(15*lines+3))
	}
	for _, p := range instructions {
		if err := paragraph(p); err != nil {
			return err
		}
	}
	for _, sh := range dataSheets {
		n += 2
		if err := b.f.SetCellStr(s, "A"+strconv.Itoa(n), "Foglio «"+sh.name+"»"); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(s, "A"+strconv.Itoa(n), "A"+strconv.Itoa(n), b.bold); err != nil {
			return err
		}
		if err := paragraph(sh.help); err != nil {
			return err
		}
		n++
		if err := b.row(s, n, "Colonna", "Contenuto e formato", "Obbligatoria", "Esempio"); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(s, "A"+strconv.Itoa(n), "D"+strconv.Itoa(n), b.header); err != nil {
			return err
		}
		for i, col := range sh.columns {
			n++
			required := "no"
			if col.required {
				required = "si"
			}
			if err := b.row(s, n, columnName(i)+" – "+col.header, col.help, required, col.example); err != nil {
				return err
			}
			if err := b.f.SetCellStyle(s, "A"+strconv.Itoa(n), "D"+strconv.Itoa(n), b.para); err != nil {
				return err
			}
		}
	}
	return nil
}
