package plan

import (
	"testing"
	"time"
)

func TestEntry(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	window := EntryFacts{OpensOn: d("2024-03-31"), ClosesOn: d("2024-04-20")}
	reopened := window
	reopened.ReopenedUntil = d("2024-05-10")
	with := func(f EntryFacts, s SubmissionState) EntryFacts { f.State = s; return f }
	for _, tc := range []struct {
		name     string
		f        EntryFacts
		today    string
		open     bool
		why      Why
		deadline string
	}{
		{"before the window", window, "2024-03-30", false, WhyNotYet, "2024-04-20"},
		{"first day", window, "2024-03-31", true, WhyWindow, "2024-04-20"},
		{"last day", window, "2024-04-20", true, WhyWindow, "2024-04-20"},
		{"day after", window, "2024-04-21", false, WhyClosed, "2024-04-20"},
		{"reopened", reopened, "2024-05-01", true, WhyReopened, "2024-05-10"},
		{"reopening's last day", reopened, "2024-05-10", true, WhyReopened, "2024-05-10"},
		{"reopening over", reopened, "2024-05-11", false, WhyClosed, "2024-04-20"},
		{"returned in the window", with(window, Returned), "2024-04-01", true, WhyWindow, "2024-04-20"},
		{"returned, reopened", with(reopened, Returned), "2024-05-01", true, WhyReopened, "2024-05-10"},
		{"submitted", with(window, Submitted), "2024-04-01", false, WhySubmitted, "2024-04-20"},
		{"approved", with(reopened, Approved), "2024-05-01", false, WhyApproved, "2024-05-10"},
		{"approved in the window", with(window, Approved), "2024-04-01", false, WhyApproved, "2024-04-20"},
	} {
		got := Entry(tc.f, d(tc.today))
		if got.Open != tc.open || got.Why != tc.why || !got.Deadline.Equal(d(tc.deadline)) || got.State != tc.f.State {
			t.Errorf("%s: %+v, want open %v why %s deadline %s", tc.name, got, tc.open, tc.why, tc.deadline)
		}
		if (got.Message() == "") != got.Open {
			t.Errorf("%s: message %q for open=%v", tc.name, got.Message(), got.Open)
		}
	}
	// A time of day in another zone is the same calendar day.
	if got := Entry(window, time.Date(2024, 4, 20, 23, 30, 0, 0, time.FixedZone("CEST", 7200))); !got.Open {
		t.Errorf("the last day late in the evening: %+v", got)
	}
	if o, c := DefaultWindow(d("2024-06-30")); !o.Equal(d("2024-06-30")) || !c.Equal(d("2024-07-20")) {
		t.Errorf("DefaultWindow = %v, %v", o, c)
	}
	if WindowProblem(d("2024-04-02"), d("2024-04-01")) == "" || WindowProblem(d("2024-04-01"), d("2024-04-01")) != "" {
		t.Error("WindowProblem")
	}
}

// TestMissed: a period whose window closed without the data sent reads
// "Non inviato", in the entry state and in the evaluated cycle; a running
// reopening, a sent or an approved period does not.
func TestMissed(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 0, 0, 0, 0, time.UTC) }
	facts := EntryFacts{OpensOn: day(3, 31), ClosesOn: day(4, 20)}
	for _, tc := range []struct {
		name   string
		state  SubmissionState
		today  time.Time
		until  time.Time
		missed bool
		label  string
	}{
		{"open", Draft, day(4, 10), time.Time{}, false, "In compilazione"},
		{"closed unsent", Draft, day(5, 2), time.Time{}, true, "Non inviato"},
		{"closed returned", Returned, day(5, 2), time.Time{}, true, "Non inviato"},
		{"closed, reopened", Draft, day(5, 2), day(5, 10), false, "In compilazione"},
		{"closed sent", Submitted, day(5, 2), time.Time{}, false, "Inviato"},
		{"closed approved", Approved, day(5, 2), time.Time{}, false, "Approvato"},
	} {
		f := facts
		f.State, f.ReopenedUntil = tc.state, tc.until
		e := Entry(f, tc.today)
		if e.Missed() != tc.missed || e.StateLabel() != tc.label {
			t.Errorf("%s: entry missed %v %q, want %v %q", tc.name, e.Missed(), e.StateLabel(), tc.missed, tc.label)
		}
		ce := &Centre{Objectives: []*Objective{{}}}
		if tc.state != Draft {
			ce.Submissions = []Submission{{Period: day(3, 31), State: tc.state}}
		}
		if !tc.until.IsZero() {
			ce.Reopenings = []Reopening{{Period: day(3, 31), Until: tc.until}}
		}
		c := &Cycle{Year: 2024, Periods: []Period{{EndsOn: day(3, 31), ClosesOn: day(4, 20)}, {EndsOn: day(12, 31)}}, Centres: []*Centre{ce}}
		c.EvaluateAt(day(3, 31), tc.today)
		if ce.Missed != tc.missed || StateLabel(ce.State, ce.Missed) != tc.label {
			t.Errorf("%s: cycle missed %v %q, want %v %q", tc.name, ce.Missed, StateLabel(ce.State, ce.Missed), tc.missed, tc.label)
		}
	}
}
