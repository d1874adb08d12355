package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/a-h/templ"

	"traguardo/internal/domain"
	"traguardo/internal/names"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/layout"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The centres of responsibility of a cycle: add, edit, reorder, remove.

// centreTarget loads the cycle of the URL and its centre {centre} (the
// centre's row in the cycle).
func (s *Server) centreTarget(r *http.Request) (*plan.Cycle, *plan.Centre, error) {
	c, err := s.loadCycle(r)
	if err != nil {
		return nil, nil, err
	}
	raw, err := idParam(r, "centre")
	if err != nil {
		return nil, nil, err
	}
	id := domain.CycleCentreID(raw)
	i := slices.IndexFunc(c.Centres, func(ce *plan.Centre) bool { return ce.ID == id })
	if i < 0 {
		return nil, nil, notFound("Il centro richiesto non esiste in questo ciclo.")
	}
	return c, c.Centres[i], nil
}

// parseCentre reads the centre form, checking it.
func parseCentre(r *http.Request, errs components.FieldErrors) pages.CentreForm {
	f := pages.CentreForm{
		Name:    names.Clean(r.PostFormValue("name")),
		Manager: names.Clean(r.PostFormValue("manager")),
	}
	addFieldErrors(errs, (&plan.Centre{Name: f.Name, Manager: f.Manager}).Validate())
	return f
}

// centreRecord is a centre of a cycle as its form shows it, by the store's
// field names.
func centreRecord(ce *plan.Centre) stored {
	l := pages.CentreLabels
	return stored{version: ce.Version, fields: []recordField{
		{"name", l["name"], ce.Name},
		{"manager", l["manager"], ce.Manager},
	}}
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

// centreForm serves the form of a centre, new (rec nil) or to edit; save
// writes the centre as read. A refusal by the store is shown on the name,
// the field a duplicate is about.
func (s *Server) centreForm(w http.ResponseWriter, r *http.Request, v pages.CentreFormView, rec *stored, save func(store.Change, pages.CentreForm) (to, flash string, err error)) error {
	f := planForm{
		page:     func() templ.Component { return pages.CentreEdit(v) },
		approved: v.Approved,
		errs:     v.Errors,
		read: func(on, reason string) {
			v.Form = parseCentre(r, v.Errors)
			v.Form.VariationOn, v.Form.VariationReason = on, reason
		},
		save:          func(ch store.Change) (string, string, error) { return save(ch, v.Form) },
		conflictField: onField("name"),
	}
	if rec != nil {
		f.edit, f.record = &v.Edit, *rec
	}
	return s.servePlanForm(w, r, f)
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
		Action:   paths.Cycle(c.Year) + "/centri/nuovo",
		Cancel:   paths.Cycle(c.Year),
		Approved: c.Approved(),
		Known:    known,
		Errors:   components.FieldErrors{},
	}
	return s.centreForm(w, r, v, nil, func(ch store.Change, f pages.CentreForm) (string, string, error) {
		id, err := s.store.CreateCentre(r.Context(), ch, c.Year, f.Name, f.Manager)
		return paths.CentreAnchor(c.Year, id), "Centro di responsabilità aggiunto.", err
	})
}

func (s *Server) centreEdit(w http.ResponseWriter, r *http.Request) error {
	c, ce, err := s.centreTarget(r)
	if err != nil {
		return err
	}
	back := paths.CentreAnchor(c.Year, ce.ID)
	v := pages.CentreFormView{
		Heading:  "Modifica " + ce.Name,
		Crumbs:   cycleCrumbs(c.Year, layout.Crumb{Label: ce.Name, Href: back}, layout.Crumb{Label: "Modifica"}),
		Action:   paths.Centre(c.Year, ce.ID) + "/modifica",
		Cancel:   back,
		Approved: c.Approved(),
		Form:     pages.CentreForm{Name: ce.Name, Manager: ce.Manager},
		Errors:   components.FieldErrors{},
	}
	rec := centreRecord(ce)
	return s.centreForm(w, r, v, &rec, func(ch store.Change, f pages.CentreForm) (string, string, error) {
		if f.Name == ce.Name && f.Manager == ce.Manager {
			return back, "Nessuna modifica da salvare.", nil
		}
		return back, "Centro di responsabilità aggiornato.", s.store.UpdateCentre(r.Context(), ch, ce.ID, f.Name, f.Manager)
	})
}

func (s *Server) centreDelete(w http.ResponseWriter, r *http.Request) error {
	c, ce, err := s.centreTarget(r)
	if err != nil {
		return err
	}
	v := pages.RemovalView{
		Heading:      fmt.Sprintf("Eliminare %s dal ciclo %d?", ce.Name, c.Year),
		Crumbs:       cycleCrumbs(c.Year, layout.Crumb{Label: ce.Name, Href: paths.CentreAnchor(c.Year, ce.ID)}, layout.Crumb{Label: "Elimina"}),
		What:         fmt.Sprintf("il centro di responsabilità %s dal ciclo %d", ce.Name, c.Year),
		Consequences: planData([]*plan.Centre{ce}),
		Note:         "Il centro resta nell'elenco dell'ente, per gli altri cicli e per gli account dei suoi responsabili.",
		Action:       paths.Centre(c.Year, ce.ID) + "/elimina",
		Cancel:       paths.CentreAnchor(c.Year, ce.ID),
		Approved:     c.Approved(),
		Errors:       components.FieldErrors{},
	}
	rec := centreRecord(ce)
	del := func(ctx context.Context, ch store.Change, id int64) error {
		return s.store.DeleteCentre(ctx, ch, domain.CycleCentreID(id))
	}
	return s.confirmRemoval(w, r, v, del, int64(ce.ID), &rec, paths.Cycle(c.Year), ce.Name+" eliminato dal ciclo.")
}

func (s *Server) centreMove(w http.ResponseWriter, r *http.Request) error {
	c, ce, err := s.centreTarget(r)
	if err != nil {
		return err
	}
	move := func(ctx context.Context, ch store.Change, id int64, delta int) error {
		return s.store.MoveCentre(ctx, ch, domain.CycleCentreID(id), delta)
	}
	return s.movePlanItem(w, r, move, int64(ce.ID), paths.CentreAnchor(c.Year, ce.ID))
}
