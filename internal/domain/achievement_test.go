package domain

import (
	"math"
	"slices"
	"testing"
)

func fp(v float64) *float64 { return &v }

func TestUnits(t *testing.T) {
	want := []Unit{"n.", "n", "%", "si/no", "€", "gg"}
	if got := Units(); !slices.Equal(got, want) {
		t.Errorf("Units() = %q, want %q", got, want)
	}
	for _, u := range want {
		if !u.Valid() {
			t.Errorf("%q should be valid", u)
		}
		if u.IsYesNo() != (u == "si/no") {
			t.Errorf("%q IsYesNo = %v", u, u.IsYesNo())
		}
	}
	for _, u := range []Unit{"", "N.", "euro", "sì/no", "giorni"} {
		if u.Valid() {
			t.Errorf("%q should not be valid", u)
		}
	}
	u := Units()
	u[0] = "x"
	if Units()[0] != UnitCount {
		t.Error("Units() must return a fresh slice")
	}
}

func TestPolarityValid(t *testing.T) {
	for _, p := range []Polarity{Higher, Lower} {
		if !p.Valid() {
			t.Errorf("%q should be valid", p)
		}
	}
	for _, p := range []Polarity{"", "Higher", "up"} {
		if p.Valid() {
			t.Errorf("%q should not be valid", p)
		}
	}
}

func TestIndicatorAchievement(t *testing.T) {
	tests := []struct {
		name        string
		unit        Unit
		pol         Polarity
		expected    float64
		actual      *float64
		want        float64
		wantMissing bool
	}{
		{"yes/no equal", UnitYesNo, Higher, 1, fp(1), 100, false},
		{"yes/no different", UnitYesNo, Higher, 1, fp(0), 0, false},
		{"yes/no expected no, got no", UnitYesNo, Higher, 0, fp(0), 100, false},
		{"yes/no expected no, got si", UnitYesNo, Higher, 0, fp(1), 0, false},
		{"yes/no ignores polarity", UnitYesNo, Lower, 1, fp(0), 0, false},
		{"higher below target", UnitCount, Higher, 5, fp(1), 20, false},
		{"higher at target", UnitCount, Higher, 10, fp(10), 100, false},
		{"higher above target", UnitCount, Higher, 10, fp(12), 100, false},
		{"higher zero actual", UnitPercent, Higher, 50, fp(0), 0, false},
		{"higher expected 0, actual 0", UnitCount, Higher, 0, fp(0), 100, false},
		{"higher expected 0, actual 3", UnitCount, Higher, 0, fp(3), 100, false},
		{"default polarity is higher", UnitCount, "", 4, fp(1), 25, false},
		{"lower under target", UnitDays, Lower, 30, fp(20), 100, false},
		{"lower at target", UnitDays, Lower, 30, fp(30), 100, false},
		{"lower over target", UnitDays, Lower, 30, fp(60), 50, false},
		{"lower actual 0", UnitDays, Lower, 30, fp(0), 100, false},
		{"lower expected 0, actual 0", UnitDays, Lower, 0, fp(0), 100, false},
		{"lower expected 0, actual over", UnitDays, Lower, 0, fp(5), 0, false},
		{"missing", UnitCount, Higher, 5, nil, 0, true},
		{"missing yes/no", UnitYesNo, Higher, 1, nil, 0, true},
		{"missing lower", UnitDays, Lower, 30, nil, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, missing := IndicatorAchievement(tc.unit, tc.pol, tc.expected, tc.actual)
			if math.Abs(got-tc.want) > 1e-9 || missing != tc.wantMissing {
				t.Errorf("got (%v, %v), want (%v, %v)", got, missing, tc.want, tc.wantMissing)
			}
		})
	}
}

func TestIndicatorAchievementStaysInRange(t *testing.T) {
	for _, pol := range []Polarity{Higher, Lower} {
		for _, e := range []float64{-10, -1, 0, 1, 10} {
			for _, a := range []float64{-20, -10, -1, 0, 1, 10, 20} {
				got, _ := IndicatorAchievement(UnitNumber, pol, e, fp(a))
				if got < 0 || got > 100 || math.IsNaN(got) {
					t.Errorf("%s expected %v actual %v: %v out of 0..100", pol, e, a, got)
				}
			}
		}
	}
}

func TestWeightedMean(t *testing.T) {
	tests := []struct {
		name   string
		items  []Weighted
		want   float64
		wantOK bool
	}{
		{"empty", nil, 0, false},
		{"no weights", []Weighted{{Value: 100}, {Value: 0}, {Value: 50}}, 50, true},
		{"weights", []Weighted{{Value: 100, Weight: fp(3)}, {Value: 0, Weight: fp(1)}}, 75, true},
		{"nil weight is 1", []Weighted{{Value: 100, Weight: fp(2)}, {Value: 40}}, 80, true},
		{"zero weight left out", []Weighted{{Value: 100}, {Value: 0, Weight: fp(0)}}, 100, true},
		{"all weights zero", []Weighted{{Value: 100, Weight: fp(0)}, {Value: 0, Weight: fp(0)}}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := WeightedMean(tc.items)
			if math.Abs(got-tc.want) > 1e-9 || ok != tc.wantOK {
				t.Errorf("got (%v, %v), want (%v, %v)", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestBandsOf(t *testing.T) {
	b := DefaultBands()
	if b != (Bands{Reached: 95, Partial: 50}) {
		t.Fatalf("DefaultBands() = %+v", b)
	}
	tests := []struct {
		pct  float64
		want Band
	}{
		{100, Reached},
		{95, Reached},
		{94.99, PartlyReached},
		{50, PartlyReached},
		{49.99, NotReached},
		{0, NotReached},
	}
	for _, tc := range tests {
		if got := b.Of(tc.pct); got != tc.want {
			t.Errorf("Of(%v) = %q, want %q", tc.pct, got, tc.want)
		}
	}
	custom := Bands{Reached: 90, Partial: 60}
	if custom.Of(90) != Reached || custom.Of(89.9) != PartlyReached || custom.Of(59.9) != NotReached {
		t.Error("custom bands not applied")
	}
}

func TestBandsValidate(t *testing.T) {
	tests := []struct {
		b  Bands
		ok bool
	}{
		{DefaultBands(), true},
		{Bands{Reached: 100, Partial: 0}, true},
		{Bands{Reached: 60, Partial: 59.9}, true},
		{Bands{Reached: 50, Partial: 50}, false},
		{Bands{Reached: 40, Partial: 50}, false},
		{Bands{Reached: 101, Partial: 50}, false},
		{Bands{Reached: 95, Partial: -1}, false},
		{Bands{Reached: math.NaN(), Partial: 50}, false},
		{Bands{Reached: 95, Partial: math.NaN()}, false},
		{Bands{}, false},
	}
	for _, tc := range tests {
		err := tc.b.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", tc.b, err, tc.ok)
		}
		if err != nil && err.Error() == "" {
			t.Errorf("Validate(%+v): empty message", tc.b)
		}
	}
}

func TestRound1(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{100.0 / 3, 33.3},
		{33.333, 33.3},
		{66.666, 66.7},
		{80, 80},
		{94.96, 95},
		{0.04, 0},
		{-0.01, 0},
	}
	for _, tc := range tests {
		if got := Round1(tc.in); got != tc.want {
			t.Errorf("Round1(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if math.Signbit(Round1(-0.01)) {
		t.Error("Round1 must not return -0")
	}
}

func TestReportStatusValid(t *testing.T) {
	for _, s := range []ReportStatus{OnTrack, AtRisk, Critical} {
		if !s.Valid() {
			t.Errorf("%q should be valid", s)
		}
	}
	for _, s := range []ReportStatus{"", "In linea", "ok"} {
		if s.Valid() {
			t.Errorf("%q should not be valid", s)
		}
	}
}

// objectiveAchievement runs the whole default chain: indicator achievements,
// their equal-weight mean, rounding and banding.
func objectiveAchievement(t *testing.T, inds []struct {
	unit             Unit
	expected, actual float64
}) (float64, Band) {
	t.Helper()
	var items []Weighted
	for _, in := range inds {
		pct, missing := IndicatorAchievement(in.unit, Higher, in.expected, fp(in.actual))
		if missing {
			t.Fatalf("indicator %+v reported missing", in)
		}
		items = append(items, Weighted{Value: pct})
	}
	mean, ok := WeightedMean(items)
	if !ok {
		t.Fatal("nothing to average")
	}
	pct := Round1(mean)
	return pct, DefaultBands().Of(pct)
}

func TestSeedExamples(t *testing.T) {
	type ind = struct {
		unit             Unit
		expected, actual float64
	}
	tests := []struct {
		name     string
		inds     []ind
		wantPct  float64
		wantBand Band
	}{
		{
			"AREA DIREZIONE objective 2",
			[]ind{{UnitCount, 1, 1}, {UnitCount, 1, 0}, {UnitYesNo, 1, 0}},
			33.3, NotReached,
		},
		{
			"AREA INCLUSIONE E RETI TERRITORIALI objective 4",
			[]ind{{UnitCount, 5, 1}, {UnitCount, 50, 60}, {UnitCount, 1, 1}, {UnitCount, 10, 12}},
			80, PartlyReached,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pct, band := objectiveAchievement(t, tc.inds)
			if pct != tc.wantPct || band != tc.wantBand {
				t.Errorf("got %v %q, want %v %q", pct, band, tc.wantPct, tc.wantBand)
			}
		})
	}
}
