package report

import (
	"bytes"
	"context"
	"io"
	"strconv"

	"traguardo/internal/domain"
	"traguardo/internal/format"
)

// MonitoringHTML writes the mid-year report m as one HTML document.
func MonitoringHTML(ctx context.Context, w io.Writer, m *Monitoring, o MonitoringOptions) error {
	return monitoringDocument(m, o).Render(ctx, w)
}

// sentText is the cover's line of the latest sending.
func sentText(s MonitoringSending) string {
	text := "Inviato al Nucleo di Valutazione il " + format.Date(s.SentOn) + " da " + s.SentBy
	if s.Number > 1 {
		text += " (invio n. " + strconv.Itoa(s.Number) + ")"
	}
	return text + "."
}

// bandText is " – " and the band, empty for none.
func bandText(b domain.Band) string {
	if b == "" {
		return ""
	}
	return " – " + string(b)
}

// timesText is when a late activity was planned and done: "prevista
// Aprile, effettiva Giugno", or "prevista Aprile, non ancora svolta"
// when it has no actual time (domain.Span.IsEmpty: not done yet).
func timesText(a LateActivity) string {
	if a.Actual == "" {
		return "prevista " + a.Planned + ", non ancora svolta"
	}
	return "prevista " + a.Planned + ", effettiva " + a.Actual
}

func unsentText(n int) string {
	if n == 1 {
		return "Il grado dell'ente comprende un centro con dati non ancora inviati al direttore."
	}
	return "Il grado dell'ente comprende " + strconv.Itoa(n) + " centri con dati non ancora inviati al direttore."
}

// MonitoringPrintable is the mid-year report m as a paged HTML document
// with the report's title and "Pagina X di Y" at the foot of every page
// (and the notice of provisional figures at the head).
func MonitoringPrintable(ctx context.Context, m *Monitoring) (Printable, error) {
	var doc bytes.Buffer
	if err := MonitoringHTML(ctx, &doc, m, MonitoringOptions{Paged: true}); err != nil {
		return Printable{}, err
	}
	return Printable{HTML: doc.Bytes(), Header: m.Provisional(), Footer: m.Title() + " · " + m.Organisation}, nil
}

// MonitoringPDF is the mid-year report m printed to an A4 PDF by the queue
// d, in lane.
func (d *Documents) MonitoringPDF(ctx context.Context, m *Monitoring, lane Lane) ([]byte, error) {
	pr, err := MonitoringPrintable(ctx, m)
	if err != nil {
		return nil, err
	}
	return d.PrintHTML(ctx, pr, lane)
}
