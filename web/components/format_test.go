package components

import (
	"testing"
)

func TestParseNumber(t *testing.T) {
	ok := map[string]float64{"1": 1, "1,5": 1.5, "1.234,5": 1234.5, "1.500": 1500, "12.345.678": 12345678, "0.5": 0.5, " 60 ": 60, "-3,25": -3.25, "1234.5": 1234.5}
	for in, want := range ok {
		if got, err := ParseNumber(in); err != nil || got != want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "1,2,3", "NaN", "Inf", "1e999", "1e3", "1E3", "0x10", "0b1", "1_000", "+-1"} {
		if _, err := ParseNumber(in); err == nil {
			t.Errorf("ParseNumber(%q) accepted", in)
		}
	}
}

func TestNumberInput(t *testing.T) {
	cases := []struct{ got, want string }{
		{NumberInput(1234.5), "1234,5"},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if v, err := ParseNumber(NumberInput(0.125)); err != nil || v != 0.125 {
		t.Errorf("NumberInput does not round-trip: %v %v", v, err)
	}
}
