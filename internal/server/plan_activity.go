package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/a-h/templ"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The planned_kind choices of the activity form.
const (
	plannedMonths = "mesi"
	plannedAnnual = "annuale"
)

// activityTarget loads the cycle of the URL and the activity {aid} in it,
// with its objective and centre; an activity of another cycle is missing.
func (s *Server) activityTarget(r *http.Request) (*plan.Cycle, *plan.Centre, *plan.Objective, int, error) {
	return s.objectiveItem(r, "aid", "L'attività richiesta non esiste in questo ciclo.", func(o *plan.Objective, id int64) int {
		return slices.IndexFunc(o.Activities, func(a *plan.Activity) bool { return a.ID == id })
	})
}

func activityFormOf(a *plan.Activity) pages.ActivityForm {
	f := pages.ActivityForm{Description: a.Description, PlannedKind: plannedMonths}
	if a.Planned.Annual {
		f.PlannedKind = plannedAnnual
	}
	if a.Planned.From != nil {
		f.PlannedFrom = a.Planned.From.String()
	}
	if a.Planned.To != nil {
		f.PlannedTo = a.Planned.To.String()
	}
	return f
}

// activityRecord is an activity as its form shows it, by the store's field
// names.
func activityRecord(a *plan.Activity) stored {
	f, l := activityFormOf(a), pages.ActivityLabels
	kind := "Mesi"
	if a.Planned.Annual {
		kind = "Annuale"
	}
	return stored{version: a.Version, fields: []recordField{
		{"description", l["description"], f.Description},
		{"planned_annual", l["planned_kind"], kind},
		{"planned_from", l["planned_from"], f.PlannedFrom},
		{"planned_to", l["planned_to"], f.PlannedTo},
	}}
}

// parseActivity reads the form into an activity, checking it by the plan's
// rules. A month that does not parse is reported on its own field; a rule of
// the span as a whole is reported on the field the user has to change: the
// choice "Annuale" when months come with it, else the end month.
func parseActivity(r *http.Request, errs components.FieldErrors) (pages.ActivityForm, *plan.Activity) {
	f := pages.ActivityForm{
		Description: strings.TrimSpace(r.PostFormValue("description")),
		PlannedKind: strings.TrimSpace(r.PostFormValue("planned_kind")),
		PlannedFrom: strings.TrimSpace(r.PostFormValue("planned_from")),
		PlannedTo:   strings.TrimSpace(r.PostFormValue("planned_to")),
	}
	a := &plan.Activity{
		Description: f.Description,
		Planned:     domain.Span{From: monthField(f.PlannedFrom, "planned_from", errs), To: monthField(f.PlannedTo, "planned_to", errs)},
	}
	switch f.PlannedKind {
	case plannedAnnual:
		a.Planned.Annual = true
	case plannedMonths:
	default:
		errs["planned_kind"] = "Scegliere «Mesi» o «Annuale»."
	}
	fes := a.Validate()
	for i := range fes {
		if fes[i].Field == "planned" {
			fes[i].Field = "planned_to"
			if a.Planned.Annual {
				fes[i].Field = "planned_kind"
			}
		}
	}
	addFieldErrors(errs, fes)
	return f, a
}

// activityForm serves the form of an activity, new (rec nil) or to edit;
// save writes the activity as read. A refusal by the store is about the form
// as a whole.
func (s *Server) activityForm(w http.ResponseWriter, r *http.Request, v pages.ActivityFormView, rec *stored, save func(store.Change, *plan.Activity) (to, flash string, err error)) error {
	var a *plan.Activity
	f := planForm{
		page:     func() templ.Component { return pages.ActivityEdit(v) },
		approved: v.Approved,
		errs:     v.Errors,
		read: func(on, reason string) {
			v.Form, a = parseActivity(r, v.Errors)
			v.Form.VariationOn, v.Form.VariationReason = on, reason
		},
		save:          func(ch store.Change) (string, string, error) { return save(ch, a) },
		conflictField: onField(""),
	}
	if rec != nil {
		f.edit, f.record = &v.Edit, *rec
	}
	return s.servePlanForm(w, r, f)
}

func (s *Server) activityNew(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, err := s.objectiveTarget(r)
	if err != nil {
		return err
	}
	back := paths.Objective(c.Year, o.ID)
	v := pages.ActivityFormView{
		Heading:    fmt.Sprintf("Nuova attività dell'obiettivo %d", o.Number),
		Crumbs:     objectiveCrumbs(c.Year, ce, o, "Nuova attività"),
		CentreName: ce.Name,
		Objective:  o.Title,
		Action:     back + "/attivita/nuova",
		Cancel:     back + "#attivita",
		Approved:   c.Approved(),
		Errors:     components.FieldErrors{},
		Form:       pages.ActivityForm{PlannedKind: plannedMonths},
	}
	return s.activityForm(w, r, v, nil, func(ch store.Change, a *plan.Activity) (string, string, error) {
		_, err := s.store.CreateActivity(r.Context(), ch, o.ID, a)
		return back + "#attivita", "Attività aggiunta.", err
	})
}

func (s *Server) activityEdit(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, i, err := s.activityTarget(r)
	if err != nil {
		return err
	}
	a := o.Activities[i]
	back := paths.Objective(c.Year, o.ID)
	v := pages.ActivityFormView{
		Heading:    fmt.Sprintf("Modifica attività %d dell'obiettivo %d", i+1, o.Number),
		Crumbs:     objectiveCrumbs(c.Year, ce, o, fmt.Sprintf("Modifica attività %d", i+1)),
		CentreName: ce.Name,
		Objective:  o.Title,
		Action:     paths.Activity(c.Year, a.ID) + "/modifica",
		Cancel:     back + "#attivita",
		Approved:   c.Approved(),
		Errors:     components.FieldErrors{},
		Form:       activityFormOf(a),
	}
	rec := activityRecord(a)
	return s.activityForm(w, r, v, &rec, func(ch store.Change, updated *plan.Activity) (string, string, error) {
		return back + "#attivita", "Attività aggiornata.", s.store.UpdateActivity(r.Context(), ch, a.ID, updated)
	})
}

func (s *Server) activityDelete(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, i, err := s.activityTarget(r)
	if err != nil {
		return err
	}
	a := o.Activities[i]
	back := paths.Objective(c.Year, o.ID)
	v := pages.DeleteView{
		Heading:  fmt.Sprintf("Eliminare l'attività %d dell'obiettivo %d di %s?", i+1, o.Number, ce.Name),
		Crumbs:   objectiveCrumbs(c.Year, ce, o, fmt.Sprintf("Elimina attività %d", i+1)),
		What:     fmt.Sprintf("l'attività %d «%s»", i+1, a.Description),
		Action:   paths.Activity(c.Year, a.ID) + "/elimina",
		Cancel:   back + "#attivita",
		Approved: c.Approved(),
		Errors:   components.FieldErrors{},
		Consequences: nonZero(
			count(len(a.Progress), "consuntivo dei tempi di un periodo di monitoraggio", "consuntivi dei tempi dei periodi di monitoraggio"),
		),
	}
	return s.confirmDelete(w, r, v, s.store.DeleteActivity, a.ID, activityRecord(a), back+"#attivita", "Attività eliminata.")
}

func (s *Server) activityMove(w http.ResponseWriter, r *http.Request) error {
	c, _, o, i, err := s.activityTarget(r)
	if err != nil {
		return err
	}
	return s.movePlanItem(w, r, s.store.MoveActivity, o.Activities[i].ID, paths.Objective(c.Year, o.ID)+"#attivita")
}

// monthField reads a month typed as aaaa-mm (nil when empty); a bad one
// puts its message at field in errs.
func monthField(s, field string, errs components.FieldErrors) *domain.Month {
	if s == "" {
		return nil
	}
	m, err := domain.ParseMonth(s)
	if err != nil {
		errs[field] = "Mese non valido: usare il formato aaaa-mm."
		return nil
	}
	return &m
}
