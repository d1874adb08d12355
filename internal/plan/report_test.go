package plan

import (
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestDeadlines: the dates of the law, and lateness by what was done when.
func TestDeadlines(t *testing.T) {
	approved := date(2023, time.January, 30)
	approvedLate := date(2023, time.March, 2)
	validated := date(2024, time.June, 30)
	validatedLate := date(2024, time.July, 1)
	for name, tc := range map[string]struct {
		approved, validated *time.Time
		today               time.Time
		late                [2]bool
	}{
		"on time, nothing due yet":       {&approved, nil, date(2023, time.December, 1), [2]bool{false, false}},
		"plan not approved on 1 Feb":     {nil, nil, date(2023, time.February, 1), [2]bool{true, false}},
		"plan not approved on 31 Jan":    {nil, nil, date(2023, time.January, 31), [2]bool{false, false}},
		"plan approved late":             {&approvedLate, nil, date(2023, time.May, 1), [2]bool{true, false}},
		"report not validated on 1 July": {&approved, nil, date(2024, time.July, 1), [2]bool{false, true}},
		"report validated on 30 June":    {&approved, &validated, date(2025, time.January, 1), [2]bool{false, false}},
		"report validated on 1 July":     {&approved, &validatedLate, date(2024, time.July, 2), [2]bool{false, true}},
	} {
		t.Run(name, func(t *testing.T) {
			ds := Deadlines(2023, tc.approved, tc.validated, tc.today)
			if len(ds) != 2 {
				t.Fatalf("%d deadlines", len(ds))
			}
			if !ds[0].Due.Equal(date(2023, time.January, 31)) || !ds[1].Due.Equal(date(2024, time.June, 30)) {
				t.Errorf("due %v and %v, want 31/01/2023 and 30/06/2024", ds[0].Due, ds[1].Due)
			}
			if got := [2]bool{ds[0].Late, ds[1].Late}; got != tc.late {
				t.Errorf("late = %v, want %v", got, tc.late)
			}
		})
	}
}

// TestValidationProblem: the act's date lies between the sending and today.
func TestValidationProblem(t *testing.T) {
	sent, today := date(2024, time.May, 10), date(2024, time.June, 1)
	for on, bad := range map[time.Time]bool{
		date(2024, time.May, 9): true, date(2024, time.May, 10): false, date(2024, time.June, 1): false, date(2024, time.June, 2): true,
	} {
		if got := ValidationProblem(on, sent, today) != ""; got != bad {
			t.Errorf("ValidationProblem(%v) refused = %v, want %v", on, got, bad)
		}
	}
	for _, s := range Outcomes() {
		if !s.IsOutcome() || s.Label() == string(s) {
			t.Errorf("%q: IsOutcome %v, label %q", s, s.IsOutcome(), s.Label())
		}
	}
	if ReportSent.IsOutcome() || ReportRejected.Published() || !ReportObserved.Published() {
		t.Error("states misclassified")
	}
}
