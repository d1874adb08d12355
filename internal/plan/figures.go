package plan

import (
	"time"

	"traguardo/internal/domain"
)

// Which period a figure is at (domain.md). Every figure of a cycle is
// computed as of one of its periods:
//
//   - an indicator's actual value is its value at that period, never an
//     earlier one: with none there, the indicator is mancante (counts 0,
//     flagged) and the latest earlier value is kept apart (Latest) to be
//     shown as "al 30/06";
//   - at the cycle's last period the figures are the year's result;
//   - an objective, a centre or the cycle with nothing recorded at the
//     period, whose window is still open, is "da rilevare": no figure (nil),
//     never 0.

// IndicatorFigures are an indicator's figures as of one period.
type IndicatorFigures struct {
	// At is the entry at the period (a value, or "non rilevabile"); nil when
	// none.
	At *Value
	// Actual is the value at the period; nil when there is none or it is
	// not measurable.
	Actual *float64
	// Latest is, when Actual is nil, the latest earlier measured value, shown
	// as "al <data>" and never as the period's; nil otherwise.
	Latest *Value
	// Target is what the achievement is measured against: the period's
	// intermediate target if it has one (except at the last period), else
	// the year's expected value.
	Target float64
	// Intermediate says Target is the period's intermediate target.
	Intermediate bool
	// Achievement is the percentage the indicator counts with: the Score's,
	// or the Override's; 0 when Missing or Pending.
	Achievement float64
	// Score is the computed achievement with its terms (zero when Pending).
	Score domain.Score
	// Overridden says Achievement is the director's override, not Score.Pct.
	Overridden bool
	// Missing is true when the period has no measured value and is not
	// Pending: the indicator counts 0 and is flagged "mancante".
	Missing bool
	// Pending is true when the indicator's objective is "da rilevare".
	Pending bool
}

// ObjectiveFigures are an objective's figures as of one period.
type ObjectiveFigures struct {
	Period      time.Time
	Achievement *float64
	Band        domain.Band
	Pending     bool
	// Mean is the weighted mean of the indicators that count, with its
	// terms (one per indicator not neutralised, in order).
	Mean domain.Mean
	// Indicators are the figures of the objective's indicators, in order.
	Indicators []IndicatorFigures
}

// EvaluatedAt says whether the figures are those of EvaluateAt(day, today),
// the data unchanged since: evaluating again would compute the same.
func (c *Cycle) EvaluatedAt(day, today time.Time) bool {
	return c.evaluated == [2]time.Time{day, today}
}

// Evaluate computes every figure of the cycle, as of the period Figures
// picks at today (domain.Today of now).
func (c *Cycle) Evaluate() {
	today := domain.Today(time.Now())
	c.EvaluateAt(c.FiguresPeriod(today), today)
}

// FiguresPeriod is the period the cycle's figures are at unless one is
// chosen: the latest period with any data; when none has data, the period
// under way at today (the first not yet ended), or the last one once all
// have ended. The zero time for a cycle without periods.
func (c *Cycle) FiguresPeriod(today time.Time) time.Time {
	for i := len(c.Periods) - 1; i >= 0; i-- {
		if c.HasData(c.Periods[i].EndsOn) {
			return c.Periods[i].EndsOn
		}
	}
	// No data yet: the period under way; once all have ended, the first
	// whose entry window is still open (the demo's first quarter, opened
	// for a manager to fill in); else the last.
	for _, p := range c.Periods {
		if !today.After(p.EndsOn) {
			return p.EndsOn
		}
	}
	for _, p := range c.Periods {
		if !p.ClosesOn.IsZero() && !today.After(p.ClosesOn) {
			return p.EndsOn
		}
	}
	if n := len(c.Periods); n > 0 {
		return c.Periods[n-1].EndsOn
	}
	return time.Time{}
}

// PeriodAt returns the cycle's period that ends on day.
func (c *Cycle) PeriodAt(day time.Time) (Period, bool) {
	for _, p := range c.Periods {
		if p.EndsOn.Equal(day) {
			return p, true
		}
	}
	return Period{}, false
}

// IsLast says whether day is the end of the cycle's last period.
func (c *Cycle) IsLast(day time.Time) bool {
	return len(c.Periods) > 0 && c.Periods[len(c.Periods)-1].EndsOn.Equal(day)
}

// Previous is the cycle's period before the one ending on day.
func (c *Cycle) Previous(day time.Time) (Period, bool) {
	for i, p := range c.Periods {
		if p.EndsOn.Equal(day) && i > 0 {
			return c.Periods[i-1], true
		}
	}
	return Period{}, false
}

// HasData says whether anything was recorded in the cycle at period day.
func (c *Cycle) HasData(day time.Time) bool {
	for _, ce := range c.Centres {
		if ce.HasData(day) {
			return true
		}
	}
	return false
}

// HasData says whether anything was recorded for the centre at period day.
func (ce *Centre) HasData(day time.Time) bool {
	for _, o := range ce.Objectives {
		if o.HasData(day) {
			return true
		}
	}
	return false
}

// HasData says whether anything was recorded for the objective at period
// day: a value (or "non rilevabile") of an indicator, the months of an
// activity, or a report.
func (o *Objective) HasData(day time.Time) bool {
	for _, in := range o.Indicators {
		if in.ValueAt(day) != nil {
			return true
		}
	}
	for _, a := range o.Activities {
		if a.ProgressAt(day) != nil {
			return true
		}
	}
	return o.ReportAt(day) != nil
}

// ValueAt is the indicator's entry at period day, nil when none.
func (in *Indicator) ValueAt(day time.Time) *Value {
	for i := range in.Values {
		if in.Values[i].Period.Equal(day) {
			return &in.Values[i]
		}
	}
	return nil
}

// TargetAt is the indicator's intermediate target at period day.
func (in *Indicator) TargetAt(day time.Time) (float64, bool) {
	for _, t := range in.Targets {
		if t.Period.Equal(day) {
			return t.Value, true
		}
	}
	return 0, false
}

// ProgressAt is the activity's progress at period day, nil when none.
func (a *Activity) ProgressAt(day time.Time) *Progress {
	for i := range a.Progress {
		if a.Progress[i].Period.Equal(day) {
			return &a.Progress[i]
		}
	}
	return nil
}

// ReportAt is the objective's report at period day, nil when none.
func (o *Objective) ReportAt(day time.Time) *Report {
	for i := range o.Reports {
		if o.Reports[i].Period.Equal(day) {
			return &o.Reports[i]
		}
	}
	return nil
}

// SubmissionAt is the centre's submission of period day, nil when none.
func (ce *Centre) SubmissionAt(day time.Time) *Submission {
	for i := range ce.Submissions {
		if ce.Submissions[i].Period.Equal(day) {
			return &ce.Submissions[i]
		}
	}
	return nil
}

// AwaitingData says whether period day may still receive data at today:
// missing data there reads "da rilevare" rather than 0. A period that has
// not ended awaits its data; so does one that has ended while its entry
// window has not closed.
func (c *Cycle) AwaitingData(day, today time.Time) bool {
	if !today.After(day) {
		return true
	}
	return !c.windowClosed(day, today)
}

// windowClosed says whether the entry window of period day has closed at
// today: its last day is past. A window never set (a cycle read from a
// document) never closes. A reopening for one centre does not reopen the
// cycle's figures: it is the exception of one centre.
func (c *Cycle) windowClosed(day, today time.Time) bool {
	p, ok := c.PeriodAt(day)
	return ok && !p.ClosesOn.IsZero() && today.After(p.ClosesOn)
}

// EvaluateAt computes every figure of the cycle as of the period ending on
// day (see the package comment on which period a figure is at): each
// indicator's figures, and the objectives', centres' and cycle's
// achievements, by the rules of package domain. today decides whether a
// period without data still awaits it ("da rilevare").
func (c *Cycle) EvaluateAt(day, today time.Time) {
	c.evaluated = [2]time.Time{day, today}
	c.AsOf = day
	last := c.IsLast(day)
	awaiting := c.AwaitingData(day, today)
	c.YearResult = last && c.HasData(day)
	var centres []domain.Weighted
	anyObjective, allPending := false, true
	for _, ce := range c.Centres {
		var objectives []domain.Weighted
		cePending := len(ce.Objectives) > 0
		for _, o := range ce.Objectives {
			f := o.FiguresAt(day, last, awaiting, c.Bands, c.Rules)
			for i, in := range o.Indicators {
				in.IndicatorFigures = f.Indicators[i]
			}
			o.Achievement, o.Band, o.Pending, o.Mean = f.Achievement, f.Band, f.Pending, f.Mean
			cePending = cePending && f.Pending
			if f.Achievement != nil {
				objectives = append(objectives, domain.Weighted{Value: *f.Achievement, Weight: o.Weight})
			}
		}
		ce.Pending = cePending
		ce.Achievement = nil
		if m, ok := domain.WeightedMean(objectives); ok {
			ce.Achievement = &m
			centres = append(centres, domain.Weighted{Value: m})
		}
		if len(ce.Objectives) > 0 {
			anyObjective = true
			allPending = allPending && cePending
		}
	}
	c.Pending = anyObjective && allPending
	c.Achievement = nil
	if m, ok := domain.WeightedMean(centres); ok {
		c.Achievement = &m
	}
}

// FiguresAt computes the objective's figures as of the period ending on day,
// without changing the objective: last says day is the cycle's last period
// (its figures are measured against the year's expected values), awaiting
// that the period still awaits data (see Cycle.AwaitingData). The band is
// that of the figure rounded by rules, as shown.
func (o *Objective) FiguresAt(day time.Time, last, awaiting bool, bands domain.Bands, rules domain.Rules) ObjectiveFigures {
	f := ObjectiveFigures{Period: day, Pending: awaiting && !o.HasData(day)}
	var inds []domain.Weighted
	for _, in := range o.Indicators {
		fi := in.FiguresAt(day, last, f.Pending, rules)
		f.Indicators = append(f.Indicators, fi)
		if in.Neutralised == nil {
			inds = append(inds, domain.Weighted{Value: fi.Achievement, Weight: in.Weight})
		}
	}
	if f.Pending {
		return f
	}
	f.Mean = domain.MeanOf(inds)
	if f.Mean.OK {
		m := f.Mean.Value
		f.Achievement = &m
		f.Band = bands.Of(rules.Round(m))
	}
	return f
}

// FiguresAt computes the indicator's figures as of the period ending on day
// (see ObjectiveFigures) under the cycle's rules; pending says its objective
// is "da rilevare". An override replaces the computed achievement, which is
// kept in Score to be shown beside it.
func (in *Indicator) FiguresAt(day time.Time, last, pending bool, rules domain.Rules) IndicatorFigures {
	f := IndicatorFigures{At: in.ValueAt(day), Target: in.Expected, Pending: pending}
	if t, ok := in.TargetAt(day); ok && !last {
		f.Target, f.Intermediate = t, true
	}
	if f.At != nil && !f.At.NotMeasurable {
		f.Actual = &f.At.Value
	}
	if f.Actual == nil {
		for i := range in.Values {
			v := &in.Values[i]
			if v.Period.Before(day) && !v.NotMeasurable && (f.Latest == nil || v.Period.After(f.Latest.Period)) {
				f.Latest = v
			}
		}
	}
	if pending {
		return f
	}
	f.Score = rules.Score(in.Unit, in.Polarity, f.Target, f.Actual)
	f.Achievement, f.Missing = f.Score.Pct, f.Score.Missing
	if in.Override != nil {
		f.Achievement, f.Overridden = in.Override.Pct, true
	}
	return f
}

// LatestBefore is the activity's latest progress before period day, nil
// when none: shown as "al 30/06" when the period itself has none.
func (a *Activity) LatestBefore(day time.Time) *Progress {
	var latest *Progress
	for i := range a.Progress {
		p := &a.Progress[i]
		if p.Period.Before(day) && (latest == nil || p.Period.After(latest.Period)) {
			latest = p
		}
	}
	return latest
}
