package plan

import (
	"errors"
	"testing"
	"time"
)

// TestNext checks every (state, step) pair: the legal ones lead where the
// review says, the others are refused with the error that says why.
func TestNext(t *testing.T) {
	type want struct {
		to         SubmissionState // when legal
		closed     Why             // *EntryClosedError with this Why
		notWaiting bool            // *NotAwaitingReviewError
	}
	table := map[SubmissionState]map[Action]want{
		Draft:     {Submit: {to: Submitted}, Return: {notWaiting: true}, Approve: {notWaiting: true}},
		Returned:  {Submit: {to: Submitted}, Return: {notWaiting: true}, Approve: {notWaiting: true}},
		Submitted: {Submit: {closed: WhySubmitted}, Return: {to: Returned}, Approve: {to: Approved}},
		Approved:  {Submit: {closed: WhyApproved}, Return: {notWaiting: true}, Approve: {notWaiting: true}},
	}
	if len(table) != len(States()) {
		t.Fatalf("the test covers %d states, the review has %d", len(table), len(States()))
	}
	for _, from := range States() {
		for _, a := range Actions() {
			w, ok := table[from][a]
			if !ok {
				t.Fatalf("the test does not cover %q from %q", a, from)
			}
			got, err := from.Next(a)
			legal := w.to != ""
			if from.CanTake(a) != legal {
				t.Errorf("%q.CanTake(%q) = %v, want %v", from, a, !legal, legal)
			}
			switch {
			case legal:
				if err != nil || got != w.to {
					t.Errorf("%q.Next(%q) = %q, %v; want %q", from, a, got, err, w.to)
				}
			case w.closed != "":
				var ec *EntryClosedError
				if !errors.As(err, &ec) || ec.Why != w.closed {
					t.Errorf("%q.Next(%q): err %v, want EntryClosedError{%q}", from, a, err, w.closed)
				}
				if got != from {
					t.Errorf("%q.Next(%q) refused but moved to %q", from, a, got)
				}
			case w.notWaiting:
				var nw *NotAwaitingReviewError
				if !errors.As(err, &nw) || nw.State != from || nw.Action != a {
					t.Errorf("%q.Next(%q): err %v, want NotAwaitingReviewError{%q, %q}", from, a, err, a, from)
				}
				if got != from {
					t.Errorf("%q.Next(%q) refused but moved to %q", from, a, got)
				}
			}
		}
	}
}

func TestNext_Unknown(t *testing.T) {
	if _, err := Submitted.Next("publish"); err == nil {
		t.Error("an unknown step is legal")
	}
	if _, err := SubmissionState("archiviato").Next(Submit); err == nil {
		t.Error("a step from an unknown state is legal")
	}
	var ec *EntryClosedError
	var nw *NotAwaitingReviewError
	if _, err := Submitted.Next("publish"); errors.As(err, &ec) || errors.As(err, &nw) {
		t.Errorf("an unknown step is refused as a known one: %v", err)
	}
}

func TestStates_Valid(t *testing.T) {
	for _, s := range States() {
		if s.Valid() == (s == Draft) {
			t.Errorf("%q.Valid() = %v: only a draft has no row", s, s.Valid())
		}
		if s.Label() == string(s) {
			t.Errorf("%q has no label", s)
		}
	}
}

// TestReview: a submission needs the period open for the centre, a return
// needs a comment, and otherwise the table decides.
func TestReview(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	window := EntryFacts{OpensOn: d("2024-03-31"), ClosesOn: d("2024-04-20")}
	with := func(s SubmissionState, until string) EntryFacts {
		f := window
		f.State = s
		if until != "" {
			f.ReopenedUntil = d(until)
		}
		return f
	}
	for _, tc := range []struct {
		name    string
		f       EntryFacts
		today   string
		a       Action
		comment string
		to      SubmissionState
		closed  Why
		noWait  bool
		comm    bool
	}{
		{"submit in the window", with(Draft, ""), "2024-04-01", Submit, "", Submitted, "", false, false},
		{"submit a returned period in the window", with(Returned, ""), "2024-04-20", Submit, "", Submitted, "", false, false},
		{"submit before the window", with(Draft, ""), "2024-03-30", Submit, "", "", WhyNotYet, false, false},
		{"submit after the window", with(Draft, ""), "2024-04-21", Submit, "", "", WhyClosed, false, false},
		{"submit a returned period after the window", with(Returned, ""), "2024-04-21", Submit, "", "", WhyClosed, false, false},
		{"submit within a reopening", with(Returned, "2024-05-10"), "2024-05-10", Submit, "", Submitted, "", false, false},
		{"submit after a reopening", with(Draft, "2024-05-10"), "2024-05-11", Submit, "", "", WhyClosed, false, false},
		{"submit twice", with(Submitted, ""), "2024-04-01", Submit, "", "", WhySubmitted, false, false},
		{"submit an approved period", with(Approved, "2024-05-10"), "2024-04-01", Submit, "", "", WhyApproved, false, false},
		{"approve after the window", with(Submitted, ""), "2024-06-01", Approve, "", Approved, "", false, false},
		{"return with a comment", with(Submitted, ""), "2024-06-01", Return, "da rivedere", Returned, "", false, false},
		{"return without a comment", with(Submitted, ""), "2024-04-01", Return, "  ", "", "", false, true},
		{"return a draft", with(Draft, ""), "2024-04-01", Return, "da rivedere", "", "", true, false},
		{"approve a draft", with(Draft, ""), "2024-04-01", Approve, "", "", "", true, false},
		{"approve twice", with(Approved, ""), "2024-04-01", Approve, "", "", "", true, false},
		{"return an approved period", with(Approved, ""), "2024-04-01", Return, "no", "", "", true, false},
		{"approve a returned period", with(Returned, ""), "2024-04-01", Approve, "", "", "", true, false},
	} {
		got, err := Review(tc.f, d(tc.today), tc.a, tc.comment)
		var ec *EntryClosedError
		var nw *NotAwaitingReviewError
		switch {
		case tc.to != "":
			if err != nil || got != tc.to {
				t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.to)
			}
		case tc.closed != "":
			if !errors.As(err, &ec) || ec.Why != tc.closed {
				t.Errorf("%s: err %v, want closed (%q)", tc.name, err, tc.closed)
			}
		case tc.noWait:
			if !errors.As(err, &nw) || nw.State != tc.f.State {
				t.Errorf("%s: err %v, want not awaiting review", tc.name, err)
			}
		case tc.comm:
			if !errors.Is(err, ErrCommentRequired) {
				t.Errorf("%s: err %v, want ErrCommentRequired", tc.name, err)
			}
		}
	}
	if err := Approve.CheckComment(""); err != nil {
		t.Errorf("an approval needs no comment: %v", err)
	}
	if err := Submit.CheckComment(""); err != nil {
		t.Errorf("a submission needs no comment: %v", err)
	}
}
