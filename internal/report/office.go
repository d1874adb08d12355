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
// stays), and pandoc's table of contents.
func Office(ctx context.Context, m *Model, format string) ([]byte, error) {
	if format != DOCX && format != ODT {
		return nil, fmt.Errorf("report: unknown office format %q", format)
	}
	path, err := FindPandoc()
	if err != nil {
		return nil, err
	}
	var doc bytes.Buffer
	if err := HTML(ctx, &doc, m, HTMLOptions{NoStyle: true, NoChart: true}); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "--from=html", "--to="+format, "--output=-")
	cmd.Stdin = &doc
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("report: pandoc to %s: %v: %s", format, err, stderr.String())
	}
	return out.Bytes(), nil
}
