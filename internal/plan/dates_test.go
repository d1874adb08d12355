package plan

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestApprovalDateProblem(t *testing.T) {
	today := day("2024-03-10")
	const (
		years  = "l'atto che approva il piano 2024 è del 2023 o del 2024"
		future = "la data dell'atto non può essere futura"
	)
	for _, tc := range []struct{ on, want string }{
		{"2024-01-30", ""},
		{"2023-12-20", ""}, // the year before: plans are often approved in December
		{"2023-01-01", ""},
		{"2024-03-10", ""}, // today
		{"2022-12-31", years},
		{"2021-06-01", years},
		{"2025-01-10", years},
		{"2024-03-11", future},
		{"2024-12-31", future},
	} {
		if got := ApprovalDateProblem(2024, day(tc.on), today); got != tc.want {
			t.Errorf("approval of 2024 on %s: %q, want %q", tc.on, got, tc.want)
		}
	}
}

func TestVariationDateProblem(t *testing.T) {
	approved, today := day("2024-01-30"), day("2024-06-15")
	before := "una variazione segue l'approvazione del piano: la data non può precedere il 30/01/2024"
	for _, tc := range []struct{ on, want string }{
		{"2024-01-30", ""}, // the day of the approval
		{"2024-04-01", ""},
		{"2024-06-15", ""},
		{"2024-01-29", before},
		{"2023-12-01", before},
		{"2024-06-16", "la data della variazione non può essere futura"},
	} {
		if got := VariationDateProblem(approved, day(tc.on), today); got != tc.want {
			t.Errorf("variation on %s: %q, want %q", tc.on, got, tc.want)
		}
	}
}
