package interchange

import (
	"bytes"
	"encoding/json"
	"io"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// Encode writes the cycle as a v1 document, with its achievements as the
// model computes them at the period its figures are at on today (the
// latest with data), indented and without HTML escaping. The same cycle
// on the same day always gives the same bytes.
func Encode(w io.Writer, c *plan.Cycle, today time.Time) error {
	c.Evaluate(today)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(FromCycle(c)); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// FromCycle maps an evaluated cycle to its document.
func FromCycle(c *plan.Cycle) Document {
	doc := Document{
		Format:       Format,
		Organisation: Organisation{Name: c.Organisation},
		Year:         c.Year,
		Periods:      make([]string, 0, len(c.Periods)),
		Centres:      make([]Centre, 0, len(c.Centres)),
		Achievement:  clonePtr(c.Achievement),
		Rules:        rulesOf(c),
	}
	for _, p := range c.Periods {
		doc.Periods = append(doc.Periods, day(p.EndsOn))
	}
	for _, a := range c.StrategicAreas() {
		if a.PublicValue != "" {
			doc.StrategicAreas = append(doc.StrategicAreas, StrategicArea{Name: a.Name, PublicValue: a.PublicValue})
		}
	}
	if !c.AsOf.IsZero() {
		doc.Figures = &Figures{Period: day(c.AsOf), YearResult: c.YearResult}
	}
	for _, ce := range c.Centres {
		dc := Centre{Name: ce.Name, Manager: ce.Manager, Objectives: make([]Objective, 0, len(ce.Objectives)),
			Achievement: clonePtr(ce.Achievement), Pending: ce.Pending}
		for _, s := range ce.Submissions {
			dc.Submissions = append(dc.Submissions, Submission{Period: day(s.Period), State: string(s.State), Comment: optional(s.Comment)})
		}
		for _, o := range ce.Objectives {
			dc.Objectives = append(dc.Objectives, objective(c, o))
		}
		doc.Centres = append(doc.Centres, dc)
	}
	return doc
}

func objective(c *plan.Cycle, o *plan.Objective) Objective {
	year := c.Year
	d := Objective{
		Section:              o.Section,
		Number:               o.Number,
		Title:                o.Title,
		StrategicArea:        o.StrategicArea,
		OperationalObjective: o.OperationalObjective,
		PEGProject:           o.PEGProject,
		Services:             o.Services,
		EndUsers:             o.EndUsers,
		Networks:             o.Networks,
		DescriptionHTML:      o.DescriptionHTML,
		Weight:               o.Weight,
		Group:                optional(o.Group),
		Activities:           make([]Activity, 0, len(o.Activities)),
		Indicators:           make([]Indicator, 0, len(o.Indicators)),
		Reports:              make([]Report, 0, len(o.Reports)),
		Achievement:          clonePtr(o.Achievement),
		Band:                 optional(string(o.Band)),
		Pending:              o.Pending,
	}
	for _, a := range o.Activities {
		da := Activity{Description: a.Description, Planned: span(a.Planned, year, true), Progress: make([]Progress, 0, len(a.Progress))}
		for _, p := range a.Progress {
			da.Progress = append(da.Progress, Progress{Period: day(p.Period), Actual: span(p.Actual, year, false), Reason: optional(p.Reason)})
		}
		// Its months as of the period of the figures.
		if at := a.ProgressAt(c.AsOf); at != nil {
			s := span(at.Actual, year, true)
			da.Actual = &s
		}
		d.Activities = append(d.Activities, da)
	}
	for _, in := range o.Indicators {
		di := Indicator{
			Name:        in.Name,
			Description: in.Description,
			Unit:        string(in.Unit),
			Polarity:    string(in.Polarity),
			Weight:      in.Weight,
			Expected:    value(in.Unit, &in.Expected),
			Values:      make([]IndicatorData, 0, len(in.Values)),
			Actual:      value(in.Unit, in.Actual),
		}
		for _, v := range in.Values {
			d := IndicatorData{Period: day(v.Period), Value: value(in.Unit, &v.Value), Reason: optional(v.Reason)}
			if v.NotMeasurable {
				d.Value, d.NotMeasurable = nil, true
			}
			di.Values = append(di.Values, d)
		}
		for _, t := range in.Targets {
			di.Targets = append(di.Targets, Target{Period: day(t.Period), Target: value(in.Unit, &t.Value)})
		}
		if in.Actual == nil && in.Latest != nil {
			di.Latest = &Latest{Period: day(in.Latest.Period), Value: value(in.Unit, &in.Latest.Value)}
		}
		if in.Override != nil {
			di.Override = &Override{Achievement: in.Override.Pct, Reason: in.Override.Reason}
		}
		for _, o := range in.Overrides {
			di.Overrides = append(di.Overrides, PeriodOverride{Period: day(o.Period), Achievement: o.Pct, Reason: o.Reason})
		}
		if in.Neutralised != nil {
			di.Neutralised = &Neutralised{Reason: in.Neutralised.Reason, By: in.Neutralised.By}
		} else if !in.Pending {
			di.Achievement = clonePtr(&in.Achievement)
		}
		d.Indicators = append(d.Indicators, di)
	}
	for _, r := range o.Reports {
		d.Reports = append(d.Reports, Report{Period: day(r.Period), Status: optional(string(r.Status)), TextHTML: r.TextHTML})
	}
	return d
}

func span(s domain.Span, year int, labelled bool) Span {
	out := Span{Annual: s.Annual}
	if s.From != nil {
		f := s.From.String()
		out.From = &f
	}
	if s.To != nil {
		t := s.To.String()
		out.To = &t
	}
	if labelled {
		out.Label = s.Label(year)
	}
	return out
}

func value(unit domain.Unit, v *float64) *Value {
	if v == nil {
		return nil
	}
	if unit.IsYesNo() {
		return &Value{Bool: *v == 1, IsBool: true}
	}
	return &Value{Num: *v}
}

// clonePtr is a copy of *p, so that a document shares nothing with the
// cycle it was made from (nil when p is).
func clonePtr(p *float64) *float64 {
	if p == nil {
		return nil
	}
	x := *p
	return &x
}

// rulesOf is the cycle's rules of measurement, written only when they are
// not all the defaults, so that a document of a cycle that sets none reads
// as before.
func rulesOf(c *plan.Cycle) *Rules {
	r := c.Rules.Normal()
	if r == domain.DefaultRules() && c.Bands == domain.DefaultBands() {
		return nil
	}
	return &Rules{Rounding: string(r.Rounding), Cap: r.Cap, BandReached: &c.Bands.Reached, BandPartial: &c.Bands.Partial}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func day(t time.Time) string { return t.Format(time.DateOnly) }
