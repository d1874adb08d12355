package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/sync/errgroup"

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

// PDF prints the report to an A4 PDF with headless Chromium: tagged (an
// accessible structure), with the document outline from the headings, and
// "Pagina X di Y" at the foot of every page (with the period the figures
// are at, on every page, when the report is provisional). Each call starts
// its own browser, which ends with the call: sandboxed where the sandbox
// works, without script or requests (see printPDF), within 5 minutes and
// no memory limit (for the command line and the benchmarks; a server
// prints through Documents).
func PDF(ctx context.Context, m *Model) ([]byte, error) {
	path, err := FindChromium()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	var doc bytes.Buffer
	if err := HTML(ctx, &doc, m, HTMLOptions{Paged: true}); err != nil {
		return nil, err
	}
	trace(ctx, "html", start)
	return printPDF(ctx, path, jail(ctx, path), Limits{Time: 5 * time.Minute}, m, doc.Bytes())
}

// ErrTooLarge is returned when a document tool passes its memory or time
// limit (Limits): the tool is stopped, the server goes on.
var ErrTooLarge = errors.New("report: the document passes the limits of its tool")

// errOverMemory is ErrTooLarge for a tool stopped at its memory limit (a
// larger limit may do, where a longer time would not).
var errOverMemory = fmt.Errorf("%w (memory)", ErrTooLarge)

// Limits bound one run of a document tool.
type Limits struct {
	// Time bounds one PDF (the browser's start, the layout, the print) or
	// one conversion by pandoc.
	Time time.Duration
	// ChromiumMemory bounds the memory of the printer's browser, all its
	// processes together (chromium.Watch), in bytes; 0: no bound.
	ChromiumMemory int64
	// PandocHeap is pandoc's heap limit (+RTS -M), in bytes: pandoc stops
	// with "Heap exhausted" past it. Its resident memory is up to a third
	// more (128 MiB of heap: about 170 MiB); 0: no bound.
	PandocHeap int64
	// LargeChromiumMemory bounds a PDF of the priority lane (the
	// director's, the Nucleo's, the validation's) that did not fit
	// ChromiumMemory: it is printed again within this bound, alone (it
	// takes the whole tools' memory budget, see DocumentsConfig.Memory).
	LargeChromiumMemory int64
}

// DefaultLimits: 3 minutes; Chromium 768 MiB; pandoc's heap 128 MiB
// (about 170 MiB resident); a large PDF of the priority lane 1,600 MiB,
// alone. The tools' memory budget (Documents) keeps them and the server
// under 2 GiB. Measured on two cores: a report of about 100
// objectives prints within the limit (6 s), one of 200 does not, one of
// 400 would take 1.6 GiB (its renderer alone 1.4 GiB). pandoc converts
// only a small sample whatever the plan (about 65 MB resident; the body
// is written here, see office.go), so its heap needs no more at 1,600
// objectives than at 25.
func DefaultLimits() Limits {
	return Limits{Time: 3 * time.Minute, ChromiumMemory: 768 << 20, PandocHeap: 128 << 20, LargeChromiumMemory: 1600 << 20}
}

// sandbox is whether Chromium's sandbox works here, found out once per
// process by the first browser started sandboxed (inChromium): known is
// false until then.
var sandbox struct {
	mu    sync.Mutex
	known bool
	jail  chromium.Jail
	err   error
}

// jail is the printer's jail: the sandbox, unless it is known not to work
// here (and sandbox.err says why).
func jail(ctx context.Context, path string) chromium.Jail {
	sandbox.mu.Lock()
	defer sandbox.mu.Unlock()
	if sandbox.known {
		return sandbox.jail
	}
	j, err := chromium.NewJail(true)
	if err != nil {
		sandbox.known, sandbox.jail, sandbox.err = true, chromium.Jail{}, err
		return sandbox.jail
	}
	return j
}

// sandboxWorks records that a browser started in j, sandboxed.
func sandboxWorks(j chromium.Jail) {
	sandbox.mu.Lock()
	defer sandbox.mu.Unlock()
	if !sandbox.known {
		sandbox.known, sandbox.jail, sandbox.err = true, j, nil
	}
}

// sandboxFailed is told that a browser did not start sandboxed in j: it
// finds out whether the sandbox is what failed (chromium.SandboxWorks,
// which says why), and if so records it and returns true (start again
// without it).
func sandboxFailed(ctx context.Context, path string, j chromium.Jail) bool {
	sandbox.mu.Lock()
	defer sandbox.mu.Unlock()
	if sandbox.known {
		return !sandbox.jail.Sandbox
	}
	err := chromium.SandboxWorks(context.WithoutCancel(ctx), path, j)
	if err == nil {
		return false
	}
	sandbox.known, sandbox.jail, sandbox.err = true, chromium.Jail{}, err
	return true
}

// Sandboxed says whether the PDFs are printed with Chromium's sandbox, and
// if not why; it starts Chromium once to find out, if no print has yet.
func Sandboxed(ctx context.Context) (bool, error) {
	path, err := FindChromium()
	if err != nil {
		return false, err
	}
	j := jail(ctx, path)
	sandbox.mu.Lock()
	known := sandbox.known
	sandbox.mu.Unlock()
	if !known && j.Sandbox {
		if !sandboxFailed(ctx, path, j) {
			sandboxWorks(j)
		}
	}
	sandbox.mu.Lock()
	defer sandbox.mu.Unlock()
	return sandbox.jail.Sandbox, sandbox.err
}

// partObjectives is about the most objectives a part of the PDF holds:
// a part is whole centres (a larger centre is a part of its own). Chromium
// lays a document out in a time that grows faster than its size (a report
// of 1,600 objectives took ten times one of 400), and a part's in a time
// and memory of its own size: so a report of up to partObjectives prints
// at once, a larger one in parts joined into one PDF (joinPDF).
var partObjectives = 100

// pdfParts are the parts m is printed in: one (nil) when it holds at most
// max objectives, else whole centres of about max objectives each, the
// first with all before 2.3's centres and the last with all after.
func (m *Model) pdfParts(max int) []*Part {
	if m.objectives() <= max || len(m.Centres) < 2 {
		return nil
	}
	var parts []*Part
	from, n := 0, 0
	for i, ce := range m.Centres {
		if i > from && n+len(ce.Objectives) > max {
			parts = append(parts, &Part{From: from, To: i})
			from, n = i, 0
		}
		n += len(ce.Objectives)
	}
	parts = append(parts, &Part{From: from, To: len(m.Centres)})
	if len(parts) == 1 {
		return nil
	}
	parts[0].First, parts[len(parts)-1].Last = true, true
	return parts
}

// The anchors of the sections before the centres of 2.3 (held by the first
// part) and after them (the last part).
var (
	anchorsBefore = []string{"indice", "introduzione", "risultati", "principali-risultati", "contesto", "performance"}
	anchorsAfter  = []string{"variazioni", "genere", "processo", "validazione", "osservazioni"}
)

// partAnchors are the anchors part p holds, and sets p.Elsewhere to the
// anchors the report links to that other parts hold, p.Here to those it
// holds.
func (m *Model) partAnchors(p *Part) map[string]bool {
	own := map[string]bool{}
	if p.First {
		for _, a := range anchorsBefore {
			own[a] = true
		}
	}
	if p.Last {
		for _, a := range anchorsAfter {
			own[a] = true
		}
	}
	for _, ce := range m.Centres[p.From:p.To] {
		own[ce.Anchor] = true
		for _, ob := range ce.Objectives {
			own[ob.Anchor] = true
		}
	}
	targets := append(append([]string{}, anchorsBefore...), anchorsAfter...)
	for _, ce := range m.Centres {
		targets = append(targets, ce.Anchor)
	}
	for _, n := range append(append([]MeasureNote{}, m.Neutralised...), m.Overridden...) {
		targets = append(targets, n.Anchor)
	}
	// The Nucleo's observations (the last part) link to their objectives.
	for _, ob := range m.Observations {
		if ob.Anchor != "" {
			targets = append(targets, ob.Anchor)
		}
	}
	p.Elsewhere, p.Here = nil, nil
	seen := map[string]bool{}
	for _, a := range targets {
		switch {
		case seen[a]:
		case own[a]:
			p.Here = append(p.Here, a)
		default:
			p.Elsewhere = append(p.Elsewhere, a)
		}
		seen[a] = true
	}
	return own
}

// footerText is the foot of page n of total.
func (m *Model) footerText(n, total int) string {
	return fmt.Sprintf("Relazione sulla Performance %d · %s · Pagina %d di %d", m.Year, m.Organisation, n, total)
}

// printPDF prints doc, the paged HTML of m, with the Chromium at path in
// jail, within limits: at once, or, for a large report (pdfParts), in
// parts by the same browser, printTabs at a time, joined (joinPDF). The
// browser runs JavaScript nowhere (the report has none), and every request
// the page would make is refused before it leaves the browser: the
// document is handed over as content, not loaded from a URL, so the print
// needs none.
func printPDF(ctx context.Context, path string, jail chromium.Jail, limits Limits, m *Model, doc []byte) ([]byte, error) {
	pr := Printable{HTML: doc, Header: m.Provisional, Footer: fmt.Sprintf("Relazione sulla Performance %d · %s", m.Year, m.Organisation)}
	parts := m.pdfParts(partObjectives)
	if parts == nil {
		return printWhole(ctx, path, jail, limits, pr)
	}
	print := pr.printer(ctx)
	joined, err := printParts(ctx, path, jail, limits, m, parts, print)
	if err != nil {
		return nil, err
	}
	defer trace(ctx, "join: finish", time.Now())
	return joined.finish(ctx, m.footerText)
}

// Printable is an HTML document to print to an A4 PDF whole (the
// Relazione, the Piano): its paged HTML (stylesheets inlined, no script,
// no resource to fetch), the text of every page's header ("" for none)
// and of its foot, which gets "· Pagina X di Y" after it.
type Printable struct {
	HTML   []byte
	Header string
	Footer string
}

// templates are the header and footer templates of Chromium's print.
func (pr Printable) templates() (header, footer string) {
	header = "<span></span>"
	if pr.Header != "" {
		header = `<div style="font-size:8pt;width:100%;text-align:center;color:#5c3700;">` + escape(pr.Header) + `</div>`
	}
	footer = `<div style="font-size:8pt;width:100%;text-align:center;">` + escape(pr.Footer) +
		` · Pagina <span class="pageNumber"></span> di <span class="totalPages"></span></div>`
	return header, footer
}

// printer prints the document loaded in a tab with pr's header and the
// footer given (a part of a larger document has none: the join draws it).
func (pr Printable) printer(ctx context.Context) func(t *tab, footer string) ([]byte, error) {
	header, _ := pr.templates()
	return func(t *tab, footer string) ([]byte, error) {
		yes := true
		defer trace(ctx, "print", time.Now())
		// Streamed: a report of hundreds of pages is tens of megabytes, which
		// the browser then sends in chunks rather than as one message.
		return chromedp.Run(t.ctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) {
			*p = page.PrintToPDFParams{
				PaperWidth: 8.27, PaperHeight: 11.69,
				MarginTop: ptr(0.7), MarginBottom: ptr(0.7), MarginLeft: ptr(0.6), MarginRight: ptr(0.6),
				PrintBackground: &yes, DisplayHeaderFooter: &yes, HeaderTemplate: header, FooterTemplate: footer,
				GenerateTaggedPDF: &yes, GenerateDocumentOutline: &yes,
				TransferMode: page.PrintToPDFTransferModeReturnAsStream,
			}
		}))
	}
}

// printWhole prints pr at once with the Chromium at path in jail, within
// limits.
func printWhole(ctx context.Context, path string, jail chromium.Jail, limits Limits, pr Printable) ([]byte, error) {
	_, footer := pr.templates()
	print := pr.printer(ctx)
	return inChromium(ctx, path, jail, limits, "print the PDF", func(t *tab, _ func() (*tab, error)) ([]byte, error) {
		if err := t.load(pr.HTML); err != nil {
			return nil, err
		}
		return print(t, footer)
	})
}

// PrintHTML prints pr to PDF with its own browser, as PDF does (the
// command line; a server prints through Documents.PrintHTML).
func PrintHTML(ctx context.Context, pr Printable) ([]byte, error) {
	path, err := FindChromium()
	if err != nil {
		return nil, err
	}
	return printWhole(ctx, path, jail(ctx, path), Limits{Time: 5 * time.Minute}, pr)
}

// printTabs is how many parts of a PDF one browser prints at once, each in
// a tab of its own (a renderer process of its own): a part's layout and
// print keep a core busy, and on two cores two parts print in little more
// than the time of one, the join reading each part as soon as it is
// printed.
var printTabs = 2

// tabMemory is about the most memory a browser printing one part at a time
// holds (its processes together, as chromium.Watch counts them): measured
// at 775 MiB printing parts of 100 objectives, 1,029 MiB printing two at
// once. Within a memory limit, a browser prints one part per tabMemory of
// the limit (at least one): under DefaultLimits one at a time, within
// LargeChromiumMemory two.
const tabMemory = 768 << 20

// tabsWithin is how many parts a browser prints at once within limits.
func tabsWithin(limits Limits) int {
	if limits.ChromiumMemory <= 0 {
		return printTabs
	}
	return max(1, min(printTabs, int(limits.ChromiumMemory/tabMemory)))
}

// printParts prints the parts of m by one Chromium, tabsWithin(limits) at a
// time, and joins each printed part (joiner.add: read and merged, in order)
// while the next are printed.
func printParts(ctx context.Context, path string, jail chromium.Jail, limits Limits, m *Model, parts []*Part,
	print func(t *tab, footer string) ([]byte, error)) (*joiner, error) {
	var joined joiner
	printed := make([]printedPart, len(parts))
	ready := make([]chan struct{}, len(parts)) // closed when printed[i] is
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	_, err := inChromium(ctx, path, jail, limits, "print the PDF in parts", func(first *tab, open func() (*tab, error)) ([]byte, error) {
		g, gctx := errgroup.WithContext(ctx)
		g.Go(func() error {
			for i := range parts {
				select {
				case <-ready[i]:
				case <-gctx.Done():
					return gctx.Err()
				}
				if err := joined.add(gctx, printed[i]); err != nil {
					return err
				}
				printed[i] = printedPart{} // joined: its bytes are no longer needed
			}
			return nil
		})
		next := make(chan int, len(parts))
		for i := range parts {
			next <- i
		}
		close(next)
		for w := range min(tabsWithin(limits), len(parts)) {
			g.Go(func() error {
				t := first
				if w > 0 {
					var err error
					if t, err = open(); err != nil {
						return err
					}
				}
				for i := range next {
					if err := gctx.Err(); err != nil {
						return err
					}
					p := parts[i]
					start := time.Now()
					own := m.partAnchors(p)
					var part bytes.Buffer
					if err := HTML(ctx, &part, m, HTMLOptions{Paged: true, Part: p}); err != nil {
						return err
					}
					trace(ctx, "part html", start)
					if err := t.load(part.Bytes()); err != nil {
						return err
					}
					// The footer is drawn on the whole, numbered across the parts.
					out, err := print(t, "<span></span>")
					if err != nil {
						return err
					}
					printed[i] = printedPart{pdf: out, own: own}
					close(ready[i])
				}
				return nil
			})
		}
		return nil, g.Wait()
	})
	if err != nil {
		return nil, err
	}
	return &joined, nil
}

// tab is a tab of the printer's browser: load hands it a document (without
// script, every request the page would make refused before it leaves the
// browser, the document handed over as content, not loaded from a URL).
type tab struct {
	ctx  context.Context
	load func(doc []byte) error
}

// inChromium starts the Chromium at path in jail and makes the output of
// what (a PDF, a screenshot) with run, within limits: run loads each
// document into the first tab, or into more tabs of the same browser that
// open opens, and makes the output from it. One browser serves every
// document run loads: its start is most of a small document's time.
func inChromium(ctx context.Context, path string, jail chromium.Jail, limits Limits, what string,
	run func(first *tab, open func() (*tab, error)) ([]byte, error)) ([]byte, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, limits.Time)
	defer cancel()
	opts, cleanup, err := chromium.PrintOptions(path, jail)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	var dog *chromium.Watchdog
	tooLarge := func(err error) error {
		if dog != nil && dog.Exceeded() {
			return fmt.Errorf("%w: Chromium passed %d MiB", errOverMemory, limits.ChromiumMemory>>20)
		}
		if ctx.Err() == context.DeadlineExceeded {
			return fmt.Errorf("%w: Chromium took more than %s", ErrTooLarge, limits.Time)
		}
		return err
	}
	first, err := newTab(ctx, allocCtx, path)
	if err != nil {
		cancelAlloc()
		if jail.Sandbox && ctx.Err() == nil && sandboxFailed(ctx, path, jail) {
			// The sandbox does not work here (and is known not to from now
			// on): the browser starts without it.
			return inChromium(ctx, path, chromium.Jail{}, limits, what, run)
		}
		return nil, tooLarge(err)
	}
	if jail.Sandbox {
		sandboxWorks(jail)
	}
	trace(ctx, "start", start)
	if p := chromedp.FromContext(first.ctx).Browser.Process(); p != nil && limits.ChromiumMemory > 0 {
		dog = chromium.Watch(p.Pid, limits.ChromiumMemory, cancel)
		defer dog.Stop()
	}
	var tabs sync.Mutex
	open := func() (*tab, error) {
		tabs.Lock()
		defer tabs.Unlock()
		defer trace(ctx, "open a tab", time.Now())
		t, err := newTab(ctx, first.ctx, path)
		if err != nil {
			return nil, tooLarge(err)
		}
		return t, nil
	}
	out, err := run(first, open)
	start = time.Now()
	cancelAlloc()
	trace(ctx, "stop", start)
	if err != nil {
		return nil, tooLarge(fmt.Errorf("report: %s with %s: %w", what, path, err))
	}
	if dog != nil && dog.Exceeded() {
		return nil, tooLarge(nil)
	}
	return out, nil
}

// newTab opens a tab in the browser of parent (the browser's first when
// parent is the allocator's context, which starts it) with no script, and
// every request it would make refused. It ends with ctx.
func newTab(ctx, parent context.Context, path string) (*tab, error) {
	// Requests paused by the interception are refused by a goroutine: the
	// listener must not run commands.
	paused := make(chan fetch.RequestID, 256)
	tabCtx, _ := chromedp.NewContext(parent, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			select {
			case paused <- e.RequestID:
			default: // left paused: it never leaves the browser either
			}
		}
	}))
	if _, err := chromedp.Run(tabCtx, chromedp.Navigate("about:blank")); err != nil {
		return nil, fmt.Errorf("report: start %s: %w", path, err)
	}
	go func() {
		for {
			select {
			case id := <-paused:
				chromedp.Call(tabCtx, fetch.FailRequest, fetch.FailRequestParams{RequestID: id, ErrorReason: network.ErrorReasonBlockedByClient})
			case <-tabCtx.Done():
				return
			}
		}
	}()
	err := chromedp.Do(tabCtx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
				return err
			}
			_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}})
			return err
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("report: prepare %s: %w", path, err)
	}
	load := func(doc []byte) error {
		defer trace(ctx, "load", time.Now())
		err := chromedp.Do(tabCtx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				return err
			}
			_, err = chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{
				FrameID: tree.FrameTree.Frame.ID, HTML: string(doc)})
			return err
		}))
		if err != nil {
			return fmt.Errorf("report: load the report in %s: %w", path, err)
		}
		return nil
	}
	return &tab{ctx: tabCtx, load: load}, nil
}

// pdfTraceKey is the context key of WithPDFTrace's function.
type pdfTraceKey struct{}

// WithPDFTrace returns ctx with f told, as a PDF is printed under it, how
// long each of its phases took ("html", "sandbox", "start", "part html",
// "load", "print", "join"…): the benchmark's breakdown of a PDF's time.
func WithPDFTrace(ctx context.Context, f func(phase string, d time.Duration)) context.Context {
	return context.WithValue(ctx, pdfTraceKey{}, f)
}

// trace tells ctx's WithPDFTrace function that phase took since start.
func trace(ctx context.Context, phase string, start time.Time) {
	if f, ok := ctx.Value(pdfTraceKey{}).(func(string, time.Duration)); ok {
		f(phase, time.Since(start))
	}
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func ptr[T any](v T) *T { return &v }
