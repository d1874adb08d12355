package domain

import (
	"errors"
	"math"
)

// Unit is an indicator's unit as written ("n.", "n", "%", "si/no", "€",
// "gg"). It is kept as written rather than normalised because the report
// must show the same unit the plan used.
type Unit string

// The units found in the plans. UnitCount and UnitNumber are both counts;
// both exist because plans write them both ways.
const (
	UnitCount   Unit = "n."
	UnitNumber  Unit = "n"
	UnitPercent Unit = "%"
	UnitYesNo   Unit = "si/no"
	UnitEuro    Unit = "€"
	UnitDays    Unit = "gg"
)

// Units returns the allowed units, in the order a unit picker should offer
// them. It returns a fresh slice, so callers may modify it.
func Units() []Unit {
	return []Unit{UnitCount, UnitNumber, UnitPercent, UnitYesNo, UnitEuro, UnitDays}
}

// Valid reports whether u is one of the allowed units, so that an unknown
// unit is rejected on input rather than silently scored as a number.
func (u Unit) Valid() bool {
	switch u {
	case UnitCount, UnitNumber, UnitPercent, UnitYesNo, UnitEuro, UnitDays:
		return true
	}
	return false
}

// IsYesNo reports whether u is scored as all or nothing, with values 1 (si)
// and 0 (no).
func (u Unit) IsYesNo() bool {
	return u == UnitYesNo
}

// Polarity tells whether a higher or a lower actual is better.
type Polarity string

// The two polarities. Higher is the default; Lower suits response times and
// backlogs.
const (
	Higher Polarity = "higher"
	Lower  Polarity = "lower"
)

// Valid reports whether p is one of the two polarities.
func (p Polarity) Valid() bool {
	return p == Higher || p == Lower
}

// IndicatorAchievement is the achievement in percent (0..100) of one
// indicator, by the default rules of docs/domain.md. For si/no units values are 1
// (si) and 0 (no).
//
// A nil actual gives (0, true): the indicator counts as not achieved, and the
// caller is told so it can flag the value as missing rather than as a zero
// that was actually measured.
//
// Any polarity other than Lower is scored as Higher, the documented default.
// The result is always clamped to 0..100, so that a negative or odd value
// cannot push an average outside the percentage scale.
func IndicatorAchievement(unit Unit, pol Polarity, expected float64, actual *float64) (pct float64, missing bool) {
	sc := DefaultRules().Score(unit, pol, expected, actual)
	return sc.Pct, sc.Missing
}

// Weighted is one value in a weighted mean; a nil Weight means 1, so that
// plans without weights get the equal weights docs/domain.md prescribes.
type Weighted struct {
	Value  float64
	Weight *float64
}

// WeightedMean returns the weighted mean, and false when there is nothing to
// average (empty input or all weights zero). The false result lets the caller
// show "no data" instead of a misleading 0 percent. Weights are meant to be
// non-negative; a non-positive total also gives false.
func WeightedMean(items []Weighted) (float64, bool) {
	m := MeanOf(items)
	return m.Value, m.OK
}

// Band is the outcome band of an achievement, as written in the report.
type Band string

// The three bands, with the wording of the report.
const (
	Reached       Band = "raggiunto"
	PartlyReached Band = "parzialmente raggiunto"
	NotReached    Band = "non raggiunto"
)

// Bands holds the thresholds of a cycle (defaults 95 and 50, configurable per
// cycle), in percent: Reached is the lowest achievement that counts as
// reached, Partial the lowest that counts as partly reached.
type Bands struct {
	Reached, Partial float64
}

// DefaultBands returns the thresholds of docs/domain.md, used when a cycle does
// not set its own.
func DefaultBands() Bands {
	return Bands{Reached: 95, Partial: 50}
}

// Of returns the band of pct. It compares pct exactly as given: to keep the
// band consistent with the number on screen, pass the value through Round1
// first, otherwise 94.96 would show as 95.0 and still be "parzialmente
// raggiunto".
func (b Bands) Of(pct float64) Band {
	switch {
	case pct >= b.Reached:
		return Reached
	case pct >= b.Partial:
		return PartlyReached
	}
	return NotReached
}

// Validate reports whether the thresholds make three non-empty bands on the
// percentage scale: 0 <= Partial < Reached <= 100.
func (b Bands) Validate() error {
	// Written so that NaN fails every comparison and is rejected.
	if !(b.Partial >= 0 && b.Partial < b.Reached && b.Reached <= 100) {
		return errors.New("soglie non valide: deve essere 0 ≤ soglia di parziale raggiungimento < soglia di raggiungimento ≤ 100")
	}
	return nil
}

// Round1 rounds a percentage to one decimal, as shown and exported
// (33.333 -> 33.3), so that the screen, the report and the JSON export all
// print the same number. Halves round away from zero.
func Round1(pct float64) float64 {
	r := math.Round(pct*10) / 10
	if r == 0 {
		return 0 // no "-0" on screen
	}
	return r
}

// ReportStatus is a manager's self-assessment in a progress report.
type ReportStatus string

// The three self-assessments, as the interchange format writes them.
const (
	OnTrack  ReportStatus = "in linea"
	AtRisk   ReportStatus = "a rischio"
	Critical ReportStatus = "critico"
)

// Valid reports whether s is one of the three statuses. The empty status
// (not assessed) is not valid here: callers that allow it check for it
// themselves.
func (s ReportStatus) Valid() bool {
	switch s {
	case OnTrack, AtRisk, Critical:
		return true
	}
	return false
}
