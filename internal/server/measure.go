package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"traguardo/internal/format"

	"github.com/a-h/templ"

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
// overrides its achievement (it counts with the override), each with a
// written reason. These are acts of measurement, not changes to the plan: no
// variation once the plan is approved (store.SetMeasure).

// measureRecord is an indicator's measure as the form shows it, by the
// store's field names.
func measureRecord(in *plan.Indicator) stored {
	f, l := measureFormOf(in), pages.MeasureLabels
	return stored{version: in.Version, fields: []recordField{
		{"override_pct", l["override_pct"], f.Override},
		{"override_reason", l["override_reason"], f.OverrideReason},
		{"neutralised_reason", l["neutralised_reason"], f.NeutralisedReason},
	}}
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
		Action:      paths.Measure(c.Year, in.ID),
		Cancel:      back,
		Errors:      components.FieldErrors{},
	}
	m := store.Measure{Neutralised: in.Neutralised, Override: in.Override}
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
			if m.Neutralised != nil && m.Override != nil {
				v.Errors["neutralised_reason"] = "Un indicatore sterilizzato non conta: togliere il grado stabilito oppure la sterilizzazione."
			}
		},
		save: func(ch store.Change) (string, string, error) {
			if sameMeasure(m, store.Measure{Neutralised: in.Neutralised, Override: in.Override}) {
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

func sameMeasure(a, b store.Measure) bool {
	sameN := (a.Neutralised == nil) == (b.Neutralised == nil) && (a.Neutralised == nil || *a.Neutralised == *b.Neutralised)
	sameO := (a.Override == nil) == (b.Override == nil) && (a.Override == nil || *a.Override == *b.Override)
	return sameN && sameO
}
