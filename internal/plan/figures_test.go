package plan

import (
	"fmt"
	"testing"

	"traguardo/internal/domain"
)

// figuresCycle is a 2024 cycle with one centre and one objective of two
// indicators (n., expected 10): A has 12 at 30/06 only; B has 5 at 30/06 and
// 10 at 31/12 when final is true.
func figuresCycle(final bool) (*Cycle, *Objective) {
	a := &Indicator{Name: "A", Unit: domain.UnitCount, Polarity: domain.Higher, Expected: 10,
		Values: []Value{{Period: day("2024-06-30"), Value: 12}}}
	b := &Indicator{Name: "B", Unit: domain.UnitCount, Polarity: domain.Higher, Expected: 10,
		Values: []Value{{Period: day("2024-06-30"), Value: 5}}}
	if final {
		b.Values = append(b.Values, Value{Period: day("2024-12-31"), Value: 10})
	}
	o := &Objective{Number: 1, Indicators: []*Indicator{a, b}}
	c := &Cycle{Year: 2024, Bands: domain.DefaultBands(), Centres: []*Centre{{Name: "AREA", Objectives: []*Objective{o}}}}
	for _, d := range DefaultPeriods(2024) {
		c.Periods = append(c.Periods, Period{EndsOn: d})
	}
	return c, o
}

func pct(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(domain.Round1(*p))
}

func TestEvaluate_LastPeriodRule(t *testing.T) {
	today := day("2025-03-01")
	t.Run("OKMidYearFiguresAtTheLatestPeriodWithData", func(t *testing.T) {
		c, o := figuresCycle(false)
		asOf := c.FiguresPeriod(today)
		if !asOf.Equal(day("2024-06-30")) {
			t.Fatalf("figures at %v, want 2024-06-30", asOf)
		}
		c.EvaluateAt(asOf, today)
		if c.YearResult {
			t.Error("figures at 30/06 taken for the year's result")
		}
		// A: 12 of 10 -> 100; B: 5 of 10 -> 50; objective 75.
		if got := pct(o.Achievement); got != "75" {
			t.Errorf("objective at 30/06: %s, want 75", got)
		}
		if a := o.Indicators[0]; a.Actual == nil || *a.Actual != 12 || a.Missing || a.Latest != nil {
			t.Errorf("A at 30/06: actual %v missing %v latest %v", a.Actual, a.Missing, a.Latest)
		}
	})
	t.Run("OKYearMissingKeepsTheEarlierValueApart", func(t *testing.T) {
		c, o := figuresCycle(true)
		c.EvaluateAt(c.FiguresPeriod(today), today)
		if !c.AsOf.Equal(day("2024-12-31")) || !c.YearResult {
			t.Fatalf("figures at %v, year result %v: want the year's result at 31/12", c.AsOf, c.YearResult)
		}
		a := o.Indicators[0]
		// A has no value at 31/12: mancante for the year, whatever 30/06 held.
		if a.Actual != nil || !a.Missing || a.Achievement != 0 {
			t.Errorf("A for the year: actual %v missing %v achievement %v, want nil, true, 0", a.Actual, a.Missing, a.Achievement)
		}
		if a.Latest == nil || a.Latest.Value != 12 || !a.Latest.Period.Equal(day("2024-06-30")) {
			t.Errorf("A's earlier value: %+v, want 12 at 30/06", a.Latest)
		}
		// B: 10 of 10 -> 100; objective (0 + 100) / 2 = 50, parzialmente raggiunto.
		if got := pct(o.Achievement); got != "50" || o.Band != domain.PartlyReached {
			t.Errorf("objective for the year: %s %q, want 50 parzialmente raggiunto", got, o.Band)
		}
		if got := pct(c.Achievement); got != "50" {
			t.Errorf("cycle for the year: %s, want 50", got)
		}
	})
	t.Run("OKValueAtTheLastPeriodIsTheYearsResult", func(t *testing.T) {
		c, o := figuresCycle(true)
		o.Indicators[0].Values = append(o.Indicators[0].Values, Value{Period: day("2024-12-31"), Value: 8})
		c.EvaluateAt(day("2024-12-31"), today)
		a := o.Indicators[0]
		if a.Actual == nil || *a.Actual != 8 || a.Missing || a.Latest != nil || a.Achievement != 80 {
			t.Errorf("A for the year: actual %v missing %v latest %v achievement %v, want 8, false, nil, 80", a.Actual, a.Missing, a.Latest, a.Achievement)
		}
		// (80 + 100) / 2
		if got := pct(o.Achievement); got != "90" {
			t.Errorf("objective for the year: %s, want 90", got)
		}
	})
	t.Run("OKAsOfAnEarlierPeriod", func(t *testing.T) {
		c, o := figuresCycle(true)
		c.EvaluateAt(day("2024-06-30"), today)
		if c.YearResult || pct(o.Achievement) != "75" {
			t.Errorf("as of 30/06: year result %v, objective %s, want false, 75", c.YearResult, pct(o.Achievement))
		}
	})
}

func TestEvaluate_Pending(t *testing.T) {
	t.Run("OKNothingMeasuredIsDaRilevareNotZero", func(t *testing.T) {
		c, o := figuresCycle(false)
		for _, in := range o.Indicators {
			in.Values = nil
		}
		// Long after the periods ended: no window has closed them.
		today := day("2026-11-26")
		c.EvaluateAt(c.FiguresPeriod(today), today)
		if !c.AsOf.Equal(day("2024-12-31")) || c.YearResult {
			t.Errorf("figures at %v, year result %v: want 31/12, not a year's result", c.AsOf, c.YearResult)
		}
		if o.Achievement != nil || !o.Pending || o.Band != "" {
			t.Errorf("objective: %s pending %v band %q, want nil, true, none", pct(o.Achievement), o.Pending, o.Band)
		}
		ce := c.Centres[0]
		if ce.Achievement != nil || !ce.Pending || c.Achievement != nil || !c.Pending {
			t.Errorf("centre %s pending %v, cycle %s pending %v: want no figure, da rilevare", pct(ce.Achievement), ce.Pending, pct(c.Achievement), c.Pending)
		}
		for _, in := range o.Indicators {
			if in.Missing || !in.Pending {
				t.Errorf("indicator %s: missing %v pending %v, want da rilevare", in.Name, in.Missing, in.Pending)
			}
		}
	})
	t.Run("OKCurrentPeriodWhenNothingIsMeasured", func(t *testing.T) {
		c, _ := figuresCycle(false)
		c.Centres[0].Objectives[0].Indicators[0].Values = nil
		c.Centres[0].Objectives[0].Indicators[1].Values = nil
		if got := c.FiguresPeriod(day("2024-05-10")); !got.Equal(day("2024-06-30")) {
			t.Errorf("figures period on 10/05/2024: %v, want 30/06", got)
		}
	})
	// With windows: once a period's window has closed without data, its
	// indicators are missing (0), not "da rilevare"; while the window of an
	// ended period is open, the figures wait for it.
	t.Run("OKWindows", func(t *testing.T) {
		c, o := figuresCycle(false)
		for _, in := range o.Indicators {
			in.Values = nil
		}
		for i := range c.Periods {
			c.Periods[i].ClosesOn = c.Periods[i].EndsOn.AddDate(0, 0, 20)
		}
		today := day("2025-03-01")
		c.EvaluateAt(c.FiguresPeriod(today), today)
		if !c.AsOf.Equal(day("2024-12-31")) || o.Pending || o.Achievement == nil || *o.Achievement != 0 {
			t.Errorf("all windows closed: figures at %v, objective pending %v %s; want 31/12 at 0", c.AsOf, o.Pending, pct(o.Achievement))
		}
		for _, in := range o.Indicators {
			if !in.Missing || in.Pending {
				t.Errorf("indicator %s: missing %v pending %v, want missing", in.Name, in.Missing, in.Pending)
			}
		}
		c.Periods[0].ClosesOn = day("2025-03-31") // the first quarter reopened for entry
		c.EvaluateAt(c.FiguresPeriod(today), today)
		if !c.AsOf.Equal(day("2024-03-31")) || !o.Pending || o.Achievement != nil {
			t.Errorf("first window open: figures at %v, objective pending %v %s; want 31/03, da rilevare", c.AsOf, o.Pending, pct(o.Achievement))
		}
	})
	t.Run("OKPendingObjectiveLeftOutOfTheCentre", func(t *testing.T) {
		c, o := figuresCycle(true)
		other := &Objective{Number: 2, Indicators: []*Indicator{{Name: "C", Unit: domain.UnitCount, Expected: 4}}}
		c.Centres[0].Objectives = append(c.Centres[0].Objectives, other)
		today := day("2025-01-10")
		c.EvaluateAt(day("2024-12-31"), today)
		if !other.Pending || other.Achievement != nil {
			t.Errorf("objective without data: pending %v %s", other.Pending, pct(other.Achievement))
		}
		// Only objective 1 (50) counts.
		if got := pct(c.Centres[0].Achievement); got != "50" || c.Centres[0].Pending {
			t.Errorf("centre: %s pending %v, want 50, false", got, c.Centres[0].Pending)
		}
		_ = o
	})
}

func TestEvaluate_NotMeasurableAndTargets(t *testing.T) {
	today := day("2025-03-01")
	t.Run("OKNotMeasurableCountsAsMissing", func(t *testing.T) {
		c, o := figuresCycle(true)
		a := o.Indicators[0]
		a.Values = append(a.Values, Value{Period: day("2024-12-31"), NotMeasurable: true, Value: 99, Reason: "dato non disponibile"})
		c.EvaluateAt(day("2024-12-31"), today)
		if a.At == nil || !a.At.NotMeasurable || a.Actual != nil || !a.Missing || a.Achievement != 0 {
			t.Errorf("A not measurable: at %+v actual %v missing %v achievement %v", a.At, a.Actual, a.Missing, a.Achievement)
		}
		if a.Latest == nil || a.Latest.Value != 12 {
			t.Errorf("A's earlier value: %+v, want 12", a.Latest)
		}
	})
	t.Run("OKIntermediateTargetMeasuresItsPeriod", func(t *testing.T) {
		c, o := figuresCycle(true)
		b := o.Indicators[1]
		b.Targets = []Target{{Period: day("2024-06-30"), Value: 5}, {Period: day("2024-12-31"), Value: 20}}
		c.EvaluateAt(day("2024-06-30"), today)
		if b.Target != 5 || b.Achievement != 100 {
			t.Errorf("B at 30/06 against its target 5: target %v achievement %v, want 5, 100", b.Target, b.Achievement)
		}
		// The last period is measured against the year's expected value.
		c.EvaluateAt(day("2024-12-31"), today)
		if b.Target != 10 || b.Achievement != 100 {
			t.Errorf("B for the year: target %v achievement %v, want 10, 100", b.Target, b.Achievement)
		}
	})
}
