package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"
)

// The editable documents (DOCX for Word, ODT for LibreOffice) are the
// report's HTML converted by pandoc, Debian's package: a well-kept
// converter that maps headings, tables and lists to the word processor's
// own styles (Heading 1…5, real tables), so an office finishes the text
// with its tools. No maintained Go library writes both formats from HTML:
// writing OOXML and ODF by hand would be a copy of what pandoc does.

// ErrNoPandoc is returned where pandoc is not installed.
var ErrNoPandoc = errors.New("report: pandoc not found")

// InstallPandoc tells people what to install for DOCX and ODT.
const InstallPandoc = "installare il pacchetto Debian pandoc (apt-get install pandoc)"

// Office formats pandoc writes.
const (
	DOCX = "docx"
	ODT  = "odt"
)

// FindPandoc returns the path of pandoc, or ErrNoPandoc.
func FindPandoc() (string, error) {
	p, err := exec.LookPath("pandoc")
	if err != nil {
		return "", ErrNoPandoc
	}
	return p, nil
}

// Office converts the report to an editable document, format DOCX or ODT,
// with pandoc: the HTML without stylesheet and chart (its data table
// stays), and pandoc's table of contents. pandoc runs within 2 minutes and
// no memory limit (for the command line; a server converts through
// Documents).
func Office(ctx context.Context, m *Model, format string) ([]byte, error) {
	path, doc, err := officeInput(ctx, m, format)
	if err != nil {
		return nil, err
	}
	return convert(ctx, path, format, doc, Limits{Time: 2 * time.Minute})
}

// officeInput is pandoc's path and the HTML it converts to format.
func officeInput(ctx context.Context, m *Model, format string) (string, []byte, error) {
	if format != DOCX && format != ODT {
		return "", nil, fmt.Errorf("report: unknown office format %q", format)
	}
	path, err := FindPandoc()
	if err != nil {
		return "", nil, err
	}
	var doc bytes.Buffer
	if err := HTML(ctx, &doc, m, HTMLOptions{NoStyle: true, NoChart: true}); err != nil {
		return "", nil, err
	}
	return path, doc.Bytes(), nil
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
