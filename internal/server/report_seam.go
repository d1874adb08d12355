package server

// Where the Relazione's lifecycle (sending, validation, freezing,
// publication) meets the Relazione itself (internal/report): what the
// coherence check finds open when the director sends it, and the PDF that a
// validation freezes, with the act being recorded as its section 4.

import (
	"context"

	"traguardo/internal/report"
)

// reportOpenPoints is the coherence check of the Relazione of year
// (report.Check), one line per open point: what the director confirms when
// sending the report with points still open. Empty when nothing is open.
func (s *Server) reportOpenPoints(ctx context.Context, year int) ([]string, error) {
	m, err := report.Build(ctx, s.store, year)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range report.Check(m) {
		out = append(out, p.Where+": "+p.Text)
	}
	return out, nil
}

// renderReportPDF prints the Relazione of year as it stands, with val as
// its section 4 (the act being recorded) and the Nucleo's comments on
// version number as its observations, in the documents' priority lane; it
// returns the observations printed, to freeze with the PDF.
func (s *Server) renderReportPDF(ctx context.Context, year, number int, val *report.Validation) ([]byte, []report.Observation, error) {
	m, err := report.Build(ctx, s.store, year)
	if err != nil {
		return nil, nil, err
	}
	comments, err := s.store.ReportComments(ctx, year)
	if err != nil {
		return nil, nil, err
	}
	m.Validation = val
	m.Observations = report.ObservationsOf(m.Cycle, comments, number)
	pdf, err := s.docs.PDF(ctx, m, report.PriorityLane)
	return pdf, m.Observations, err
}
