package plan

import (
	"testing"
	"time"
)

func TestYearProblem(t *testing.T) {
	for year, ok := range map[int]bool{1999: false, 2000: true, 2023: true, 2100: true, 2101: false, 0: false} {
		if got := YearProblem(year) == ""; got != ok {
			t.Errorf("YearProblem(%d) = %q", year, YearProblem(year))
		}
	}
}

func TestPeriodProblem(t *testing.T) {
	var none time.Time
	for _, tc := range []struct {
		previous  time.Time
		end, want string
	}{
		{none, "2023-03-31", ""},
		{day("2023-03-31"), "2023-06-30", ""},
		{none, "2024-01-31", MsgPeriodOutsideYear},
		{none, "2022-12-31", MsgPeriodOutsideYear},
		{day("2023-06-30"), "2023-06-30", MsgPeriodsOrder},
		{day("2023-06-30"), "2023-03-31", MsgPeriodsOrder},
	} {
		if got := PeriodProblem(2023, tc.previous, day(tc.end)); got != tc.want {
			t.Errorf("period %s after %s: %q, want %q", tc.end, tc.previous.Format(time.DateOnly), got, tc.want)
		}
	}
	for i, d := range DefaultPeriods(2023) {
		previous := none
		if i > 0 {
			previous = DefaultPeriods(2023)[i-1]
		}
		if p := PeriodProblem(2023, previous, d); p != "" {
			t.Errorf("default period %v: %s", d, p)
		}
	}
}

func TestCentre_Numbered(t *testing.T) {
	a := &Objective{Section: "Obiettivi", Number: 1}
	b := &Objective{Section: "Obiettivi di sviluppo", Number: 1}
	ce := &Centre{Objectives: []*Objective{a, b}}
	if ce.Numbered("Obiettivi", 1) != a || ce.Numbered("Obiettivi di sviluppo", 1) != b || ce.Numbered("Obiettivi", 2) != nil {
		t.Error("Numbered does not find objectives by section and number")
	}
}
