package plan

import (
	"slices"
	"testing"

	"traguardo/internal/domain"
)

// overrideCycle is a 2024 cycle of two periods (30/06, 31/12) with one
// objective of one indicator: 4 of 10 at 30/06 (40%), 8 of 10 at 31/12
// (80%).
func overrideCycle(edit func(in *Indicator)) (*Cycle, *Objective, *Indicator) {
	june, dec := day("2024-06-30"), day("2024-12-31")
	in := &Indicator{Name: "Pratiche", Unit: domain.UnitCount, Polarity: domain.Higher, Expected: 10,
		Values: []Value{{Period: june, Value: 4}, {Period: dec, Value: 8}}}
	if edit != nil {
		edit(in)
	}
	o := &Objective{Number: 1, Indicators: []*Indicator{in}}
	c := &Cycle{Year: 2024, Bands: domain.DefaultBands(),
		Periods: []Period{{EndsOn: june}, {EndsOn: dec}},
		Centres: []*Centre{{Name: "AREA", Objectives: []*Objective{o}}}}
	return c, o, in
}

func TestFigures_PeriodOverrideAppliesAtItsPeriodOnly(t *testing.T) {
	june, dec := day("2024-06-30"), day("2024-12-31")
	juneOnly := PeriodOverride{Period: june, Pct: 90, Reason: "Dato del gestionale incompleto al 30/06"}
	tests := []struct {
		name     string
		override *Override
		at       string
		want     float64
		computed float64
		inForce  PeriodOverride
	}{
		{"AtItsPeriod", nil, "2024-06-30", 90, 40, juneOnly},
		{"ComputedAtAnother", nil, "2024-12-31", 80, 80, PeriodOverride{}},
		{"BeforeTheIndicatorsOwn", &Override{Pct: 60, Reason: "Annuale"}, "2024-06-30", 90, 40, juneOnly},
		{"TheIndicatorsOwnElsewhere", &Override{Pct: 60, Reason: "Annuale"}, "2024-12-31", 60, 80, PeriodOverride{Pct: 60, Reason: "Annuale"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, o, in := overrideCycle(func(in *Indicator) {
				in.Override = tt.override
				in.Overrides = []PeriodOverride{juneOnly}
			})
			c.EvaluateAt(day(tt.at), day("2025-03-01"))
			if in.Achievement != tt.want || in.Computed != tt.computed {
				t.Errorf("achievement %v (computed %v), want %v (computed %v)", in.Achievement, in.Computed, tt.want, tt.computed)
			}
			overridden := tt.inForce != PeriodOverride{}
			if in.Overridden != overridden || in.InForce != tt.inForce {
				t.Errorf("overridden %v by %+v, want %v by %+v", in.Overridden, in.InForce, overridden, tt.inForce)
			}
			if o.Achievement == nil || *o.Achievement != tt.want {
				t.Errorf("the objective's achievement %v, want %v: it averages what the indicator counts with", o.Achievement, tt.want)
			}
		})
	}
	_, _, in := overrideCycle(func(in *Indicator) { in.Overrides = []PeriodOverride{juneOnly} })
	if _, ok := in.OverrideAt(dec); ok {
		t.Error("OverrideAt(31/12) found an override: only 30/06 has one")
	}
	if got, ok := in.OverrideAt(june); !ok || got != juneOnly {
		t.Errorf("OverrideAt(30/06) = %+v, %v", got, ok)
	}
}

func TestExplain_PeriodOverrideNamesItsPeriod(t *testing.T) {
	juneOnly := PeriodOverride{Period: day("2024-06-30"), Pct: 90, Reason: "Dato del gestionale incompleto al 30/06"}
	for _, tt := range []struct {
		at       string
		override *Override
		want     []string
	}{
		{"2024-06-30", &Override{Pct: 60, Reason: "Annuale"},
			[]string{"Grado stabilito dal direttore per il 30/06, solo per questo periodo: conta 90% in luogo di 40%. Motivazione: Dato del gestionale incompleto al 30/06"}},
		{"2024-12-31", nil, nil},
		{"2024-12-31", &Override{Pct: 60, Reason: "Annuale"},
			[]string{"Grado sostituito dal direttore: conta 60% in luogo di 80%. Motivazione: Annuale"}},
	} {
		c, o, _ := overrideCycle(func(in *Indicator) {
			in.Override = tt.override
			in.Overrides = []PeriodOverride{juneOnly}
		})
		c.EvaluateAt(day(tt.at), day("2025-03-01"))
		if got := c.Explain(o).Indicators[0].Notes; !slices.Equal(got, tt.want) {
			t.Errorf("at %s, notes:\n got %q\nwant %q", tt.at, got, tt.want)
		}
	}
}

func TestClone_PeriodOverridesAreCopied(t *testing.T) {
	c, _, in := overrideCycle(func(in *Indicator) {
		in.Overrides = []PeriodOverride{{Period: day("2024-06-30"), Pct: 90, Reason: "x"}}
	})
	cp := c.Clone()
	cp.Centres[0].Objectives[0].Indicators[0].Overrides[0].Pct = 10
	if in.Overrides[0].Pct != 90 {
		t.Error("changing the copy's period override changed the original's")
	}
}
