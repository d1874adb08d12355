package server

import (
	"fmt"
	"net/http"

	"traguardo/internal/auth"
	"traguardo/web/paths"
)

// Carrying a cycle's plan over to the next year.

func (s *Server) cycleCarryOver(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	to, err := s.store.CarryOver(r.Context(), actor(auth.UserFrom(r.Context())), year)
	if err != nil {
		return err
	}
	s.seeOther(w, r, paths.Cycle(to), fmt.Sprintf(
		"Piano %d riportato nel ciclo %d: centri, obiettivi, attività (con i mesi spostati di un anno) e indicatori con i valori attesi; nessun dato rilevato. Il nuovo piano non è approvato.",
		year, to))
	return nil
}
