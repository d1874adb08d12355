package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/pgtest"
	"traguardo/internal/report"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
	"traguardo/web/pages"
)

// TestMidYear_FiguresAreTheDashboards: the mid-year report of the demo at
// 30/06 (2024, carried over without data, and 2023, with data) reads and
// evaluates the cycle on its own (report.BuildMonitoring, as the command
// line does), and shows the figures the dashboard at that period shows:
// the body's and each centre's figure and band, the count of each band,
// and the watch list's objectives, indicators and late activities without a
// reason.
func TestMidYear_FiguresAreTheDashboards(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st := store.New(pgtest.NewDB(t))
	policy := richtext.NewPolicy()
	if _, err := demo.Load(ctx, st, policy); err != nil {
		t.Fatal(err)
	}
	today := domain.Today(time.Now())
	same := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	for _, year := range []int{2023, 2024} {
		june := time.Date(year, time.June, 30, 0, 0, 0, 0, time.UTC)
		m, err := report.BuildMonitoring(ctx, st, year, time.Time{}, today, policy)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Period.Equal(june) {
			t.Fatalf("%d: the default period is %s, want 30/06", year, m.Period)
		}
		c, err := st.LoadCycle(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		if err := evaluateAt(c, june.Format(time.DateOnly), today); err != nil {
			t.Fatal(err)
		}
		v := dashboardView(c, pages.Rights{}, today)
		if len(v.Bars) != len(m.Centres)+1 {
			t.Fatalf("%d: the dashboard has %d bars, the report %d centres", year, len(v.Bars), len(m.Centres))
		}
		if f := v.Bars[0].Figure; !same(f.Achievement, m.Body.Achievement) || f.Band != m.Body.Band {
			t.Errorf("%d: body %v %q on the dashboard, %v %q in the report", year, f.Achievement, f.Band, m.Body.Achievement, m.Body.Band)
		}
		for i, ce := range m.Centres {
			b := v.Bars[i+1]
			if b.Label != ce.Name || !same(b.Figure.Achievement, ce.Figure.Achievement) || b.Figure.Band != ce.Figure.Band {
				t.Errorf("%d: centre %s: %v %q on the dashboard, %s %v %q in the report", year, b.Label, b.Figure.Achievement, b.Figure.Band,
					ce.Name, ce.Figure.Achievement, ce.Figure.Band)
			}
		}
		for i, b := range v.Bands {
			if m.ByBand[i].Band != b.Label || m.ByBand[i].Count != b.Count {
				t.Errorf("%d: band %s: %d on the dashboard, %s %d in the report", year, b.Label, b.Count, m.ByBand[i].Band, m.ByBand[i].Count)
			}
		}
		if v.Watch.Objectives.Total != len(m.AtRisk) || v.Watch.Indicators.Total != len(m.Gaps) {
			t.Errorf("%d: the watch list has %d objectives and %d indicators, the report %d and %d", year,
				v.Watch.Objectives.Total, v.Watch.Indicators.Total, len(m.AtRisk), len(m.Gaps))
		}
		unreasoned := 0
		for _, a := range m.Late {
			if a.Reason == "" {
				unreasoned++
			}
		}
		if v.Watch.Activities.Total != unreasoned || v.LateActivities != len(m.Late) {
			t.Errorf("%d: %d late activities (%d without a reason) on the dashboard, %d (%d) in the report", year,
				v.LateActivities, v.Watch.Activities.Total, len(m.Late), unreasoned)
		}
		for i, e := range v.Watch.Objectives.Entries {
			if a := m.AtRisk[i]; e.Href == "" || !contains(e.Label, a.Centre) {
				t.Errorf("%d: at risk %d: %q on the dashboard, %q in the report", year, i, e.Label, a.Centre+" "+a.Objective)
			}
		}
		if year == 2023 && len(m.AtRisk) == 0 && len(m.Late) == 0 {
			t.Errorf("2023 at 30/06: nothing at risk and nothing late: the comparison compares nothing")
		}
	}
}

func contains(s, sub string) bool { return sub != "" && strings.Contains(s, sub) }
