package report

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// officeSource is a document the editable formats are written from: the
// Relazione (*Model) or the Piano (*Piano). Its title names the package,
// chartAlt is its chart's text alternative (when it has a chart) and
// officeBlocks writes its body as blocks to emit, in parts.
type officeSource interface {
	officeTitle() string
	chartAlt() string
	officeBlocks(chart bool, emit func([]block) error) error
}

func (m *Model) officeTitle() string {
	return "Relazione sulla Performance " + itoa(m.Year) + " · " + m.Organisation
}

func (m *Model) officeBlocks(chart bool, emit func([]block) error) error {
	return officeDocument(m, chart, emit)
}

// officeSample is the HTML pandoc converts into the package around the
// report: each style the report's body uses, once, and the chart.
func officeSample(m officeSource, chart bool) []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"/><title>`)
	b.WriteString(html.EscapeString(m.officeTitle()))
	b.WriteString(`</title></head><body><h1>1</h1><h2>2</h2><h3>3</h3><h4>4</h4><h5>5</h5>` +
		`<div data-custom-style="TOC 1"><p><a href="#x">1</a></p></div><div data-custom-style="TOC 2"><p>2</p></div>` +
		`<blockquote><p>q</p></blockquote><ul><li>u</li></ul><ol><li>o</li></ol>` +
		`<table><caption>c</caption><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>`)
	if chart {
		b.WriteString(`<p><img src="` + chartPlaceholder + `" alt="` + html.EscapeString(m.chartAlt()) + `" width="100%"/></p>`)
	}
	b.WriteString(`<p id="x"><strong>b</strong> <em>i</em> <u>u</u></p></body></html>`)
	return []byte(b.String())
}

// runPandoc converts the sample of m (with the chart png, when not nil) to
// format with pandoc at path, within limits: its heap bounded by the
// runtime's own limit (pandoc stops, "Heap exhausted"), its time by ctx
// (killed). Either gives ErrTooLarge.
func runPandoc(ctx context.Context, path, format string, m officeSource, png []byte, limits Limits, run *OfficeRun) ([]byte, error) {
	dir, err := os.MkdirTemp("", "traguardo-office-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if png != nil {
		if err := os.WriteFile(filepath.Join(dir, chartPlaceholder), png, 0o600); err != nil {
			return nil, err
		}
	}
	var args []string
	if limits.PandocHeap > 0 {
		args = []string{"+RTS", fmt.Sprintf("-M%dm", limits.PandocHeap>>20), "-RTS"}
	}
	start := time.Now()
	cmd := exec.CommandContext(ctx, path, append(args, "--from=html", "--to="+format, "--output=-")...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(officeSample(m, png != nil))
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err = cmd.Start()
	if err == nil {
		// pandoc's peak resident memory: its address space's high-water
		// mark (VmHWM), read until it exits. The rusage's Maxrss of the
		// child is no measure of it: Go starts a program sharing its own
		// address space until exec (CLONE_VM), and Linux carries that
		// address space's peak into the child's.
		done := make(chan struct{})
		peak := make(chan int64, 1)
		go func() {
			var top int64
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			for {
				top = max(top, vmHWM(cmd.Process.Pid))
				select {
				case <-done:
					peak <- top
					return
				case <-tick.C:
				}
			}
		}()
		err = cmd.Wait()
		close(done)
		run.PandocMaxRSS = <-peak
	}
	run.Pandoc = time.Since(start)
	if err != nil {
		var exit *exec.ExitError
		switch {
		case ctx.Err() == context.DeadlineExceeded:
			return nil, fmt.Errorf("%w: the document took more than %s", ErrTooLarge, limits.Time)
		case errors.As(err, &exit) && exit.ExitCode() == heapExhausted:
			return nil, fmt.Errorf("%w: pandoc passed its heap of %d MiB", ErrTooLarge, limits.PandocHeap>>20)
		}
		return nil, fmt.Errorf("report: pandoc to %s: %v: %s", format, err, stderr.String())
	}
	return out.Bytes(), nil
}

// writeOffice writes the report m as format (DOCX or ODT) within limits:
// pandoc makes the package from the sample (runPandoc), and the report's
// body is written into it in place of the sample's, centre by centre.
func writeOffice(ctx context.Context, path, format string, m officeSource, png []byte, limits Limits, run *OfficeRun) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, limits.Time)
	defer cancel()
	sample, err := runPandoc(ctx, path, format, m, png, limits, run)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(sample), int64(len(sample)))
	if err != nil {
		return nil, fmt.Errorf("report: pandoc's %s: %w", format, err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml", "word/numbering.xml", "content.xml", "styles.xml":
			b, err := readZipped(f)
			if err != nil {
				return nil, err
			}
			parts[f.Name] = string(b)
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// Every entry of pandoc's as it is, but the body's and what it adds to.
	var body func(*bufio.Writer) error
	var after func() error
	if format == DOCX {
		body, after, err = docxBody(ctx, m, png != nil, parts, zw)
	} else {
		body, err = odtBody(ctx, m, png != nil, parts)
	}
	if err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		switch f.Name {
		case "word/numbering.xml":
			continue // after the body, which numbers its lists
		case "word/document.xml", "content.xml":
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
			if err != nil {
				return nil, err
			}
			bw := bufio.NewWriterSize(w, 64<<10)
			if err := body(bw); err != nil {
				return nil, err
			}
			if err := bw.Flush(); err != nil {
				return nil, err
			}
		case "styles.xml":
			styles := parts[f.Name]
			if at := strings.LastIndex(styles, "</office:styles>"); at >= 0 {
				styles = styles[:at] + odtTOCStyles + styles[at:]
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
			if err != nil {
				return nil, err
			}
			if _, err := w.Write([]byte(styles)); err != nil {
				return nil, err
			}
		default:
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
		}
	}
	if after != nil {
		if err := after(); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// errTimeOut is the document past its time.
func errTimeOut(ctx context.Context) error {
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("%w: the document took longer than its limit", ErrTooLarge)
	}
	return ctx.Err()
}

var (
	numIDs      = regexp.MustCompile(`<w:numId w:val="([0-9]+)"`)
	drawingElem = regexp.MustCompile(`(?s)<w:drawing>.*?</w:drawing>`)
	frameElem   = regexp.MustCompile(`(?s)<draw:frame .*?</draw:frame>`)
	frameHref   = regexp.MustCompile(`xlink:href="([^"]+)"`)
	docPrDescr  = regexp.MustCompile(`<wp:docPr descr="([^"]*)"`)
)

// docxBody is the writer of word/document.xml with the report's body in
// pandoc's sample's place, and what writes word/numbering.xml after it.
func docxBody(ctx context.Context, m officeSource, chart bool, parts map[string]string, zw *zip.Writer) (func(*bufio.Writer) error, func() error, error) {
	doc := parts["word/document.xml"]
	open, end := strings.Index(doc, "<w:body>"), strings.LastIndex(doc, "<w:sectPr")
	if end < 0 {
		end = strings.LastIndex(doc, "</w:body>")
	}
	if open < 0 || end < open {
		return nil, nil, fmt.Errorf("report: pandoc's document.xml has no body")
	}
	d := &docxWriter{drawing: drawingElem.FindString(doc)}
	// The picture's own description is its file's name in pandoc's:
	// the chart's alternative, as the drawing's.
	if alt := docPrDescr.FindStringSubmatch(d.drawing); alt != nil {
		d.drawing = strings.Replace(d.drawing, `<pic:cNvPr descr="`+chartPlaceholder+`"`, `<pic:cNvPr descr="`+alt[1]+`"`, 1)
	}
	ids := numIDs.FindAllStringSubmatch(doc, -1)
	if len(ids) < 2 {
		return nil, nil, fmt.Errorf("report: pandoc's sample has no lists")
	}
	d.bullets = ids[0][1]
	num := regexp.MustCompile(`<w:num w:numId="` + ids[len(ids)-1][1] + `"><w:abstractNumId w:val="([0-9]+)"`).FindStringSubmatch(parts["word/numbering.xml"])
	if num == nil {
		return nil, nil, fmt.Errorf("report: pandoc's numbering.xml has no numbered list")
	}
	d.numbered = num[1]
	if chart && d.drawing == "" {
		return nil, nil, fmt.Errorf("report: pandoc's sample has no chart")
	}
	body := func(w *bufio.Writer) error {
		d.w = w
		w.WriteString(doc[:open+len("<w:body>")])
		if err := m.officeBlocks(chart, func(bs []block) error {
			if ctx.Err() != nil {
				return errTimeOut(ctx)
			}
			d.blocks(bs)
			return nil
		}); err != nil {
			return err
		}
		w.WriteString(doc[end:])
		return nil
	}
	after := func() error {
		numbering, err := d.numbering(parts["word/numbering.xml"])
		if err != nil {
			return err
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "word/numbering.xml", Method: zip.Deflate, Modified: time.Now()})
		if err != nil {
			return err
		}
		_, err = w.Write([]byte(numbering))
		return err
	}
	return body, after, nil
}

// odtBody is the writer of content.xml with the report's body in pandoc's
// sample's place, and the body's automatic styles beside the sample's.
func odtBody(ctx context.Context, m officeSource, chart bool, parts map[string]string) (func(*bufio.Writer) error, error) {
	doc := parts["content.xml"]
	styles := strings.Index(doc, "</office:automatic-styles>")
	open, end := strings.Index(doc, "<office:text>"), strings.LastIndex(doc, "</office:text>")
	if styles < 0 || open < styles || end < open {
		return nil, fmt.Errorf("report: pandoc's content.xml has no automatic styles or no text")
	}
	o := &odtWriter{frame: frameElem.FindString(doc)}
	if chart {
		href := frameHref.FindStringSubmatch(o.frame)
		if href == nil {
			return nil, fmt.Errorf("report: pandoc's sample has no chart")
		}
		o.frame = string(frameAlt([]byte(o.frame), href[1], "Grado di raggiungimento per centro", m.chartAlt()))
	}
	return func(w *bufio.Writer) error {
		o.w = w
		w.WriteString(doc[:styles])
		w.WriteString(odtAutomaticStyles)
		w.WriteString(doc[styles : open+len("<office:text>")])
		if err := m.officeBlocks(chart, func(bs []block) error {
			if ctx.Err() != nil {
				return errTimeOut(ctx)
			}
			o.blocks(bs)
			return nil
		}); err != nil {
			return err
		}
		w.WriteString(doc[end:])
		return nil
	}, nil
}

func readZipped(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// vmHWM is the peak resident memory of process pid, in bytes (0 once it
// has exited, or where /proc does not tell).
func vmHWM(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	_, after, ok := strings.Cut(string(b), "VmHWM:")
	if !ok {
		return 0
	}
	f := strings.Fields(after)
	if len(f) == 0 {
		return 0
	}
	kb, _ := strconv.ParseInt(f[0], 10, 64)
	return kb << 10
}
