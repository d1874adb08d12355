package plan

import (
	"fmt"
	"time"
)

// The rules of a cycle as a whole. Forms, the JSON import, the workbook and
// the store all call these, so that a rule and its message are written once.

// Years a cycle may have (the schema accepts the same).
const (
	MinYear = 2000
	MaxYear = 2100
)

// YearProblem says what is wrong with year as a cycle's year; "" when
// nothing is.
func YearProblem(year int) string {
	if year < MinYear || year > MaxYear {
		return fmt.Sprintf("anno non valido: deve essere tra %d e %d", MinYear, MaxYear)
	}
	return ""
}

// DefaultPeriods are the ends of a cycle's monitoring periods unless the
// director sets others: 31/03, 30/06, 30/09 and 31/12.
func DefaultPeriods(year int) []time.Time {
	return []time.Time{
		time.Date(year, time.March, 31, 0, 0, 0, 0, time.UTC),
		time.Date(year, time.June, 30, 0, 0, 0, 0, time.UTC),
		time.Date(year, time.September, 30, 0, 0, 0, 0, time.UTC),
		time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC),
	}
}

// Messages of the period rules.
const (
	MsgPeriodOutsideYear = "il periodo non cade nell'anno del ciclo"
	MsgPeriodsOrder      = "i periodi devono essere in ordine crescente e senza ripetizioni"
)

// PeriodProblem says what is wrong with a period ending on end, in a cycle
// of year, after a period ending on previous (the zero time for the first):
// periods end within the year, in order, each once. "" when nothing is.
func PeriodProblem(year int, previous, end time.Time) string {
	switch {
	case end.Year() != year:
		return MsgPeriodOutsideYear
	case !end.After(previous):
		return MsgPeriodsOrder
	}
	return ""
}

// MsgNumberTaken is the message of an objective number already used in its
// section of the centre.
const MsgNumberTaken = "numero già usato nella stessa sezione del centro"

// Numbered returns the objective of the centre numbered number in section,
// or nil: numbers are unique within a section of a centre.
func (ce *Centre) Numbered(section string, number int) *Objective {
	for _, o := range ce.Objectives {
		if o.Section == section && o.Number == number {
			return o
		}
	}
	return nil
}
