package plan

import (
	"testing"

	"traguardo/internal/domain"
)

func trendText(p TrendPoint) string {
	switch {
	case p.Value != nil:
		return pct(p.Value)
	case p.Pending:
		return "da rilevare"
	}
	return "nessun dato"
}

func trendTexts(ps []TrendPoint) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = trendText(p)
	}
	return out
}

// TestCycleTrend computes figuresCycle's trend by hand: AREA at 30/06 is
// A 12 of 10 (100) and B 5 of 10 (50), 75; at 31/12 A has no value
// (mancante, 0) and B 10 of 10, 50; at 31/03 and 30/09 it has nothing. A
// second centre never has data. While the windows are open a period
// without data is "da rilevare"; once closed it has no figure ("nessun
// dato"), never 0. The cycle is left evaluated at its period.
func TestCycleTrend(t *testing.T) {
	today := day("2025-03-01")
	build := func() (*Cycle, *Objective) {
		c, o := figuresCycle(true)
		empty := &Indicator{Name: "C", Unit: domain.UnitCount, Polarity: domain.Higher, Expected: 1}
		c.Centres = append(c.Centres, &Centre{Name: "VUOTA", Objectives: []*Objective{{Number: 1, Indicators: []*Indicator{empty}}}})
		return c, o
	}
	t.Run("OKOpenWindows", func(t *testing.T) {
		c, o := build()
		c.EvaluateAt(day("2024-06-30"), today)
		tr := c.Trend(today)
		for _, tc := range []struct {
			name string
			got  []TrendPoint
			want []string
		}{
			{"AREA", tr.Centres[0], []string{"da rilevare", "75", "da rilevare", "50"}},
			{"VUOTA", tr.Centres[1], []string{"da rilevare", "da rilevare", "da rilevare", "da rilevare"}},
			{"cycle", tr.Cycle, []string{"da rilevare", "75", "da rilevare", "50"}},
		} {
			if got := trendTexts(tc.got); len(got) != 4 || got[0] != tc.want[0] || got[1] != tc.want[1] || got[2] != tc.want[2] || got[3] != tc.want[3] {
				t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			}
		}
		if !c.AsOf.Equal(day("2024-06-30")) || pct(o.Achievement) != "75" {
			t.Errorf("after the trend the cycle is at %v with %s, want 30/06 and 75", c.AsOf, pct(o.Achievement))
		}
	})
	t.Run("OKClosedWindows", func(t *testing.T) {
		c, _ := build()
		for i := range c.Periods {
			c.Periods[i].ClosesOn = c.Periods[i].EndsOn.AddDate(0, 0, 20)
		}
		c.EvaluateAt(c.FiguresPeriod(today), today)
		tr := c.Trend(today)
		if got := trendTexts(tr.Centres[0]); got[0] != "nessun dato" || got[1] != "75" || got[2] != "nessun dato" || got[3] != "50" {
			t.Errorf("AREA: %q", got)
		}
		if got := trendTexts(tr.Centres[1]); got[0] != "nessun dato" || got[3] != "nessun dato" {
			t.Errorf("VUOTA: %q, want nessun dato (never 0)", got)
		}
		// The cycle's point is the cycle page's figure: VUOTA, with
		// nothing at a closed period, counts 0 there by the rules
		// (its indicators mancante): (75 + 0) / 2 and (50 + 0) / 2.
		if got := trendTexts(tr.Cycle); got[0] != "nessun dato" || got[1] != "37.5" || got[3] != "25" {
			t.Errorf("cycle: %q", got)
		}
	})
}
