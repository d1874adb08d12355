package domain

import (
	"math"
	"testing"
)

func TestRules_Round(t *testing.T) {
	tests := []struct {
		rules Rules
		in    float64
		want  float64
	}{
		{Rules{}, 33.333, 33.3},
		{Rules{}, 83.85, 83.9},
		{DefaultRules(), 94.96, 95},
		{Rules{Rounding: TruncateWhole}, 83.85, 83},
		{Rules{Rounding: TruncateWhole}, 94.96, 94},
		{Rules{Rounding: TruncateWhole}, 100.0 / 3 * 3, 100},
		{Rules{Rounding: TruncateWhole}, 0.4, 0},
	}
	for _, tt := range tests {
		if got := tt.rules.Round(tt.in); got != tt.want {
			t.Errorf("%+v.Round(%v) = %v, want %v", tt.rules, tt.in, got, tt.want)
		}
	}
	// The band follows the rounded figure: 94.96 truncated is 94, partly reached.
	if b := DefaultBands().Of((Rules{Rounding: TruncateWhole}).Round(94.96)); b != PartlyReached {
		t.Errorf("94.96 truncated: %q, want parzialmente raggiunto", b)
	}
}

func TestRules_Validate(t *testing.T) {
	for _, ok := range []Rules{{}, DefaultRules(), {Rounding: TruncateWhole, Cap: 120}, {Cap: 200}} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
	for _, bad := range []Rules{{Rounding: "x"}, {Cap: 99}, {Cap: 201}, {Cap: math.NaN()}, {Cap: -1}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestRules_Score(t *testing.T) {
	cap120 := Rules{Cap: 120}
	tests := []struct {
		name       string
		rules      Rules
		unit       Unit
		pol        Polarity
		expected   float64
		actual     *float64
		want       float64
		wantMethod Method
		wantCapped bool
	}{
		{"OKHigherCappedAt100", Rules{}, UnitCount, Higher, 50, fp(60), 100, ByHigher, true},
		{"OKHigherOverAchievingUpTo120", cap120, UnitCount, Higher, 50, fp(55), 110, ByHigher, false},
		{"OKHigherOverAchievingCutAt120", cap120, UnitCount, Higher, 10, fp(15), 120, ByHigher, true},
		{"OKHigherUnder", cap120, UnitCount, Higher, 5, fp(1), 20, ByHigher, false},
		{"OKLowerUnderTargetCappedAt120", cap120, UnitDays, Lower, 30, fp(20), 120, ByLower, true},
		{"OKLowerUnderTargetAt100", Rules{}, UnitDays, Lower, 30, fp(20), 100, ByLower, true},
		{"OKLowerOver", cap120, UnitDays, Lower, 30, fp(40), 75, ByLower, false},
		{"OKLowerZeroActual", cap120, UnitDays, Lower, 30, fp(0), 120, ByLower, true},
		{"OKYesNoNeverOver100", cap120, UnitYesNo, Higher, 1, fp(1), 100, ByYesNo, false},
		{"OKZeroTarget", cap120, UnitCount, Higher, 0, fp(7), 100, ByZeroTarget, false},
		{"OKMissing", cap120, UnitCount, Higher, 5, nil, 0, ByMissing, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.rules.Score(tt.unit, tt.pol, tt.expected, tt.actual)
			if math.Abs(s.Pct-tt.want) > 1e-9 || s.Method != tt.wantMethod || s.Capped != tt.wantCapped {
				t.Errorf("got %v %q capped %v, want %v %q capped %v", s.Pct, s.Method, s.Capped, tt.want, tt.wantMethod, tt.wantCapped)
			}
			if s.Missing != (tt.actual == nil) {
				t.Errorf("missing %v", s.Missing)
			}
		})
	}
}

func TestMeanOf_Weights(t *testing.T) {
	two := 2.0
	m := MeanOf([]Weighted{{Value: 100, Weight: &two}, {Value: 40}})
	// (100 × 2 + 40 × 1) / 3 = 80
	if !m.OK || m.Sum != 240 || m.Total != 3 || m.Value != 80 || len(m.Terms) != 2 || m.Terms[1].Weight != 1 {
		t.Errorf("got %+v, want (100 × 2 + 40 × 1) / 3 = 80", m)
	}
	if MeanOf(nil).OK {
		t.Error("an empty mean is not OK")
	}
}
