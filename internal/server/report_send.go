package server

import (
	"net/http"
	"strconv"

	"traguardo/internal/auth"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// reportSend serves the director's sending of the Relazione to the Nucleo:
// GET shows the coherence check's open points; POST sends, but when points
// are open only with the confirmation ticked (else 422, the page again).
// A version already waiting, or a plan not approved, is refused (409).
func (s *Server) reportSend(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	versions, err := s.store.ReportVersions(r.Context(), c.Year)
	if err != nil {
		return err
	}
	if !c.Approved() {
		return &store.Conflict{Message: "il piano non è approvato: la relazione si invia sul piano approvato"}
	}
	if pendingVersion(versions) != nil {
		return &store.Conflict{Message: "la relazione è già stata inviata ed è in attesa della decisione del Nucleo"}
	}
	points, err := s.reportOpenPoints(r.Context(), c.Year)
	if err != nil {
		return err
	}
	v := pages.ReportSendView{Year: c.Year, OpenPoints: points, Resend: len(versions) > 0,
		Action: paths.ValidationSend(c.Year), Cancel: paths.Validation(c.Year), Errors: components.FieldErrors{}}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ReportSend(v))
		return nil
	}
	v.Confirmed = r.PostFormValue("confirm") == "si"
	if len(points) > 0 && !v.Confirmed {
		v.Errors["confirm"] = "Ci sono " + strconv.Itoa(len(points)) + " punti aperti: per inviare comunque la relazione, confermare l'invio."
		s.render(w, r, http.StatusUnprocessableEntity, pages.ReportSend(v))
		return nil
	}
	n, ids, err := s.store.SendReport(r.Context(), actor(auth.UserFrom(r.Context())), c.Year, points, paths.Validation(c.Year))
	if err != nil {
		return err
	}
	s.mailNotifications(ids)
	s.seeOther(w, r, paths.Validation(c.Year), "Relazione inviata al Nucleo di Valutazione (versione "+strconv.Itoa(n)+").")
	return nil
}
