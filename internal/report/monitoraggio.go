package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// Monitoring is the mid-year monitoring report ("Monitoraggio intermedio",
// art. 6 D.Lgs. 150/2009) of a cycle at one period: the figures as the
// model computed them at that period (plan.Cycle.EvaluateAt, the
// dashboard's), the objectives at risk by the watch list's rule
// (plan.Cycle.Watch), the late activities with the managers' reasons, the
// managers' reports of the period, the plan's variations up to the period,
// and its sendings to the Nucleo with the Nucleo's observations. It formats
// what plan computed; it decides nothing.
type Monitoring struct {
	Organisation string
	Year         int
	// Period is the period the figures are at; Periods every period of the
	// cycle (to choose another).
	Period  time.Time
	Periods []time.Time
	// Awaiting says the period may still receive data (its window is
	// open): the figures are provisional, and a missing value reads "da
	// rilevare".
	Awaiting bool
	// Body is the body's figure, with its text, band and coverage; Unsent
	// counts the centres it averages with data not sent to the director.
	Body    MonitoringFigure
	Unsent  int
	Centres []MonitoringCentre
	// ByBand counts the objectives of each band (plan.Cycle.Tally).
	ByBand []BandCount
	// AtRisk are the objectives of the watch list: below "raggiunto" or
	// self-assessed critical, each with why.
	AtRisk []AtRisk
	// Gaps are the indicators of the watch list: counting, without a
	// measured value at the period.
	Gaps []Gap
	// Late are the activities late at the period, with the reason the
	// manager gave (empty when none: those are on the watch list).
	Late []LateActivity
	// Reports are the managers' reports of the period, in the plan's order.
	Reports []NarrativeReport
	// Variations are the plan's variations decided up to the period's end.
	Variations []Variation
	// Sendings are the report's sendings to the Nucleo at this period,
	// newest first; Observations the Nucleo's, oldest first.
	Sendings     []MonitoringSending
	Observations []MonitoringObservation
	// Cycle is the evaluated cycle the report was assembled from.
	Cycle *plan.Cycle
}

// MonitoringFigure is a figure as the report writes it.
type MonitoringFigure struct {
	Achievement *float64
	Text        string // "56,2%", "da rilevare"
	Band        domain.Band
	Coverage    string // "2 centri su 6", empty when every part
}

// MonitoringCentre is a centre's figure and its submission at the period.
type MonitoringCentre struct {
	Name       string
	Manager    string
	Objectives int
	Figure     MonitoringFigure
	State      string
}

// AtRisk is an objective of the watch list and why it is on it.
type AtRisk struct {
	ObjectiveID int64
	Centre      string
	Objective   string // "SETTORE · obiettivo 2 – Title"
	Figure      MonitoringFigure
	Status      string
	Why         string
}

// Gap is an indicator counting without a measured value at the period.
type Gap struct {
	Centre, Objective, Indicator string
	// What: "nessun valore", or "non rilevabile" with the manager's reason.
	What string
}

// LateActivity is an activity late at the period, with its reason.
type LateActivity struct {
	Centre, Objective, Activity string
	Planned, Actual             string // Actual empty when not done yet
	Reason                      string
}

// NarrativeReport is a manager's report of an objective at the period.
type NarrativeReport struct {
	Centre, Objective string
	Status            string
	HTML              string // sanitised
}

// MonitoringSending is a sending of the report to the Nucleo.
type MonitoringSending struct {
	ID     int64
	Number int
	SentOn time.Time // the day in Italy
	SentBy string
	SHA256 string
}

// MonitoringObservation is an observation of the Nucleo, with its author
// and day.
type MonitoringObservation struct {
	Sending int
	By      string
	On      time.Time // the day in Italy
	HTML    string    // sanitised
}

// MonitoringInputs are what the report reads besides its cycle: the plan's
// variations, the sendings and the observations of every period.
type MonitoringInputs struct {
	Variations   []store.VariationEntry
	Sendings     []store.MonitoringSending
	Observations []store.MonitoringObservation
}

// ReadMonitoringInputs reads the MonitoringInputs of year: three statements.
func ReadMonitoringInputs(ctx context.Context, st *store.Store, year int) (MonitoringInputs, error) {
	var in MonitoringInputs
	var err error
	if in.Variations, err = st.ListVariations(ctx, year); err != nil {
		return in, err
	}
	if in.Sendings, err = st.MonitoringSendings(ctx, year); err != nil {
		return in, err
	}
	in.Observations, err = st.MonitoringObservations(ctx, year)
	return in, err
}

// MonitoringPeriod is the period the report of c is at: day when it is one
// of c's periods, the mid-year period (plan.Cycle.MidYearPeriod) when day is
// zero; ok false when day is not one of the cycle's periods, or the cycle
// has none.
func MonitoringPeriod(c *plan.Cycle, day time.Time) (time.Time, bool) {
	if day.IsZero() {
		day = c.MidYearPeriod()
	}
	_, ok := c.PeriodAt(day)
	return day, ok && !day.IsZero()
}

// BuildMonitoring reads the cycle of year and the report's inputs from st
// and assembles the report at period (zero: the mid-year period) on today.
func BuildMonitoring(ctx context.Context, st *store.Store, year int, period, today time.Time, policy *richtext.Policy) (*Monitoring, error) {
	c, err := st.LoadCycle(ctx, year)
	if err != nil {
		return nil, err
	}
	day, ok := MonitoringPeriod(c, period)
	if !ok {
		return nil, &PeriodError{Year: year, Day: day}
	}
	in, err := ReadMonitoringInputs(ctx, st, year)
	if err != nil {
		return nil, err
	}
	c.EvaluateAt(day, today)
	return AssembleMonitoring(c, in, policy, today), nil
}

// PeriodError is a period that is not one of the cycle's.
type PeriodError struct {
	Year int
	Day  time.Time
}

func (e *PeriodError) Error() string {
	if e.Day.IsZero() {
		return fmt.Sprintf("il ciclo %d non ha periodi di monitoraggio", e.Year)
	}
	return fmt.Sprintf("il ciclo %d non ha un periodo di monitoraggio che termina il %s", e.Year, format.Date(e.Day))
}

// AssembleMonitoring is the report of c, evaluated at the period it is to
// be at (c.AsOf, by the caller: the same evaluation the dashboard reads),
// with its inputs; rich text is sanitised by policy. It reads nothing and
// changes nothing of c.
func AssembleMonitoring(c *plan.Cycle, in MonitoringInputs, policy *richtext.Policy, today time.Time) *Monitoring {
	m := &Monitoring{Organisation: c.Organisation, Year: c.Year, Period: c.AsOf, Cycle: c,
		Awaiting: c.AwaitingData(c.AsOf, today), Unsent: c.Unsent,
		Body: figureOf(c.Figure, format.Centres)}
	for _, p := range c.Periods {
		m.Periods = append(m.Periods, p.EndsOn)
	}
	objectiveName := func(o *plan.Objective) string {
		return fmt.Sprintf("%s, obiettivo %d – %s", o.Section, o.Number, o.Title)
	}
	_, hasPeriod := c.PeriodAt(c.AsOf)
	for _, ce := range c.Centres {
		mc := MonitoringCentre{Name: ce.Name, Manager: ce.Manager, Objectives: len(ce.Objectives),
			Figure: figureOf(ce.Figure, format.Objectives)}
		if hasPeriod {
			mc.State = plan.StateLabel(ce.State, ce.Missed)
		}
		m.Centres = append(m.Centres, mc)
		for _, o := range ce.Objectives {
			for _, a := range o.Activities {
				if !a.Late {
					continue
				}
				late := LateActivity{Centre: ce.Name, Objective: objectiveName(o), Activity: a.Description,
					Planned: a.Planned.Label(c.Year), Reason: strings.TrimSpace(a.Known.Reason)}
				if !a.Known.Actual.IsEmpty() {
					late.Actual = a.Known.Actual.Label(c.Year)
				}
				m.Late = append(m.Late, late)
			}
			if r := o.ReportAt(c.AsOf); r != nil && (strings.TrimSpace(r.TextHTML) != "" || r.Status != "") {
				m.Reports = append(m.Reports, NarrativeReport{Centre: ce.Name, Objective: objectiveName(o),
					Status: string(r.Status), HTML: policy.Sanitize(r.TextHTML)})
			}
		}
	}
	tally := c.Tally()
	for _, b := range plan.BandKeys() {
		m.ByBand = append(m.ByBand, BandCount{Band: b, Count: tally.ByBand[b]})
	}
	watch := c.Watch()
	for _, it := range watch.Objectives {
		o := it.Objective
		var why []string
		if o.Below() {
			why = append(why, string(o.Band))
		}
		if o.Status == domain.Critical {
			why = append(why, "stato dichiarato critico")
		}
		m.AtRisk = append(m.AtRisk, AtRisk{ObjectiveID: o.ID, Centre: it.Centre.Name, Objective: objectiveName(o),
			Figure: figureOf(o.Figure, format.Objectives), Status: string(o.Status), Why: strings.Join(why, ", ")})
	}
	for _, it := range watch.Indicators {
		in := it.Objective.Indicators[it.Indicator]
		what := "nessun valore"
		if in.NotMeasurable() {
			what = "non rilevabile"
			if r := strings.TrimSpace(in.At.Reason); r != "" {
				what += ": " + r
			}
		}
		m.Gaps = append(m.Gaps, Gap{Centre: it.Centre.Name, Objective: objectiveName(it.Objective),
			Indicator: it.Objective.IndicatorLabel(it.Indicator), What: what})
	}
	subjects := map[int64]string{}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			subjects[o.ID] = fmt.Sprintf("%s, %s, obiettivo %d", ce.Name, o.Section, o.Number)
		}
	}
	for _, v := range in.Variations {
		if v.On.After(c.AsOf) {
			continue
		}
		m.Variations = append(m.Variations, variationOf(v, subjects))
	}
	for _, s := range in.Sendings {
		if s.Period.Equal(c.AsOf) {
			m.Sendings = append(m.Sendings, MonitoringSending{ID: s.ID, Number: s.Number, SentOn: domain.Today(s.SentAt), SentBy: s.SentBy, SHA256: s.PDFSHA256})
		}
	}
	for _, o := range in.Observations {
		if o.Period.Equal(c.AsOf) {
			m.Observations = append(m.Observations, MonitoringObservation{Sending: o.Sending, By: ObservationsBy, On: domain.Today(o.At),
				HTML: policy.Sanitize(o.BodyHTML)})
		}
	}
	return m
}

// figureOf is a figure of the model as the report writes it; parts names
// what an aggregate averages (an objective's figure covers nothing).
func figureOf(f plan.Figure, parts format.Parts) MonitoringFigure {
	out := MonitoringFigure{Achievement: f.Achievement, Text: format.Figure(f.Achievement, f.Pending), Band: f.Band}
	if !f.Pending {
		out.Coverage = format.Coverage(f.Covered, f.Of, parts)
	}
	return out
}

// variationOf is a variation as the reports write it.
func variationOf(v store.VariationEntry, subjects map[int64]string) Variation {
	what := entityNames[v.Entity]
	if what == "" {
		what = v.Entity
	}
	if v.Entity == "objective" && v.EntityID != nil && subjects[*v.EntityID] != "" {
		what += " (" + subjects[*v.EntityID] + ")"
	}
	return Variation{On: v.On, What: what, Action: actionNames[v.Action], Reason: v.Reason}
}

// Title is the report's title: "Monitoraggio intermedio al 30/06/2024".
func (m *Monitoring) Title() string {
	return "Monitoraggio intermedio al " + format.Date(m.Period)
}

// Provisional is the notice of figures that may still change, empty when
// the period's window has closed.
func (m *Monitoring) Provisional() string {
	if !m.Awaiting {
		return ""
	}
	return "Dati provvisori: la finestra di inserimento del periodo al " + format.Date(m.Period) + " non è ancora chiusa."
}
