package plan

import (
	"slices"

	"traguardo/internal/domain"
)

// Clone is a deep copy of the cycle: its plan, its data and its computed
// figures. A copy can be evaluated at another period or changed without
// touching the original (the store hands out copies of the cycles it keeps,
// one per request: the records of each kind are allocated together).
func (c *Cycle) Clone() *Cycle {
	var n struct{ objectives, activities, indicators, values, targets, overrides, progress, reports, terms int }
	for _, ce := range c.Centres {
		n.objectives += len(ce.Objectives)
		for _, o := range ce.Objectives {
			n.activities += len(o.Activities)
			n.indicators += len(o.Indicators)
			n.reports += len(o.Reports)
			n.terms += len(o.Mean.Terms)
			for _, a := range o.Activities {
				n.progress += len(a.Progress)
			}
			for _, in := range o.Indicators {
				n.values += len(in.Values)
				n.targets += len(in.Targets)
				n.overrides += len(in.Overrides)
			}
		}
	}
	k := &cloner{
		centres:    make([]Centre, len(c.Centres)),
		objectives: make([]Objective, n.objectives),
		objPtrs:    make([]*Objective, n.objectives),
		activities: make([]Activity, n.activities),
		actPtrs:    make([]*Activity, n.activities),
		indicators: make([]Indicator, n.indicators),
		indPtrs:    make([]*Indicator, n.indicators),
		values:     make([]Value, n.values),
		targets:    make([]Target, n.targets),
		overrides:  make([]PeriodOverride, n.overrides),
		progress:   make([]Progress, n.progress),
		reports:    make([]Report, n.reports),
		terms:      make([]domain.Term, n.terms),
	}
	out := *c
	out.ApprovedOn = clonePtr(c.ApprovedOn)
	out.Achievement = clonePtr(c.Achievement)
	out.Periods = slices.Clone(c.Periods)
	out.PublicValues = slices.Clone(c.PublicValues)
	out.Centres = make([]*Centre, len(c.Centres))
	for i, ce := range c.Centres {
		out.Centres[i] = k.centre(i, ce)
	}
	return &out
}

// cloner hands out the records of a copy from slabs, each slice cut to its
// length and capacity so that an append to one never runs into the next.
type cloner struct {
	centres    []Centre
	objectives []Objective
	objPtrs    []*Objective
	activities []Activity
	actPtrs    []*Activity
	indicators []Indicator
	indPtrs    []*Indicator
	values     []Value
	targets    []Target
	overrides  []PeriodOverride
	progress   []Progress
	reports    []Report
	terms      []domain.Term
}

// copyOf is a copy of s cut from *slab (nil when s is).
func copyOf[T any](slab *[]T, s []T) []T {
	if s == nil {
		return nil
	}
	out := take(slab, len(s))
	copy(out, s)
	return out
}

// take cuts the first n elements off *slab.
func take[T any](slab *[]T, n int) []T {
	s := (*slab)[:n:n]
	*slab = (*slab)[n:]
	return s
}

func (k *cloner) centre(i int, ce *Centre) *Centre {
	out := &k.centres[i]
	*out = *ce
	out.Achievement = clonePtr(ce.Achievement)
	out.Submissions = slices.Clone(ce.Submissions)
	out.Reopenings = slices.Clone(ce.Reopenings)
	out.Objectives = take(&k.objPtrs, len(ce.Objectives))
	objs := take(&k.objectives, len(ce.Objectives))
	for j, o := range ce.Objectives {
		out.Objectives[j] = k.objective(&objs[j], o)
	}
	if ce.Objectives == nil {
		out.Objectives = nil
	}
	return out
}

func (k *cloner) objective(out, o *Objective) *Objective {
	*out = *o
	out.Weight = clonePtr(o.Weight)
	out.Achievement = clonePtr(o.Achievement)
	out.Mean.Terms = copyOf(&k.terms, o.Mean.Terms)
	out.Reports = copyOf(&k.reports, o.Reports)
	out.Activities = take(&k.actPtrs, len(o.Activities))
	acts := take(&k.activities, len(o.Activities))
	for i, a := range o.Activities {
		ac := &acts[i]
		*ac = *a
		// The months of Planned and Progress are shared: a domain.Month is
		// never changed in place, only replaced.
		ac.Progress = copyOf(&k.progress, a.Progress)
		out.Activities[i] = ac
	}
	if o.Activities == nil {
		out.Activities = nil
	}
	out.Indicators = take(&k.indPtrs, len(o.Indicators))
	inds := take(&k.indicators, len(o.Indicators))
	for i, in := range o.Indicators {
		out.Indicators[i] = k.indicator(&inds[i], in)
	}
	if o.Indicators == nil {
		out.Indicators = nil
	}
	return out
}

func (k *cloner) indicator(out, in *Indicator) *Indicator {
	*out = *in
	out.Weight = clonePtr(in.Weight)
	out.Values = copyOf(&k.values, in.Values)
	out.Targets = copyOf(&k.targets, in.Targets)
	out.Neutralised = clonePtr(in.Neutralised)
	out.Override = clonePtr(in.Override)
	out.Overrides = copyOf(&k.overrides, in.Overrides)
	f := &out.IndicatorFigures
	f.Actual = clonePtr(f.Actual)
	// At and Latest point into the indicator's own Values: point into the copy's.
	f.At = sameValue(in.Values, out.Values, f.At)
	f.Latest = sameValue(in.Values, out.Values, f.Latest)
	return out
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
