// Package format writes Traguardo's figures in Italian: numbers, percentages,
// indicator values (with "sì" and "no"), dates and the coverage of an
// aggregate. It is the one formatter of pages, the Relazione and the exports:
// it formats what internal/plan computed and decides nothing itself (no
// rounding by a cycle's rule, no band, no lateness).
package format

import (
	"math"
	"strconv"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"traguardo/internal/domain"
)

var printer = message.NewPrinter(language.Italian)

// Number writes v the Italian way: 1.234,5 (at most two decimals).
func Number(v float64) string {
	if math.Round(v*100) == 0 {
		v = 0 // no "-0" for a negative amount that shows as zero
	}
	return printer.Sprint(number.Decimal(v, number.MaxFractionDigits(2)))
}

// Percent writes a percentage that the model has already rounded by the
// cycle's rule: 33,3% or 33%. It shows at most one decimal, which is all a
// rounded figure has.
func Percent(v float64) string {
	if math.Round(v*10) == 0 {
		v = 0
	}
	return printer.Sprint(number.Decimal(v, number.MaxFractionDigits(1))) + "%"
}

// YesNo writes a yes/no answer: "sì" or "no".
func YesNo(yes bool) string {
	if yes {
		return "sì"
	}
	return "no"
}

// Value writes an indicator's value in its unit: "sì"/"no" for a yes/no
// unit (1 is yes), else the number.
func Value(unit domain.Unit, v float64) string {
	if unit.IsYesNo() {
		return YesNo(v == 1)
	}
	return Number(v)
}

// Date writes a day as 31/12/2023.
func Date(t time.Time) string { return t.Format("02/01/2006") }

// DayMonth writes a day without its year, 30/06, as a period of the cycle
// on show is named beside the cycle's own figures.
func DayMonth(t time.Time) string { return t.Format("02/01") }

// Pending is what a figure still awaiting its period's data reads.
const Pending = "da rilevare"

// NoFigure is what an aggregate with nothing to average reads.
const NoFigure = "n.d."

// Figure writes an achievement computed by the model (already rounded):
// its percentage, "da rilevare" while pending, "n.d." with none.
func Figure(pct *float64, pending bool) string {
	switch {
	case pending:
		return Pending
	case pct == nil:
		return NoFigure
	}
	return Percent(*pct)
}

// Parts names the parts an aggregate counts, singular and plural.
type Parts struct{ One, Many string }

// The parts of the aggregates: a centre averages objectives, the body
// averages centres.
var (
	Objectives = Parts{"obiettivo", "obiettivi"}
	Centres    = Parts{"centro", "centri"}
)

// Coverage writes how many of its parts an aggregate covers, "2 centri su
// 6"; empty when it covers them all (or has none), as a complete figure
// needs no note.
func Coverage(covered, of int, p Parts) string {
	if covered >= of {
		return ""
	}
	word := p.Many
	if covered == 1 {
		word = p.One
	}
	return strconv.Itoa(covered) + " " + word + " su " + strconv.Itoa(of)
}
