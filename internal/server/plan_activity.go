package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/web/components"
	"traguardo/web/layout"
	"traguardo/web/pages"
)

// The planned_kind choices of the activity form.
const (
	plannedMonths = "mesi"
	plannedAnnual = "annuale"
)

// activityTarget loads the cycle of the URL and the activity {aid} in it,
// with its objective and centre; an activity of another cycle is missing.
func (s *Server) activityTarget(r *http.Request) (*plan.Cycle, *plan.Centre, *plan.Objective, int, error) {
	c, err := s.loadCycle(r)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	id, err := idParam(r, "aid")
	if err != nil {
		return nil, nil, nil, 0, err
	}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			for i, a := range o.Activities {
				if a.ID == id {
					return c, ce, o, i, nil
				}
			}
		}
	}
	return nil, nil, nil, 0, notFound("L'attività richiesta non esiste in questo ciclo.")
}

func activityURL(year int, id int64) string {
	return cycleURL(year) + "/attivita/" + strconv.FormatInt(id, 10)
}

// objectiveCrumbs lead to an objective's page, then to the form.
func objectiveCrumbs(year int, ce *plan.Centre, o *plan.Objective, last string) []layout.Crumb {
	return cycleCrumbs(year,
		layout.Crumb{Label: ce.Name + " · Obiettivo " + strconv.Itoa(o.Number), Href: objectiveURL(year, o.ID)},
		layout.Crumb{Label: last})
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
	month := func(s, field string) *domain.Month {
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
	a := &plan.Activity{
		Description: f.Description,
		Planned:     domain.Span{From: month(f.PlannedFrom, "planned_from"), To: month(f.PlannedTo, "planned_to")},
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

func (s *Server) activityNew(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, err := s.objectiveTarget(r)
	if err != nil {
		return err
	}
	back := objectiveURL(c.Year, o.ID)
	v := pages.ActivityFormView{
		Heading:    fmt.Sprintf("Nuova attività dell'obiettivo %d", o.Number),
		Crumbs:     objectiveCrumbs(c.Year, ce, o, "Nuova attività"),
		CentreName: ce.Name,
		Objective:  o.Title,
		Action:     back + "/attivita/nuova",
		Cancel:     back + "#attivita",
		Approved:   c.ApprovalAct != "",
		Errors:     components.FieldErrors{},
		Form:       pages.ActivityForm{PlannedKind: plannedMonths},
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ActivityEdit(v))
		return nil
	}
	form, a := parseActivity(r, v.Errors)
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.Form, v.Form.VariationOn, v.Form.VariationReason = form, on, reason
	if len(v.Errors) == 0 {
		_, err := s.store.CreateActivity(r.Context(), change(r, variation), o.ID, a)
		if err == nil {
			s.seeOther(w, r, back+"#attivita", "Attività aggiunta.")
			return nil
		}
		if !storeConflict(err, v.Errors, "") {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ActivityEdit(v))
	return nil
}

func (s *Server) activityEdit(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, i, err := s.activityTarget(r)
	if err != nil {
		return err
	}
	a := o.Activities[i]
	back := objectiveURL(c.Year, o.ID)
	v := pages.ActivityFormView{
		Heading:    fmt.Sprintf("Modifica attività %d dell'obiettivo %d", i+1, o.Number),
		Crumbs:     objectiveCrumbs(c.Year, ce, o, fmt.Sprintf("Modifica attività %d", i+1)),
		CentreName: ce.Name,
		Objective:  o.Title,
		Action:     activityURL(c.Year, a.ID) + "/modifica",
		Cancel:     back + "#attivita",
		Approved:   c.ApprovalAct != "",
		Errors:     components.FieldErrors{},
		Form:       activityFormOf(a),
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ActivityEdit(v))
		return nil
	}
	form, updated := parseActivity(r, v.Errors)
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.Form, v.Form.VariationOn, v.Form.VariationReason = form, on, reason
	if len(v.Errors) == 0 {
		err := s.store.UpdateActivity(r.Context(), change(r, variation), a.ID, updated)
		if err == nil {
			s.seeOther(w, r, back+"#attivita", "Attività aggiornata.")
			return nil
		}
		if !storeConflict(err, v.Errors, "") {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ActivityEdit(v))
	return nil
}

func (s *Server) activityDelete(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, i, err := s.activityTarget(r)
	if err != nil {
		return err
	}
	a := o.Activities[i]
	back := objectiveURL(c.Year, o.ID)
	v := pages.DeleteView{
		Heading:  fmt.Sprintf("Eliminare l'attività %d dell'obiettivo %d di %s?", i+1, o.Number, ce.Name),
		Crumbs:   objectiveCrumbs(c.Year, ce, o, fmt.Sprintf("Elimina attività %d", i+1)),
		What:     fmt.Sprintf("l'attività %d «%s»", i+1, a.Description),
		Action:   activityURL(c.Year, a.ID) + "/elimina",
		Cancel:   back + "#attivita",
		Approved: c.ApprovalAct != "",
		Errors:   components.FieldErrors{},
		Consequences: nonZero(
			count(len(a.Progress), "consuntivo dei tempi di un periodo di monitoraggio", "consuntivi dei tempi dei periodi di monitoraggio"),
		),
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ConfirmDelete(v))
		return nil
	}
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.VariationOn, v.VariationReason = on, reason
	if len(v.Errors) == 0 {
		if err := s.store.DeleteActivity(r.Context(), change(r, variation), a.ID); err != nil {
			return err
		}
		s.seeOther(w, r, back+"#attivita", "Attività eliminata.")
		return nil
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ConfirmDelete(v))
	return nil
}

func (s *Server) activityMove(w http.ResponseWriter, r *http.Request) error {
	c, _, o, i, err := s.activityTarget(r)
	if err != nil {
		return err
	}
	delta, err := moveDelta(r)
	if err != nil {
		return err
	}
	if err := s.store.MoveActivity(r.Context(), change(r, nil), o.Activities[i].ID, delta); err != nil {
		return err
	}
	s.seeOther(w, r, objectiveURL(c.Year, o.ID)+"#attivita", "")
	return nil
}
