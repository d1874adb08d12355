package components

import (
	"math"
	"testing"
	"traguardo/internal/format"
)

// FuzzParseNumber: whatever is typed in a number field, a number read is
// finite; the value a form writes back (NumberInput) reads as the same
// number; and the number shown on a page (Number, two decimals, Italian
// grouping) reads as the same number to the cent.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1.234,5", "0,5", "1234.5", "-1.234", "1.234.567", "12,5%", "1e308", "1e309", "NaN", "Inf", "-0", "0x1p-2", " 6 ", "1 000", "1.2.3", ",", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseNumber(s)
		if err != nil {
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("ParseNumber(%q) = %v", s, v)
		}
		if back, err := ParseNumber(NumberInput(v)); err != nil || back != v {
			t.Fatalf("ParseNumber(NumberInput(%v) = %q) = %v, %v", v, NumberInput(v), back, err)
		}
		if math.Abs(v) < 1e12 {
			shown := format.Number(v)
			back, err := ParseNumber(shown)
			if err != nil || math.Abs(back-v) > 0.005+1e-9*math.Abs(v) {
				t.Fatalf("ParseNumber(Number(%v) = %q) = %v, %v", v, shown, back, err)
			}
		}
	})
}

// FuzzParseDay: a day read is written back (Date) as a day that reads the
// same.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2023-12-31", "31/12/2023", "1/2/2024", "29/02/2023", "2024-02-29", " 01/01/2024 ", "0001-01-01", "31/12/9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDay(s)
		if err != nil {
			return
		}
		if back, err := ParseDay(format.Date(d)); err != nil || !back.Equal(d) {
			t.Fatalf("ParseDay(format.Date(%v) = %q) = %v, %v", d, format.Date(d), back, err)
		}
	})
}
