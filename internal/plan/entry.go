package plan

import "time"

// Entry rules: whether a centre's manager may edit a monitoring period's
// progress on a given day. The rule is here, without I/O, so the store (which
// reads the facts) and the tests share it.

// SubmissionState is where a (period, centre) stands in its review. A
// (period, centre) with no submission is being filled in: Draft.
type SubmissionState string

// The states of a submission.
const (
	Draft     SubmissionState = ""           // in compilazione: nothing sent yet
	Submitted SubmissionState = "inviato"    // sent to the director, waiting
	Returned  SubmissionState = "restituito" // sent back with a comment: editable again
	Approved  SubmissionState = "approvato"  // approved: locked
)

// Valid reports whether s is a state a submission row may hold: sent,
// returned or approved (a draft has no row).
func (s SubmissionState) Valid() bool {
	return s == Submitted || s == Returned || s == Approved
}

// Sent says the centre's data of the period went to the director: sent and
// waiting, or approved. A draft or a returned submission is not.
func (s SubmissionState) Sent() bool { return s == Submitted || s == Approved }

// Label is the state's Italian name.
func (s SubmissionState) Label() string {
	switch s {
	case Draft:
		return "In compilazione"
	case Submitted:
		return "Inviato"
	case Returned:
		return "Restituito"
	case Approved:
		return "Approvato"
	}
	return string(s)
}

// StateLabel is the state of a centre's period as people read it: "Non
// inviato" when its window closed (and no reopening runs) without the data
// being sent (missed), else the state's name.
func StateLabel(s SubmissionState, missed bool) string {
	if missed && !s.Sent() {
		return "Non inviato"
	}
	return s.Label()
}

// Why says why a period is open or closed for a centre.
type Why string

// The reasons.
const (
	WhyWindow    Why = "window"    // open: within the period's window
	WhyReopened  Why = "reopened"  // open: reopened for the centre past the window
	WhyNotYet    Why = "not-yet"   // closed: the window has not opened yet
	WhyClosed    Why = "closed"    // closed: the window has closed (and no reopening runs)
	WhySubmitted Why = "submitted" // closed: sent to the director, waiting for the review
	WhyApproved  Why = "approved"  // closed: approved, locked
)

// EntryFacts are what the rule needs to know about a (period, centre).
type EntryFacts struct {
	OpensOn, ClosesOn time.Time // the period's window, both days included
	// ReopenedUntil is the last day of the latest reopening for the
	// centre; zero when there is none.
	ReopenedUntil time.Time
	State         SubmissionState
}

// EntryState is the answer of the rule: may the centre edit the period
// today, why, until when, and where the review stands.
type EntryState struct {
	Open bool
	Why  Why
	// Deadline is the last day the centre may edit the period: the window's
	// end, or the reopening's when it is later.
	Deadline time.Time
	State    SubmissionState
	// Version is the submission's version (0 with none): a transition
	// states the version it was read at.
	Version int
}

// Missed says the period's window closed, with no reopening running, while
// the centre's data was not sent: "non inviato".
func (e EntryState) Missed() bool { return e.Why == WhyClosed && !e.State.Sent() }

// StateLabel is the state as people read it (see StateLabel).
func (e EntryState) StateLabel() string { return StateLabel(e.State, e.Missed()) }

// Message says in Italian why the period is closed ("" when open).
func (e EntryState) Message() string {
	switch e.Why {
	case WhyNotYet:
		return "la finestra di inserimento del periodo non è ancora aperta"
	case WhyClosed:
		return "la finestra di inserimento del periodo è chiusa"
	case WhySubmitted:
		return "il periodo è stato inviato al direttore ed è in attesa di revisione"
	case WhyApproved:
		return "il periodo è stato approvato e non si può più modificare"
	}
	return ""
}

// Entry applies the rule on today (a calendar day, as domain.Today gives
// it): the period is editable when today is within its window, or within a
// reopening for the centre, and it is neither sent nor approved.
func Entry(f EntryFacts, today time.Time) EntryState {
	today = calendarDay(today)
	opens, closes, until := calendarDay(f.OpensOn), calendarDay(f.ClosesOn), calendarDay(f.ReopenedUntil)
	e := EntryState{State: f.State, Deadline: closes}
	reopened := !f.ReopenedUntil.IsZero() && !today.After(until)
	if reopened && until.After(closes) {
		e.Deadline = until
	}
	inWindow := !today.Before(opens) && !today.After(closes)
	switch {
	case f.State == Approved:
		e.Why = WhyApproved
	case f.State == Submitted:
		e.Why = WhySubmitted
	case inWindow:
		e.Open, e.Why = true, WhyWindow
	case reopened:
		e.Open, e.Why = true, WhyReopened
	case today.Before(opens):
		e.Why = WhyNotYet
	default:
		e.Why = WhyClosed
	}
	return e
}

// DefaultWindow is the entry window a period ending on endsOn gets when
// nobody set one: from its end to 20 days after (the database applies the
// same default to every period inserted without one).
func DefaultWindow(endsOn time.Time) (opens, closes time.Time) {
	d := calendarDay(endsOn)
	return d, d.AddDate(0, 0, 20)
}

// WindowProblem checks a window the director sets ("" when fine).
func WindowProblem(opens, closes time.Time) string {
	if calendarDay(closes).Before(calendarDay(opens)) {
		return "la chiusura della finestra non può precedere l'apertura"
	}
	return ""
}

func calendarDay(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
