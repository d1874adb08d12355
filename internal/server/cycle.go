package server

import (
	"bytes"
	"fmt"
	"net/http"
	"traguardo/internal/format"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/auth"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	// A manager's work is in his or her areas: land there.
	if u := auth.UserFrom(r.Context()); u != nil && u.Role == auth.Manager {
		http.Redirect(w, r, paths.MyAreas, http.StatusSeeOther)
		return nil
	}
	cycles, err := s.store.ListCycles(r.Context())
	if err != nil {
		return err
	}
	v := pages.HomeView{May: rights(r)}
	for _, c := range cycles {
		v.Cycles = append(v.Cycles, pages.CycleCard{Year: c.Year, Organisation: c.Organisation, ApprovalAct: c.ApprovalAct,
			Centres: c.Centres, Objectives: c.Objectives})
	}
	s.render(w, r, http.StatusOK, pages.Home(v))
	return nil
}

// loadCycle reads the cycle named by the {year} URL parameter.
func (s *Server) loadCycle(r *http.Request) (*plan.Cycle, error) {
	year, err := yearParam(r)
	if err != nil {
		return nil, err
	}
	return s.store.LoadCycle(r.Context(), year)
}

func (s *Server) cycleShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	if err := s.evaluateAsOf(r, c); err != nil {
		return err
	}
	// The Relazione's state and the legal calendar (report_lifecycle.go).
	versions, err := s.store.ReportVersions(r.Context(), c.Year)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.Cycle(pages.CycleView{Cycle: c, May: rights(r), AsOf: chosenPeriod(r, c),
		Deadlines: cycleDeadlines(c, versions, s.today()), Report: reportState(versions).Label()}))
	return nil
}

func (s *Server) cycleExport(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := interchange.Encode(&buf, c, s.today()); err != nil {
		return err
	}
	sendFile(w, "application/json; charset=utf-8", fmt.Sprintf("traguardo-%d.json", c.Year), buf.Bytes())
	return nil
}

func (s *Server) objectiveShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	id, ok := parseID(chi.URLParam(r, "id"))
	if !ok {
		return notFound("Obiettivo non valido.")
	}
	ce, o, ok := c.ObjectiveByID(id)
	if !ok {
		return notFound("L'obiettivo richiesto non esiste in questo ciclo.")
	}
	if err := s.evaluateAsOf(r, c); err != nil {
		return err
	}
	v := pages.ObjectiveView{Year: c.Year, Cycle: c, May: rights(r), AsOf: chosenPeriod(r, c), Centre: ce, Objective: o, Description: s.policy.Sanitize(o.DescriptionHTML),
		History: objectiveHistory(c, ce, o, s.today()), Gantt: objectiveGantt(c, o)}
	if p, ok := c.PeriodAt(c.AsOf); ok {
		u := auth.UserFrom(r.Context())
		switch {
		case auth.Allowed(u, auth.WriteProgress, ce.CentreID):
			v.ProgressHref, v.ProgressLabel = paths.Progress(c.Year, o.ID, p.ID), "Inserisci l'avanzamento al "+format.Date(p.EndsOn)
		case auth.Allowed(u, auth.ApprovePlan, 0):
			v.ProgressHref, v.ProgressLabel = paths.Progress(c.Year, o.ID, p.ID), "Correggi l'avanzamento al "+format.Date(p.EndsOn)
		}
	}
	prev, pce, err := s.previousYear(r.Context(), c, ce)
	if err != nil {
		return err
	}
	if prev != nil {
		v.PreviousYear, v.Previous = prev.Year, previousResult(prev, pce, o)
	}
	for _, rep := range o.Reports {
		v.Reports = append(v.Reports, pages.ReportView{
			ID:       reportID(rep.Period),
			Title:    "Report al " + format.Date(rep.Period),
			Status:   string(rep.Status),
			TextHTML: s.policy.Sanitize(rep.TextHTML),
		})
	}
	s.render(w, r, http.StatusOK, pages.Objective(v))
	return nil
}
