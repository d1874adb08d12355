package server

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/auth"
	"traguardo/internal/format"
	"traguardo/internal/report"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The mid-year monitoring report ("Monitoraggio intermedio", art. 6 D.Lgs.
// 150/2009): the cycle evaluated at a period as the dashboard evaluates it
// (evaluateAt), formatted by report.Monitoring; the director sends it to
// the Nucleo, frozen as PDF; the Nucleo records its observations.

// midYearPeriod is the period the request names (?periodo=, or the form's
// periodo), zero for the default; an Italian 404 for a day that is not a
// date.
func midYearPeriod(value string) (time.Time, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}, nil
	}
	day, err := time.Parse(time.DateOnly, value)
	if err != nil {
		return time.Time{}, notFound("Periodo non valido: indicare la data di fine di un periodo di monitoraggio del ciclo (aaaa-mm-gg).")
	}
	return day, nil
}

// buildMidYear assembles the mid-year report of the URL's cycle at the
// period value names: the cycle read, evaluated at the period as the
// dashboard evaluates it (evaluateAt), and the report's inputs.
func (s *Server) buildMidYear(r *http.Request, value string) (*report.Monitoring, error) {
	day, err := midYearPeriod(value)
	if err != nil {
		return nil, err
	}
	c, err := s.loadCycle(r)
	if err != nil {
		return nil, err
	}
	day, ok := report.MonitoringPeriod(c, day)
	if !ok {
		return nil, notFound(sentence((&report.PeriodError{Year: c.Year, Day: day}).Error()) + ".")
	}
	today := s.today()
	if err := evaluateAt(c, day.Format(time.DateOnly), today); err != nil {
		return nil, err
	}
	in, err := report.ReadMonitoringInputs(r.Context(), s.store, c.Year)
	if err != nil {
		return nil, err
	}
	return report.AssembleMonitoring(c, in, s.policy, today), nil
}

// midYearShow is the mid-year report as one HTML document, with its
// toolbar: the periods, the PDF, the director's sending, the Nucleo's
// observations.
func (s *Server) midYearShow(w http.ResponseWriter, r *http.Request) error {
	m, err := s.buildMidYear(r, r.URL.Query().Get("periodo"))
	if err != nil {
		return err
	}
	u := auth.UserFrom(r.Context())
	o := report.MonitoringOptions{StyleHref: "/static/" + report.StylePath,
		Back: paths.AsOfOrPlain(paths.Dashboard(m.Year), m.Period), PDF: paths.MidYearPDF(m.Year, m.Period),
		SendingPDF: func(id int64) string { return paths.MidYearSendingPDF(m.Year, id) }}
	for _, day := range m.Periods {
		l := report.Link{Label: format.Date(day)}
		if !day.Equal(m.Period) {
			l.Href = paths.MidYear(m.Year, day)
		}
		o.Periods = append(o.Periods, l)
	}
	if auth.Allowed(u, auth.SendReport, 0) {
		o.Send = paths.MidYearSend(m.Year)
	}
	if auth.Allowed(u, auth.Comment, 0) && len(m.Sendings) > 0 {
		o.Observe = paths.MidYearObserve(m.Year, m.Period)
	}
	o.Flash = s.popFlash(w, r)
	var b bytes.Buffer
	if err := report.MonitoringHTML(r.Context(), &b, m, o); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b.Bytes())
	return err
}

// midYearPDF is the mid-year report as PDF, by the documents' queue.
func (s *Server) midYearPDF(w http.ResponseWriter, r *http.Request) error {
	m, err := s.buildMidYear(r, r.URL.Query().Get("periodo"))
	if err != nil {
		return err
	}
	b, err := s.docs.MonitoringPDF(r.Context(), m, documentLane(r))
	if errors.Is(err, report.ErrNoChromium) {
		return missingTool("PDF", report.InstallChromium)
	}
	if err != nil {
		return err
	}
	sendFile(w, "application/pdf", fmt.Sprintf("monitoraggio-intermedio-%s.pdf", m.Period.Format(time.DateOnly)), b)
	return nil
}

// midYearSendingPDF serves the frozen PDF of a sending of the mid-year
// report ({n}: the sending's identifier, see paths.MidYearSendingPDF) byte
// for byte, with its SHA-256 in the headers (serveFrozen, as the
// Relazione's versions); 404 for a sending the cycle does not have.
func (s *Server) midYearSendingPDF(w http.ResponseWriter, r *http.Request) error {
	year, okY := yearText(chi.URLParam(r, "year"))
	id, okN := parseID(chi.URLParam(r, "n"))
	if !okY || !okN {
		return notFound("L'invio richiesto non esiste.")
	}
	m, pdf, err := s.store.MonitoringPDF(r.Context(), year, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("L'invio richiesto non esiste.")
	}
	if err != nil {
		return err
	}
	name := fmt.Sprintf("monitoraggio-intermedio-%s-invio-%d.pdf", m.Period.Format(time.DateOnly), m.Number)
	serveFrozen(w, r, store.ReportFile{Bytes: pdf, SHA256: m.PDFSHA256}, name, "private")
	return nil
}

// midYearSend sends the mid-year report of the form's period to the
// Nucleo: printed now (the director's lane), frozen with its SHA-256, the
// Nucleo notified (and mailed).
func (s *Server) midYearSend(w http.ResponseWriter, r *http.Request) error {
	m, err := s.buildMidYear(r, r.PostFormValue("periodo"))
	if err != nil {
		return err
	}
	pdf, err := s.docs.MonitoringPDF(r.Context(), m, report.PriorityLane)
	if errors.Is(err, report.ErrNoChromium) {
		return missingTool("PDF", report.InstallChromium)
	}
	if err != nil {
		return err
	}
	page := paths.MidYear(m.Year, m.Period)
	n, ids, err := s.store.SendMonitoring(r.Context(), actor(auth.UserFrom(r.Context())), m.Year, m.Period, pdf, page)
	if err != nil {
		return err
	}
	s.mailNotifications(ids)
	msg := "Monitoraggio intermedio al " + format.Date(m.Period) + " inviato al Nucleo di Valutazione."
	if n > 1 {
		msg = fmt.Sprintf("Monitoraggio intermedio al %s inviato di nuovo al Nucleo di Valutazione (invio n. %d).", format.Date(m.Period), n)
	}
	s.seeOther(w, r, page, msg)
	return nil
}

// midYearObserve is the Nucleo's form of its observations on the mid-year
// report of a period (?periodo=, or the form's): rich text, sanitised by
// the project's policy, recorded on the period's latest sending; the
// directors are notified.
func (s *Server) midYearObserve(w http.ResponseWriter, r *http.Request) error {
	value := r.URL.Query().Get("periodo")
	if r.Method == http.MethodPost {
		value = r.PostFormValue("periodo")
	}
	m, err := s.buildMidYear(r, value)
	if err != nil {
		return err
	}
	v := pages.MidYearObserveView{Year: m.Year, Period: format.Date(m.Period), PeriodValue: m.Period.Format(time.DateOnly),
		Sent: len(m.Sendings) > 0, Action: paths.MidYearObserve(m.Year, time.Time{}), Report: paths.MidYear(m.Year, m.Period),
		Errors: components.FieldErrors{}}
	if v.Sent {
		v.SentOn, v.SentBy = format.Date(m.Sendings[0].SentOn), m.Sendings[0].SentBy
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.MidYearObserve(v))
		return nil
	}
	if !v.Sent {
		return &store.Conflict{Message: "il monitoraggio intermedio al " + v.Period + " non è stato inviato al Nucleo: il direttore deve prima inviarlo"}
	}
	v.Body = strings.TrimSpace(r.PostFormValue("body_html"))
	clean := s.policy.Sanitize(v.Body)
	_, ids, err := s.store.ObserveMonitoring(r.Context(), actor(auth.UserFrom(r.Context())), m.Year, m.Period, clean, v.Report+"#osservazioni")
	if err == nil {
		s.mailNotifications(ids)
		s.seeOther(w, r, v.Report+"#osservazioni", "Osservazioni registrate.")
		return nil
	}
	if field := namedField(err, nil); field == "" || !storeConflict(err, v.Errors, field) {
		return err
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.MidYearObserve(v))
	return nil
}
