package plan

import (
	"slices"
	"testing"

	"traguardo/internal/domain"
)

// rulesCycle is a 2024 cycle of one period (31/12) with one objective of
// five indicators, computed by hand under the default rules:
//
//	A n.    higher 12 of 10      -> 100 (120 with a cap of 120)
//	B n.    higher  1 of 5       ->  20
//	C si/no "no" for "si"        ->   0
//	D gg    lower  40 for 30     ->  75
//	E n.    higher  0 of 10, neutralised: left out
//
// objective (100 + 20 + 0 + 75) / 4 = 48,75.
func rulesCycle(rules domain.Rules) (*Cycle, *Objective) {
	end := day("2024-12-31")
	v := func(x float64) []Value { return []Value{{Period: end, Value: x}} }
	o := &Objective{Number: 1, Indicators: []*Indicator{
		{Name: "A", Unit: domain.UnitCount, Polarity: domain.Higher, Expected: 10, Values: v(12)},
		{Name: "B", Unit: domain.UnitCount, Polarity: domain.Higher, Expected: 5, Values: v(1)},
		{Name: "C", Unit: domain.UnitYesNo, Polarity: domain.Higher, Expected: 1, Values: v(0)},
		{Name: "D", Unit: domain.UnitDays, Polarity: domain.Lower, Expected: 30, Values: v(40)},
		{Name: "E", Unit: domain.UnitCount, Polarity: domain.Higher, Expected: 10, Values: v(0),
			Neutralised: &Neutralisation{Reason: "Servizio sospeso", By: "nucleo"}},
	}}
	c := &Cycle{Year: 2024, Bands: domain.DefaultBands(), Rules: rules,
		Periods: []Period{{EndsOn: end}},
		Centres: []*Centre{{Name: "AREA", Objectives: []*Objective{o}}}}
	return c, o
}

func evaluated(rules domain.Rules, edit func(o *Objective)) (*Cycle, *Objective) {
	c, o := rulesCycle(rules)
	if edit != nil {
		edit(o)
	}
	c.EvaluateAt(day("2024-12-31"), day("2025-03-01"))
	return c, o
}

func TestEvaluate_Rules(t *testing.T) {
	tests := []struct {
		name     string
		rules    domain.Rules
		edit     func(o *Objective)
		want     float64 // the figure as shown
		wantBand domain.Band
		wantMean string
	}{
		{"OKDefaults", domain.Rules{}, nil, 48.8, domain.NotReached,
			"(100 × 1 + 20 × 1 + 0 × 1 + 75 × 1) / 4 = 48,8%"},
		{"OKTruncated", domain.Rules{Rounding: domain.TruncateWhole}, nil, 48, domain.NotReached,
			"(100 × 1 + 20 × 1 + 0 × 1 + 75 × 1) / 4 = 48%"},
		{"OKCap120CountsTheOverAchievement", domain.Rules{Cap: 120}, nil, 53.8, domain.PartlyReached,
			"(120 × 1 + 20 × 1 + 0 × 1 + 75 × 1) / 4 = 53,8%"},
		{"OKOverrideCountsWithTheOverride", domain.Rules{}, func(o *Objective) {
			o.Indicators[2].Override = &Override{Pct: 100, Reason: "Delibera adottata il 2 gennaio"}
		}, 73.8, domain.PartlyReached, "(100 × 1 + 20 × 1 + 100 × 1 + 75 × 1) / 4 = 73,8%"},
		{"OKNeutralisationWithdrawnCountsE", domain.Rules{}, func(o *Objective) {
			o.Indicators[4].Neutralised = nil
		}, 39, domain.NotReached, "(100 × 1 + 20 × 1 + 0 × 1 + 75 × 1 + 0 × 1) / 5 = 39%"},
		{"OKWeights", domain.Rules{}, func(o *Objective) {
			two := 2.0
			o.Indicators[0].Weight = &two
		}, 59, domain.PartlyReached, "(100 × 2 + 20 × 1 + 0 × 1 + 75 × 1) / 5 = 59%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, o := evaluated(tt.rules, tt.edit)
			if o.Achievement == nil {
				t.Fatal("no achievement")
			}
			if got := c.Rules.Round(*o.Achievement); got != tt.want || o.Band != tt.wantBand {
				t.Errorf("got %v %q, want %v %q", got, o.Band, tt.want, tt.wantBand)
			}
			if got := c.Explain(o).Mean; got != tt.wantMean {
				t.Errorf("mean written out:\n got %q\nwant %q", got, tt.wantMean)
			}
		})
	}
}

func TestEvaluate_TruncationDecidesTheBand(t *testing.T) {
	// 9.496 of 10 is 94,96: 95,0 with one decimal (raggiunto), 94 truncated.
	for _, tt := range []struct {
		rules domain.Rules
		band  domain.Band
	}{{domain.Rules{}, domain.Reached}, {domain.Rules{Rounding: domain.TruncateWhole}, domain.PartlyReached}} {
		_, o := evaluated(tt.rules, func(o *Objective) {
			o.Indicators = []*Indicator{{Name: "A", Unit: domain.UnitCount, Polarity: domain.Higher, Expected: 10,
				Values: []Value{{Period: day("2024-12-31"), Value: 9.496}}}}
		})
		if o.Band != tt.band {
			t.Errorf("%+v: %q, want %q", tt.rules, o.Band, tt.band)
		}
	}
}

func TestExplain_IndicatorsAndBand(t *testing.T) {
	c, o := evaluated(domain.Rules{Cap: 120}, func(o *Objective) {
		o.Indicators[2].Override = &Override{Pct: 50, Reason: "Adottata in ritardo"}
	})
	e := c.Explain(o)
	want := []IndicatorExplanation{
		{Name: "indicatore 1 «A»", Rule: "più alto è meglio: min(consuntivo / atteso × 100; 120%)",
			Formula: "min(12 / 10 × 100; 120%) = 120%", Weight: "1"},
		{Name: "indicatore 2 «B»", Rule: "più alto è meglio: min(consuntivo / atteso × 100; 120%)",
			Formula: "min(1 / 5 × 100; 120%) = 20%", Weight: "1"},
		{Name: "indicatore 3 «C»", Rule: "si/no: 100 se il consuntivo è uguale all'atteso, altrimenti 0",
			Formula: "consuntivo no, atteso sì = 0%", Weight: "1",
			Notes: []string{"Grado sostituito dal direttore: conta 50% in luogo di 0%. Motivazione: Adottata in ritardo"}},
		{Name: "indicatore 4 «D»", Rule: "più basso è meglio: min(atteso / consuntivo × 100; 120%)",
			Formula: "min(30 / 40 × 100; 120%) = 75%", Weight: "1"},
		{Name: "indicatore 5 «E»", Rule: "più alto è meglio: min(consuntivo / atteso × 100; 120%)",
			Formula: "min(0 / 10 × 100; 120%) = 0%",
			Notes:   []string{"Sterilizzato (nucleo): escluso dalla media. Motivazione: Servizio sospeso"}},
	}
	for i := range want {
		g, w := e.Indicators[i], want[i]
		if g.Name != w.Name || g.Rule != w.Rule || g.Formula != w.Formula || g.Weight != w.Weight || !slices.Equal(g.Notes, w.Notes) {
			t.Errorf("indicator %d:\n got %+v\nwant %+v", i+1, g, w)
		}
	}
	// (120 + 20 + 50 + 75) / 4 = 66,25
	if e.Mean != "(120 × 1 + 20 × 1 + 50 × 1 + 75 × 1) / 4 = 66,3%" {
		t.Errorf("mean %q", e.Mean)
	}
	if e.Band != "50% ≤ 66,3% < 95%: parzialmente raggiunto" {
		t.Errorf("band %q", e.Band)
	}
	if e.Settings != "Regole del ciclo: arrotondamento a un decimale; tetto del grado di raggiungimento di un indicatore 120%; soglie: raggiunto da 95%, parzialmente raggiunto da 50%." {
		t.Errorf("settings %q", e.Settings)
	}
}
