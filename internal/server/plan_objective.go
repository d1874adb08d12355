package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"traguardo/internal/names"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/layout"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// objectiveTarget loads the cycle of the URL and the objective {id} in it.
func (s *Server) objectiveTarget(r *http.Request) (*plan.Cycle, *plan.Centre, *plan.Objective, error) {
	c, err := s.loadCycle(r)
	if err != nil {
		return nil, nil, nil, err
	}
	ce, o, err := objectiveIn(r, c)
	if err != nil {
		return nil, nil, nil, err
	}
	return c, ce, o, nil
}

// objectiveIn is the objective {id} of the URL in the cycle c, with its
// centre; an objective of another cycle is missing.
func objectiveIn(r *http.Request, c *plan.Cycle) (*plan.Centre, *plan.Objective, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return nil, nil, err
	}
	ce, o, ok := c.ObjectiveByID(id)
	if !ok {
		return nil, nil, notFound("L'obiettivo richiesto non esiste in questo ciclo.")
	}
	return ce, o, nil
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

// objectiveRecord is an objective as its form shows it, by the store's
// field names.
func objectiveRecord(o *plan.Objective) stored {
	f, l := objectiveFormOf(o), pages.ObjectiveLabels
	return stored{version: o.Version, fields: []recordField{
		{"section", l["section"], f.Section},
		{"number", l["number"], f.Number},
		{"title", l["title"], f.Title},
		{"strategic_area", l["strategic_area"], f.StrategicArea},
		{"operational_objective", l["operational_objective"], f.OperationalObjective},
		{"peg_project", l["peg_project"], f.PEGProject},
		{"services", l["services"], f.Services},
		{"end_users", l["end_users"], f.EndUsers},
		{"networks", l["networks"], f.Networks},
		{"description_html", l["description_html"], f.DescriptionHTML},
		{"weight", l["weight"], f.Weight},
		{"group_id", l["group"], f.Group},
	}}
}

// parseObjective reads the form into an objective, checking it by the plan's rules.
func (s *Server) parseObjective(r *http.Request, errs components.FieldErrors) (pages.ObjectiveForm, *plan.Objective) {
	f := pages.ObjectiveForm{
		Section:              strings.TrimSpace(r.PostFormValue("section")),
		Number:               strings.TrimSpace(r.PostFormValue("number")),
		Title:                names.Clean(r.PostFormValue("title")),
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
		errs["number"] = fmt.Sprintf("Inserire un numero intero da 1 a %d.", plan.MaxObjectiveNumber)
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

// objectiveForm serves the form of an objective, new (rec nil) or to edit;
// save writes the objective as read. A refusal by the store is shown on the
// number, the field a duplicate is about.
func (s *Server) objectiveForm(w http.ResponseWriter, r *http.Request, v pages.ObjectiveFormView, rec *stored, save func(store.Change, *plan.Objective) (to, flash string, err error)) error {
	var o *plan.Objective
	f := planForm{
		page:     func() templ.Component { return pages.ObjectiveEdit(v) },
		approved: v.Approved,
		errs:     v.Errors,
		read: func(on, reason string) {
			v.Form, o = s.parseObjective(r, v.Errors)
			v.Form.VariationOn, v.Form.VariationReason = on, reason
		},
		save:          func(ch store.Change) (string, string, error) { return save(ch, o) },
		conflictField: onField("number"),
	}
	if rec != nil {
		f.edit, f.record = &v.Edit, *rec
	}
	return s.servePlanForm(w, r, f)
}

func (s *Server) objectiveNew(w http.ResponseWriter, r *http.Request) error {
	c, ce, err := s.centreTarget(r)
	if err != nil {
		return err
	}
	v := pages.ObjectiveFormView{
		Heading:    "Nuovo obiettivo",
		Crumbs:     cycleCrumbs(c.Year, layout.Crumb{Label: "Nuovo obiettivo di " + ce.Name}),
		CentreName: ce.Name,
		Action:     fmt.Sprintf("%s/centri/%d/obiettivi/nuovo", paths.Cycle(c.Year), ce.ID),
		Cancel:     paths.Cycle(c.Year),
		Approved:   c.Approved(),
		Groups:     groupsOf(c),
		Errors:     components.FieldErrors{},
		Form:       pages.ObjectiveForm{Section: "Obiettivi di performance", Number: strconv.Itoa(len(ce.Objectives) + 1)},
	}
	return s.objectiveForm(w, r, v, nil, func(ch store.Change, o *plan.Objective) (string, string, error) {
		id, err := s.store.CreateObjective(r.Context(), ch, ce.ID, o)
		return paths.Objective(c.Year, id), "Obiettivo creato.", err
	})
}

func (s *Server) objectiveEdit(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, err := s.objectiveTarget(r)
	if err != nil {
		return err
	}
	back := paths.Objective(c.Year, o.ID)
	v := pages.ObjectiveFormView{
		Heading:    fmt.Sprintf("Modifica obiettivo %d", o.Number),
		Crumbs:     objectiveCrumbs(c.Year, ce, o, "Modifica"),
		CentreName: ce.Name,
		Action:     back + "/modifica",
		Cancel:     back,
		Approved:   c.Approved(),
		Groups:     groupsOf(c),
		Errors:     components.FieldErrors{},
		Form:       objectiveFormOf(o),
	}
	rec := objectiveRecord(o)
	return s.objectiveForm(w, r, v, &rec, func(ch store.Change, updated *plan.Objective) (string, string, error) {
		return back, "Obiettivo aggiornato.", s.store.UpdateObjective(r.Context(), ch, o.ID, updated)
	})
}

func (s *Server) objectiveDelete(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, err := s.objectiveTarget(r)
	if err != nil {
		return err
	}
	back := paths.Objective(c.Year, o.ID)
	values := 0
	for _, in := range o.Indicators {
		values += len(in.Values)
	}
	v := pages.DeleteView{
		Heading:  fmt.Sprintf("Eliminare l'obiettivo %d di %s?", o.Number, ce.Name),
		Crumbs:   objectiveCrumbs(c.Year, ce, o, "Elimina"),
		What:     fmt.Sprintf("l'obiettivo %d «%s»", o.Number, o.Title),
		Action:   back + "/elimina",
		Cancel:   back,
		Approved: c.Approved(),
		Errors:   components.FieldErrors{},
		Consequences: nonZero(
			count(len(o.Activities), "attività", "attività"),
			count(len(o.Indicators), "indicatore", "indicatori"),
			count(values, "valore consuntivo", "valori consuntivi"),
			count(len(o.Reports), "report di monitoraggio", "report di monitoraggio"),
		),
	}
	return s.confirmDelete(w, r, v, s.store.DeleteObjective, o.ID, objectiveRecord(o), paths.Cycle(c.Year), "Obiettivo eliminato.")
}

func (s *Server) objectiveMove(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, err := s.objectiveTarget(r)
	if err != nil {
		return err
	}
	return s.movePlanItem(w, r, s.store.MoveObjective, o.ID, paths.Centre(c.Year, ce.ID))
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
