package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"traguardo/internal/plan"
	"traguardo/web/components"
	"traguardo/web/layout"
	"traguardo/web/pages"
)

// objectiveTarget loads the cycle of the URL and the objective {id} in it.
func (s *Server) objectiveTarget(r *http.Request) (*plan.Cycle, *plan.Centre, *plan.Objective, error) {
	c, err := s.loadCycle(r)
	if err != nil {
		return nil, nil, nil, err
	}
	id, err := idParam(r, "id")
	if err != nil {
		return nil, nil, nil, err
	}
	ce, o, ok := c.ObjectiveByID(id)
	if !ok {
		return nil, nil, nil, notFound("L'obiettivo richiesto non esiste in questo ciclo.")
	}
	return c, ce, o, nil
}

func objectiveFormOf(o *plan.Objective) pages.ObjectiveForm {
	f := pages.ObjectiveForm{
		Section: o.Section, Title: o.Title, StrategicArea: o.StrategicArea,
		OperationalObjective: o.OperationalObjective, PEGProject: o.PEGProject, Services: o.Services,
		EndUsers: o.EndUsers, Networks: o.Networks, DescriptionHTML: o.DescriptionHTML, Group: o.Group,
	}
	if o.Number > 0 {
		f.Number = strconv.Itoa(o.Number)
	}
	if o.Weight != nil {
		f.Weight = components.NumberInput(*o.Weight)
	}
	return f
}

// parseObjective reads the form into an objective, checking it by the plan's rules.
func (s *Server) parseObjective(r *http.Request, errs components.FieldErrors) (pages.ObjectiveForm, *plan.Objective) {
	f := pages.ObjectiveForm{
		Section:              strings.TrimSpace(r.PostFormValue("section")),
		Number:               strings.TrimSpace(r.PostFormValue("number")),
		Title:                strings.TrimSpace(r.PostFormValue("title")),
		StrategicArea:        strings.TrimSpace(r.PostFormValue("strategic_area")),
		OperationalObjective: strings.TrimSpace(r.PostFormValue("operational_objective")),
		PEGProject:           strings.TrimSpace(r.PostFormValue("peg_project")),
		Services:             strings.TrimSpace(r.PostFormValue("services")),
		EndUsers:             strings.TrimSpace(r.PostFormValue("end_users")),
		Networks:             strings.TrimSpace(r.PostFormValue("networks")),
		DescriptionHTML:      r.PostFormValue("description_html"),
		Weight:               strings.TrimSpace(r.PostFormValue("weight")),
		Group:                strings.TrimSpace(r.PostFormValue("group")),
	}
	o := &plan.Objective{
		Section: f.Section, Title: f.Title, StrategicArea: f.StrategicArea,
		OperationalObjective: f.OperationalObjective, PEGProject: f.PEGProject, Services: f.Services,
		EndUsers: f.EndUsers, Networks: f.Networks, DescriptionHTML: s.policy.Sanitize(f.DescriptionHTML),
		Weight: optionalNumber(f.Weight, "weight", errs), Group: f.Group,
	}
	if n, err := strconv.Atoi(f.Number); err == nil {
		o.Number = n
	} else if f.Number != "" {
		errs["number"] = "Inserire un numero intero da 1 in su."
	}
	addFieldErrors(errs, o.Validate())
	return f, o
}

func groupsOf(c *plan.Cycle) []string {
	var gs []string
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			if o.Group != "" && !slices.Contains(gs, o.Group) {
				gs = append(gs, o.Group)
			}
		}
	}
	slices.Sort(gs)
	return gs
}

func (s *Server) objectiveNew(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	centreID, err := idParam(r, "centre")
	if err != nil {
		return err
	}
	i := slices.IndexFunc(c.Centres, func(ce *plan.Centre) bool { return ce.ID == centreID })
	if i < 0 {
		return notFound("Il centro richiesto non esiste in questo ciclo.")
	}
	ce := c.Centres[i]
	v := pages.ObjectiveFormView{
		Heading:    "Nuovo obiettivo",
		Crumbs:     cycleCrumbs(c.Year, layout.Crumb{Label: "Nuovo obiettivo di " + ce.Name}),
		CentreName: ce.Name,
		Action:     fmt.Sprintf("%s/centri/%d/obiettivi/nuovo", cycleURL(c.Year), ce.ID),
		Cancel:     cycleURL(c.Year),
		Approved:   c.ApprovalAct != "",
		Groups:     groupsOf(c),
		Errors:     components.FieldErrors{},
		Form:       pages.ObjectiveForm{Section: "Obiettivi di performance", Number: strconv.Itoa(len(ce.Objectives) + 1)},
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ObjectiveEdit(v))
		return nil
	}
	form, o := s.parseObjective(r, v.Errors)
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.Form, v.Form.VariationOn, v.Form.VariationReason = form, on, reason
	if len(v.Errors) == 0 {
		id, err := s.store.CreateObjective(r.Context(), change(r, variation), ce.ID, o)
		if err == nil {
			s.seeOther(w, r, objectiveURL(c.Year, id), "Obiettivo creato.")
			return nil
		}
		if !storeConflict(err, v.Errors, "number") {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ObjectiveEdit(v))
	return nil
}

func (s *Server) objectiveEdit(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, err := s.objectiveTarget(r)
	if err != nil {
		return err
	}
	back := objectiveURL(c.Year, o.ID)
	v := pages.ObjectiveFormView{
		Heading:    fmt.Sprintf("Modifica obiettivo %d", o.Number),
		Crumbs:     cycleCrumbs(c.Year, layout.Crumb{Label: ce.Name + " · Obiettivo " + strconv.Itoa(o.Number), Href: back}, layout.Crumb{Label: "Modifica"}),
		CentreName: ce.Name,
		Action:     back + "/modifica",
		Cancel:     back,
		Approved:   c.ApprovalAct != "",
		Groups:     groupsOf(c),
		Errors:     components.FieldErrors{},
		Form:       objectiveFormOf(o),
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ObjectiveEdit(v))
		return nil
	}
	form, updated := s.parseObjective(r, v.Errors)
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.Form, v.Form.VariationOn, v.Form.VariationReason = form, on, reason
	if len(v.Errors) == 0 {
		err := s.store.UpdateObjective(r.Context(), change(r, variation), o.ID, updated)
		if err == nil {
			s.seeOther(w, r, back, "Obiettivo aggiornato.")
			return nil
		}
		if !storeConflict(err, v.Errors, "number") {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ObjectiveEdit(v))
	return nil
}

func (s *Server) objectiveDelete(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, err := s.objectiveTarget(r)
	if err != nil {
		return err
	}
	back := objectiveURL(c.Year, o.ID)
	values := 0
	for _, in := range o.Indicators {
		values += len(in.Values)
	}
	v := pages.DeleteView{
		Heading:  fmt.Sprintf("Eliminare l'obiettivo %d di %s?", o.Number, ce.Name),
		Crumbs:   cycleCrumbs(c.Year, layout.Crumb{Label: ce.Name + " · Obiettivo " + strconv.Itoa(o.Number), Href: back}, layout.Crumb{Label: "Elimina"}),
		What:     fmt.Sprintf("l'obiettivo %d «%s»", o.Number, o.Title),
		Action:   back + "/elimina",
		Cancel:   back,
		Approved: c.ApprovalAct != "",
		Errors:   components.FieldErrors{},
		Consequences: nonZero(
			count(len(o.Activities), "attività", "attività"),
			count(len(o.Indicators), "indicatore", "indicatori"),
			count(values, "valore consuntivo", "valori consuntivi"),
			count(len(o.Reports), "report di monitoraggio", "report di monitoraggio"),
		),
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ConfirmDelete(v))
		return nil
	}
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.VariationOn, v.VariationReason = on, reason
	if len(v.Errors) == 0 {
		if err := s.store.DeleteObjective(r.Context(), change(r, variation), o.ID); err != nil {
			return err
		}
		s.seeOther(w, r, cycleURL(c.Year), "Obiettivo eliminato.")
		return nil
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ConfirmDelete(v))
	return nil
}

func (s *Server) objectiveMove(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, err := s.objectiveTarget(r)
	if err != nil {
		return err
	}
	delta, err := moveDelta(r)
	if err != nil {
		return err
	}
	if err := s.store.MoveObjective(r.Context(), change(r, nil), o.ID, delta); err != nil {
		return err
	}
	s.seeOther(w, r, fmt.Sprintf("%s#centro-%d", cycleURL(c.Year), ce.ID), "")
	return nil
}

// count words a number of things in Italian; zero gives "".
func count(n int, one, many string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func nonZero(items ...string) []string {
	return slices.DeleteFunc(items, func(s string) bool { return s == "" })
}
