package spreadsheet

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
	"traguardo/internal/plan"
)

// Limits of what ReadPlan accepts, so that an upload cannot exhaust memory.
const (
	maxFile     = 32 << 20  // bytes of the workbook
	maxUnzipped = 100 << 20 // bytes of its unpacked parts
	maxRows     = 10000     // data rows of one sheet
)

// ReadPlan reads a workbook written by WritePlan or filled in from
// WriteTemplate into a cycle's plan: centres, objectives, activities and
// indicators, in sheet order (activities and indicators by their "Ordine").
// Year and periods come from the sheet "Ciclo" when it has them. Nothing is
// returned unless the whole workbook is right: every problem is reported at
// its cell (sheet, row, column), in the returned fielderr.List. Descriptions
// come back as HTML that the caller sanitises like any rich text.
//
// Rows with no value in any cell are ignored wherever they are.
func ReadPlan(r io.Reader) (*plan.Cycle, error) {
	return ReadPlanWith(r, Options{})
}

// Options say which cycle a workbook is read for.
type Options struct {
	// Year is the cycle the plan is loaded into: the months of the
	// activities must fit it (plan.MonthFits), and the year of the sheet
	// "Ciclo", when it has one, must be it. Zero checks the months against
	// the sheet's own year, when it has one.
	Year int
	// ShiftYears moves every date of the workbook (the months of the
	// activities, the year and periods of the sheet "Ciclo") by that many
	// years before they are checked, as the carry-over moves a plan into
	// the next year.
	ShiftYears int
}

// ReadPlanWith is ReadPlan for the cycle of opt.Year, with the dates moved
// by opt.ShiftYears. A workbook refused only for its year, or for months
// that a move by whole years would bring in, comes back as a
// *plan.Shiftable that offers the move.
func ReadPlanWith(r io.Reader, opt Options) (*plan.Cycle, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxFile {
		return nil, fielderr.List{{Message: fmt.Sprintf("file troppo grande (massimo %d MB)", maxFile>>20)}}
	}
	// The archive is checked part by part before excelize unpacks it.
	var bomb *errPackage
	if err := checkPackage(raw); errors.As(err, &bomb) {
		return nil, fielderr.List{{Message: refusal(bomb)}}
	} else if err != nil {
		return nil, fielderr.List{{Message: "il file non è una cartella di lavoro Excel leggibile: salvarlo in formato .xlsx (senza password) e riprovare"}}
	}
	opts := excelize.Options{RawCellValue: true, UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: 16 << 20}
	f, err := excelize.OpenReader(bytes.NewReader(raw), opts)
	if err != nil {
		return nil, fielderr.List{{Message: "il file non è una cartella di lavoro Excel leggibile: salvarlo in formato .xlsx (senza password) e riprovare"}}
	}
	defer f.Close()
	b, err := openPkg(raw, f.CharsetReader)
	if err != nil {
		return nil, fielderr.List{{Message: "il file non è una cartella di lavoro Excel leggibile: salvarlo in formato .xlsx (senza password) e riprovare"}}
	}
	rd := &reader{f: f, book: b, seen: map[cellKey]bool{}, opt: opt}
	c := rd.read()
	if rd.errs.Len() == 0 {
		return c, nil
	}
	errs := rd.sorted()
	if rd.otherYear {
		if sh, ok := plan.ShiftFor(rd.months, rd.fileYear, rd.target); ok {
			return nil, &plan.Shiftable{List: errs, Shift: plan.YearShift{
				Years: opt.ShiftYears + sh.Years, From: sh.From - opt.ShiftYears, To: sh.To}}
		}
	}
	return nil, errs
}

// reader collects the plan and every problem of one workbook.
type reader struct {
	f    *excelize.File     // for the styles
	book *pkg               // for the sheets
	errs fielderr.Collector // the first fielderr.MaxList kept, the others counted
	seen map[cellKey]bool   // cells already in error: one message each

	opt Options
	// target is the year the months must fit: opt.Year, or the sheet
	// "Ciclo"'s; fileYear the sheet's year (0 when it has none). Both,
	// like months, are after the move by opt.ShiftYears.
	target, fileYear int
	// months are the activities' months read; otherYear is true when one
	// of them does not fit the target, or the sheet is of another year.
	months    []domain.Month
	otherYear bool
}

// table is a data sheet as found in the workbook.
type table struct {
	def *sheet
	// letter is the letter of each column of def in the file ("" when the
	// column is absent); pos its index in a row.
	letter []string
	pos    []int
	rows   []row
	ok     bool // found, with usable headers
}

// row is a data row: its number in the sheet and, by column of def, its
// values, the type of their cells (as in the file: "" or "n" for a number,
// "b" for TRUE/FALSE...) and the style they show with.
type row struct {
	n      int
	values []string
	kinds  []string
	styles []int
}

func (rd *reader) add(sheet string, n int, col, format string, args ...any) {
	if rd.errs.Full() {
		rd.put(fielderr.Cell(sheet, n, col, "")) // counted: its message is not written
		return
	}
	rd.put(fielderr.Cell(sheet, n, col, fmt.Sprintf(format, args...)))
}

// cellKey is a cell of a workbook.
type cellKey struct {
	sheet  string
	row    int
	column string
}

// put records a problem of a workbook: one for each cell. The first
// fielderr.MaxList are kept, the others only counted; the cells in error
// are remembered all the same (at most every cell of maxRows rows of the
// known columns), so that the count is of cells, as the list.
func (rd *reader) put(e fielderr.Error) {
	if e.Column != "" {
		key := cellKey{e.Sheet, e.Row, e.Column}
		if rd.seen[key] {
			return
		}
		rd.seen[key] = true
	}
	rd.errs.Add(e)
}

// at records a problem of the cell of column col of a row of t.
func (rd *reader) at(t *table, r row, col int, format string, args ...any) {
	rd.add(t.def.name, r.n, t.letter[col], format, args...)
}

// sorted returns the errors in workbook order: sheet, row, column.
func (rd *reader) sorted() fielderr.List {
	order := map[string]int{}
	for i, s := range dataSheets {
		order[s.name] = i + 1
	}
	errs := slices.Clone(rd.errs.Kept())
	slices.SortStableFunc(errs, func(a, b fielderr.Error) int {
		return cmp.Or(
			cmp.Compare(order[a.Sheet], order[b.Sheet]),
			cmp.Compare(a.Row, b.Row),
			cmp.Compare(len(a.Column), len(b.Column)),
			cmp.Compare(a.Column, b.Column),
		)
	})
	return rd.errs.Ending(errs)
}

// objectiveKey names an objective the way activities and indicators do.
type objectiveKey struct {
	centre, section string
	number          int
}

// item is an activity or indicator waiting to be put in order.
type item[T any] struct {
	order, row int
	v          T
}

func (rd *reader) read() *plan.Cycle {
	c := &plan.Cycle{Bands: domain.DefaultBands()}
	sheets := map[string]string{}
	for _, name := range rd.f.GetSheetList() {
		sheets[normalise(name)] = name
	}
	cycle := rd.table(sheets, &cycleSheet, false)
	centres := rd.table(sheets, &centresSheet, true)
	objectives := rd.table(sheets, &objectivesSheet, true)
	activities := rd.table(sheets, &activitiesSheet, true)
	indicators := rd.table(sheets, &indicatorsSheet, true)
	areas := rd.table(sheets, &areasSheet, false)

	rd.cycle(cycle, c)
	rd.year(cycle, c)
	byName := rd.centres(centres, c)
	objs := rd.objectives(objectives, centres.ok, byName)

	// An activity or an indicator is checked whatever its objective; it is
	// kept when its objective is known, in the order of its "Ordine".
	find := func(t *table, r row) *plan.Objective {
		return rd.objectiveOf(t, r, objectives.ok, centres.ok, byName, objs)
	}
	acts := map[*plan.Objective][]item[*plan.Activity]{}
	for _, r := range activities.rows {
		o := find(activities, r)
		order := rd.order(activities, r, actOrder)
		a := rd.activity(activities, r)
		if o != nil && order > 0 {
			acts[o] = append(acts[o], item[*plan.Activity]{order, r.n, a})
		}
	}
	inds := map[*plan.Objective][]item[*plan.Indicator]{}
	for _, r := range indicators.rows {
		o := find(indicators, r)
		order := rd.order(indicators, r, indOrder)
		in := rd.indicator(indicators, r)
		if o != nil && order > 0 {
			inds[o] = append(inds[o], item[*plan.Indicator]{order, r.n, in})
		}
	}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			o.Activities = inOrder(rd, activities, actOrder, acts[o], "un'altra attività")
			o.Indicators = inOrder(rd, indicators, indOrder, inds[o], "un altro indicatore")
		}
	}
	rd.publicValues(areas, objectives, c)
	if rd.errs.Len() == 0 && len(c.Centres) == 0 {
		rd.add(SheetCentres, 0, "", "nessun centro di responsabilità: il piano è vuoto")
	}
	return c
}

// publicValues reads the sheet "Aree strategiche" into c, checked against
// the areas the rows of the sheet "Obiettivi" name (plan.CheckPublicValues).
func (rd *reader) publicValues(t, objectives *table, c *plan.Cycle) {
	if len(t.rows) == 0 {
		return
	}
	var named []string
	for _, r := range objectives.rows {
		named = append(named, r.values[objStrategicArea])
	}
	values := make([]plan.PublicValue, len(t.rows))
	for i, r := range t.rows {
		values[i] = plan.PublicValue{Area: r.values[areaName], Value: r.values[areaPublicValue]}
	}
	first := map[string]int{} // the row of each area's first line
	for i, v := range values {
		if name := strings.TrimSpace(v.Area); first[name] == 0 {
			first[name] = t.rows[i].n
		}
	}
	for _, p := range plan.CheckPublicValues(values, named) {
		r := t.rows[p.Index]
		switch name := strings.TrimSpace(values[p.Index].Area); {
		case p.Field == plan.FieldPublicValue:
			rd.at(t, r, areaPublicValue, "%s", p.Message)
		case name == "":
			rd.at(t, r, areaName, "area strategica mancante")
		case first[name] != r.n:
			rd.at(t, r, areaName, "area strategica già presente nel foglio (riga %d)", first[name])
		default:
			rd.at(t, r, areaName, "nessun obiettivo del foglio «%s» indica l'area strategica «%s»", SheetObjectives, name)
		}
	}
	c.PublicValues = plan.NormalPublicValues(values)
}

// inOrder sorts the items of one objective by their "Ordine", reporting an
// order used twice.
func inOrder[T any](rd *reader, t *table, col int, items []item[T], other string) []T {
	slices.SortStableFunc(items, func(a, b item[T]) int { return cmp.Compare(a.order, b.order) })
	var out []T
	for i, it := range items {
		if i > 0 && items[i-1].order == it.order {
			rd.add(t.def.name, it.row, t.letter[col], "ordine %d già usato per %s dello stesso obiettivo (riga %d)", it.order, other, items[i-1].row)
		}
		out = append(out, it.v)
	}
	return out
}

// table finds a sheet, maps its header row onto the layout def and reads its
// non-empty rows.
func (rd *reader) table(sheets map[string]string, def *sheet, required bool) *table {
	t := &table{def: def, letter: make([]string, len(def.columns)), pos: make([]int, len(def.columns))}
	name, found := sheets[normalise(def.name)]
	if !found {
		if required {
			rd.add(def.name, 0, "", "foglio mancante: la cartella di lavoro deve avere i fogli %s", sheetList())
		}
		return t
	}
	rows, err := rd.book.rows(name)
	if err != nil {
		rd.add(def.name, 0, "", "foglio illeggibile")
		return t
	}
	defer rows.close()
	rd.readTable(t, rows, required)
	return t
}

// readTable reads the header row of a sheet, then its non-empty rows, one at
// a time, keeping only the cells of the columns of the header. It stops at
// the first row past maxRows.
func (rd *reader) readTable(t *table, rows *rowReader, required bool) {
	def := t.def
	unreadable := func(err error) {
		if errors.Is(err, errSharedStrings) {
			rd.add(def.name, 0, "", "foglio illeggibile: il file contiene più di %d testi diversi", maxSharedStrings)
			return
		}
		rd.add(def.name, 0, "", "foglio illeggibile")
	}
	all := func(int) bool { return true }
	// The header is row 1; a sheet whose row 1 is empty has no headers, and
	// a sheet without any value is empty.
	n, header, _, present, ok, err := rows.next(all)
	if ok && n > 1 {
		header = nil
	}
	for err == nil && ok && !present {
		_, _, _, present, ok, err = rows.next(all)
	}
	if err != nil {
		unreadable(err)
		return
	}
	if !present {
		if required {
			rd.add(def.name, 1, "A", "intestazioni mancanti nella riga 1: il foglio è vuoto")
		}
		return
	}
	for i := range t.pos {
		t.pos[i] = -1
	}
	headerOK := true
	known := map[string]int{}
	for i, col := range def.columns {
		known[normalise(col.header)] = i
	}
	for _, c := range header {
		h, i := c.value, c.col
		if strings.TrimSpace(h) == "" {
			continue
		}
		col, ok := known[normalise(h)]
		switch {
		case !ok:
			rd.add(def.name, 1, columnName(i), "colonna sconosciuta «%s»: le colonne ammesse sono elencate nel foglio «%s»", strings.TrimSpace(h), SheetInstructions)
			headerOK = false
		case t.pos[col] >= 0:
			rd.add(def.name, 1, columnName(i), "colonna «%s» ripetuta (già in colonna %s)", def.columns[col].header, t.letter[col])
			headerOK = false
		default:
			t.pos[col], t.letter[col] = i, columnName(i)
		}
	}
	for i, col := range def.columns {
		if t.pos[i] < 0 && col.kind != label {
			rd.add(def.name, 1, "", "intestazione «%s» mancante", col.header)
			headerOK = false
		}
	}
	if !headerOK {
		return
	}
	t.ok = true
	columnOf := map[int]int{} // the column of def at each position of the sheet
	for col, p := range t.pos {
		if p >= 0 {
			columnOf[p] = col
		}
	}
	keep := func(p int) bool {
		_, ok := columnOf[p]
		return ok
	}
	for {
		n, cells, filled, _, ok, err := rows.next(keep)
		switch {
		case err != nil:
			unreadable(err)
			return
		case !ok:
			return
		case !filled:
			continue // an empty row
		case len(t.rows) == maxRows:
			rd.add(def.name, n, "", "troppe righe: al massimo %d righe per foglio", maxRows)
			return
		}
		r := row{n: n, values: make([]string, len(def.columns)), kinds: make([]string, len(def.columns)), styles: make([]int, len(def.columns))}
		for _, c := range cells {
			col := columnOf[c.col]
			r.values[col] = strings.TrimSpace(cleanText(c.value))
			r.kinds[col], r.styles[col] = c.kind, c.style
		}
		t.rows = append(t.rows, r)
	}
}

// cleanText makes a cell's text storable: valid UTF-8, without the control
// characters (NUL above all) that a cell may carry but text columns refuse;
// line breaks and tabs stay.
func cleanText(s string) string {
	return cellText(strings.ToValidUTF8(s, "\uFFFD"))
}

func sheetList() string {
	var names []string
	for _, s := range dataSheets {
		if s != &cycleSheet && s != &areasSheet {
			names = append(names, "«"+s.name+"»")
		}
	}
	return strings.Join(names, ", ")
}

// numeric reports whether a cell holds a number (rather than text): its type
// is "n", or none, or one that excelize does not know.
func (rd *reader) numeric(t *table, r row, col int) bool {
	switch r.kinds[col] {
	case "b", "d", "e", "s", "str", "inlineStr":
		return false
	}
	return true
}

func (rd *reader) cycle(t *table, c *plan.Cycle) {
	shift := rd.opt.ShiftYears
	yearRow := 0
	var last time.Time
	for _, r := range t.rows {
		if s := r.values[cycleYear]; s != "" {
			y, ok := rd.integer(t, r, cycleYear)
			if !ok {
				y = 0 // not a whole number: no year at all
			}
			switch {
			case plan.YearProblem(y) != "":
				rd.at(t, r, cycleYear, "%s", plan.YearProblem(y))
			case yearRow > 0 && y+shift != c.Year:
				rd.at(t, r, cycleYear, "anno diverso da quello della riga %d", yearRow)
			case yearRow == 0:
				c.Year, yearRow = y+shift, r.n
			}
		}
	}
	for _, r := range t.rows {
		if r.values[cyclePeriod] == "" {
			continue
		}
		d, ok := rd.date(t, r, cyclePeriod)
		d = domain.AddYears(d, shift)
		year := c.Year
		if year == 0 {
			year = d.Year() // no year read: only the order can be checked
		}
		switch p := plan.PeriodProblem(year, last, d); {
		case !ok:
			rd.at(t, r, cyclePeriod, "data non valida: usare AAAA-MM-GG")
		case p != "":
			rd.at(t, r, cyclePeriod, "%s", p)
		default:
			c.Periods = append(c.Periods, plan.Period{EndsOn: d})
			last = d
		}
	}
}

// year settles the year the months must fit: the cycle the workbook is
// read for, whose year the sheet "Ciclo" must then have when it has one.
func (rd *reader) year(t *table, c *plan.Cycle) {
	rd.fileYear, rd.target = c.Year, cmp.Or(rd.opt.Year, c.Year)
	if c.Year == 0 || c.Year == rd.target {
		return
	}
	rd.otherYear = true
	for _, r := range t.rows {
		if r.values[cycleYear] == "" {
			continue
		}
		msg := fmt.Sprintf("il foglio è del ciclo %d, non del ciclo %d in cui si carica il piano", c.Year-rd.opt.ShiftYears, rd.target)
		if rd.opt.ShiftYears != 0 {
			msg = fmt.Sprintf("il foglio è del ciclo %d: con lo spostamento di %s diventa %d, non il ciclo %d in cui si carica il piano",
				c.Year-rd.opt.ShiftYears, plan.Years(rd.opt.ShiftYears), c.Year, rd.target)
		}
		rd.at(t, r, cycleYear, "%s", msg)
		break
	}
	c.Year = rd.target
}

func (rd *reader) centres(t *table, c *plan.Cycle) map[string]*plan.Centre {
	byName := map[string]*plan.Centre{}
	rows := map[string]int{}
	for _, r := range t.rows {
		ce := &plan.Centre{Name: r.values[centreName], Manager: r.values[centreManager]}
		if errs := ce.Validate(); len(errs) > 0 {
			rd.fields(t, r, errs, map[string]int{"name": centreName, "manager": centreManager})
			continue
		}
		if byName[ce.Name] != nil {
			rd.at(t, r, centreName, "centro già presente nel foglio (riga %d)", rows[ce.Name])
			continue
		}
		byName[ce.Name], rows[ce.Name] = ce, r.n
		c.Centres = append(c.Centres, ce)
	}
	return byName
}

// objectives reads the objectives into their centres and returns them by key.
func (rd *reader) objectives(t *table, centresOK bool, centres map[string]*plan.Centre) map[objectiveKey]*plan.Objective {
	byKey := map[objectiveKey]*plan.Objective{}
	rows := map[objectiveKey]int{}
	for _, r := range t.rows {
		v := r.values
		centre := v[objCentre]
		ce := centres[centre]
		switch {
		case centre == "":
			rd.at(t, r, objCentre, "centro mancante")
		case centresOK && ce == nil:
			rd.at(t, r, objCentre, "centro «%s» non presente nel foglio «%s»", centre, SheetCentres)
		}
		number, _ := rd.integer(t, r, objNumber)
		o := &plan.Objective{
			Section:              v[objSection],
			Number:               number,
			Title:                v[objTitle],
			StrategicArea:        v[objStrategicArea],
			OperationalObjective: v[objOperational],
			PEGProject:           v[objPEG],
			Services:             v[objServices],
			EndUsers:             v[objEndUsers],
			Networks:             v[objNetworks],
			DescriptionHTML:      TextToHTML(v[objDescription]),
			Weight:               rd.number(t, r, objWeight),
			Group:                v[objGroup],
		}
		rd.fields(t, r, o.Validate(), objectiveColumns)
		if centre != "" && o.Section != "" && o.Number > 0 {
			key := objectiveKey{centre, o.Section, o.Number}
			if byKey[key] != nil {
				rd.at(t, r, objNumber, "%s (riga %d)", plan.MsgNumberTaken, rows[key])
				continue
			}
			byKey[key], rows[key] = o, r.n
		}
		if ce != nil {
			ce.Objectives = append(ce.Objectives, o)
		}
	}
	return byKey
}

// objectiveOf finds the objective an activity or indicator row points to;
// it reports the reference's problems and returns nil for them.
// The reference is the first three columns of both sheets (objectiveRef).
func (rd *reader) objectiveOf(t *table, r row, objectivesOK, centresOK bool, centres map[string]*plan.Centre, objs map[objectiveKey]*plan.Objective) *plan.Objective {
	centre, section := r.values[objCentre], r.values[objSection]
	number, ok := rd.integer(t, r, objNumber)
	if centre == "" {
		rd.at(t, r, objCentre, "centro mancante")
	}
	if section == "" {
		rd.at(t, r, objSection, "sezione mancante")
	}
	if !ok || number < 1 {
		rd.at(t, r, objNumber, "numero dell'obiettivo mancante o non valido (intero da 1 in su)")
		return nil
	}
	if centre == "" || section == "" || !objectivesOK {
		return nil
	}
	if o := objs[objectiveKey{centre, section, number}]; o != nil {
		return o
	}
	if centresOK && centres[centre] == nil {
		rd.at(t, r, objCentre, "centro «%s» non presente nel foglio «%s»", centre, SheetCentres)
		return nil
	}
	rd.at(t, r, objNumber, "obiettivo non presente nel foglio «%s» (centro «%s», sezione «%s», numero %d)", SheetObjectives, centre, section, number)
	return nil
}

// order reads the "Ordine" of an activity or indicator; 0 when it is wrong.
func (rd *reader) order(t *table, r row, col int) int {
	n, ok := rd.integer(t, r, col)
	if !ok || n < 1 {
		rd.at(t, r, col, "ordine mancante o non valido (intero da 1 in su)")
		return 0
	}
	return n
}

func (rd *reader) activity(t *table, r row) *plan.Activity {
	a := &plan.Activity{
		Description: r.values[actDescription],
		Planned: domain.Span{
			From:   rd.month(t, r, actFrom),
			To:     rd.month(t, r, actTo),
			Annual: rd.yesNo(t, r, actAnnual),
		},
	}
	// Bad months are reported above and left out of the span; what the span
	// rules still find is about the end month, or about "Annuale".
	planned := actTo
	if a.Planned.Annual {
		planned = actAnnual
	}
	rd.fields(t, r, a.Validate(), map[string]int{"description": actDescription, "planned": planned})
	return a
}

func (rd *reader) indicator(t *table, r row) *plan.Indicator {
	v := r.values
	in := &plan.Indicator{
		Name:        v[indName],
		Description: v[indDescription],
		Unit:        domain.Unit(v[indUnit]),
		Polarity:    domain.Higher,
		Weight:      rd.number(t, r, indWeight),
	}
	if in.Unit == "" {
		rd.at(t, r, indUnit, "unità di misura mancante: usare una tra %s", unitList())
	}
	switch normalise(v[indPolarity]) {
	case "", "piu alto":
	case "piu basso":
		in.Polarity = domain.Lower
	default:
		rd.at(t, r, indPolarity, "polarità non valida: «più alto» o «più basso»")
	}
	switch {
	case v[indExpected] == "":
		rd.at(t, r, indExpected, "valore atteso mancante")
	case in.Unit.IsYesNo():
		yes, ok := rd.parseYesNo(t, r, indExpected)
		if !ok {
			rd.at(t, r, indExpected, "per un indicatore si/no il valore atteso è «si» o «no»")
		} else if yes {
			in.Expected = 1
		}
	case in.Unit.Valid():
		if x, ok := rd.parseNumber(t, r, indExpected); ok {
			in.Expected = x
			// The database refuses it too; the plan rules do not say it.
			if in.Unit == domain.UnitPercent && x < 0 {
				rd.at(t, r, indExpected, "per un indicatore in percentuale il valore atteso non può essere negativo")
			}
		} else {
			rd.at(t, r, indExpected, "valore atteso non valido: inserire un numero, ad esempio 12,5")
		}
	}
	rd.fields(t, r, in.Validate(), map[string]int{"name": indName, "description": indDescription, "unit": indUnit, "polarity": indPolarity, "weight": indWeight, "expected": indExpected})
	return in
}

// objectiveColumns are the columns of the objectives' fields, by their names
// in the plan's rules.
var objectiveColumns = map[string]int{
	"section": objSection, "number": objNumber, "title": objTitle, "strategic_area": objStrategicArea,
	"operational_objective": objOperational, "peg_project": objPEG, "services": objServices,
	"end_users": objEndUsers, "networks": objNetworks, "description_html": objDescription,
	"weight": objWeight, "group": objGroup,
}

// fields records the plan rules' problems at the cells of their fields.
func (rd *reader) fields(t *table, r row, errs fielderr.List, cols map[string]int) {
	for _, e := range errs {
		rd.put(e.InCell(t.def.name, r.n, t.letter[cols[e.Field]]))
	}
}

// integer reads a whole number; false when the cell is empty or is not one.
func (rd *reader) integer(t *table, r row, col int) (int, bool) {
	s := r.values[col]
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || x != math.Trunc(x) || math.Abs(x) > 1e9 {
		return 0, false
	}
	return int(x), true
}

// number reads an optional decimal number (nil when empty), reporting one
// that is not a number.
func (rd *reader) number(t *table, r row, col int) *float64 {
	if r.values[col] == "" {
		return nil
	}
	x, ok := rd.parseNumber(t, r, col)
	if !ok {
		rd.at(t, r, col, "numero non valido: inserire ad esempio 12,5")
		return nil
	}
	return &x
}

// thousands matches "1.234" or "12.345.678": in Italian, dots group thousands.
var thousands = regexp.MustCompile(`^-?\d{1,3}(\.\d{3})+$`)

// parseNumber reads a number cell as stored, and a text cell the way the
// forms do: "1.234,5", "0,5" or "1234.5".
func (rd *reader) parseNumber(t *table, r row, col int) (float64, bool) {
	s := r.values[col]
	if !rd.numeric(t, r, col) {
		s = strings.ReplaceAll(s, " ", "")
		if strings.Contains(s, ",") || thousands.MatchString(s) {
			s = strings.Replace(strings.ReplaceAll(s, ".", ""), ",", ".", 1)
		}
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, false
	}
	return x, true
}

// yesNo reads an optional si/no cell (empty is no), reporting anything else.
func (rd *reader) yesNo(t *table, r row, col int) bool {
	if r.values[col] == "" {
		return false
	}
	yes, ok := rd.parseYesNo(t, r, col)
	if !ok {
		rd.at(t, r, col, "valore non valido: «si» o «no»")
	}
	return yes
}

// parseYesNo reads "si" (or "sì") and "no", in any case, and a TRUE/FALSE cell.
func (rd *reader) parseYesNo(t *table, r row, col int) (yes, ok bool) {
	switch normalise(r.values[col]) {
	case "si":
		return true, true
	case "no":
		return false, true
	}
	if r.kinds[col] == "b" {
		return r.values[col] == "1", true
	}
	return false, false
}

// month reads an optional AAAA-MM cell (nil when empty), reporting a bad one.
// A cell that the spreadsheet turned into a date is read as its month. The
// month is moved by the years of opt.ShiftYears, and must then fit the
// cycle.
func (rd *reader) month(t *table, r row, col int) *domain.Month {
	s := r.values[col]
	if s == "" {
		return nil
	}
	m, err := domain.ParseMonth(s)
	if err != nil {
		d, ok := rd.dateCell(t, r, col)
		if !ok {
			rd.at(t, r, col, "%s", err.Error())
			return nil
		}
		m = domain.Month{Year: d.Year(), Month: d.Month()}
	}
	m = m.AddYears(rd.opt.ShiftYears)
	rd.months = append(rd.months, m)
	if rd.target != 0 && !plan.MonthFits(rd.target, m) {
		rd.at(t, r, col, "%s", plan.MonthOutside(rd.target, m, rd.opt.ShiftYears))
		rd.otherYear = true
	}
	return &m
}

// date reads an AAAA-MM-GG cell, or a cell the spreadsheet holds as a date.
func (rd *reader) date(t *table, r row, col int) (time.Time, bool) {
	if d, err := time.Parse(time.DateOnly, r.values[col]); err == nil {
		return d, true
	}
	return rd.dateCell(t, r, col)
}

// dateCell reads a number cell with a date format as that date.
func (rd *reader) dateCell(t *table, r row, col int) (time.Time, bool) {
	if !rd.numeric(t, r, col) {
		return time.Time{}, false
	}
	serial, err := strconv.ParseFloat(r.values[col], 64)
	if err != nil || serial < 1 || serial > 2958465 {
		return time.Time{}, false
	}
	st, err := rd.f.GetStyle(r.styles[col])
	if err != nil || !dateFormat(st) {
		return time.Time{}, false
	}
	d, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return time.Time{}, false
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), true
}

// notCodes matches the parts of a number format that are not codes: quoted
// text, and [colour] or [$-locale] parts.
var notCodes = regexp.MustCompile(`"[^"]*"|\[[^\]]*\]`)

// dateFormat reports whether a number format shows a date: one of the
// built-in date formats, or a custom one with day, month or year codes.
func dateFormat(st *excelize.Style) bool {
	switch n := st.NumFmt; {
	case n >= 14 && n <= 17, n == 22, n >= 27 && n <= 36, n >= 50 && n <= 58:
		return true
	}
	if st.CustomNumFmt == nil {
		return false
	}
	code := notCodes.ReplaceAllString(strings.ToLower(*st.CustomNumFmt), "")
	return strings.ContainsAny(code, "dy") || strings.Contains(code, "mm") && !strings.Contains(code, "h")
}
