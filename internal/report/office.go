package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"traguardo/internal/tools"
)

// The editable documents (DOCX for Word, ODT for LibreOffice) are written
// here, from the model, as the report's HTML for pandoc laid them out
// before (officedoc.go): headings, paragraphs, real tables and lists in the
// word processor's own styles (Heading 1…5, Table, TOC 1 and TOC 2), so an
// office finishes the text with its tools. pandoc, Debian's package, still
// makes the package around that text: it converts a small sample document
// (one of each heading, table, list, table-of-contents entry and the chart)
// and gives the styles, the numbering definitions, the settings, the
// metadata and the chart embedded as an image with its relationships;
// writeOffice puts the report's body in place of the sample's.
//
// Why not pandoc for the whole report: measured on the benchmark's plan of
// 400 objectives (4.2 MB of HTML), pandoc 2.17 took 17 s of CPU and 1.76 GB
// from HTML to DOCX; fed its own JSON AST (the cheapest reader, 18 MB for
// that plan) it still took 8.2 s of CPU and 784 MB to DOCX (295 MB of live
// heap), 9.9 s and 1.15 GB to ODT; and in parts, 0.8 s and 147 MB for 25
// objectives: 20 to 30 ms of CPU per objective whatever the route, over
// the 5 s and 300 MB of issue 20 at 400. The body is a handful of
// constructs, written here in about a second at 400 objectives, holding one
// centre's blocks at a time (tens of MB); pandoc's run on the sample is
// the same small one (about 60 MB) whatever the plan (the benchmark's
// "Report build time"). No maintained Go library writes both formats.
//
// The headings carry their numbers as text ("2.1 I principali risultati"),
// and no heading is numbered by the word processor; the table of contents
// is made of paragraphs (styles TOC 1 and TOC 2), as a list would be
// numbered again. The chart is an image: its SVG drawn to a PNG by the
// Chromium that prints the PDF (Word opens SVG only from Office 2016 on),
// with the chart's text alternative (the DOCX's description, the ODT's
// svg:title and svg:desc); its data table follows.

// ErrNoPandoc is returned where pandoc is not installed.
var ErrNoPandoc = tools.ErrNoPandoc

// InstallPandoc tells people what to install for DOCX and ODT.
const InstallPandoc = "installare il pacchetto Debian pandoc (apt-get install pandoc)"

// The office formats.
const (
	DOCX = "docx"
	ODT  = "odt"
)

// FindPandoc returns the path of pandoc, or ErrNoPandoc.
func FindPandoc() (string, error) { return tools.FindPandoc() }

// Office writes the report as an editable document, format DOCX or ODT,
// with the chart as a PNG drawn by Chromium. The chart is drawn within 2
// minutes, the document written within 2 minutes and no memory limit on
// pandoc (for the command line; a server converts through Documents).
func Office(ctx context.Context, m *Model, format string) ([]byte, error) {
	out, _, err := OfficeStats(ctx, m, format)
	return out, err
}

// OfficeRun is what writing an office document took: the chart drawn by
// Chromium, pandoc's run (its time and its peak resident memory) and the
// whole.
type OfficeRun struct {
	Chart, Pandoc, Total time.Duration
	PandocMaxRSS         int64 // bytes
}

// OfficeStats is Office, with what it took (for the benchmark).
func OfficeStats(ctx context.Context, m *Model, format string) ([]byte, OfficeRun, error) {
	start := time.Now()
	var run OfficeRun
	path, _, err := officeInput(ctx, m, format)
	if err != nil {
		return nil, run, err
	}
	limits := Limits{Time: 2 * time.Minute}
	png, err := chartOf(ctx, m, func(draw func() ([]byte, error)) ([]byte, error) { return draw() }, limits)
	if err != nil {
		return nil, run, err
	}
	run.Chart = time.Since(start)
	out, err := writeOffice(ctx, path, format, m, png, limits, &run)
	run.Total = time.Since(start)
	return out, run, err
}

// chartPlaceholder stands for the chart's PNG in the HTML that keys an
// office document (Documents): the chart is drawn from m, which the rest
// of that HTML holds whole.
const chartPlaceholder = "grafico.png"

// officeInput is pandoc's path and the HTML that keys the document of
// format made from m: the report's HTML as laid out for the office
// documents, with the chart's placeholder. It holds every value the
// document is written from.
func officeInput(ctx context.Context, m *Model, format string) (string, []byte, error) {
	if format != DOCX && format != ODT {
		return "", nil, fmt.Errorf("report: unknown office format %q", format)
	}
	path, err := FindPandoc()
	if err != nil {
		return "", nil, err
	}
	var doc bytes.Buffer
	if err := HTML(ctx, &doc, m, HTMLOptions{NoStyle: true, Office: true, ChartImage: chartPlaceholder}); err != nil {
		return "", nil, err
	}
	return path, doc.Bytes(), nil
}

// chartScale is the pixels of the chart's PNG per unit of its width: twice
// the screen's, sharp in print.
const chartScale = 2

// chartOf is the chart of m as a PNG drawn by Chromium within limits, run
// by within (which may wait for the tools' memory): nil, and no error,
// where Chromium is not installed or fails to draw it (the document then
// goes without the chart, whose data table it keeps); an error only when
// ctx is done.
func chartOf(ctx context.Context, m *Model, within func(func() ([]byte, error)) ([]byte, error), limits Limits) ([]byte, error) {
	path, err := FindChromium()
	if err != nil {
		return nil, nil
	}
	var page bytes.Buffer
	if err := chartPage(m).Render(ctx, &page); err != nil {
		return nil, err
	}
	png, err := within(func() ([]byte, error) {
		return inChromium(ctx, path, jail(ctx, path), limits, "draw the chart", func(t *tab, _ func() (*tab, error)) ([]byte, error) {
			if err := t.load(page.Bytes()); err != nil {
				return nil, err
			}
			res, err := chromedp.Call(t.ctx, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{
				Format: cdppage.CaptureScreenshotFormatPng, FromSurface: ptr(true), CaptureBeyondViewport: ptr(true),
				Clip: &cdppage.Viewport{Width: chartWidth, Height: float64(m.chartHeight()), Scale: chartScale}})
			if err != nil {
				return nil, err
			}
			return res.Data, nil
		})
	})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		return nil, nil
	}
	return png, nil
}

// frameAlt puts svg:title and svg:desc into the draw:frame of content
// around the draw:image of href, unless it has them.
func frameAlt(content []byte, href, title, desc string) []byte {
	at := bytes.Index(content, []byte(`xlink:href="`+href+`"`))
	if at < 0 {
		return content
	}
	end := bytes.Index(content[at:], []byte("</draw:frame>"))
	if end < 0 || bytes.Contains(content[at:at+end], []byte("<svg:desc")) {
		return content
	}
	end += at
	var x bytes.Buffer
	x.WriteString("<svg:title>")
	xml.EscapeText(&x, []byte(title))
	x.WriteString("</svg:title><svg:desc>")
	xml.EscapeText(&x, []byte(desc))
	x.WriteString("</svg:desc>")
	return append(content[:end:end], append(x.Bytes(), content[end:]...)...)
}

// heapExhausted is the exit status of a Haskell program past its heap
// limit (+RTS -M).
const heapExhausted = 251
