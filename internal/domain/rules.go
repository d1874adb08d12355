package domain

import (
	"errors"
	"math"
)

// Rounding is how a cycle's figures are rounded when shown, banded and
// exported (a setting of the body's SMVP).
type Rounding string

// The two roundings. The empty Rounding is OneDecimal, the default of
// docs/domain.md, so that a cycle that sets nothing keeps its figures.
const (
	OneDecimal    Rounding = "un_decimale"
	TruncateWhole Rounding = "intero_troncato"
)

// Valid reports whether r is one of the two roundings.
func (r Rounding) Valid() bool { return r == OneDecimal || r == TruncateWhole }

// DefaultCap is the ceiling of an indicator's achievement unless a cycle
// allows over-achievement; MaxCap is the highest ceiling a cycle may set.
const (
	DefaultCap = 100
	MaxCap     = 200
)

// Rules are the rule settings of a cycle besides its bands: the rounding of
// a figure and the cap of an indicator's achievement. The zero Rules are the
// defaults (one decimal, cap 100), so that code that builds a cycle without
// them computes what docs/domain.md prescribes.
type Rules struct {
	Rounding Rounding
	// Cap is the highest achievement an indicator counts with, in percent;
	// 0 means DefaultCap.
	Cap float64
}

// DefaultRules returns the rules of docs/domain.md, written out.
func DefaultRules() Rules { return Rules{Rounding: OneDecimal, Cap: DefaultCap} }

// Ceiling is the cap in force: Cap, or DefaultCap when unset.
func (r Rules) Ceiling() float64 {
	if r.Cap <= 0 {
		return DefaultCap
	}
	return r.Cap
}

// Truncates says whether figures are truncated to a whole percent.
func (r Rules) Truncates() bool { return r.Rounding == TruncateWhole }

// Normal returns r with its defaults written out, as stored and compared.
func (r Rules) Normal() Rules {
	if r.Rounding == "" {
		r.Rounding = OneDecimal
	}
	r.Cap = r.Ceiling()
	return r
}

// Round rounds pct as the cycle shows it: to one decimal (Round1), or
// truncated to a whole percent (83.9 -> 83). The band of a figure is the band
// of its rounded value, so that the band never contradicts the number shown.
func (r Rules) Round(pct float64) float64 {
	if !r.Truncates() {
		return Round1(pct)
	}
	// A tolerance keeps 33.3 * 3 = 99.99999... from truncating to 99.
	t := math.Trunc(pct + 1e-9)
	if t == 0 {
		return 0
	}
	return t
}

// Validate reports whether the settings are allowed: a known rounding and a
// cap from 100 to MaxCap.
func (r Rules) Validate() error {
	if r.Rounding != "" && !r.Rounding.Valid() {
		return errors.New("arrotondamento non valido: un decimale o intero troncato")
	}
	// Written so that NaN fails the comparison and is rejected.
	if !(r.Cap == 0 || (r.Cap >= DefaultCap && r.Cap <= MaxCap)) {
		return errors.New("tetto non valido: deve essere compreso tra 100 e 200")
	}
	return nil
}

// Method is the rule that scored an indicator.
type Method string

// The methods of docs/domain.md.
const (
	ByYesNo      Method = "si/no"
	ByHigher     Method = "higher"
	ByLower      Method = "lower"
	ByZeroTarget Method = "zero target"
	ByMissing    Method = "missing"
)

// Score is an indicator's achievement with the terms that produced it, so
// that the arithmetic shown is the arithmetic done.
type Score struct {
	// Pct is the achievement in percent, within 0..Cap.
	Pct     float64
	Missing bool
	Method  Method
	// Expected and Actual are the terms compared (Actual is 0 when Missing).
	Expected, Actual float64
	// Ratio is the uncapped percentage of ByHigher and ByLower (actual /
	// expected × 100, or expected / actual × 100); +Inf when a lower-is-better
	// actual is zero or negative and within the target.
	Ratio float64
	// Cap is the ceiling applied; Capped says the ratio was cut to it.
	Cap    float64
	Capped bool
}

// Score computes an indicator's achievement under the rules: as
// IndicatorAchievement, but the ceiling is the cycle's cap, so that an
// over-achieving indicator may count up to it.
func (r Rules) Score(unit Unit, pol Polarity, expected float64, actual *float64) Score {
	s := Score{Expected: expected, Cap: r.Ceiling()}
	if actual == nil {
		s.Method, s.Missing = ByMissing, true
		return s
	}
	a := *actual
	s.Actual = a
	if unit.IsYesNo() {
		s.Method = ByYesNo
		if a == expected {
			s.Pct = 100
		}
		return s
	}
	if pol == Lower {
		s.Method = ByLower
		switch {
		case a <= 0 && a <= expected:
			// Nothing or less than nothing, within the target: as good as
			// it gets.
			s.Ratio = math.Inf(1)
		case a <= 0:
			// a > expected with a <= 0: a negative target missed.
			s.Ratio = 0
		default:
			s.Ratio = expected / a * 100
		}
		s.Pct, s.Capped = s.clamp(s.Ratio)
		return s
	}
	// A target of zero is met by any actual: there was nothing to reach.
	if expected == 0 {
		s.Method, s.Pct = ByZeroTarget, 100
		return s
	}
	s.Method = ByHigher
	switch {
	case expected < 0 && a >= expected:
		s.Ratio = 100
	case expected < 0:
		s.Ratio = 0
	default:
		s.Ratio = a / expected * 100
	}
	s.Pct, s.Capped = s.clamp(s.Ratio)
	return s
}

func (s Score) clamp(p float64) (float64, bool) {
	if p > s.Cap {
		return s.Cap, true
	}
	return math.Max(0, p), false
}

// Mean is a weighted mean with its terms, so that it can be written out.
type Mean struct {
	// Terms are the values averaged, each with its weight in force (1 when
	// unset).
	Terms []Term
	// Sum is Σ value × weight, Total is Σ weight.
	Sum, Total float64
	// Value is Sum / Total; OK is false when there is nothing to average.
	Value float64
	OK    bool
}

// Term is one value of a Mean with its weight in force.
type Term struct {
	Value, Weight float64
}

// MeanOf computes the weighted mean of items with its terms: a nil Weight is
// 1 (equal weights, docs/domain.md).
func MeanOf(items []Weighted) Mean {
	var m Mean
	for _, it := range items {
		w := 1.0
		if it.Weight != nil {
			w = *it.Weight
		}
		m.Terms = append(m.Terms, Term{Value: it.Value, Weight: w})
		m.Sum += it.Value * w
		m.Total += w
	}
	if m.Total > 0 {
		m.Value, m.OK = m.Sum/m.Total, true
	}
	return m
}
