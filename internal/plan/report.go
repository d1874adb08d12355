package plan

import (
	"fmt"
	"time"
)

// The Relazione's lifecycle: the director sends a version to the Nucleo di
// Valutazione, which decides on it with one of three outcomes; a version
// validated (with or without observations) is published. The legal calendar
// of a cycle says by when the plan and the Relazione are due.

// ReportState is where a version of the Relazione stands.
type ReportState string

// The states of a version of the Relazione: sent and waiting for the
// Nucleo, or its outcome. A cycle with no version waiting is a draft
// (ReportDraft), which no stored version ever is.
const (
	ReportDraft     ReportState = "bozza"
	ReportSent      ReportState = "inviata"
	ReportValidated ReportState = "validata"
	ReportObserved  ReportState = "validata con osservazioni"
	ReportRejected  ReportState = "non validata"
)

// Outcomes are the Nucleo's possible decisions, in the order a form offers them.
func Outcomes() []ReportState { return []ReportState{ReportValidated, ReportObserved, ReportRejected} }

// IsOutcome reports whether s is a decision of the Nucleo.
func (s ReportState) IsOutcome() bool {
	return s == ReportValidated || s == ReportObserved || s == ReportRejected
}

// Published reports whether a version in state s is validated, and so public.
func (s ReportState) Published() bool { return s == ReportValidated || s == ReportObserved }

// Label is the state as people read it.
func (s ReportState) Label() string {
	switch s {
	case ReportDraft:
		return "In preparazione"
	case ReportSent:
		return "Inviata al Nucleo, in attesa di validazione"
	case ReportValidated:
		return "Validata"
	case ReportObserved:
		return "Validata con osservazioni"
	case ReportRejected:
		return "Non validata"
	}
	return string(s)
}

// ValidationProblem checks the date of the Nucleo's act: a real day, not
// before the version was sent (day sent, in Italy) and not after today. ""
// when it is right.
func ValidationProblem(on, sent, today time.Time) string {
	switch {
	case on.After(today):
		return "la data della validazione non può essere futura"
	case on.Before(sent):
		return fmt.Sprintf("la data della validazione non può precedere l'invio della relazione (%s)", sent.Format("02/01/2006"))
	}
	return ""
}

// Deadline is a step of a cycle's legal calendar.
type Deadline struct {
	What string    // "Approvazione del piano"
	Due  time.Time // the last day allowed
	// Done is the day the step was taken; nil while it is not.
	Done *time.Time
	// Late says the step was taken after Due, or is not taken and Due has passed.
	Late bool
}

// Deadlines is the legal calendar of the cycle of year at today: the plan
// (Piano della performance, in the PIAO) approved by 31 January of the year
// (art. 10 D.Lgs. 150/2009, art. 6 c.1 D.L. 80/2021), the Relazione sulla
// Performance validated by the Nucleo by 30 June of the following year
// (art. 10 c.1 lett. b D.Lgs. 150/2009). approvedOn and validatedOn are the
// days each was done, nil while not.
func Deadlines(year int, approvedOn, validatedOn *time.Time, today time.Time) []Deadline {
	step := func(what string, due time.Time, done *time.Time) Deadline {
		d := Deadline{What: what, Due: due, Done: done}
		if done != nil {
			d.Late = done.After(due)
		} else {
			d.Late = today.After(due)
		}
		return d
	}
	return []Deadline{
		step("Approvazione del piano della performance", time.Date(year, time.January, 31, 0, 0, 0, 0, time.UTC), approvedOn),
		step("Validazione della Relazione sulla Performance da parte del Nucleo", time.Date(year+1, time.June, 30, 0, 0, 0, 0, time.UTC), validatedOn),
	}
}
