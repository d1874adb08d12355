package domain

import (
	"errors"
	"strconv"
	"time"
)

// Span is the months of an activity: From and To (either may be nil), or
// Annual.
//
// Annual is kept apart from "January to December" because the seed tells
// them apart: "Annuale" is an ongoing activity of the whole cycle, while
// "Gennaio/Dicembre" is a step that happens to take the whole year.
type Span struct {
	From, To *Month
	Annual   bool
}

// Validate reports why a span cannot be stored. Open ends are allowed, since
// the seed has activities only started ("Da Luglio 2023") or never done ("/").
func (s Span) Validate() error {
	if s.Annual && (s.From != nil || s.To != nil) {
		return errors.New("un'attività annuale non può avere mese di inizio o di fine")
	}
	if (s.From != nil && !s.From.valid()) || (s.To != nil && !s.To.valid()) {
		return errBadMonth
	}
	if s.From != nil && s.To != nil && s.To.Before(*s.From) {
		return errors.New("il mese di inizio è successivo al mese di fine")
	}
	return nil
}

// IsEmpty reports whether the span says nothing: the activity was not
// planned, or (as an actual span) not done yet.
func (s Span) IsEmpty() bool {
	return !s.Annual && s.From == nil && s.To == nil
}

// Label writes the span as the seed report does, for the screen and for the
// report. Months of the cycle year are written without the year, to keep
// table cells short; a month of another year carries it, so it cannot be
// mistaken for a month of the cycle. An open start always carries its year,
// as the seed does, because "Da Luglio" alone reads as incomplete.
func (s Span) Label(cycleYear int) string {
	// Annual wins over stray months, so that an invalid span still reads as
	// the user most likely meant it.
	if s.Annual {
		return "Annuale"
	}
	name := func(m Month) string {
		if m.Year == cycleYear {
			return MonthName(m.Month)
		}
		return withYear(m)
	}
	switch {
	case s.From == nil && s.To == nil:
		return "/"
	case s.To == nil:
		return "Da " + withYear(*s.From)
	case s.From == nil:
		return "Entro " + name(*s.To)
	case *s.From == *s.To:
		return name(*s.From)
	default:
		return name(*s.From) + "/" + name(*s.To)
	}
}

func withYear(m Month) string {
	return MonthName(m.Month) + " " + strconv.Itoa(m.Year)
}

// end returns the month by which the span is over: To, or December of the
// cycle for an annual span, which is due by the end of the cycle. It returns
// false when the span has no end.
func (s Span) end(cycleYear int) (Month, bool) {
	switch {
	case s.Annual:
		return Month{Year: cycleYear, Month: time.December}, true
	case s.To != nil:
		return *s.To, true
	}
	return Month{}, false
}

// Late reports whether an activity is late at the date at: its planned end
// has passed (at falls after the last day of the planned end month) and it has
// no actual end, or it ended after its planned end. The planned end of an
// annual span is December of the cycle, and an actual annual span counts as
// ending then too, so an ongoing activity planned as annual is never late
// while the cycle runs. A planned span with no end gives nothing to be late
// against, so it is never late.
//
// An actual end after the planned end makes the activity late whatever at is:
// a delay already recorded is a delay, even if reported early.
func Late(planned, actual Span, cycleYear int, at time.Time) bool {
	due, ok := planned.end(cycleYear)
	if !ok {
		return false
	}
	if done, ok := actual.end(cycleYear); ok {
		return due.Before(done)
	}
	// Comparing months, not instants, makes the whole last day of the month
	// count as on time, at any hour and in any time zone.
	return due.Before(monthOf(at))
}
