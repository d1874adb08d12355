package plan

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
)

// The months an activity of a cycle may have, planned or actual, run from
// the year before the cycle to the year after: a step may be prepared in
// the last months of the year before, and the seed's 2023 plan has steps
// that end in 2024 ("Dicembre/Aprile 2024"). A month further away belongs
// to another cycle: the mark of a plan loaded into the wrong year. The
// JSON import and the workbook upload both apply this rule.
const yearsAround = 1

// MonthFits reports whether m can be a month of an activity of the cycle
// of year.
func MonthFits(year int, m domain.Month) bool {
	return m.Year >= year-yearsAround && m.Year <= year+yearsAround
}

// MonthOutside is the Italian message for a month that does not fit the
// cycle of year. When the file's dates were moved by shift years, moved is
// the month after the move and the message says so.
func MonthOutside(year int, moved domain.Month, shift int) string {
	msg := fmt.Sprintf("mese fuori dal ciclo %d: le attività del ciclo hanno mesi dal %d al %d", year, year-yearsAround, year+yearsAround)
	if shift != 0 {
		msg += fmt.Sprintf(" (con lo spostamento di %s diventa %s)", Years(shift), moved)
	}
	return msg
}

// Years writes a number of years for people: "1 anno", "4 anni"; the
// direction is said elsewhere ("dal 2023 al 2027").
func Years(n int) string {
	n = max(n, -n)
	if n == 1 {
		return "1 anno"
	}
	return fmt.Sprintf("%d anni", n)
}

// YearShift is an offer to move every date of an imported file by Years
// years, from the year From its dates are of to the cycle To, as the
// carry-over moves a plan into the next year.
type YearShift struct {
	Years, From, To int
}

// Shiftable are the problems of an imported file (a JSON document, a
// workbook) some of whose dates are of another year than the cycle, when
// moving them by Shift would bring every month into it: the import pages
// offer the move with the problems.
type Shiftable struct {
	fielderr.List
	Shift YearShift
}

// Unwrap gives the problems, so that errors.As finds them as a
// fielderr.List.
func (e *Shiftable) Unwrap() error { return e.List }

// ShiftFor returns the move that would bring the months of a file into the
// cycle to. from is the year the file says it is of; 0 when it does not
// say, and then it is the year most months fall in (the nearest to the
// cycle among equals). There is no offer (false) when there is nothing to
// move, or when a month would not fit even after the move.
func ShiftFor(months []domain.Month, from, to int) (YearShift, bool) {
	if from == 0 {
		count := map[int]int{}
		for _, m := range months {
			count[m.Year]++
		}
		years := slices.Collect(maps.Keys(count))
		slices.SortFunc(years, func(a, b int) int {
			return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(max(a-to, to-a), max(b-to, to-b)), cmp.Compare(a, b))
		})
		if len(years) == 0 {
			return YearShift{}, false
		}
		from = years[0]
	}
	n := to - from
	if n == 0 {
		return YearShift{}, false
	}
	for _, m := range months {
		if !MonthFits(to, m.AddYears(n)) {
			return YearShift{}, false
		}
	}
	return YearShift{Years: n, From: from, To: to}, true
}
