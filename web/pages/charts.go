package pages

import (
	"strconv"
	"strings"
	"time"
	"traguardo/internal/format"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// TrendView is a trend chart: the achievement of each series (the cycle,
// a centre) at every period of the cycle, drawn as small multiples (a row
// per series, a column per period) with its text alternative and the same
// data as a table. ID makes the chart's element ids unique in its page.
type TrendView struct {
	ID, Title string
	// AsOf is the period of the page's figures, marked in the chart.
	AsOf   time.Time
	Series []TrendSeries
}

// TrendSeries is one line of a trend chart, linked to its page.
type TrendSeries struct {
	Label, Href string
	Points      []plan.TrendPoint
}

// Periods are the periods of the chart, those of its first series.
func (v TrendView) Periods() []time.Time {
	if len(v.Series) == 0 {
		return nil
	}
	out := make([]time.Time, len(v.Series[0].Points))
	for i, p := range v.Series[0].Points {
		out[i] = p.Period
	}
	return out
}

// trendText is a point as it reads: its figure, "da rilevare" while its
// period awaits data, "nessun dato" when nothing was recorded; never 0.
func trendText(p plan.TrendPoint) string {
	switch {
	case p.Value != nil:
		return format.Percent(*p.Value)
	case p.Pending:
		return "da rilevare"
	}
	return "nessun dato"
}

// The trend chart's geometry, in SVG user units.
const (
	trendLabelW = 270
	trendColW   = 120
	trendRowH   = 46
	trendTop    = 30
	trendPlotH  = 28 // the height 0 to the scale's top spans within a row
)

func trendWidth(v TrendView) int { return trendLabelW + len(v.Periods())*trendColW + 10 }
func trendHeight(v TrendView) int {
	return trendTop + len(v.Series)*trendRowH + 6
}

// trendScale is the percentage a row's full height stands for: 100, or the
// largest figure when over-achievement goes beyond it.
func trendScale(v TrendView) float64 {
	s := 100.0
	for _, se := range v.Series {
		for _, p := range se.Points {
			if p.Value != nil && *p.Value > s {
				s = *p.Value
			}
		}
	}
	return s
}

func trendX(i int) int { return trendLabelW + i*trendColW + 14 }

// trendBase is the y of a row's 0 line.
func trendBase(row int) int { return trendTop + row*trendRowH + trendPlotH + 8 }

func trendY(v TrendView, row int, p plan.TrendPoint) int {
	val := 0.0
	if p.Value != nil {
		val = max(*p.Value, 0)
	}
	return trendBase(row) - int(val/trendScale(v)*trendPlotH)
}

// trendLine is the polyline through a series' points that have a figure;
// a point without one breaks nothing but is skipped.
func trendLine(v TrendView, row int) string {
	var pts []string
	for i, p := range v.Series[row].Points {
		if p.Value != nil {
			pts = append(pts, strconv.Itoa(trendX(i))+","+strconv.Itoa(trendY(v, row, p)))
		}
	}
	return strings.Join(pts, " ")
}

// trendAlt writes every value of the chart, for its desc.
func trendAlt(v TrendView) string {
	var rows []string
	for _, se := range v.Series {
		parts := make([]string, len(se.Points))
		for i, p := range se.Points {
			parts[i] = "al " + format.Date(p.Period) + " " + trendText(p)
		}
		rows = append(rows, se.Label+": "+strings.Join(parts, ", "))
	}
	return v.Title + ". " + strings.Join(rows, "; ") + "."
}

// GanttView is a chart of planned against actual months: a row per
// activity on the cycle's twelve months, its planned span above its actual
// span as known at AsOf, late ones hatched and labelled "in ritardo", with
// its text alternative and a data table. Rows of a centre's chart are
// grouped by objective (Group).
type GanttView struct {
	ID, Title string
	Year      int
	AsOf      time.Time
	Rows      []GanttRow
}

// GanttRow is an activity of a Gantt chart. Actual is its actual months as
// known at the chart's period (Recorded false when nothing was recorded
// then or before); Late is the model's lateness at that period; Reason is the
// reason recorded with those months.
type GanttRow struct {
	// Group heads the objective's rows in the drawing; GroupShort names
	// it in the table's column, linked to GroupHref.
	Group, GroupShort, GroupHref string
	Label                        string
	Description                  string
	Planned, Actual              domain.Span
	Recorded                     bool
	Late                         bool
	Reason                       string
}

// The Gantt chart's geometry, in SVG user units.
const (
	ganttLabelW  = 300
	ganttMonthW  = 38
	ganttStatusW = 90
	ganttRowH    = 34
	ganttGroupH  = 26
	ganttTop     = 34
)

func ganttWidth() int { return ganttLabelW + 12*ganttMonthW + ganttStatusW }

// ganttLine is a row of the drawing: an objective's heading or an activity.
type ganttLine struct {
	Y     int
	Group string
	Row   *GanttRow
}

// ganttLines lays the rows out, a heading before each new group.
func ganttLines(v GanttView) []ganttLine {
	l, _ := ganttLayout(v)
	return l
}

func ganttLayout(v GanttView) ([]ganttLine, int) {
	var out []ganttLine
	y, group := ganttTop, ""
	for i := range v.Rows {
		r := &v.Rows[i]
		if r.Group != "" && r.Group != group {
			group = r.Group
			out = append(out, ganttLine{Y: y, Group: group})
			y += ganttGroupH
		}
		out = append(out, ganttLine{Y: y, Row: r})
		y += ganttRowH
	}
	return out, y + 6
}

func ganttHeight(v GanttView) int {
	_, h := ganttLayout(v)
	return h
}

// monthCol is the column of m on the grid of year: 0 to 11, clipped, with
// whether it was before or after the year.
func monthCol(m domain.Month, year int) (col int, before, after bool) {
	switch {
	case m.Year < year:
		return 0, true, false
	case m.Year > year:
		return 11, false, true
	}
	return int(m.Month) - 1, false, false
}

// ganttBar is a span drawn on the grid: its columns (inclusive) and
// whether it runs on before January or after December.
type ganttBar struct {
	From, To      int
	Before, After bool
	OK            bool
}

func (b ganttBar) X() int     { return ganttLabelW + b.From*ganttMonthW }
func (b ganttBar) W() int     { return (b.To - b.From + 1) * ganttMonthW }
func (b ganttBar) Right() int { return b.X() + b.W() }

// asOfCol is the column of the month the chart's period ends in.
func asOfCol(v GanttView) int {
	if v.AsOf.IsZero() {
		return 11
	}
	c, _, _ := monthCol(domain.Month{Year: v.AsOf.Year(), Month: v.AsOf.Month()}, v.Year)
	return c
}

// spanBar places a span on the grid: an annual span is the whole year (an
// actual one up to the chart's period), an open end runs to December
// (planned) or to the chart's period (actual); a span with no start is its
// end month.
func spanBar(v GanttView, s domain.Span, actual bool) ganttBar {
	end := 11
	if actual {
		end = asOfCol(v)
	}
	switch {
	case s.Annual:
		return ganttBar{From: 0, To: end, OK: true}
	case s.From == nil && s.To == nil:
		return ganttBar{}
	}
	var b ganttBar
	b.OK = true
	if s.From != nil {
		b.From, b.Before, _ = monthCol(*s.From, v.Year)
		if s.From.Year > v.Year {
			return ganttBar{}
		}
	}
	if s.To != nil {
		var before bool
		b.To, before, b.After = monthCol(*s.To, v.Year)
		if before {
			return ganttBar{}
		}
		if s.From == nil {
			b.From = b.To
		}
	} else {
		b.To = max(end, b.From)
	}
	return b
}

// overdueBar is the months a late activity with no actual end has overrun
// its planned end, up to the chart's period.
func overdueBar(v GanttView, r GanttRow) ganttBar {
	p := spanBar(v, r.Planned, false)
	if !r.Late || !p.OK || r.Actual.To != nil || r.Actual.Annual || p.After {
		return ganttBar{}
	}
	from, to := p.To+1, asOfCol(v)
	if r.Actual.From != nil {
		return ganttBar{}
	}
	if from > to {
		return ganttBar{}
	}
	return ganttBar{From: from, To: to, OK: true}
}

var monthAbbr = [12]string{"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"}

func monthX(i int) int { return ganttLabelW + i*ganttMonthW }

// actualText is the actual months of a row as they read.
func actualText(v GanttView, r GanttRow) string {
	if !r.Recorded {
		return "non rilevato"
	}
	return r.Actual.Label(v.Year)
}

// lateText is the row's state at the chart's period.
func lateText(r GanttRow) string {
	if r.Late {
		return "in ritardo"
	}
	return "nei tempi"
}

// ganttAlt writes every row of the chart, for its desc.
func ganttAlt(v GanttView) string {
	var rows []string
	group := ""
	for _, r := range v.Rows {
		s := r.Label
		if r.Group != "" && r.Group != group {
			group = r.Group
			s = r.Group + ": " + s
		}
		s += ": previsto " + r.Planned.Label(v.Year) + ", effettivo " + actualText(v, r) + ", " + lateText(r)
		rows = append(rows, s)
	}
	if len(rows) == 0 {
		return v.Title + ": nessuna attività."
	}
	return v.Title + " al " + format.Date(v.AsOf) + ". " + strings.Join(rows, "; ") + "."
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// spanAfter says the span lies wholly after the cycle's year (an actual
// "Febbraio 2024" of the cycle 2023): the grid marks it at its right edge.
func spanAfter(v GanttView, s domain.Span) bool {
	return !s.Annual && ((s.From != nil && s.From.Year > v.Year) || (s.From == nil && s.To != nil && s.To.Year > v.Year))
}

// PreviousResult is the year's result, in the cycle before, of the
// objective an objective was carried over from: Objective is evaluated at
// that cycle's last period (YearResult says it has data there), Href is
// its page at that period.
type PreviousResult struct {
	Year       int
	Objective  *plan.Objective
	YearResult bool
	Href       string
}

// The narrow layouts of the charts (a phone held upright, below 768 CSS
// pixels, or 992 for the Gantt chart): drawn at 340 user units, the width of
// the narrowest phone's page, so that they are never scaled down much and
// their text stays at its size (12 to 14 px); a label has lines of its own
// above its bars and wraps onto them rather than being cut.
const (
	narrowW      = 340
	narrowLine   = 17 // a line of label text at 14 px
	narrowBarH   = 16
	narrowBarMax = 170 // the bar of 100% (or of the scale's top)
)

// textWidth estimates the width of s in Titillium Web at size px: its
// capitals and digits are wider than its lower case, spaces and
// punctuation narrower. The estimate errs wide, so that a line it fits
// fits.
func textWidth(s string, px float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune(" .,:;'’·|!iljtfr()-/", r):
			w += 0.32
		case strings.ContainsRune("MWmw", r):
			w += 0.9
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '%', r == '€':
			w += 0.66
		default:
			w += 0.54
		}
	}
	return w * px
}

// wrap breaks s into lines at most width wide at size px, between words
// (a word wider than a line is a line of its own); at most maxLines lines,
// the last one ending with "…" when s goes on (0 for no limit: the whole
// text, as a centre's name must be).
func wrap(s string, width, px float64, maxLines int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur != "" && textWidth(next, px) > width {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur = next
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if maxLines > 0 && len(lines) > maxLines {
		last := []rune(lines[maxLines-1])
		for len(last) > 0 && textWidth(string(last)+"…", px) > width {
			last = last[:len(last)-1]
		}
		lines = append(lines[:maxLines-1], strings.TrimSpace(string(last))+"…")
	}
	return lines
}

// textLine is a line of a label in a narrow chart, at its baseline Y.
type textLine struct {
	Y    int
	Text string
}

// labelLines places the lines of a wrapped label from y (the top of the
// first line) down, returning them and the y below the last.
func labelLines(lines []string, y, lineH int) ([]textLine, int) {
	out := make([]textLine, len(lines))
	for i, l := range lines {
		out[i] = textLine{Y: y + (i+1)*lineH - 4, Text: l}
	}
	return out, y + len(lines)*lineH
}

// narrowBar is a bar of the narrow achievement chart: its label's lines
// (the whole name) and the bar below them at Y.
type narrowBar struct {
	Bar
	Lines []textLine
	Y     int
}

// narrowBars lays the narrow achievement chart out: each bar below its
// label; the height of the drawing.
func narrowBars(v DashboardView) ([]narrowBar, int) {
	var out []narrowBar
	y := 22
	for _, b := range v.Bars {
		lines, below := labelLines(wrap(b.Label, narrowW, 14, 0), y, narrowLine)
		out = append(out, narrowBar{Bar: b, Lines: lines, Y: below + 2})
		y = below + narrowBarH + 14
	}
	return out, y
}

func narrowBarWidth(bars []Bar, b Bar) int {
	if b.Figure.Achievement == nil || *b.Figure.Achievement <= 0 {
		return 0
	}
	return int(*b.Figure.Achievement / chartScale(bars) * narrowBarMax)
}

func narrowHundredX(bars []Bar) int { return int(100 / chartScale(bars) * narrowBarMax) }

// The narrow trend chart: each series' label on lines of its own, then its
// periods in cells of up to four a row, each cell with its date above its
// point and value.
const (
	narrowCellW = 85
	narrowCells = 4
	narrowCellH = 62
	narrowPlotH = 22
	narrowPlotY = 20 // the top of the plot band within a cell
)

// narrowCell is a period of a series in the narrow trend chart.
type narrowCell struct {
	X, Y  int // the cell's top left corner
	Point plan.TrendPoint
	AsOf  bool
	PY    int // the point's y
}

// narrowSeries is a series of the narrow trend chart.
type narrowSeries struct {
	TrendSeries
	Lines []textLine
	Cells []narrowCell
	// Polylines join the points with a figure within each row of cells.
	Polylines []string
}

func narrowTrend(v TrendView) ([]narrowSeries, int) {
	var out []narrowSeries
	scale := trendScale(v)
	y := 4
	for _, se := range v.Series {
		lines, below := labelLines(wrap(se.Label, narrowW, 14, 0), y, narrowLine)
		s := narrowSeries{TrendSeries: se, Lines: lines}
		y = below + 4
		var pts []string
		for i, p := range se.Points {
			col := i % narrowCells
			if col == 0 && i > 0 {
				y += narrowCellH
				if len(pts) > 0 {
					s.Polylines = append(s.Polylines, strings.Join(pts, " "))
				}
				pts = nil
			}
			c := narrowCell{X: col * narrowCellW, Y: y, Point: p, AsOf: p.Period.Equal(v.AsOf)}
			base := y + narrowPlotY + narrowPlotH
			c.PY = base
			if p.Value != nil {
				c.PY = base - int(max(*p.Value, 0)/scale*narrowPlotH)
				pts = append(pts, strconv.Itoa(c.X+10)+","+strconv.Itoa(c.PY))
			}
			s.Cells = append(s.Cells, c)
		}
		if len(pts) > 0 {
			s.Polylines = append(s.Polylines, strings.Join(pts, " "))
		}
		y += narrowCellH + 8
		out = append(out, s)
	}
	return out, y
}

// The narrow Gantt chart: the twelve months across the whole width, each
// activity's label (up to three lines) above its bars.
const (
	narrowMonthW = 28
	narrowGanttT = 26
)

func narrowMonthX(i int) int { return i * narrowMonthW }

// narrowGanttLine is a heading (an objective) or an activity of the narrow
// Gantt chart: its label's lines and, for an activity, the y of its bars.
type narrowGanttLine struct {
	Group bool
	Lines []textLine
	Row   *GanttRow
	Y     int
}

func narrowGantt(v GanttView) ([]narrowGanttLine, int) {
	var out []narrowGanttLine
	y, group := narrowGanttT, ""
	for i := range v.Rows {
		r := &v.Rows[i]
		if r.Group != "" && r.Group != group {
			group = r.Group
			lines, below := labelLines(wrap(group, narrowW, 13, 3), y, 16)
			out = append(out, narrowGanttLine{Group: true, Lines: lines})
			y = below + 4
		}
		label := r.Label + " · " + r.Description
		if r.Late {
			label = r.Label + " (in ritardo) · " + r.Description
		}
		lines, below := labelLines(wrap(label, narrowW, 13, 2), y, 16)
		out = append(out, narrowGanttLine{Lines: lines, Row: r, Y: below + 1})
		y = below + 1 + 26 + 8
	}
	return out, y + 4
}

// narrowBarX and narrowBarW place a Gantt bar on the narrow grid.
func narrowBarX(b ganttBar) int { return b.From * narrowMonthW }
func narrowBarW(b ganttBar) int { return (b.To - b.From + 1) * narrowMonthW }
