package report

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

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

// MonitoringPDF is the mid-year report m printed to an A4 PDF by the queue
// d, in lane: the paged HTML with the report's title and "Pagina X di Y" at
// the foot of every page (and the notice of provisional figures at the
// head).
func (d *Documents) MonitoringPDF(ctx context.Context, m *Monitoring, lane Lane) ([]byte, error) {
	var doc bytes.Buffer
	if err := MonitoringHTML(ctx, &doc, m, MonitoringOptions{Paged: true}); err != nil {
		return nil, err
	}
	return d.PrintHTML(ctx, doc.Bytes(), m.Provisional(), m.Title()+" · "+m.Organisation, lane)
}

// PrintHTML prints doc, a paged HTML document without script, to an A4
// PDF by the queue, in lane, keyed by doc like the Relazione's PDF (an
// identical document is printed once): header (empty for none) at the
// head of every page, footer followed by "Pagina X di Y" at the foot.
func (d *Documents) PrintHTML(ctx context.Context, doc []byte, header, footer string, lane Lane) ([]byte, error) {
	path, err := FindChromium()
	if err != nil {
		return nil, err
	}
	key := append([]byte(header+"\x00"+footer+"\x00"), doc...)
	return d.produce(ctx, lane, "pdf", key, func(ctx context.Context) ([]byte, error) {
		limits := d.cfg.Limits
		return d.within(ctx, limits.ChromiumMemory, func() ([]byte, error) {
			return printHTML(ctx, path, limits, doc, header, footer)
		})
	})
}

// PrintHTMLOnce is PrintHTML without a queue, for the command line: its own
// browser, within 5 minutes.
func PrintHTMLOnce(ctx context.Context, doc []byte, header, footer string) ([]byte, error) {
	path, err := FindChromium()
	if err != nil {
		return nil, err
	}
	return printHTML(ctx, path, Limits{Time: 5 * time.Minute}, doc, header, footer)
}

// printHTML prints doc with the Chromium at path within limits, as
// printPDF prints a report of one part.
func printHTML(ctx context.Context, path string, limits Limits, doc []byte, header, footer string) ([]byte, error) {
	head := "<span></span>"
	if header != "" {
		head = `<div style="font-size:8pt;width:100%;text-align:center;color:#5c3700;">` + escape(header) + `</div>`
	}
	foot := `<div style="font-size:8pt;width:100%;text-align:center;">` + escape(footer) +
		` · Pagina <span class="pageNumber"></span> di <span class="totalPages"></span></div>`
	return inChromium(ctx, path, jail(ctx, path), limits, "print the PDF", func(t *tab, _ func() (*tab, error)) ([]byte, error) {
		if err := t.load(doc); err != nil {
			return nil, err
		}
		yes := true
		return chromedp.Run(t.ctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) {
			*p = page.PrintToPDFParams{
				PaperWidth: 8.27, PaperHeight: 11.69,
				MarginTop: ptr(0.7), MarginBottom: ptr(0.7), MarginLeft: ptr(0.6), MarginRight: ptr(0.6),
				PrintBackground: &yes, DisplayHeaderFooter: &yes, HeaderTemplate: head, FooterTemplate: foot,
				GenerateTaggedPDF: &yes, GenerateDocumentOutline: &yes,
				TransferMode: page.PrintToPDFTransferModeReturnAsStream,
			}
		}))
	})
}
