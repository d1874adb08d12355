package plan

import (
	"time"

	"traguardo/internal/domain"
)

// Which period a figure is at (docs/domain.md). Every figure of a cycle is
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

// Figure is an achievement as every surface shows it, computed once by
// the evaluation: Raw is the weighted mean, Achievement that mean rounded by
// the cycle's rule (the number pages, documents and exports show), Band the
// band of the rounded number, so that the band never contradicts it.
type Figure struct {
	// Achievement is Raw rounded by the cycle's rule; nil when there is no
	// figure (nothing to average, or Pending).
	Achievement *float64
	// Raw is the unrounded mean, which the mean above this one averages
	// (0 without a figure).
	Raw  float64
	Band domain.Band
	// Pending says nothing was recorded at the period while its window is
	// still open: "da rilevare", never 0.
	Pending bool
	// Interim says the figure is not judged (it has no band): before the
	// last period, some indicator it averages has no intermediate target
	// for the period, so it reads as progress towards the year's targets,
	// never as a quarter painted red against them. Objectives only.
	Interim bool
	// Covered is how many of the parts an aggregate averages have a figure,
	// Of how many parts it has (a centre's objectives, the body's centres):
	// a figure of some of them says so ("2 centri su 6"). Zero for an
	// objective.
	Covered, Of int
}

// Partial says the figure averages some of its parts only.
func (f Figure) Partial() bool { return f.Covered < f.Of }

// figure rounds and bands a mean by the cycle's rules.
func figure(m domain.Mean, bands domain.Bands, rules domain.Rules) Figure {
	if !m.OK {
		return Figure{}
	}
	r := rules.Round(m.Value)
	return Figure{Achievement: &r, Raw: m.Value, Band: bands.Of(r)}
}

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
	// Achievement is the percentage the indicator counts with, rounded by
	// the cycle's rule as shown: the Score's, or the Override's; 0 when
	// Missing or Pending. Raw is the same unrounded, which the objective's
	// mean averages.
	Achievement float64
	Raw         float64
	// Computed is the Score's percentage rounded by the cycle's rule: what
	// the rules give, shown beside an override.
	Computed float64
	// Judged says the value is judged: against the period's intermediate
	// target, at the cycle's last period against the year's target, or by
	// the director's override.
	// Before the last period without an intermediate target it is not:
	// its achievement is progress towards the year's target, with no band
	// and no reason asked for a gap.
	Judged bool
	// Band is the band of Achievement (empty when Pending, neutralised or
	// not Judged).
	Band domain.Band
	// Score is the computed achievement with its terms (zero when Pending).
	Score domain.Score
	// Overridden says Achievement is the director's override, not Score.Pct:
	// InForce, the period's own (with its Period) or the indicator's
	// Override (zero Period).
	Overridden bool
	InForce    PeriodOverride
	// Missing is true when the period has no measured value and is not
	// Pending: the indicator counts 0 and is flagged "mancante".
	Missing bool
	// Pending is true when the indicator's objective is "da rilevare".
	Pending bool
}

// NotMeasurable says the period's entry is "non rilevabile".
func (f IndicatorFigures) NotMeasurable() bool { return f.At != nil && f.At.NotMeasurable }

// Counts says the indicator enters its objective's mean: it is not
// neutralised.
func (in *Indicator) Counts() bool { return in.Neutralised == nil }

// Gap says the indicator counts and has no measured value at the period
// (missing, or "non rilevabile"): the watch list and the filter of
// "indicatori mancanti" name it.
func (in *Indicator) Gap() bool { return in.Counts() && in.Missing }

// ObjectiveResult is what an objective shows as of one period: its figure,
// the mean behind it and what the pages count of it.
type ObjectiveResult struct {
	Figure
	// Mean is the weighted mean of the indicators that count, with its
	// terms (one per indicator not neutralised, in order): the arithmetic
	// shown is the arithmetic done.
	Mean domain.Mean
	// Status is the manager's self-assessment in the report at the period
	// ("" without one).
	Status domain.ReportStatus
	// LateActivities counts the activities late at the period, Gaps the
	// indicators that count and have no measured value there.
	LateActivities, Gaps int
}

// ObjectiveFigures are an objective's figures as of one period, with its
// indicators'.
type ObjectiveFigures struct {
	Period time.Time
	ObjectiveResult
	// Indicators are the figures of the objective's indicators, in order.
	Indicators []IndicatorFigures
}

// ActivityFigures are an activity's months as known at one period.
type ActivityFigures struct {
	// Known is the progress as known at the period: the one saved at it,
	// else the latest saved before it; Recorded is false when there is none.
	Known    Progress
	Recorded bool
	// Earlier says Known was saved at an earlier period ("al 30/06").
	Earlier bool
	// Late says the activity is late at the period with the months known
	// then (domain.Late).
	Late bool
}

// EvaluatedAt says whether the figures are those of EvaluateAt(day, today),
// the data unchanged since: evaluating again would compute the same.
func (c *Cycle) EvaluatedAt(day, today time.Time) bool {
	return c.evaluated == [2]time.Time{day, today}
}

// Evaluate computes every figure of the cycle as of the period its figures
// are at on today (FiguresPeriod).
func (c *Cycle) Evaluate(today time.Time) {
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
// indicator's figures, each activity's months known then and its lateness,
// and the objectives', centres' and cycle's achievements, by the rules of
// package domain, rounded and banded by the cycle's rules. today decides
// whether a period without data still awaits it ("da rilevare").
func (c *Cycle) EvaluateAt(day, today time.Time) {
	c.evaluated = [2]time.Time{day, today}
	c.AsOf = day
	last := c.IsLast(day)
	awaiting := c.AwaitingData(day, today)
	c.YearResult = last && c.HasData(day)
	var centres []domain.Weighted
	anyObjective, allPending := false, true
	c.Unsent = 0
	for _, ce := range c.Centres {
		var objectives []domain.Weighted
		cePending := len(ce.Objectives) > 0
		for _, o := range ce.Objectives {
			f := o.FiguresAt(day, last, awaiting, c.Bands, c.Rules)
			for i, in := range o.Indicators {
				in.IndicatorFigures = f.Indicators[i]
			}
			for _, a := range o.Activities {
				a.ActivityFigures = a.FiguresAt(c.Year, day)
				if a.Late {
					f.LateActivities++
				}
			}
			o.ObjectiveResult = f.ObjectiveResult
			cePending = cePending && f.Pending
			if f.Achievement != nil {
				objectives = append(objectives, domain.Weighted{Value: f.Raw, Weight: o.Weight})
			}
		}
		ce.State = Draft
		if sub := ce.SubmissionAt(day); sub != nil {
			ce.State = sub.State
		}
		ce.Missed = !ce.State.Sent() && c.windowClosed(day, today) && !ce.reopenedAt(day, today)
		ce.Figure = figure(domain.MeanOf(objectives), c.Bands, c.Rules)
		ce.Pending = cePending
		ce.Covered, ce.Of = len(objectives), len(ce.Objectives)
		if ce.Achievement != nil {
			centres = append(centres, domain.Weighted{Value: ce.Raw})
			if !ce.State.Sent() {
				c.Unsent++
			}
		}
		if len(ce.Objectives) > 0 {
			anyObjective = true
			allPending = allPending && cePending
		}
	}
	c.Figure = figure(domain.MeanOf(centres), c.Bands, c.Rules)
	c.Pending = anyObjective && allPending
	c.Covered, c.Of = len(centres), len(c.Centres)
}

// FiguresAt computes the objective's figures as of the period ending on day,
// without changing the objective: last says day is the cycle's last period
// (its figures are measured against the year's expected values), awaiting
// that the period still awaits data (see Cycle.AwaitingData). The figure is
// rounded by rules and banded on the rounded value, as shown.
func (o *Objective) FiguresAt(day time.Time, last, awaiting bool, bands domain.Bands, rules domain.Rules) ObjectiveFigures {
	f := ObjectiveFigures{Period: day}
	f.Pending = awaiting && !o.HasData(day)
	if r := o.ReportAt(day); r != nil {
		f.Status = r.Status
	}
	var inds []domain.Weighted
	judged := true
	for _, in := range o.Indicators {
		fi := in.FiguresAt(day, last, f.Pending, bands, rules)
		f.Indicators = append(f.Indicators, fi)
		if in.Counts() {
			inds = append(inds, domain.Weighted{Value: fi.Raw, Weight: in.Weight})
			judged = judged && fi.Judged
			if fi.Missing {
				f.Gaps++
			}
		}
	}
	if f.Pending {
		return f
	}
	f.Mean = domain.MeanOf(inds)
	f.Figure = figure(f.Mean, bands, rules)
	if f.Achievement != nil && !judged {
		f.Band, f.Interim = "", true
	}
	return f
}

// FiguresAt computes the indicator's figures as of the period ending on day
// (see ObjectiveFigures) under the cycle's rules; pending says its objective
// is "da rilevare". An override replaces the computed achievement, which is
// kept in Score to be shown beside it: the period's own (Overrides), else
// the indicator's Override.
func (in *Indicator) FiguresAt(day time.Time, last, pending bool, bands domain.Bands, rules domain.Rules) IndicatorFigures {
	f := IndicatorFigures{At: in.ValueAt(day), Target: in.Expected, Pending: pending}
	if t, ok := in.TargetAt(day); ok && !last {
		f.Target, f.Intermediate = t, true
	}
	f.Judged = last || f.Intermediate
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
	f.Raw, f.Missing = f.Score.Pct, f.Score.Missing
	if o, ok := in.OverrideAt(day); ok {
		// The director's figure is a judgement of its own.
		f.Raw, f.Overridden, f.InForce, f.Judged = o.Pct, true, o, true
	}
	f.Achievement, f.Computed = rules.Round(f.Raw), rules.Round(f.Score.Pct)
	if in.Counts() && f.Judged {
		f.Band = bands.Of(f.Achievement)
	}
	return f
}

// FiguresAt is the activity's months as known at period day of a cycle of
// year, and whether it is late then.
func (a *Activity) FiguresAt(year int, day time.Time) ActivityFigures {
	var f ActivityFigures
	if p := a.ProgressAt(day); p != nil {
		f.Known, f.Recorded = *p, true
	} else if p := a.LatestBefore(day); p != nil {
		f.Known, f.Recorded, f.Earlier = *p, true, true
	}
	f.Late = !day.IsZero() && domain.Late(a.Planned, f.Known.Actual, year, day)
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

// ReportAsOf is the objective's report as known at period day: the one of
// the period, else the latest before it; nil when none.
func (o *Objective) ReportAsOf(day time.Time) *Report {
	if r := o.ReportAt(day); r != nil {
		return r
	}
	var latest *Report
	for i := range o.Reports {
		r := &o.Reports[i]
		if r.Period.Before(day) && (latest == nil || r.Period.After(latest.Period)) {
			latest = r
		}
	}
	return latest
}

// reopenedAt says a reopening of period day for the centre runs at today.
func (ce *Centre) reopenedAt(day, today time.Time) bool {
	for _, r := range ce.Reopenings {
		if r.Period.Equal(day) && !today.After(r.Until) {
			return true
		}
	}
	return false
}
