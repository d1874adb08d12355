// Package components holds the small pieces every page shares: Italian number
// and date formats, achievement badges.
package components

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
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

// PercentBy formats an achievement as the cycle's rules round it: 33,3% with
// one decimal, 33% truncated.
func PercentBy(r domain.Rules, v float64) string {
	p := message.NewPrinter(language.Italian)
	return p.Sprint(number.Decimal(r.Round(v), number.MaxFractionDigits(1))) + "%"
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
// always written out too, so colour is never the only cue. Every badge keeps
// Bootstrap Italia's white text: on bg-warning it reads at 5.4:1, whereas
// dark text (text-dark) would read at 2.4:1 only.
func BandClass(b domain.Band) string {
	switch b {
	case domain.Reached:
		return "bg-success"
	case domain.PartlyReached:
		return "bg-warning"
	case domain.NotReached:
		return "bg-danger"
	}
	return "bg-secondary"
}

// thousands matches "1.234" or "12.345.678": in Italian, dots group thousands.
var thousands = regexp.MustCompile(`^-?\d{1,3}(\.\d{3})+$`)

// ParseNumber reads a number written the Italian way ("1.234,5", "0,5") or
// plainly ("1234.5"); thousands separators are dots when a comma is present.
func ParseNumber(s string) (float64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, " ", ""))
	if strings.Contains(s, ",") || thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, errors.New("inserire un numero, ad esempio 1.234,5")
	}
	return v, nil
}

// NumberInput writes a number for an input field, Italian style without
// thousands separators, so that ParseNumber reads it back.
func NumberInput(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
}
