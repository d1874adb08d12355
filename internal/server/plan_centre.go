package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/layout"
	"traguardo/web/pages"
)

// The centres of responsibility of a cycle: add, edit, reorder, remove.

// centreTarget loads the cycle of the URL and its centre {centre} (the
// centre's row in the cycle).
func (s *Server) centreTarget(r *http.Request) (*plan.Cycle, *plan.Centre, error) {
	c, err := s.loadCycle(r)
	if err != nil {
		return nil, nil, err
	}
	id, err := idParam(r, "centre")
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(c.Centres, func(ce *plan.Centre) bool { return ce.ID == id })
	if i < 0 {
		return nil, nil, notFound("Il centro richiesto non esiste in questo ciclo.")
	}
	return c, c.Centres[i], nil
}

func centreURL(year int, id int64) string { return fmt.Sprintf("%s/centri/%d", cycleURL(year), id) }

// centreAnchor is the centre's section on the cycle page.
func centreAnchor(year int, id int64) string { return fmt.Sprintf("%s#centro-%d", cycleURL(year), id) }

// parseCentre reads the centre form, checking it.
func parseCentre(r *http.Request, errs components.FieldErrors) pages.CentreForm {
	f := pages.CentreForm{
		Name:    strings.Join(strings.Fields(r.PostFormValue("name")), " "),
		Manager: strings.Join(strings.Fields(r.PostFormValue("manager")), " "),
	}
	if err := store.CheckCentreName(f.Name); err != nil {
		errs["name"] = sentence(err.Error())
	}
	if utf8.RuneCountInString(f.Manager) > 200 {
		errs["manager"] = "Il nome del responsabile può avere al più 200 caratteri."
	}
	return f
}

// knownCentres lists the organisation's centres that the cycle lacks.
func (s *Server) knownCentres(r *http.Request, c *plan.Cycle) ([]string, error) {
	all, err := s.store.ListCentres(r.Context())
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range all {
		if !slices.ContainsFunc(c.Centres, func(ce *plan.Centre) bool { return ce.CentreID == k.ID }) {
			out = append(out, k.Name)
		}
	}
	return out, nil
}

func (s *Server) centreNew(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	known, err := s.knownCentres(r, c)
	if err != nil {
		return err
	}
	v := pages.CentreFormView{
		Heading:  fmt.Sprintf("Nuovo centro di responsabilità nel ciclo %d", c.Year),
		Crumbs:   cycleCrumbs(c.Year, layout.Crumb{Label: "Nuovo centro"}),
		Action:   cycleURL(c.Year) + "/centri/nuovo",
		Cancel:   cycleURL(c.Year),
		Approved: c.ApprovalAct != "",
		Known:    known,
		Errors:   components.FieldErrors{},
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.CentreEdit(v))
		return nil
	}
	v.Form = parseCentre(r, v.Errors)
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.Form.VariationOn, v.Form.VariationReason = on, reason
	if len(v.Errors) == 0 {
		id, err := s.store.CreateCentre(r.Context(), change(r, variation), c.Year, v.Form.Name, v.Form.Manager)
		if err == nil {
			s.seeOther(w, r, centreAnchor(c.Year, id), "Centro di responsabilità aggiunto.")
			return nil
		}
		if !storeConflict(err, v.Errors, "name") {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.CentreEdit(v))
	return nil
}

func (s *Server) centreEdit(w http.ResponseWriter, r *http.Request) error {
	c, ce, err := s.centreTarget(r)
	if err != nil {
		return err
	}
	v := pages.CentreFormView{
		Heading:  "Modifica " + ce.Name,
		Crumbs:   cycleCrumbs(c.Year, layout.Crumb{Label: ce.Name, Href: centreAnchor(c.Year, ce.ID)}, layout.Crumb{Label: "Modifica"}),
		Action:   centreURL(c.Year, ce.ID) + "/modifica",
		Cancel:   centreAnchor(c.Year, ce.ID),
		Approved: c.ApprovalAct != "",
		Form:     pages.CentreForm{Name: ce.Name, Manager: ce.Manager},
		Errors:   components.FieldErrors{},
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.CentreEdit(v))
		return nil
	}
	v.Form = parseCentre(r, v.Errors)
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.Form.VariationOn, v.Form.VariationReason = on, reason
	if len(v.Errors) == 0 {
		if v.Form.Name == ce.Name && v.Form.Manager == ce.Manager {
			s.seeOther(w, r, centreAnchor(c.Year, ce.ID), "Nessuna modifica da salvare.")
			return nil
		}
		err := s.store.UpdateCentre(r.Context(), change(r, variation), ce.ID, v.Form.Name, v.Form.Manager)
		if err == nil {
			s.seeOther(w, r, centreAnchor(c.Year, ce.ID), "Centro di responsabilità aggiornato.")
			return nil
		}
		if !storeConflict(err, v.Errors, "name") {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.CentreEdit(v))
	return nil
}

func (s *Server) centreDelete(w http.ResponseWriter, r *http.Request) error {
	c, ce, err := s.centreTarget(r)
	if err != nil {
		return err
	}
	v := pages.RemovalView{
		Heading:      fmt.Sprintf("Eliminare %s dal ciclo %d?", ce.Name, c.Year),
		Crumbs:       cycleCrumbs(c.Year, layout.Crumb{Label: ce.Name, Href: centreAnchor(c.Year, ce.ID)}, layout.Crumb{Label: "Elimina"}),
		What:         fmt.Sprintf("il centro di responsabilità %s dal ciclo %d", ce.Name, c.Year),
		Consequences: planData([]*plan.Centre{ce}),
		Note:         "Il centro resta nell'elenco dell'ente, per gli altri cicli e per gli account dei suoi responsabili.",
		Action:       centreURL(c.Year, ce.ID) + "/elimina",
		Cancel:       centreAnchor(c.Year, ce.ID),
		Approved:     c.ApprovalAct != "",
		Errors:       components.FieldErrors{},
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ConfirmRemoval(v))
		return nil
	}
	confirmed(r, v.Errors)
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.VariationOn, v.VariationReason = on, reason
	if len(v.Errors) == 0 {
		if err := s.store.DeleteCentre(r.Context(), change(r, variation), ce.ID); err != nil {
			return err
		}
		s.seeOther(w, r, cycleURL(c.Year), ce.Name+" eliminato dal ciclo.")
		return nil
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ConfirmRemoval(v))
	return nil
}

func (s *Server) centreMove(w http.ResponseWriter, r *http.Request) error {
	c, ce, err := s.centreTarget(r)
	if err != nil {
		return err
	}
	delta, err := moveDelta(r)
	if err != nil {
		return err
	}
	if err := s.store.MoveCentre(r.Context(), change(r, nil), ce.ID, delta); err != nil {
		return err
	}
	s.seeOther(w, r, centreAnchor(c.Year, ce.ID), "")
	return nil
}
