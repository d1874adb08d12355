// Package plan is the in-memory shape of one cycle: its plan (centres,
// objectives, activities, indicators) and the data of every monitoring
// period, with the achievements the domain rules compute from them. The store
// loads it, the interchange format reads and writes it, the pages show it.
package plan

import (
	"fmt"
	"time"

	"traguardo/internal/domain"
)

// Cycle is one planning year of an organisation.
type Cycle struct {
	ID           int64
	Organisation string
	Year         int
	Bands        domain.Bands
	// Rules are the cycle's other rule settings (rounding, cap); the zero
	// value is the defaults.
	Rules       domain.Rules
	ApprovalAct string
	ApprovedOn  *time.Time
	// Version is the store's count of changes of the cycle (bands,
	// approval), which a form sends back to save over it; 0 when not stored.
	Version int
	Periods []Period
	Centres []*Centre
	// PublicValues are the public value (valore pubblico) of the strategic
	// areas, by the area's name as the objectives give it; see
	// StrategicAreas.
	PublicValues []PublicValue
	// PublicValuesVersion is the store's count of changes of PublicValues,
	// which the director's form sends back to save over them.
	PublicValuesVersion int

	// Figure is the body's achievement (computed): the mean of the centres
	// that have a figure, with how many of the centres that is (Covered of
	// Of); Pending when nothing was recorded at AsOf and its window is
	// still open ("da rilevare").
	Figure
	// Unsent counts the centres that the body's figure averages while their
	// data at AsOf is not sent to the director (in compilazione or
	// restituito): a figure from drafts, which the pages say (computed).
	Unsent int
	// AsOf is the period the computed figures are at (see EvaluateAt);
	// YearResult says it is the cycle's last period and it has data: the
	// figures are the year's result.
	AsOf       time.Time
	YearResult bool
	// evaluated are the day and today of the last EvaluateAt.
	evaluated [2]time.Time
}

// Period is a monitoring period, known by the date it ends.
type Period struct {
	ID     int64
	EndsOn time.Time
	// OpensOn and ClosesOn are the first and last day of the period's entry
	// window (zero when the cycle was not read from the store: a window
	// never set never closes).
	OpensOn  time.Time
	ClosesOn time.Time
}

// Centre is a centre of responsibility as it stands in one cycle.
type Centre struct {
	ID         domain.CycleCentreID // the centre's row in this cycle
	CentreID   domain.CentreID      // the organisational unit, stable across cycles
	Name       string
	Manager    string
	Version    int // see Cycle.Version
	Objectives []*Objective
	// Submissions are the centre's submission state at each period.
	Submissions []Submission
	// Reopenings are the centre's periods opened again past their window:
	// the latest reopening of each (read from the store only).
	Reopenings []Reopening

	// Figure is the weighted mean of the objectives' achievements
	// (computed); an objective "da rilevare" is left out (Covered counts
	// those averaged, Of all of them), and a centre none of whose objectives
	// has data at the period is Pending with no figure.
	Figure
	// State is the centre's submission state at AsOf; Missed says its
	// window closed (no reopening running) without the data being sent
	// (computed).
	State  SubmissionState
	Missed bool
}

// Submission is a centre's submission of one period, with the director's
// comment when returned.
type Submission struct {
	Period  time.Time
	State   SubmissionState
	Comment string
	// Version counts the submission's changes; SubmittedAt, ReviewedAt and
	// the users' ids SubmittedBy, ReviewedBy (0 when none) say who sent and
	// reviewed it last (read from the store only).
	Version                 int
	SubmittedAt, ReviewedAt time.Time
	SubmittedBy, ReviewedBy int64
}

// Reopening is a centre's period open again until a day (included).
type Reopening struct {
	Period time.Time
	Until  time.Time
}

// Objective is an objective of performance of one centre.
type Objective struct {
	ID                   int64
	Section              string
	Number               int
	Title                string
	StrategicArea        string
	OperationalObjective string
	PEGProject           string
	Services             string
	EndUsers             string
	Networks             string
	DescriptionHTML      string
	Weight               *float64
	Group                string
	Version              int // see Cycle.Version
	Activities           []*Activity
	Indicators           []*Indicator
	Reports              []Report

	// ObjectiveResult is the objective's figure and counts at the cycle's
	// AsOf (computed by EvaluateAt).
	ObjectiveResult
}

// Activity is a step of an objective with its planned and actual months.
type Activity struct {
	ID          int64
	Description string
	Planned     domain.Span
	Version     int // see Cycle.Version
	Progress    []Progress

	// ActivityFigures are the activity's months as known at the cycle's
	// AsOf and whether it is late then (computed by EvaluateAt).
	ActivityFigures
}

// Progress is an activity's actual months as known at the end of a period.
type Progress struct {
	Period time.Time
	Actual domain.Span
	Reason string
}

// Indicator is a result indicator of an objective.
type Indicator struct {
	ID          int64
	Name        string
	Description string
	Unit        domain.Unit
	Polarity    domain.Polarity
	Weight      *float64
	Expected    float64
	Version     int // see Cycle.Version
	Values      []Value
	// Targets are the intermediate targets (target intermedio) of some
	// periods, against which that period's figures are measured.
	Targets     []Target
	Neutralised *Neutralisation
	// Override is the director's achievement in place of the computed one,
	// with a reason, at every period: the indicator still counts, with it.
	// Distinct from Neutralised, which takes the indicator out of the
	// averages.
	Override *Override
	// Overrides are the director's achievements of single periods, one per
	// period at most, in the order of the periods: at its period one takes
	// the place of the computed achievement and of Override (OverrideAt).
	Overrides []PeriodOverride

	// IndicatorFigures are the indicator's figures at the cycle's AsOf
	// period (computed by Evaluate).
	IndicatorFigures
}

// Value is an indicator's actual value at the end of a period. A value
// recorded as not measurable ("non rilevabile") has no Value (it is ignored)
// and says why in Reason.
type Value struct {
	Period        time.Time
	Value         float64
	NotMeasurable bool
	Reason        string
}

// Target is an indicator's intermediate target for a period.
type Target struct {
	Period time.Time
	Value  float64
}

// Neutralisation takes an indicator out of every average, for a written reason.
type Neutralisation struct {
	Reason string
	By     string // "direttore" or "nucleo"
}

// Override is the director's achievement of an indicator, in percent,
// replacing the computed one for a written reason.
type Override struct {
	Pct    float64
	Reason string
}

// PeriodOverride is the director's achievement of an indicator at the
// period ending on Period, in percent, for a written reason. As the
// override in force at a period (Indicator.OverrideAt), a zero Period is
// the indicator's Override, of every period.
type PeriodOverride struct {
	Period time.Time
	Pct    float64
	Reason string
}

// OverrideAt is the override in force at the period ending on day: the
// period's own, else the indicator's Override (with a zero Period); false
// when there is neither.
func (in *Indicator) OverrideAt(day time.Time) (PeriodOverride, bool) {
	for _, o := range in.Overrides {
		if o.Period.Equal(day) {
			return o, true
		}
	}
	if in.Override != nil {
		return PeriodOverride{Pct: in.Override.Pct, Reason: in.Override.Reason}, true
	}
	return PeriodOverride{}, false
}

// Report is a manager's progress report for a period.
type Report struct {
	Period   time.Time
	Status   domain.ReportStatus
	TextHTML string
	// Version counts the saves of the objective's progress at the period
	// (values, activities, status, text); 0 when nothing is stored yet.
	Version int
}

// IndicatorLabel names the objective's i-th indicator (from 0) for people
// and screen readers: by its number and its name, so that two indicators of
// the same name (real plans have them) stay apart.
func (o *Objective) IndicatorLabel(i int) string {
	return fmt.Sprintf("indicatore %d «%s»", i+1, o.Indicators[i].Name)
}

// NameShared says whether another indicator of the objective has the name
// of the i-th: the page then shows its number beside it.
func (o *Objective) NameShared(i int) bool {
	for j, in := range o.Indicators {
		if j != i && in.Name == o.Indicators[i].Name {
			return true
		}
	}
	return false
}

// Approved says whether the cycle's plan is approved: from then on it
// changes only by variation.
func (c *Cycle) Approved() bool { return c.ApprovalAct != "" }

// LatestActual returns the activity's latest progress, or nil when it has none.
func (a *Activity) LatestActual() *Progress {
	if len(a.Progress) == 0 {
		return nil
	}
	latest := &a.Progress[0]
	for i := range a.Progress {
		if a.Progress[i].Period.After(latest.Period) {
			latest = &a.Progress[i]
		}
	}
	return latest
}

// ObjectiveByID finds an objective and its centre in the cycle.
func (c *Cycle) ObjectiveByID(id int64) (*Centre, *Objective, bool) {
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			if o.ID == id {
				return ce, o, true
			}
		}
	}
	return nil, nil, false
}

// Counts tallies the plan items of the cycle.
type Counts struct{ Centres, Objectives, Activities, Indicators int }

// Count returns how many centres, objectives, activities and indicators the cycle has.
func (c *Cycle) Count() Counts {
	n := Counts{Centres: len(c.Centres)}
	for _, ce := range c.Centres {
		n.Objectives += len(ce.Objectives)
		for _, o := range ce.Objectives {
			n.Activities += len(o.Activities)
			n.Indicators += len(o.Indicators)
		}
	}
	return n
}
