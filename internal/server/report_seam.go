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
// its section 4 (the act being recorded), in the documents' priority lane.
func (s *Server) renderReportPDF(ctx context.Context, year int, val *report.Validation) ([]byte, error) {
	m, err := report.Build(ctx, s.store, year)
	if err != nil {
		return nil, err
	}
	m.Validation = val
	return s.docs.PDF(ctx, m, report.PriorityLane)
}
