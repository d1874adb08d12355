package domain

import (
	"testing"
	"time"
)

func TestParseMonth(t *testing.T) {
	good := []struct {
		in   string
		want Month
	}{
		{"2023-05", Month{2023, time.May}},
		{"2023-01", Month{2023, time.January}},
		{"2023-12", Month{2023, time.December}},
		{"1900-01", Month{1900, time.January}},
		{"2200-12", Month{2200, time.December}},
	}
	for _, tc := range good {
		got, err := ParseMonth(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseMonth(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if got.String() != tc.in {
			t.Errorf("ParseMonth(%q).String() = %q", tc.in, got.String())
		}
	}
	bad := []string{
		"", "2023", "2023-5", "2023-00", "2023-13", "23-05", "2023/05",
		" 2023-05", "2023-05 ", "2023-05-01", "1899-12", "2201-01",
		"abcd-ef", "2023-+5", "+023-05", "2023-１2",
	}
	for _, in := range bad {
		if m, err := ParseMonth(in); err == nil {
			t.Errorf("ParseMonth(%q) = %v, want error", in, m)
		} else if err.Error() != "mese non valido: usare AAAA-MM" {
			t.Errorf("ParseMonth(%q) error %q", in, err)
		}
	}
}

func TestMonthOrder(t *testing.T) {
	a := Month{2022, time.December}
	b := Month{2023, time.January}
	if !a.Before(b) || b.Before(a) || a.Before(a) {
		t.Error("Before is wrong across a year boundary")
	}
	if b.Index()-a.Index() != 1 {
		t.Errorf("Index difference = %d, want 1", b.Index()-a.Index())
	}
	if got := (Month{2023, time.May}).Index(); got != 2023*12+4 {
		t.Errorf("Index = %d", got)
	}
}

func TestMonthName(t *testing.T) {
	tests := []struct {
		m    time.Month
		want string
	}{
		{time.January, "Gennaio"}, {time.February, "Febbraio"}, {time.March, "Marzo"},
		{time.April, "Aprile"}, {time.May, "Maggio"}, {time.June, "Giugno"},
		{time.July, "Luglio"}, {time.August, "Agosto"}, {time.September, "Settembre"},
		{time.October, "Ottobre"}, {time.November, "Novembre"}, {time.December, "Dicembre"},
		{13, "13"},
	}
	for _, tc := range tests {
		if got := MonthName(tc.m); got != tc.want {
			t.Errorf("MonthName(%d) = %q, want %q", tc.m, got, tc.want)
		}
	}
}

func TestAddYears(t *testing.T) {
	if got := (Month{2023, time.December}).AddYears(2); got != (Month{2025, time.December}) {
		t.Errorf("2023-12 + 2 years = %v", got)
	}
	if got := (Month{2024, time.February}).AddYears(-1); got != (Month{2023, time.February}) {
		t.Errorf("2024-02 - 1 year = %v", got)
	}
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"2023-03-31", 1, "2024-03-31"},
		{"2024-02-29", 1, "2025-02-28"},
		{"2024-02-29", 4, "2028-02-29"},
		{"2023-12-31", -2, "2021-12-31"},
	} {
		d, _ := time.Parse(time.DateOnly, tc.in)
		if got := AddYears(d, tc.n).Format(time.DateOnly); got != tc.want {
			t.Errorf("AddYears(%s, %d) = %s, want %s", tc.in, tc.n, got, tc.want)
		}
	}
}
