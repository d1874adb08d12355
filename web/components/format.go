// Package components holds the small pieces every page shares: achievement
// badges, form fields, the reading of numbers typed in Italian. Figures are
// written by package format.
package components

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"

	"traguardo/internal/domain"
)

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

// plainNumber is a number as people type it, once the Italian separators
// are read: digits, a point for decimals, a sign; no exponent ("1e3"), no
// hexadecimal, no "Inf".
var plainNumber = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)$`)

// ParseNumber reads a number written the Italian way ("1.234,5", "0,5") or
// plainly ("1234.5"); thousands separators are dots when a comma is present.
func ParseNumber(s string) (float64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, " ", ""))
	if strings.Contains(s, ",") || thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	}
	if !plainNumber.MatchString(s) {
		return 0, errors.New("inserire un numero, ad esempio 1.234,5")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, errors.New("inserire un numero, ad esempio 1.234,5")
	}
	return v, nil
}

// YesNoInput writes a yes/no value (1 is yes) as the forms' selects code
// it: "si" or "no" (the label shown is the formatter's "sì").
func YesNoInput(v float64) string {
	if v == 1 {
		return "si"
	}
	return "no"
}

// NumberInput writes a number for an input field, Italian style without
// thousands separators, so that ParseNumber reads it back.
func NumberInput(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
}
