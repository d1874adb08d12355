package report

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/internal/labels"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// Piano is the Piano della Performance of one cycle, assembled once from
// the plan as internal/plan holds it and rendered by the same engine as the
// Relazione (HTML for screen and print, PDF): a cover, 1 the body and its
// organisation, 2 the strategic areas with the public value each pursues,
// 3 every centre's objectives (activities and their planned months,
// indicators with baseline, target, intermediate targets and weights), 4
// the rules of measurement in force, 5 the variations once approved. It
// holds the plan alone: no figure measured during the year.
type Piano struct {
	Organisation string
	Year         int
	// ApprovalAct and ApprovedOn are the act approving the plan, empty and
	// nil while it is not approved; Watermark is then DraftWatermark, on
	// every page.
	ApprovalAct string
	ApprovedOn  *time.Time
	Watermark   string
	// Version is the number of the frozen version this document is (0 for
	// the plan as it stands), Changes what the version changed (the
	// approval, or the variations since the version before), in words.
	Version int
	Changes []string
	// BaselineYear is the year of the baselines (the year before), 0 when
	// there is no cycle of that year.
	BaselineYear int
	Periods      []string
	Centres      []PianoCentre
	Areas        []PianoArea
	// Unassigned counts the objectives that name no strategic area.
	Unassigned int
	Variations []Variation
	RuleLines  []string
}

// DraftWatermark is the mark of every page of a plan not yet approved.
const DraftWatermark = "BOZZA — piano non approvato"

// PianoCentre is a centre of responsibility with its manager and its
// objectives in the plan's order.
type PianoCentre struct {
	Name       string
	Manager    string
	Anchor     string
	Objectives []PianoObjective
}

// PianoArea is a strategic area with its public value and the objectives
// that serve it, in the plan's order.
type PianoArea struct {
	Name        string
	Anchor      string
	PublicValue string
	Objectives  []PianoRef
}

// PianoRef names an objective where it is listed elsewhere (under its
// area): its centre, number and title, and its anchor in section 3.
type PianoRef struct {
	Anchor string
	Label  string
}

// PianoObjective is an objective as the plan sets it.
type PianoObjective struct {
	Anchor               string
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
	// Weight is the objective's weight in its centre ("" when not set:
	// equal weights).
	Weight string
	// CarriedFrom is the year the objective was carried over from, 0 when
	// it is new.
	CarriedFrom int
	Activities  []PianoActivity
	Indicators  []PianoIndicator
}

// PianoActivity is a step of an objective and its planned months.
type PianoActivity struct {
	Description string
	Planned     string
}

// PianoIndicator is an indicator with what the plan sets of it.
type PianoIndicator struct {
	Name        string
	Description string
	Unit        string
	Polarity    string
	// Baseline is the actual value of the year before (its last period),
	// of the indicator it was carried over from; "" when none.
	Baseline string
	// Target is the expected value at the year's end; Targets the
	// intermediate targets ("al 30/06: 4").
	Target  string
	Targets []string
	// Weight is the indicator's weight in its objective, "" when not set.
	Weight string
}

// BuildPiano reads the cycle of year and the one before (for the
// baselines) from st, with the variations, and assembles its Piano: four
// statements at most whatever the size of the plan.
func BuildPiano(ctx context.Context, st *store.Store, year int) (*Piano, error) {
	c, err := st.LoadCycle(ctx, year)
	if err != nil {
		return nil, err
	}
	prev, err := st.LoadCycle(ctx, year-1)
	if errors.Is(err, store.ErrNotFound) {
		prev, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	vars, err := st.ListVariations(ctx, year)
	if err != nil {
		return nil, err
	}
	return AssemblePiano(c, prev, vars, richtext.NewPolicy()), nil
}

// AssemblePiano builds the Piano of c, with the baselines from prev (the
// cycle of the year before, nil when none) and the variations vars; rich
// text is sanitised by policy. It reads nothing and changes neither cycle.
func AssemblePiano(c, prev *plan.Cycle, vars []store.VariationEntry, policy *richtext.Policy) *Piano {
	p := &Piano{Organisation: c.Organisation, Year: c.Year, ApprovalAct: c.ApprovalAct, ApprovedOn: c.ApprovedOn,
		RuleLines: ruleLines(c)}
	if !c.Approved() {
		p.Watermark = DraftWatermark
	}
	for _, pe := range c.Periods {
		p.Periods = append(p.Periods, format.Date(pe.EndsOn))
	}
	var last time.Time
	prevCentres := map[domain.CentreID]*plan.Centre{}
	if prev != nil {
		p.BaselineYear = prev.Year
		if n := len(prev.Periods); n > 0 {
			last = prev.Periods[n-1].EndsOn
		}
		for _, ce := range prev.Centres {
			prevCentres[ce.CentreID] = ce
		}
	}
	labelsOf := map[*plan.Objective]PianoRef{}
	for _, ce := range c.Centres {
		pc := PianoCentre{Name: ce.Name, Manager: ce.Manager, Anchor: fmt.Sprintf("centro-%d", ce.ID)}
		for _, o := range ce.Objectives {
			from := plan.CarriedFrom(prevCentres[ce.CentreID], o)
			po := PianoObjective{Anchor: fmt.Sprintf("obiettivo-%d", o.ID), Section: o.Section, Number: o.Number, Title: o.Title,
				StrategicArea: o.StrategicArea, OperationalObjective: o.OperationalObjective, PEGProject: o.PEGProject,
				Services: o.Services, EndUsers: o.EndUsers, Networks: o.Networks,
				DescriptionHTML: policy.Sanitize(o.DescriptionHTML), Weight: weightText(o.Weight)}
			if from != nil {
				po.CarriedFrom = prev.Year
			}
			for _, a := range o.Activities {
				po.Activities = append(po.Activities, PianoActivity{Description: a.Description, Planned: a.Planned.Label(c.Year)})
			}
			for i, in := range o.Indicators {
				pi := PianoIndicator{Name: in.Name, Description: in.Description, Unit: string(in.Unit),
					Polarity: labels.PolarityLabel(in.Polarity), Target: format.Value(in.Unit, in.Expected), Weight: weightText(in.Weight)}
				for _, t := range in.Targets {
					pi.Targets = append(pi.Targets, "al "+format.DayMonth(t.Period)+": "+format.Value(in.Unit, t.Value))
				}
				if was := plan.CarriedIndicator(from, o, i); was != nil && !last.IsZero() {
					if v := was.ValueAt(last); v != nil && !v.NotMeasurable {
						pi.Baseline = format.Value(was.Unit, v.Value)
					}
				}
				po.Indicators = append(po.Indicators, pi)
			}
			labelsOf[o] = PianoRef{Anchor: po.Anchor, Label: fmt.Sprintf("%s, %s, obiettivo %d – %s", ce.Name, o.Section, o.Number, o.Title)}
			if strings.TrimSpace(o.StrategicArea) == "" {
				p.Unassigned++
			}
			pc.Objectives = append(pc.Objectives, po)
		}
		p.Centres = append(p.Centres, pc)
	}
	for i, a := range c.StrategicAreas() {
		pa := PianoArea{Name: a.Name, Anchor: fmt.Sprintf("area-%d", i+1), PublicValue: a.PublicValue}
		for _, o := range a.Objectives {
			pa.Objectives = append(pa.Objectives, labelsOf[o])
		}
		p.Areas = append(p.Areas, pa)
	}
	if c.Approved() {
		p.Variations = variations(c, vars)
	}
	return p
}

// weightText is a weight as the Piano writes it, "" when not set.
func weightText(w *float64) string {
	if w == nil {
		return ""
	}
	return format.Number(*w)
}

// Titles are the objectives' titles in the plan's order.
func (p *Piano) Titles() []string {
	var out []string
	for _, ce := range p.Centres {
		for _, o := range ce.Objectives {
			out = append(out, o.Title)
		}
	}
	return out
}

// Frozen is p as its frozen version number, with what that version
// changed: a copy (p is shared by the readers of a kept page).
func (p *Piano) Frozen(number int, changes []string) *Piano {
	out := *p
	out.Version, out.Changes = number, changes
	return &out
}
