package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"traguardo/internal/tools"
)

// The editable documents (DOCX for Word, ODT for LibreOffice) are the
// report's HTML converted by pandoc, Debian's package: a well-kept
// converter that maps headings, tables and lists to the word processor's
// own styles (Heading 1…5, real tables), so an office finishes the text
// with its tools. No maintained Go library writes both formats from HTML:
// writing OOXML and ODF by hand would be a copy of what pandoc does.
//
// The headings carry their numbers as text ("2.1 I principali risultati"),
// and pandoc numbers no heading; the table of contents is made of
// paragraphs, as pandoc would number the entries of a list again. The
// chart is an image: its SVG drawn to a PNG by the Chromium that prints the
// PDF (Word opens SVG only from Office 2016 on, and pandoc gives it no PNG
// fallback), with the chart's text alternative; its data table follows.

// ErrNoPandoc is returned where pandoc is not installed.
var ErrNoPandoc = tools.ErrNoPandoc

// InstallPandoc tells people what to install for DOCX and ODT.
const InstallPandoc = "installare il pacchetto Debian pandoc (apt-get install pandoc)"

// Office formats pandoc writes.
const (
	DOCX = "docx"
	ODT  = "odt"
)

// FindPandoc returns the path of pandoc, or ErrNoPandoc.
func FindPandoc() (string, error) { return tools.FindPandoc() }

// Office converts the report to an editable document, format DOCX or ODT,
// with pandoc: the HTML without stylesheet, its table of contents as
// paragraphs and the chart as a PNG drawn by Chromium (officeHTML). The
// chart is drawn within 2 minutes, pandoc runs within 2 minutes and no
// memory limit (for the command line; a server converts through
// Documents).
func Office(ctx context.Context, m *Model, format string) ([]byte, error) {
	path, _, err := officeInput(ctx, m, format)
	if err != nil {
		return nil, err
	}
	limits := Limits{Time: 2 * time.Minute}
	png, err := chartOf(ctx, m, func(draw func() ([]byte, error)) ([]byte, error) { return draw() }, limits)
	if err != nil {
		return nil, err
	}
	doc, err := officeHTML(ctx, m, png)
	if err != nil {
		return nil, err
	}
	out, err := convert(ctx, path, format, doc, limits)
	if err != nil {
		return nil, err
	}
	return withChartAlt(out, format, m, png)
}

// chartPlaceholder stands for the chart's PNG in the HTML that keys an
// office document (Documents): the chart is drawn from m, which the rest
// of that HTML holds whole.
const chartPlaceholder = "grafico.png"

// officeInput is pandoc's path and the HTML that keys the document of
// format made from m: officeHTML with the chart's placeholder.
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

// officeHTML is the HTML pandoc converts: without stylesheet, with the
// chart as the image png (left out when nil: its table stays).
func officeHTML(ctx context.Context, m *Model, png []byte) ([]byte, error) {
	o := HTMLOptions{NoStyle: true, Office: true}
	if png != nil {
		o.ChartImage = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	}
	var doc bytes.Buffer
	if err := HTML(ctx, &doc, m, o); err != nil {
		return nil, err
	}
	return doc.Bytes(), nil
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

// withChartAlt is the document out of format with the chart's text
// alternative: pandoc writes the image's alt text into a DOCX (as its
// description) but not into an ODT, whose frame of the image png gets it
// here as its svg:title and svg:desc, as LibreOffice writes them.
func withChartAlt(out []byte, format string, m *Model, png []byte) ([]byte, error) {
	if format != ODT || png == nil {
		return out, nil
	}
	return odtImageAlt(out, png, "Grado di raggiungimento per centro", m.chartAlt())
}

// odtImageAlt is the ODT package odt with title and desc given to the
// frame of the picture whose bytes are img (when it has none): every other
// entry copied as it is (the mimetype first and stored, as ODF wants).
func odtImageAlt(odt, img []byte, title, desc string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(odt), int64(len(odt)))
	if err != nil {
		return nil, fmt.Errorf("report: the ODT: %w", err)
	}
	href := ""
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "Pictures/") {
			b, err := readZipped(f)
			if err != nil {
				return nil, err
			}
			if bytes.Equal(b, img) {
				href = f.Name
			}
		}
	}
	if href == "" {
		return odt, nil
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name != "content.xml" {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		content, err := readZipped(f)
		if err != nil {
			return nil, err
		}
		content = frameAlt(content, href, title, desc)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(content); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
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

func readZipped(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// heapExhausted is the exit status of a Haskell program past its heap
// limit (+RTS -M).
const heapExhausted = 251

// convert runs pandoc at path on doc within limits: its heap bounded by
// the runtime's own limit (pandoc stops, "Heap exhausted"), its time by
// the context (killed). Either gives ErrTooLarge.
func convert(ctx context.Context, path, format string, doc []byte, limits Limits) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, limits.Time)
	defer cancel()
	var args []string
	if limits.PandocHeap > 0 {
		args = []string{"+RTS", fmt.Sprintf("-M%dm", limits.PandocHeap>>20), "-RTS"}
	}
	cmd := exec.CommandContext(ctx, path, append(args, "--from=html", "--to="+format, "--output=-")...)
	cmd.Stdin = bytes.NewReader(doc)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		switch {
		case ctx.Err() == context.DeadlineExceeded:
			return nil, fmt.Errorf("%w: pandoc took more than %s", ErrTooLarge, limits.Time)
		case errors.As(err, &exit) && exit.ExitCode() == heapExhausted:
			return nil, fmt.Errorf("%w: pandoc passed its heap of %d MiB", ErrTooLarge, limits.PandocHeap>>20)
		}
		return nil, fmt.Errorf("report: pandoc to %s: %v: %s", format, err, stderr.String())
	}
	return out.Bytes(), nil
}
