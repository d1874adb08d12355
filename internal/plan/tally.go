package plan

import (
	"strconv"
	"strings"

	"traguardo/internal/domain"
)

// What the dashboard counts, the list of objectives filters and the watch
// list names, at the period the cycle is evaluated at (AsOf). Each is
// computed here from the evaluated figures, so that a count, the list it
// links to and the Relazione's table agree.

// The filter values of an objective without a band of its own.
const (
	// BandPending is the band filter's value of an objective "da rilevare".
	BandPending = "da rilevare"
	// BandInterim is the band filter's value of an objective not judged at
	// a period before the last (Figure.Interim): no intermediate target.
	BandInterim = "non valutato"
	// StatusNone is the status filter's value of an objective whose report
	// at the period gives no self-assessment.
	StatusNone = "non indicato"
)

// BandKey is the objective's band as the filter names it: its band,
// BandPending when pending, empty when it has no figure.
func (o *Objective) BandKey() string {
	switch {
	case o.Pending:
		return BandPending
	case o.Interim:
		return BandInterim
	}
	return string(o.Band)
}

// StatusKey is the objective's self-assessed status at the period as the
// filter names it: StatusNone without one.
func (o *Objective) StatusKey() string {
	if o.Status == "" {
		return StatusNone
	}
	return string(o.Status)
}

// BandKeys are the band filter's values, in the order they are counted.
func BandKeys() []string {
	return []string{string(domain.Reached), string(domain.PartlyReached), string(domain.NotReached), BandInterim, BandPending}
}

// StatusKeys are the status filter's values, in the order they are counted.
func StatusKeys() []string {
	return []string{string(domain.OnTrack), string(domain.AtRisk), string(domain.Critical), StatusNone}
}

// Below says the band is below "raggiunto": the watch list names it.
func (o *Objective) Below() bool {
	return o.Band == domain.PartlyReached || o.Band == domain.NotReached
}

// Filter chooses objectives of a cycle: each field set must match.
type Filter struct {
	// Centre is the centre's id in the cycle (0: any).
	Centre domain.CycleCentreID
	// Section, Band (BandKey) and Status (StatusKey) match exactly.
	Section, Band, Status string
	// Late keeps the objectives with a late activity, Gaps those with an
	// indicator that counts and has no measured value.
	Late, Gaps bool
	// Q is a piece of the title, in any case.
	Q string
}

// Matches says whether objective o of centre ce passes f.
func (f Filter) Matches(ce *Centre, o *Objective) bool {
	switch {
	case f.Centre != 0 && f.Centre != ce.ID,
		f.Section != "" && f.Section != o.Section,
		f.Band != "" && f.Band != o.BandKey(),
		f.Status != "" && f.Status != o.StatusKey(),
		f.Late && o.LateActivities == 0,
		f.Gaps && o.Gaps == 0,
		f.Q != "" && !strings.Contains(strings.ToLower(o.Title), strings.ToLower(f.Q)):
		return false
	}
	return true
}

// ParseCentre reads a centre filter's value (an id); 0 when empty or not
// an id, which matches any centre.
func ParseCentre(s string) domain.CycleCentreID {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return domain.CycleCentreID(id)
}

// Tally is what the dashboard counts at AsOf.
type Tally struct {
	Objectives int
	// ByBand counts the objectives by BandKey ("" for those with no
	// figure), ByStatus by StatusKey.
	ByBand, ByStatus map[string]int
	// Late counts the objectives with a late activity, LateActivities the
	// activities; Gaps the objectives with an indicator that counts and has
	// no measured value.
	Late, LateActivities, Gaps int
	// Indicators counts the indicators by how they stand.
	Indicators IndicatorTally
	// Unsent counts the centres whose figure counts in the body's while
	// their data is not sent (Cycle.Unsent).
	Unsent int
}

// IndicatorTally counts indicators: reached (band "raggiunto"), not
// reached, with a value not judged at the period (no intermediate target
// before the last period), missing a value, still to be measured,
// neutralised.
type IndicatorTally struct {
	Met, NotMet, Unjudged, Missing, Pending, Neutralised int
}

// Tally counts the evaluated cycle.
func (c *Cycle) Tally() Tally {
	t := Tally{ByBand: map[string]int{}, ByStatus: map[string]int{}, Unsent: c.Unsent}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			t.Objectives++
			t.ByBand[o.BandKey()]++
			t.ByStatus[o.StatusKey()]++
			if o.LateActivities > 0 {
				t.Late++
				t.LateActivities += o.LateActivities
			}
			if o.Gaps > 0 {
				t.Gaps++
			}
			for _, in := range o.Indicators {
				switch {
				case !in.Counts():
					t.Indicators.Neutralised++
				case in.Pending:
					t.Indicators.Pending++
				case in.Missing:
					t.Indicators.Missing++
				case !in.Judged:
					t.Indicators.Unjudged++
				case in.Band == domain.Reached:
					t.Indicators.Met++
				default:
					t.Indicators.NotMet++
				}
			}
		}
	}
	return t
}

// WatchItem is one entry of the watch list: an objective of a centre, and
// when it is about one of its indicators or activities, its index there
// (-1 otherwise).
type WatchItem struct {
	Centre    *Centre
	Objective *Objective
	Indicator int
	Activity  int
}

// Watch is what needs acting on at AsOf.
type Watch struct {
	// Objectives are those below "raggiunto" or self-assessed critico.
	Objectives []WatchItem
	// Indicators count and have no measured value (missing, or "non
	// rilevabile": IndicatorFigures.NotMeasurable says which).
	Indicators []WatchItem
	// Activities are late with no reason given with their months.
	Activities []WatchItem
	// Centres have not sent their data of the period (Centre.State).
	Centres []*Centre
}

// Watch lists what needs acting on at the evaluated cycle's AsOf; nothing
// for a cycle without periods.
func (c *Cycle) Watch() Watch {
	var w Watch
	if c.AsOf.IsZero() {
		return w
	}
	_, hasPeriod := c.PeriodAt(c.AsOf)
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			if o.Below() || o.Status == domain.Critical {
				w.Objectives = append(w.Objectives, WatchItem{Centre: ce, Objective: o, Indicator: -1, Activity: -1})
			}
			if !hasPeriod {
				continue
			}
			for i, in := range o.Indicators {
				if in.Gap() {
					w.Indicators = append(w.Indicators, WatchItem{Centre: ce, Objective: o, Indicator: i, Activity: -1})
				}
			}
			for i, a := range o.Activities {
				if a.Late && strings.TrimSpace(a.Known.Reason) == "" {
					w.Activities = append(w.Activities, WatchItem{Centre: ce, Objective: o, Indicator: -1, Activity: i})
				}
			}
		}
		if hasPeriod && !ce.State.Sent() {
			w.Centres = append(w.Centres, ce)
		}
	}
	return w
}
