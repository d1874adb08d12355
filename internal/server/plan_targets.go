package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"traguardo/internal/format"

	"github.com/a-h/templ"

	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The director's page of an indicator's intermediate targets (target
// intermedio): one field per monitoring period but the last, whose figures
// are measured against the expected value of the year (plan.FiguresAt).
// Targets are part of the plan: on an approved plan a change is a variation.

// targetField is the form field of the target at period id.
func targetField(periodID int64) string { return "target_" + strconv.FormatInt(periodID, 10) }

// targetInput writes a target as its field shows it: si or no for a si/no
// indicator, the number otherwise.
func targetInput(in *plan.Indicator, v float64) string {
	if in.Unit.IsYesNo() {
		return components.YesNoInput(v)
	}
	return components.NumberInput(v)
}

// targetPeriods are the periods a target can be set for: every period of the
// cycle but the last.
func targetPeriods(c *plan.Cycle) []plan.Period {
	if len(c.Periods) == 0 {
		return nil
	}
	return c.Periods[:len(c.Periods)-1]
}

// targetsText is an indicator's targets in the store's words (the audit
// record's "targets"): "31/03/2024: 5; 30/06/2024: 10".
func targetsText(in *plan.Indicator) string {
	var out []string
	for _, t := range in.Targets {
		out = append(out, format.Date(t.Period)+": "+components.NumberInput(t.Value))
	}
	return strings.Join(out, "; ")
}

// parseTarget reads one period's field: the target, or nil for none, or an
// error message for the field.
func parseTarget(in *plan.Indicator, raw string) (*float64, string) {
	if raw == "" {
		return nil, ""
	}
	var v float64
	if in.Unit.IsYesNo() {
		switch raw {
		case "si":
			v = 1
		case "no":
			v = 0
		default:
			return nil, "Per un indicatore si/no scegliere si, no o «—»."
		}
		return &v, ""
	}
	v, err := components.ParseNumber(raw)
	if err != nil {
		return nil, sentence(err.Error())
	}
	if msg := plan.ValueProblem(in.Unit, in.Expected, v); msg != "" {
		return nil, sentence(msg)
	}
	return &v, ""
}

func (s *Server) indicatorTargets(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, i, err := s.indicatorTarget(r)
	if err != nil {
		return err
	}
	in := o.Indicators[i]
	back := paths.Objective(c.Year, o.ID) + "#indicatori"
	v := pages.TargetsFormView{
		Heading:    fmt.Sprintf("Target intermedi dell'%s dell'obiettivo %d", o.IndicatorLabel(i), o.Number),
		Crumbs:     objectiveCrumbs(c.Year, ce, o, "Target intermedi dell'indicatore "+strconv.Itoa(i+1)),
		CentreName: ce.Name,
		Objective:  o.Title,
		Indicator:  in.Name,
		Unit:       string(in.Unit),
		YesNo:      in.Unit.IsYesNo(),
		Expected:   format.Value(in.Unit, in.Expected),
		Action:     paths.Targets(c.Year, in.ID),
		Cancel:     back,
		Approved:   c.Approved(),
		Errors:     components.FieldErrors{},
	}
	if n := len(c.Periods); n > 0 {
		v.LastPeriod = format.Date(c.Periods[n-1].EndsOn)
	}
	periods := targetPeriods(c)
	now := map[int64]*float64{}
	for _, p := range periods {
		f := pages.TargetField{Name: targetField(p.ID), Label: "Target intermedio al " + format.Date(p.EndsOn) + " (" + string(in.Unit) + ")"}
		if t, ok := in.TargetAt(p.EndsOn); ok {
			f.Value = targetInput(in, t)
			now[p.ID] = &t
		}
		v.Fields = append(v.Fields, f)
	}
	rec := indicatorRecord(in)
	rec.fields = append(rec.fields, recordField{"targets", "Target intermedi", targetsText(in)})

	targets := map[int64]*float64{}
	changed := false
	return s.servePlanForm(w, r, planForm{
		page:     func() templ.Component { return pages.TargetsEdit(v) },
		approved: v.Approved,
		errs:     v.Errors,
		edit:     &v.Edit,
		record:   rec,
		read: func(on, reason string) {
			v.VariationOn, v.VariationReason = on, reason
			for k, p := range periods {
				f := &v.Fields[k]
				// A field the form does not send leaves its target as it is.
				if !r.PostForm.Has(f.Name) {
					continue
				}
				f.Value = strings.TrimSpace(r.PostFormValue(f.Name))
				t, msg := parseTarget(in, f.Value)
				if msg != "" {
					v.Errors[f.Name] = msg
					continue
				}
				targets[p.ID] = t
				if old := now[p.ID]; (old == nil) != (t == nil) || (old != nil && *old != *t) {
					changed = true
				}
			}
		},
		save: func(ch store.Change) (string, string, error) {
			if !changed {
				return back, "Nessun target intermedio è cambiato.", nil
			}
			return back, "Target intermedi salvati.", s.store.SetTargets(r.Context(), ch, in.ID, targets)
		},
		conflictField: onField(""),
	})
}
