package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// LoadCentreFigures reads, in one statement, the cycle of year holding one
// centre only, the organisational centre centre, with what its figures are
// computed from: the cycle's rules and periods, the centre's objectives
// with their indicators (values, targets, neutralisation, override), their
// activities (planned months, progress) and their reports (period and
// status; no text). It is evaluated (Evaluate): the centre's and its
// objectives' figures are those of the whole cycle, the cycle's own are
// the centre's. A page that shows another year's result of a centre (the
// year before, for the objectives carried over) reads it so, in a fixed
// number of statements. ErrNotFound when the cycle does not exist or the
// centre is not in it.
func (s *Store) LoadCentreFigures(ctx context.Context, year int, centre domain.CentreID) (*plan.Cycle, *plan.Centre, error) {
	c := &plan.Cycle{Year: year}
	var periods, ce []byte
	err := s.pool.QueryRow(ctx, `
		SELECT c.id, org.name, c.band_reached, c.band_partial, c.rounding, c.achievement_cap, coalesce(c.approval_act, ''), c.approved_on,
		  coalesce((SELECT json_agg(json_build_object('id', p.id, 'ends_on', p.ends_on, 'closes_on', p.closes_on) ORDER BY p.ends_on)
		            FROM periods p WHERE p.cycle_id = c.id), '[]'),
		  (SELECT json_build_object('id', cc.id, 'name', ce.name, 'manager', cc.manager,
		     'objectives', coalesce((SELECT json_agg(json_build_object(
		         'id', ob.id, 'section', ob.section, 'number', ob.number, 'title', ob.title, 'weight', ob.weight,
		         'indicators', coalesce((SELECT json_agg(json_build_object(
		             'id', i.id, 'name', i.name, 'unit', i.unit, 'polarity', i.polarity, 'weight', i.weight, 'expected', i.expected,
		             'neutralised_reason', i.neutralised_reason, 'neutralised_by', i.neutralised_by,
		             'override_pct', i.override_pct, 'override_reason', i.override_reason,
		             'values', coalesce((SELECT json_agg(json_build_object('period', pe.ends_on, 'value', coalesce(iv.value, 0),
		                    'not_measurable', iv.not_measurable, 'reason', iv.reason) ORDER BY pe.ends_on)
		                  FROM indicator_values iv JOIN periods pe ON pe.id = iv.period_id WHERE iv.indicator_id = i.id), '[]'),
		             'targets', coalesce((SELECT json_agg(json_build_object('period', pe.ends_on, 'target', it.target) ORDER BY pe.ends_on)
		                  FROM indicator_targets it JOIN periods pe ON pe.id = it.period_id WHERE it.indicator_id = i.id), '[]')
		           ) ORDER BY i.position) FROM indicators i WHERE i.objective_id = ob.id), '[]'),
		         'activities', coalesce((SELECT json_agg(json_build_object(
		             'id', a.id, 'description', a.description, 'from', a.planned_from, 'to', a.planned_to, 'annual', a.planned_annual,
		             'progress', coalesce((SELECT json_agg(json_build_object('period', pe.ends_on, 'from', ap.actual_from, 'to', ap.actual_to,
		                    'annual', ap.actual_annual, 'reason', ap.reason) ORDER BY pe.ends_on)
		                  FROM activity_progress ap JOIN periods pe ON pe.id = ap.period_id WHERE ap.activity_id = a.id), '[]')
		           ) ORDER BY a.position) FROM activities a WHERE a.objective_id = ob.id), '[]'),
		         'reports', coalesce((SELECT json_agg(json_build_object('period', pe.ends_on, 'status', pr.status) ORDER BY pe.ends_on)
		             FROM progress_reports pr JOIN periods pe ON pe.id = pr.period_id WHERE pr.objective_id = ob.id), '[]')
		       ) ORDER BY ob.position) FROM objectives ob WHERE ob.cycle_centre_id = cc.id), '[]'))
		   FROM cycle_centres cc JOIN centres ce ON ce.id = cc.centre_id WHERE cc.cycle_id = c.id AND cc.centre_id = $2)
		FROM cycles c JOIN organisations org ON org.id = c.organisation_id
		WHERE c.year = $1`, year, centre).Scan(&c.ID, &c.Organisation, &c.Bands.Reached, &c.Bands.Partial, &c.Rules.Rounding, &c.Rules.Cap,
		&c.ApprovalAct, &c.ApprovedOn, &periods, &ce)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, fmt.Errorf("cycle %d: %w", year, ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("cycle %d, centre %d: %w", year, centre, err)
	}
	if ce == nil || string(ce) == "null" {
		return nil, nil, fmt.Errorf("cycle %d, centre %d: %w", year, centre, ErrNotFound)
	}
	var ps []struct {
		ID       int64     `json:"id"`
		EndsOn   jsonDate  `json:"ends_on"`
		ClosesOn *jsonDate `json:"closes_on"`
	}
	if err := json.Unmarshal(periods, &ps); err != nil {
		return nil, nil, fmt.Errorf("cycle %d periods: %w", year, err)
	}
	for _, p := range ps {
		period := plan.Period{ID: p.ID, EndsOn: p.EndsOn.Time}
		if p.ClosesOn != nil {
			period.ClosesOn = p.ClosesOn.Time
		}
		c.Periods = append(c.Periods, period)
	}
	var doc centreDoc
	if err := json.Unmarshal(ce, &doc); err != nil {
		return nil, nil, fmt.Errorf("cycle %d, centre %d: %w", year, centre, err)
	}
	out := doc.centre(centre)
	c.Centres = []*plan.Centre{out}
	c.Evaluate(s.today())
	return c, out, nil
}

// jsonDate is a date as PostgreSQL's json writes it: "2023-12-31".
type jsonDate struct{ time.Time }

func (d *jsonDate) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, s)
	d.Time = t
	return err
}

func (d *jsonDate) month() *domain.Month {
	if d == nil {
		return nil
	}
	return dateMonth(&d.Time)
}

type centreDoc struct {
	ID         domain.CycleCentreID `json:"id"`
	Name       string               `json:"name"`
	Manager    string               `json:"manager"`
	Objectives []struct {
		ID         int64    `json:"id"`
		Section    string   `json:"section"`
		Number     int      `json:"number"`
		Title      string   `json:"title"`
		Weight     *float64 `json:"weight"`
		Indicators []struct {
			ID                int64    `json:"id"`
			Name              string   `json:"name"`
			Unit              string   `json:"unit"`
			Polarity          string   `json:"polarity"`
			Weight            *float64 `json:"weight"`
			Expected          float64  `json:"expected"`
			NeutralisedReason *string  `json:"neutralised_reason"`
			NeutralisedBy     *string  `json:"neutralised_by"`
			OverridePct       *float64 `json:"override_pct"`
			OverrideReason    *string  `json:"override_reason"`
			Values            []struct {
				Period        jsonDate `json:"period"`
				Value         float64  `json:"value"`
				NotMeasurable bool     `json:"not_measurable"`
				Reason        *string  `json:"reason"`
			} `json:"values"`
			Targets []struct {
				Period jsonDate `json:"period"`
				Target float64  `json:"target"`
			} `json:"targets"`
		} `json:"indicators"`
		Activities []struct {
			ID          int64     `json:"id"`
			Description string    `json:"description"`
			From        *jsonDate `json:"from"`
			To          *jsonDate `json:"to"`
			Annual      bool      `json:"annual"`
			Progress    []struct {
				Period jsonDate  `json:"period"`
				From   *jsonDate `json:"from"`
				To     *jsonDate `json:"to"`
				Annual bool      `json:"annual"`
				Reason *string   `json:"reason"`
			} `json:"progress"`
		} `json:"activities"`
		Reports []struct {
			Period jsonDate `json:"period"`
			Status *string  `json:"status"`
		} `json:"reports"`
	} `json:"objectives"`
}

// centre builds the plan's centre from the statement's document, as the
// loader of LoadCycle does from its rows.
func (d centreDoc) centre(id domain.CentreID) *plan.Centre {
	ce := &plan.Centre{ID: d.ID, CentreID: id, Name: d.Name, Manager: d.Manager}
	for _, od := range d.Objectives {
		o := &plan.Objective{ID: od.ID, Section: od.Section, Number: od.Number, Title: od.Title, Weight: od.Weight}
		for _, id := range od.Indicators {
			in := &plan.Indicator{ID: id.ID, Name: id.Name, Unit: domain.Unit(id.Unit), Polarity: domain.Polarity(id.Polarity),
				Weight: id.Weight, Expected: id.Expected}
			if id.NeutralisedReason != nil {
				in.Neutralised = &plan.Neutralisation{Reason: *id.NeutralisedReason, By: deref(id.NeutralisedBy)}
			}
			if id.OverridePct != nil {
				in.Override = &plan.Override{Pct: *id.OverridePct, Reason: deref(id.OverrideReason)}
			}
			for _, v := range id.Values {
				in.Values = append(in.Values, plan.Value{Period: v.Period.Time, Value: v.Value, NotMeasurable: v.NotMeasurable, Reason: deref(v.Reason)})
			}
			for _, t := range id.Targets {
				in.Targets = append(in.Targets, plan.Target{Period: t.Period.Time, Value: t.Target})
			}
			o.Indicators = append(o.Indicators, in)
		}
		for _, ad := range od.Activities {
			a := &plan.Activity{ID: ad.ID, Description: ad.Description,
				Planned: domain.Span{From: ad.From.month(), To: ad.To.month(), Annual: ad.Annual}}
			for _, p := range ad.Progress {
				a.Progress = append(a.Progress, plan.Progress{Period: p.Period.Time,
					Actual: domain.Span{From: p.From.month(), To: p.To.month(), Annual: p.Annual}, Reason: deref(p.Reason)})
			}
			o.Activities = append(o.Activities, a)
		}
		for _, r := range od.Reports {
			o.Reports = append(o.Reports, plan.Report{Period: r.Period.Time, Status: domain.ReportStatus(deref(r.Status))})
		}
		ce.Objectives = append(ce.Objectives, o)
	}
	return ce
}
