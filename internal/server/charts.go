package server

import (
	"fmt"
	"strconv"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// ganttRow is activity a (the i-th of its objective) as the Gantt chart
// shows it at the cycle's AsOf period: its actual months as known then
// (progressAsOf, the dashboard's and the list's), late by domain.Late as
// anyLate judges it, with the reason recorded with those months.
func ganttRow(c *plan.Cycle, a *plan.Activity, i int) pages.GanttRow {
	r := pages.GanttRow{Label: "Attività " + strconv.Itoa(i+1), Description: a.Description, Planned: a.Planned}
	if p := progressAsOf(a, c.AsOf); p != nil {
		r.Actual, r.Reason, r.Recorded = p.Actual, p.Reason, true
	}
	r.Late = !c.AsOf.IsZero() && domain.Late(a.Planned, r.Actual, c.Year, c.AsOf)
	return r
}

// objectiveGantt is the planned against actual months of an objective's
// activities at the cycle's AsOf period.
func objectiveGantt(c *plan.Cycle, o *plan.Objective) pages.GanttView {
	v := pages.GanttView{ID: "gantt-objective", Title: "Tempi previsti ed effettivi delle attività", Year: c.Year, AsOf: c.AsOf}
	for i, a := range o.Activities {
		v.Rows = append(v.Rows, ganttRow(c, a, i))
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
			r := ganttRow(c, a, i)
			r.Group, r.GroupHref = group, paths.AsOfOrPlain(paths.Objective(c.Year, o.ID), c.AsOf)
			v.Rows = append(v.Rows, r)
		}
	}
	return v
}

// centreTrend is the trend chart of one centre: its achievement at every
// period (plan.Cycle.Trend).
func centreTrend(c *plan.Cycle, ce *plan.Centre, today time.Time) pages.TrendView {
	if len(c.Periods) == 0 {
		return pages.TrendView{}
	}
	t := c.Trend(today)
	v := pages.TrendView{ID: "trend-centre", Title: "Andamento del grado di raggiungimento del centro nei periodi", Rules: c.Rules, AsOf: c.AsOf}
	for i, x := range c.Centres {
		if x == ce {
			v.Series = append(v.Series, pages.TrendSeries{Label: ce.Name, Points: t.Centres[i]})
		}
	}
	return v
}
