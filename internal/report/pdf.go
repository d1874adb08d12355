package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"traguardo/internal/chromium"
)

// ChromiumEnv names the environment variable that points at the Chromium
// to print the PDF with; unset, the Debian package's binary is looked for.
const ChromiumEnv = "CHROMIUM_PATH"

// ErrNoChromium is returned by PDF where no Chromium is installed.
var ErrNoChromium = errors.New("report: Chromium not found")

// InstallChromium tells people what to install for the PDF.
const InstallChromium = "installare il pacchetto Debian chromium-headless-shell (apt-get install chromium-headless-shell) oppure indicare il programma in CHROMIUM_PATH"

// FindChromium returns the Chromium to print with: CHROMIUM_PATH when set,
// else the first of the usual places that exists; ErrNoChromium otherwise.
func FindChromium() (string, error) {
	path, err := chromium.Find(ChromiumEnv)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoChromium, err)
	}
	return path, nil
}

// pdfTimeout bounds one PDF: the browser's start, the layout and the print.
const pdfTimeout = 5 * time.Minute

// PDF prints the report to an A4 PDF with headless Chromium: tagged (an
// accessible structure), with the document outline from the headings, and
// "Pagina X di Y" at the foot of every page (with the period the figures
// are at, on every page, when the report is provisional). Each call starts
// its own browser, which ends with the call.
func PDF(ctx context.Context, m *Model) ([]byte, error) {
	path, err := FindChromium()
	if err != nil {
		return nil, err
	}
	var doc bytes.Buffer
	if err := HTML(ctx, &doc, m, HTMLOptions{Paged: true}); err != nil {
		return nil, err
	}
	return printPDF(ctx, path, m, doc.String())
}

// Printer prints reports to PDF for a server: one Chromium at a time (a
// report of hundreds of pages takes the machine's cores for a while), and
// the last PDF kept with the SHA-256 of the HTML it was printed from, so an
// unchanged report downloaded again is not printed again. The zero value
// is not usable: see NewPrinter.
type Printer struct {
	turn chan struct{}
	mu   sync.Mutex
	key  [sha256.Size]byte
	pdf  []byte
}

// NewPrinter returns a Printer.
func NewPrinter() *Printer { return &Printer{turn: make(chan struct{}, 1)} }

// PDF is PDF(ctx, m) through the printer.
func (p *Printer) PDF(ctx context.Context, m *Model) ([]byte, error) {
	path, err := FindChromium()
	if err != nil {
		return nil, err
	}
	var doc bytes.Buffer
	if err := HTML(ctx, &doc, m, HTMLOptions{Paged: true}); err != nil {
		return nil, err
	}
	key := sha256.Sum256(doc.Bytes())
	select {
	case p.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-p.turn }()
	p.mu.Lock()
	if p.pdf != nil && p.key == key {
		out := p.pdf
		p.mu.Unlock()
		return out, nil
	}
	p.mu.Unlock()
	out, err := printPDF(ctx, path, m, doc.String())
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.key, p.pdf = key, out
	p.mu.Unlock()
	return out, nil
}

// printPDF prints the HTML document of m with the Chromium at path.
func printPDF(ctx context.Context, path string, m *Model, doc string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromium.Options(path)...)
	defer cancelAlloc()
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()

	header := "<span></span>"
	if m.Provisional != "" {
		header = `<div style="font-size:8pt;width:100%;text-align:center;color:#5c3700;">` + escape(m.Provisional) + `</div>`
	}
	footer := `<div style="font-size:8pt;width:100%;text-align:center;">` + escape(fmt.Sprintf("Relazione sulla Performance %d · %s", m.Year, m.Organisation)) +
		` · Pagina <span class="pageNumber"></span> di <span class="totalPages"></span></div>`
	yes := true
	err := chromedp.Do(tabCtx,
		chromedp.Navigate("about:blank"),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				return err
			}
			_, err = chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{
				FrameID: tree.FrameTree.Frame.ID, HTML: doc})
			return err
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("report: load the report in %s: %w", path, err)
	}
	// Streamed: a report of hundreds of pages is tens of megabytes, which
	// the browser then sends in chunks rather than as one message.
	out, err := chromedp.Run(tabCtx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) {
		*p = page.PrintToPDFParams{
			PaperWidth: 8.27, PaperHeight: 11.69,
			MarginTop: ptr(0.7), MarginBottom: ptr(0.7), MarginLeft: ptr(0.6), MarginRight: ptr(0.6),
			PrintBackground: &yes, DisplayHeaderFooter: &yes, HeaderTemplate: header, FooterTemplate: footer,
			GenerateTaggedPDF: &yes, GenerateDocumentOutline: &yes,
			TransferMode: page.PrintToPDFTransferModeReturnAsStream,
		}
	}))
	if err != nil {
		return nil, fmt.Errorf("report: print the PDF with %s: %w", path, err)
	}
	return out, nil
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func ptr[T any](v T) *T { return &v }
