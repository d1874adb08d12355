package plan

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// The review of a (period, centre): the states of its submission (Draft,
// Submitted, Returned, Approved) and the steps that move it between them.
// The table below is the only place that says which step is legal from which
// state; the store reads the facts, asks Review, and persists the answer.
//
// Who may take a step is internal/auth's: Submit needs auth.WriteProgress
// for the centre (its managers), Return and Approve need auth.ApprovePlan
// (the director). Reopening a period for a centre and correcting its
// progress are no steps of the review: they leave the submission's state as
// it is.
//
// A refusal is a typed error (EntryClosedError, NotAwaitingReviewError,
// ErrCommentRequired, ReasonsMissingError); the words people read are the
// server's.

// Action is a step of the review.
type Action string

// The steps of the review.
const (
	Submit  Action = "submit"  // the centre sends its progress to the director
	Return  Action = "return"  // the director sends it back, with a comment
	Approve Action = "approve" // the director approves it: locked from then on
)

// Actions lists the steps, in the order of the review.
func Actions() []Action { return []Action{Submit, Return, Approve} }

// States lists the states of a submission, in the order of the review.
func States() []SubmissionState { return []SubmissionState{Draft, Submitted, Returned, Approved} }

// transitions is the review's table: from a state, the state each legal
// step leads to. A step missing from a state's row is refused.
var transitions = map[SubmissionState]map[Action]SubmissionState{
	Draft:     {Submit: Submitted},
	Returned:  {Submit: Submitted},
	Submitted: {Return: Returned, Approve: Approved},
	Approved:  {},
}

// NeedsComment reports whether the step needs the director's comment: a
// return says what to correct.
func (a Action) NeedsComment() bool { return a == Return }

// CheckComment refuses with ErrCommentRequired a step that needs a comment
// and has none (blank counts as none).
func (a Action) CheckComment(comment string) error {
	if a.NeedsComment() && strings.TrimSpace(comment) == "" {
		return ErrCommentRequired
	}
	return nil
}

// ErrCommentRequired refuses a return without a comment.
var ErrCommentRequired = errors.New("a return needs a comment saying what to correct")

// EntryClosedError refuses a submission of a period closed for the centre:
// Why says why (sent and waiting, approved, window not open yet or closed).
type EntryClosedError struct {
	Why Why
}

func (e *EntryClosedError) Error() string {
	return fmt.Sprintf("cannot submit: the period is closed for the centre (%s)", e.Why)
}

// NotAwaitingReviewError refuses a return or an approval of a submission
// that is not waiting for the director's review.
type NotAwaitingReviewError struct {
	Action Action
	State  SubmissionState
}

func (e *NotAwaitingReviewError) Error() string {
	return fmt.Sprintf("cannot %s: the submission is not awaiting review (state %q)", e.Action, e.State)
}

// ReasonsMissingError refuses a submission while some value below target or
// late activity lacks its reason (ReasonsMissing); Reasons are their
// messages.
type ReasonsMissingError struct {
	Reasons []string
}

func (e *ReasonsMissingError) Error() string {
	return "cannot submit: reasons missing: " + strings.Join(e.Reasons, "; ")
}

// Next is the state step a leads to from s, or why it is refused: a
// *EntryClosedError for a submission already sent or approved, a
// *NotAwaitingReviewError for a return or approval of a submission not
// sent. It knows only the states: Review adds the entry window.
func (s SubmissionState) Next(a Action) (SubmissionState, error) {
	row, known := transitions[s]
	if !known {
		return s, fmt.Errorf("unknown submission state %q", s)
	}
	if to, ok := row[a]; ok {
		return to, nil
	}
	switch a {
	case Submit:
		why := WhySubmitted
		if s == Approved {
			why = WhyApproved
		}
		return s, &EntryClosedError{Why: why}
	case Return, Approve:
		return s, &NotAwaitingReviewError{Action: a, State: s}
	}
	return s, fmt.Errorf("unknown review step %q", a)
}

// CanTake reports whether step a is legal from s (Next without the error).
func (s SubmissionState) CanTake(a Action) bool {
	_, err := s.Next(a)
	return err == nil
}

// Review decides a step of the review of a (period, centre) with the facts
// read and on today (a calendar day): the state it leads to, or why it is
// refused. A submission needs the period open for the centre (Entry); a
// return needs a comment (checked first, as the form's). Reasons still
// missing are the caller's to check (they need the whole cycle).
func Review(f EntryFacts, today time.Time, a Action, comment string) (SubmissionState, error) {
	if err := a.CheckComment(comment); err != nil {
		return f.State, err
	}
	if a == Submit {
		if e := Entry(f, today); !e.Open {
			return f.State, &EntryClosedError{Why: e.Why}
		}
	}
	return f.State.Next(a)
}
