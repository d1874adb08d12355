package server

import (
	"bytes"
	"context"
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

// cycleShow is the cycle's page, kept drawn per data version, day, period
// and rights (kept_views.go). The Relazione's versions (its state and the
// legal calendar) move the cycle's data version (migration 000021): read
// once with the page, kept with it.
func (s *Server) cycleShow(w http.ResponseWriter, r *http.Request) error {
	snap, c, al, err := s.readCycle(r)
	if err != nil {
		return err
	}
	ctx := context.WithoutCancel(r.Context())
	may := rights(r)
	today := s.today()
	k, err := snap.Kept(today, viewKey("cycle", al, may), "", func() (any, error) {
		versions, err := s.store.ReportVersions(ctx, c.Year)
		if err != nil {
			return nil, err
		}
		v := pages.CycleView{Cycle: c, May: may, AsOf: chosen(al, c),
			Deadlines: cycleDeadlines(c, versions, today), Report: reportState(versions).Label()}
		return keepView(pages.CycleFrame(v), pages.CycleMain(v))
	})
	if err != nil {
		return err
	}
	s.renderView(w, r, k.(*keptView))
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

// objectiveShow is an objective's page, kept drawn per data version, day,
// period, rights, entry link and the data version of the cycle before
// (kept_views.go).
func (s *Server) objectiveShow(w http.ResponseWriter, r *http.Request) error {
	// The result of the year before shows: the page is kept for that
	// cycle's data version too.
	snap, c, al, prevVersion, err := s.readCycleAt(r, true)
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
	// The entry form linked: the manager's of the centre, the director's.
	u := auth.UserFrom(r.Context())
	entry := ""
	switch {
	case auth.Allowed(u, auth.WriteProgress, ce.CentreID):
		entry = "Inserisci"
	case auth.Allowed(u, auth.ApprovePlan, 0):
		entry = "Correggi"
	}
	ctx := context.WithoutCancel(r.Context())
	may := rights(r)
	today := s.today()
	k, err := snap.Kept(today, viewKey("objective", al, may, id, entry), prevVersion, func() (any, error) {
		v := pages.ObjectiveView{Year: c.Year, Cycle: c, May: may, AsOf: chosen(al, c), Centre: ce, Objective: o, Description: s.policy.Sanitize(o.DescriptionHTML),
			History: objectiveHistory(c, ce, o, today), Gantt: objectiveGantt(c, o)}
		if p, ok := c.PeriodAt(c.AsOf); ok && entry != "" {
			v.ProgressHref, v.ProgressLabel = paths.Progress(c.Year, o.ID, p.ID), entry+" l'avanzamento al "+format.Date(p.EndsOn)
		}
		prev, pce, err := s.previousYear(ctx, c, ce)
		if err != nil {
			return nil, err
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
		return keepView(pages.ObjectiveFrame(v), pages.ObjectiveMain(v))
	})
	if err != nil {
		return err
	}
	s.renderView(w, r, k.(*keptView))
	return nil
}
