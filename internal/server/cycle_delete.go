package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"traguardo/internal/format"

	"traguardo/internal/auth"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/layout"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// Removing a monitoring period or a whole cycle, after confirmation.

// confirmed reports whether the removal was confirmed with its button.
func confirmed(r *http.Request, errs components.FieldErrors) {
	if r.PostFormValue("conferma") != "si" {
		errs[""] = "Confermare l'eliminazione con il pulsante «Elimina»."
	}
}

func (s *Server) periodDelete(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	pid, err := idParam(r, "pid")
	if err != nil {
		return err
	}
	i := slices.IndexFunc(c.Periods, func(p plan.Period) bool { return p.ID == pid })
	if i < 0 {
		return notFound("Il periodo richiesto non esiste in questo ciclo.")
	}
	p := c.Periods[i]
	n, err := s.store.PeriodData(r.Context(), p.ID)
	if err != nil {
		return err
	}
	back := paths.Cycle(c.Year) + "/impostazioni"
	v := pages.RemovalView{
		Heading:      fmt.Sprintf("Eliminare il periodo del %s?", format.Date(p.EndsOn)),
		Crumbs:       cycleCrumbs(c.Year, layout.Crumb{Label: "Impostazioni", Href: back}, layout.Crumb{Label: "Elimina periodo"}),
		What:         fmt.Sprintf("il periodo di monitoraggio che termina il %s", format.Date(p.EndsOn)),
		Consequences: periodConsequences(n),
		Action:       fmt.Sprintf("%s/periodi/%d/elimina", paths.Cycle(c.Year), p.ID),
		Cancel:       back,
		Approved:     c.Approved(),
		Errors:       components.FieldErrors{},
	}
	if len(c.Periods) == 1 {
		v.Blocked = "È l'unico periodo del ciclo: un ciclo deve avere almeno un periodo di monitoraggio."
	}
	if r.Method != http.MethodGet && v.Blocked != "" {
		return &store.Conflict{Message: v.Blocked}
	}
	return s.confirmRemoval(w, r, v, s.store.DeletePeriod, p.ID, nil, back, fmt.Sprintf("Periodo del %s eliminato.", format.Date(p.EndsOn)))
}

// planData counts the plan and the data of a cycle, for the pages that
// confirm a removal.
func planData(centres []*plan.Centre) []string {
	var objectives, activities, indicators, values, progress, reports int
	for _, ce := range centres {
		objectives += len(ce.Objectives)
		for _, o := range ce.Objectives {
			activities += len(o.Activities)
			indicators += len(o.Indicators)
			reports += len(o.Reports)
			for _, a := range o.Activities {
				progress += len(a.Progress)
			}
			for _, in := range o.Indicators {
				values += len(in.Values)
			}
		}
	}
	return nonZero(
		count(objectives, "obiettivo", "obiettivi"),
		count(activities, "attività", "attività"),
		count(indicators, "indicatore", "indicatori"),
		count(values, "valore consuntivo", "valori consuntivi"),
		count(progress, "consuntivo di un'attività", "consuntivi delle attività"),
		count(reports, "report di monitoraggio", "report di monitoraggio"),
	)
}

func (s *Server) cycleDelete(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	y := strconv.Itoa(c.Year)
	v := pages.RemovalView{
		Heading: "Eliminare il ciclo " + y + "?",
		Crumbs:  cycleCrumbs(c.Year, layout.Crumb{Label: "Elimina"}),
		What:    "il ciclo " + y + ", con il suo piano e tutti i dati rilevati",
		Consequences: append(nonZero(
			count(len(c.Periods), "periodo di monitoraggio", "periodi di monitoraggio"),
			count(len(c.Centres), "centro di responsabilità del ciclo", "centri di responsabilità del ciclo")),
			planData(c.Centres)...),
		Note:        "I centri restano nell'elenco dell'ente, per gli altri cicli e per gli account dei responsabili.",
		Action:      paths.Cycle(c.Year) + "/elimina",
		Cancel:      paths.Cycle(c.Year),
		ConfirmYear: y,
		Errors:      components.FieldErrors{},
	}
	if c.Approved() {
		v.Blocked = "Il piano " + y + " è approvato (" + pages.ApprovalLabel(c.ApprovalAct, c.ApprovedOn) + "): il ciclo non si può eliminare."
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ConfirmRemoval(v))
		return nil
	}
	if v.Blocked != "" {
		return &store.Conflict{Message: v.Blocked}
	}
	v.Typed = strings.TrimSpace(r.PostFormValue("conferma_anno"))
	if v.Typed != y {
		v.Errors["conferma_anno"] = "Per confermare, scrivere l'anno del ciclo: " + y + "."
	}
	if len(v.Errors) == 0 {
		if err := s.store.DeleteCycle(r.Context(), actor(auth.UserFrom(r.Context())), c.Year); err != nil {
			return err
		}
		s.seeOther(w, r, "/", "Ciclo "+y+" eliminato.")
		return nil
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ConfirmRemoval(v))
	return nil
}
