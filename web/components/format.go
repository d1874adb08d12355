// Package components holds the small pieces every page shares: Italian number
// and date formats, achievement badges.
package components

import (
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"traguardo/internal/domain"
)

// Number formats v the Italian way: 1.234,5 (at most two decimals).
func Number(v float64) string {
	return message.NewPrinter(language.Italian).Sprint(number.Decimal(v, number.MaxFractionDigits(2)))
}

// Percent formats an achievement with one decimal: 33,3%.
func Percent(v float64) string {
	p := message.NewPrinter(language.Italian)
	return p.Sprint(number.Decimal(domain.Round1(v), number.MaxFractionDigits(1))) + "%"
}

// Value formats an indicator value for its unit: "si"/"no" for yes/no units.
func Value(unit domain.Unit, v float64) string {
	if unit.IsYesNo() {
		if v == 1 {
			return "si"
		}
		return "no"
	}
	return Number(v)
}

// Date formats a day as 31/12/2023.
func Date(t time.Time) string { return t.Format("02/01/2006") }

// BandClass is the Bootstrap Italia badge colour of a band; the band is
// always written out too, so colour is never the only cue.
func BandClass(b domain.Band) string {
	switch b {
	case domain.Reached:
		return "bg-success"
	case domain.PartlyReached:
		return "bg-warning text-dark"
	case domain.NotReached:
		return "bg-danger"
	}
	return "bg-secondary"
}
