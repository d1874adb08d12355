package plan

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
)

func TestMonthFits(t *testing.T) {
	for _, tc := range []struct {
		year int
		m    domain.Month
		want bool
	}{
		{2023, domain.Month{Year: 2023, Month: time.May}, true},
		{2023, domain.Month{Year: 2024, Month: time.April}, true},
		{2023, domain.Month{Year: 2022, Month: time.December}, true},
		{2023, domain.Month{Year: 2025, Month: time.January}, false},
		{2023, domain.Month{Year: 2021, Month: time.December}, false},
		{2027, domain.Month{Year: 2023, Month: time.May}, false},
	} {
		if got := MonthFits(tc.year, tc.m); got != tc.want {
			t.Errorf("MonthFits(%d, %v) = %v", tc.year, tc.m, got)
		}
	}
}

func TestShiftFor(t *testing.T) {
	m := func(s string) domain.Month {
		x, err := domain.ParseMonth(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	months := []domain.Month{m("2023-05"), m("2023-10"), m("2024-02"), m("2023-12")}
	for _, tc := range []struct {
		name     string
		from, to int
		want     YearShift
		ok       bool
	}{
		{"the most frequent year", 0, 2027, YearShift{4, 2023, 2027}, true},
		{"the year the file says", 2023, 2025, YearShift{2, 2023, 2025}, true},
		{"backwards", 2023, 2021, YearShift{-2, 2023, 2021}, true},
		{"nothing to move", 0, 2023, YearShift{}, false},
		{"a month would not fit", 2021, 2025, YearShift{}, false},
	} {
		got, ok := ShiftFor(months, tc.from, tc.to)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: ShiftFor = %+v, %v; want %+v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	// Equal counts: the year nearest to the cycle.
	if got, _ := ShiftFor([]domain.Month{m("2023-06"), m("2024-06")}, 0, 2026); got != (YearShift{2, 2024, 2026}) {
		t.Errorf("a tie gives %+v, want 2 years from 2024", got)
	}
	if _, ok := ShiftFor(nil, 0, 2025); ok {
		t.Errorf("no months: an offer")
	}
}

// TestShiftable_Unwrap checks that the problems of a file that a move would
// fix are found both as the offer and as the plain list, and read as the list.
func TestShiftable_Unwrap(t *testing.T) {
	list := fielderr.List{fielderr.Path("centres[0].objectives[0].activities[0].planned.from", "mese fuori dal ciclo")}
	var err error = &Shiftable{List: list, Shift: YearShift{Years: 2, From: 2023, To: 2025}}
	err = fmt.Errorf("read: %w", err)
	var sh *Shiftable
	if !errors.As(err, &sh) || sh.Shift != (YearShift{Years: 2, From: 2023, To: 2025}) {
		t.Fatalf("errors.As(*Shiftable) found %+v", sh)
	}
	var got fielderr.List
	if !errors.As(err, &got) || len(got) != 1 || got[0] != list[0] {
		t.Errorf("errors.As(fielderr.List) found %v, want %v", got, list)
	}
	if sh.Error() != list.Error() {
		t.Errorf("Error() = %q, want the list's %q", sh.Error(), list.Error())
	}
	// A plain list offers no move.
	if errors.As(error(list), &sh) {
		t.Error("a fielderr.List is found as a *Shiftable")
	}
}
