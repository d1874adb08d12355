package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"traguardo/internal/format"

	"github.com/a-h/templ"

	"traguardo/internal/audit"
	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The page of an indicator's measurement besides its values: the director or
// the Nucleo neutralises it (it leaves every average), the director
// overrides its achievement (it counts with the override), at every period
// or at one period only, each with a written reason. These are acts of
// measurement, not changes to the plan: no variation once the plan is
// approved (store.SetMeasure).

// measureRecord is an indicator's measure as the form shows it, by the
// store's field names.
func measureRecord(in *plan.Indicator) stored {
	f, l := measureFormOf(in), pages.MeasureLabels
	return stored{version: in.Version, fields: []recordField{
		{"override_pct", l["override_pct"], f.Override},
		{"override_reason", l["override_reason"], f.OverrideReason},
		{"neutralised_reason", l["neutralised_reason"], f.NeutralisedReason},
		{string(audit.KeyPeriodOverrides), l["period_overrides"], periodOverridesText(in.Overrides)},
	}}
}

// periodOverridesText is an indicator's overrides of single periods in the
// store's words (the audit record's "period_overrides"): "30/06/2024: 80%
// (motivazione)".
func periodOverridesText(os []plan.PeriodOverride) string {
	var out []string
	for _, o := range os {
		out = append(out, fmt.Sprintf("%s: %s%% (%s)", format.Date(o.Period), format.Number(o.Pct), o.Reason))
	}
	return strings.Join(out, "; ")
}

// periodOverrideRows are an indicator's overrides of single periods as the
// page lists them.
func periodOverrideRows(os []plan.PeriodOverride) []pages.PeriodOverrideRow {
	var out []pages.PeriodOverrideRow
	for _, o := range os {
		out = append(out, pages.PeriodOverrideRow{Period: format.Date(o.Period), Value: o.Period.Format(time.DateOnly),
			Pct: format.Number(o.Pct) + "%", Reason: o.Reason})
	}
	return out
}

// periodOptions are the cycle's periods, for the choice of an override's
// period: none first.
func periodOptions(c *plan.Cycle) []components.Option {
	out := []components.Option{{Value: "", Label: "—"}}
	for _, p := range c.Periods {
		out = append(out, components.Option{Value: p.EndsOn.Format(time.DateOnly), Label: format.Date(p.EndsOn)})
	}
	return out
}

// postsPeriodOverride says the form posted an override of one period or
// the removal of one: the director's alone.
func postsPeriodOverride(r *http.Request) bool {
	for _, k := range []string{"period_override_period", "period_override_pct", "period_override_reason"} {
		if strings.TrimSpace(r.PostFormValue(k)) != "" {
			return true
		}
	}
	return len(r.PostForm["remove_override"]) > 0
}

func measureFormOf(in *plan.Indicator) pages.MeasureForm {
	var f pages.MeasureForm
	if o := in.Override; o != nil {
		f.Override, f.OverrideReason = components.NumberInput(o.Pct), o.Reason
	}
	if n := in.Neutralised; n != nil {
		f.NeutralisedReason, f.NeutralisedBy = n.Reason, n.By
	}
	return f
}

// reasonProblem checks a written reason: required when the measure is set,
// within the text limit.
func reasonProblem(reason string) string {
	if msg := plan.TooLong(reason, plan.MaxText); msg != "" {
		return sentence(msg)
	}
	return ""
}

func (s *Server) indicatorMeasure(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, i, err := s.indicatorTarget(r)
	if err != nil {
		return err
	}
	in := o.Indicators[i]
	u := auth.UserFrom(r.Context())
	back := paths.Objective(c.Year, o.ID) + "#indicatori"
	computed := "da rilevare"
	if !in.Pending {
		computed = format.Percent(in.Computed)
	}
	v := pages.MeasureView{
		Heading:     fmt.Sprintf("Sterilizzazione e grado stabilito dell'%s dell'obiettivo %d", o.IndicatorLabel(i), o.Number),
		Crumbs:      objectiveCrumbs(c.Year, ce, o, "Misura dell'indicatore "+strconv.Itoa(i+1)),
		CentreName:  ce.Name,
		Objective:   o.Title,
		Computed:    computed,
		Cap:         format.Number(c.Rules.Ceiling()) + "%",
		MayOverride: auth.Allowed(u, auth.ApprovePlan, 0),
		Form:        measureFormOf(in),
		Periods:     periodOptions(c),
		Overrides:   periodOverrideRows(in.Overrides),
		Action:      paths.Measure(c.Year, in.ID),
		Cancel:      back,
		Errors:      components.FieldErrors{},
	}
	if r.Method == http.MethodPost && !v.MayOverride && postsPeriodOverride(r) {
		return forbidden()
	}
	m := store.Measure{Neutralised: in.Neutralised, Override: in.Override, Overrides: in.Overrides}
	return s.servePlanForm(w, r, planForm{
		page:   func() templ.Component { return pages.MeasureEdit(v) },
		errs:   v.Errors,
		edit:   &v.Edit,
		record: measureRecord(in),
		read: func(_, _ string) {
			if v.MayOverride {
				v.Form.Override = strings.TrimSpace(r.PostFormValue("override_pct"))
				v.Form.OverrideReason = strings.TrimSpace(r.PostFormValue("override_reason"))
				m.Override = readOverride(v.Form, c.Rules, v.Errors)
				v.Form.Period = strings.TrimSpace(r.PostFormValue("period_override_period"))
				v.Form.PeriodPct = strings.TrimSpace(r.PostFormValue("period_override_pct"))
				v.Form.PeriodReason = strings.TrimSpace(r.PostFormValue("period_override_reason"))
				v.Form.Remove = r.PostForm["remove_override"]
				m.Overrides = readPeriodOverrides(v.Form, in.Overrides, c, v.Errors)
			}
			v.Form.NeutralisedReason = strings.TrimSpace(r.PostFormValue("neutralised_reason"))
			m.Neutralised = nil
			if v.Form.NeutralisedReason != "" {
				if msg := reasonProblem(v.Form.NeutralisedReason); msg != "" {
					v.Errors["neutralised_reason"] = msg
				}
				by := in.Neutralised
				if by != nil && by.Reason == v.Form.NeutralisedReason {
					m.Neutralised = by
				} else {
					m.Neutralised = &plan.Neutralisation{Reason: v.Form.NeutralisedReason, By: string(u.Role)}
				}
			}
			if m.Neutralised != nil && (m.Override != nil || len(m.Overrides) > 0) {
				v.Errors["neutralised_reason"] = "Un indicatore sterilizzato non conta: togliere il grado stabilito oppure la sterilizzazione."
			}
		},
		save: func(ch store.Change) (string, string, error) {
			if sameMeasure(m, store.Measure{Neutralised: in.Neutralised, Override: in.Override, Overrides: in.Overrides}) {
				return back, "Nulla è cambiato.", nil
			}
			return back, "Misura dell'indicatore salvata.", s.store.SetMeasure(r.Context(), ch, in.ID, m)
		},
		conflictField: onField("neutralised_reason"),
	})
}

// readOverride reads the override fields: none when both are blank.
func readOverride(f pages.MeasureForm, rules domain.Rules, errs components.FieldErrors) *plan.Override {
	if f.Override == "" && f.OverrideReason == "" {
		return nil
	}
	var pct float64
	if f.Override == "" {
		errs["override_pct"] = "Indicare il grado di raggiungimento, oppure togliere la motivazione."
	} else if x, err := components.ParseNumber(f.Override); err != nil {
		errs["override_pct"] = sentence(err.Error())
	} else if x < 0 || x > rules.Ceiling() {
		errs["override_pct"] = fmt.Sprintf("Il grado deve essere compreso tra 0 e %s.", format.Number(rules.Ceiling()))
	} else {
		pct = x
	}
	if f.OverrideReason == "" {
		errs["override_reason"] = "Indicare la motivazione del grado stabilito."
	} else if msg := reasonProblem(f.OverrideReason); msg != "" {
		errs["override_reason"] = msg
	}
	return &plan.Override{Pct: pct, Reason: f.OverrideReason}
}

// readPeriodOverrides reads the overrides of single periods: the
// indicator's (have) but those the form removes, with the one the form
// sets, which replaces the period's if it has one; the three fields blank
// set none.
func readPeriodOverrides(f pages.MeasureForm, have []plan.PeriodOverride, c *plan.Cycle, errs components.FieldErrors) []plan.PeriodOverride {
	var out []plan.PeriodOverride
	for _, o := range have {
		if !slices.Contains(f.Remove, o.Period.Format(time.DateOnly)) {
			out = append(out, o)
		}
	}
	if f.Period == "" && f.PeriodPct == "" && f.PeriodReason == "" {
		return out
	}
	var period time.Time
	if i := slices.IndexFunc(c.Periods, func(p plan.Period) bool { return p.EndsOn.Format(time.DateOnly) == f.Period }); i >= 0 {
		period = c.Periods[i].EndsOn
	} else if f.Period == "" {
		errs["period_override_period"] = "Scegliere il periodo del grado stabilito, oppure lasciare vuoti i tre campi."
	} else {
		errs["period_override_period"] = "Scegliere uno dei periodi del ciclo."
	}
	var pct float64
	if f.PeriodPct == "" {
		errs["period_override_pct"] = "Indicare il grado di raggiungimento del periodo."
	} else if x, err := components.ParseNumber(f.PeriodPct); err != nil {
		errs["period_override_pct"] = sentence(err.Error())
	} else if x < 0 || x > c.Rules.Ceiling() {
		errs["period_override_pct"] = fmt.Sprintf("Il grado deve essere compreso tra 0 e %s.", format.Number(c.Rules.Ceiling()))
	} else {
		pct = x
	}
	if f.PeriodReason == "" {
		errs["period_override_reason"] = "Indicare la motivazione del grado stabilito per il periodo."
	} else if msg := reasonProblem(f.PeriodReason); msg != "" {
		errs["period_override_reason"] = msg
	}
	out = slices.DeleteFunc(out, func(o plan.PeriodOverride) bool { return o.Period.Equal(period) })
	out = append(out, plan.PeriodOverride{Period: period, Pct: pct, Reason: f.PeriodReason})
	slices.SortFunc(out, func(a, b plan.PeriodOverride) int { return a.Period.Compare(b.Period) })
	return out
}

func sameMeasure(a, b store.Measure) bool {
	sameN := (a.Neutralised == nil) == (b.Neutralised == nil) && (a.Neutralised == nil || *a.Neutralised == *b.Neutralised)
	sameO := (a.Override == nil) == (b.Override == nil) && (a.Override == nil || *a.Override == *b.Override)
	return sameN && sameO && slices.EqualFunc(a.Overrides, b.Overrides, func(x, y plan.PeriodOverride) bool {
		return x.Period.Equal(y.Period) && x.Pct == y.Pct && x.Reason == y.Reason
	})
}
