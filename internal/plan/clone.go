package plan

import (
	"slices"

	"traguardo/internal/domain"
)

// Clone is a deep copy of the cycle: its plan, its data and its computed
// figures. A copy can be evaluated at another period or changed without
// touching the original (the store hands out copies of the cycles it keeps).
func (c *Cycle) Clone() *Cycle {
	out := *c
	out.ApprovedOn = clonePtr(c.ApprovedOn)
	out.Achievement = clonePtr(c.Achievement)
	out.Periods = slices.Clone(c.Periods)
	out.Centres = make([]*Centre, len(c.Centres))
	for i, ce := range c.Centres {
		out.Centres[i] = ce.clone()
	}
	return &out
}

func (ce *Centre) clone() *Centre {
	out := *ce
	out.Achievement = clonePtr(ce.Achievement)
	out.Submissions = slices.Clone(ce.Submissions)
	out.Objectives = make([]*Objective, len(ce.Objectives))
	for i, o := range ce.Objectives {
		out.Objectives[i] = o.clone()
	}
	return &out
}

func (o *Objective) clone() *Objective {
	out := *o
	out.Weight = clonePtr(o.Weight)
	out.Achievement = clonePtr(o.Achievement)
	out.Mean.Terms = slices.Clone(o.Mean.Terms)
	out.Reports = slices.Clone(o.Reports)
	out.Activities = make([]*Activity, len(o.Activities))
	for i, a := range o.Activities {
		ac := *a
		ac.Planned = cloneSpan(a.Planned)
		ac.Progress = slices.Clone(a.Progress)
		for j := range ac.Progress {
			ac.Progress[j].Actual = cloneSpan(ac.Progress[j].Actual)
		}
		out.Activities[i] = &ac
	}
	out.Indicators = make([]*Indicator, len(o.Indicators))
	for i, in := range o.Indicators {
		out.Indicators[i] = in.clone()
	}
	return &out
}

func (in *Indicator) clone() *Indicator {
	out := *in
	out.Weight = clonePtr(in.Weight)
	out.Values = slices.Clone(in.Values)
	out.Targets = slices.Clone(in.Targets)
	out.Neutralised = clonePtr(in.Neutralised)
	out.Override = clonePtr(in.Override)
	f := &out.IndicatorFigures
	f.Actual = clonePtr(f.Actual)
	// At and Latest point into the indicator's own Values: point into the copy's.
	f.At = sameValue(in.Values, out.Values, f.At)
	f.Latest = sameValue(in.Values, out.Values, f.Latest)
	return &out
}

// sameValue is the element of to at the index v has in from (a copy of v
// when it is not one of them).
func sameValue(from, to []Value, v *Value) *Value {
	for i := range from {
		if &from[i] == v {
			return &to[i]
		}
	}
	return clonePtr(v)
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneSpan(s domain.Span) domain.Span {
	return domain.Span{From: clonePtr(s.From), To: clonePtr(s.To), Annual: s.Annual}
}
