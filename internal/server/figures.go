package server

import (
	"time"
	"traguardo/internal/format"
	"traguardo/internal/plan"
	"traguardo/web/pages"
)

// evaluateAt computes the cycle's figures as of the period al names
// (2024-06-30, the "al" query parameter), or as of the default period
// (see plan.Cycle.FiguresPeriod) when al is "", on today. A day that is
// not one of the cycle's periods is not found.
func evaluateAt(c *plan.Cycle, al string, today time.Time) error {
	if al == "" {
		// The store's cycles come evaluated at the default period of
		// today: the handlers read them unchanged.
		if day := c.FiguresPeriod(today); !c.EvaluatedAt(day, today) {
			c.EvaluateAt(day, today)
		}
		return nil
	}
	day, err := time.Parse(time.DateOnly, al)
	if err != nil {
		return notFound("Periodo non valido.")
	}
	if _, ok := c.PeriodAt(day); !ok {
		return notFound("Il ciclo non ha un periodo di monitoraggio che termina il " + format.Date(day) + ".")
	}
	if !c.EvaluatedAt(day, today) {
		c.EvaluateAt(day, today)
	}
	return nil
}

// reportID is the anchor of a period's report on the objective page.
func reportID(day time.Time) string { return "report-" + day.Format(time.DateOnly) }

// objectiveHistory is what the objective recorded at each period of the
// cycle that has data for it, each compared with the previous period of the
// cycle: values, actual months, status; today decides which periods still
// await their data.
func objectiveHistory(c *plan.Cycle, ce *plan.Centre, o *plan.Objective, today time.Time) []pages.PeriodHistory {
	var out []pages.PeriodHistory
	for i, p := range c.Periods {
		day := p.EndsOn
		if !o.HasData(day) {
			continue
		}
		f := o.FiguresAt(day, c.IsLast(day), c.AwaitingData(day, today), c.Bands, c.Rules)
		h := pages.PeriodHistory{
			ID:     "storico-" + day.Format(time.DateOnly),
			Period: format.Date(day),
			Figure: f.Figure,
		}
		var prev time.Time
		if i > 0 {
			prev = c.Periods[i-1].EndsOn
			h.Previous = format.Date(prev)
		}
		if s := ce.SubmissionAt(day); s != nil {
			h.Submission = string(s.State)
		}
		h.Status = pages.Change{After: statusAt(o, day)}
		if i > 0 {
			h.Status.Before = statusAt(o, prev)
		}
		h.Status.Changed = h.Status.Before != h.Status.After
		if o.ReportAt(day) != nil {
			h.Report = reportID(day)
		}
		for j, in := range o.Indicators {
			ch := pages.Change{Label: in.Name, After: valueText(in, day)}
			if o.NameShared(j) {
				ch.Label = o.IndicatorLabel(j)
			}
			if v := in.ValueAt(day); v != nil {
				ch.Reason = v.Reason
			}
			if t, ok := in.TargetAt(day); ok && !c.IsLast(day) {
				ch.After += " (target intermedio " + format.Value(in.Unit, t) + ")"
			}
			if i > 0 {
				ch.Before = valueText(in, prev)
			}
			ch.Changed = ch.Before != ch.After
			h.Indicators = append(h.Indicators, ch)
		}
		for _, a := range o.Activities {
			ch := pages.Change{Label: a.Description, After: monthsText(c.Year, a, day)}
			if pr := a.ProgressAt(day); pr != nil {
				ch.Reason = pr.Reason
			}
			if i > 0 {
				ch.Before = monthsText(c.Year, a, prev)
			}
			ch.Changed = ch.Before != ch.After
			h.Activities = append(h.Activities, ch)
		}
		out = append(out, h)
	}
	return out
}

func statusAt(o *plan.Objective, day time.Time) string {
	if r := o.ReportAt(day); r != nil {
		return string(r.Status)
	}
	return ""
}

// valueText is an indicator's entry at a period as the history shows it.
func valueText(in *plan.Indicator, day time.Time) string {
	v := in.ValueAt(day)
	switch {
	case v == nil:
		return ""
	case v.NotMeasurable:
		return "non rilevabile"
	}
	return format.Value(in.Unit, v.Value)
}

func monthsText(year int, a *plan.Activity, day time.Time) string {
	if p := a.ProgressAt(day); p != nil {
		return p.Actual.Label(year)
	}
	return ""
}
