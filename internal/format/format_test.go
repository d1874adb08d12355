package format

import (
	"testing"
	"time"

	"traguardo/internal/domain"
)

func TestFormats(t *testing.T) {
	pct := 33.3
	cases := []struct{ got, want string }{
		{Number(1234.5), "1.234,5"},
		{Number(8), "8"},
		{Number(-0.001), "0"},
		{Number(2.125), "2,12"},
		{Percent(33.3), "33,3%"},
		{Percent(33), "33%"},
		{Percent(100), "100%"},
		{Percent(1200), "1.200%"},
		{Value(domain.UnitYesNo, 1), "sì"},
		{Value(domain.UnitYesNo, 0), "no"},
		{Value(domain.UnitCount, 12), "12"},
		{YesNo(true), "sì"},
		{Date(time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)), "31/12/2023"},
		{DayMonth(time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC)), "30/06"},
		{Figure(&pct, false), "33,3%"},
		{Figure(&pct, true), "da rilevare"},
		{Figure(nil, false), "n.d."},
		{Coverage(2, 6, Centres), "2 centri su 6"},
		{Coverage(1, 6, Centres), "1 centro su 6"},
		{Coverage(3, 5, Objectives), "3 obiettivi su 5"},
		{Coverage(6, 6, Centres), ""},
		{Coverage(0, 0, Centres), ""},
	}
	for i, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("case %d: got %q, want %q", i, tc.got, tc.want)
		}
	}
}
