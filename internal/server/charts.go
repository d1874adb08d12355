package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// ganttRow is activity a (the i-th of its objective) as the Gantt chart
// shows it at the cycle's AsOf period: the model's months as known then,
// its lateness and the reason recorded with those months.
func ganttRow(a *plan.Activity, i int) pages.GanttRow {
	return pages.GanttRow{Label: "Attività " + strconv.Itoa(i+1), Description: a.Description, Planned: a.Planned,
		Actual: a.Known.Actual, Reason: a.Known.Reason, Recorded: a.Recorded, Late: a.Late}
}

// objectiveGantt is the planned against actual months of an objective's
// activities at the cycle's AsOf period.
func objectiveGantt(c *plan.Cycle, o *plan.Objective) pages.GanttView {
	v := pages.GanttView{ID: "gantt-objective", Title: "Tempi previsti ed effettivi delle attività", Year: c.Year, AsOf: c.AsOf}
	for i, a := range o.Activities {
		v.Rows = append(v.Rows, ganttRow(a, i))
	}
	return v
}

// centreGantt is the planned against actual months of every activity of
// a centre's objectives, grouped by objective.
func centreGantt(c *plan.Cycle, ce *plan.Centre) pages.GanttView {
	v := pages.GanttView{ID: "gantt-centre", Title: "Tempi previsti ed effettivi delle attività del centro", Year: c.Year, AsOf: c.AsOf}
	for _, o := range ce.Objectives {
		group := fmt.Sprintf("Obiettivo %d (%s): %s", o.Number, o.Section, o.Title)
		for i, a := range o.Activities {
			r := ganttRow(a, i)
			r.Group, r.GroupHref = group, paths.AsOfOrPlain(paths.Objective(c.Year, o.ID), c.AsOf)
			r.GroupShort = fmt.Sprintf("Obiettivo %d (%s)", o.Number, o.Section)
			v.Rows = append(v.Rows, r)
		}
	}
	return v
}

// centreTrend is the trend chart of one centre: its achievement at every
// period. The trend is the cycle's, computed once per data version and day
// (the snapshot's figures): a centre's page evaluates nothing at other
// periods.
func centreTrend(snap *store.Snapshot, today time.Time, c *plan.Cycle, ce *plan.Centre) (pages.TrendView, error) {
	if len(c.Periods) == 0 {
		return pages.TrendView{}, nil
	}
	t, err := snap.Figures(today, "trend", func(k *plan.Cycle) (any, error) {
		return k.Trend(today), nil
	})
	if err != nil {
		return pages.TrendView{}, err
	}
	v := pages.TrendView{ID: "trend-centre", Title: "Andamento del grado di raggiungimento del centro nei periodi", AsOf: c.AsOf}
	for i, x := range c.Centres {
		if x == ce {
			v.Series = append(v.Series, pages.TrendSeries{Label: ce.Name, Points: t.(plan.Trend).Centres[i]})
		}
	}
	return v, nil
}

// previousYear is the centre ce's figures in the cycle before c, as of
// that cycle's last period (the year's result): nil when there is no such
// cycle or the centre was not in it. A copy of that centre of the kept
// cycle of the year before (LoadCentreFigures): one statement once kept.
func (s *Server) previousYear(ctx context.Context, c *plan.Cycle, ce *plan.Centre) (*plan.Cycle, *plan.Centre, error) {
	prev, pce, err := s.store.LoadCentreFigures(ctx, c.Year-1, ce.CentreID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if n := len(prev.Periods); n > 0 {
		prev.EvaluateAt(prev.Periods[n-1].EndsOn, s.today())
	}
	return prev, pce, nil
}

// carriedFrom is the objective of the previous cycle's centre prev that o
// was carried over from, nil when none (plan.CarriedFrom).
func carriedFrom(prev *plan.Centre, o *plan.Objective) *plan.Objective {
	return plan.CarriedFrom(prev, o)
}

// previousResult is the year's result of the objective o was carried from,
// in the cycle prev (evaluated at its last period), linked to its page at
// that period; nil when o was not carried from one.
func previousResult(prev *plan.Cycle, pce *plan.Centre, o *plan.Objective) *pages.PreviousResult {
	po := carriedFrom(pce, o)
	if po == nil {
		return nil
	}
	return &pages.PreviousResult{Year: prev.Year, Objective: po, YearResult: prev.YearResult,
		Href: paths.AsOfOrPlain(paths.Objective(prev.Year, po.ID), prev.AsOf)}
}
