package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"traguardo/web/static"
)

// PianoStyle is the Piano's own stylesheet, to inline after Style() where
// no server serves it (the PDF).
func PianoStyle() string {
	b, err := fs.ReadFile(static.FS, PianoStylePath)
	if err != nil {
		panic("report: the Piano's stylesheet is not embedded: " + err.Error())
	}
	return string(b)
}

// PianoHTML writes the Piano as one HTML document.
func PianoHTML(ctx context.Context, w io.Writer, p *Piano, o PianoOptions) error {
	return pianoDocument(p, o).Render(ctx, w)
}

// PianoPrintable is the Piano as a document to print (Documents.PrintHTML,
// PrintHTML): its HTML with the stylesheets inlined, the watermark in the
// header of every page while it is a draft (besides the page's own), the
// version once frozen, the title and the page numbers at the foot.
func PianoPrintable(ctx context.Context, p *Piano) (Printable, error) {
	var doc bytes.Buffer
	if err := PianoHTML(ctx, &doc, p, PianoOptions{}); err != nil {
		return Printable{}, err
	}
	pr := Printable{HTML: doc.Bytes(), Footer: fmt.Sprintf("Piano della Performance %d · %s", p.Year, p.Organisation)}
	switch {
	case p.Watermark != "":
		pr.Header = p.Watermark
	case p.Version > 0:
		pr.Header = fmt.Sprintf("Versione %d adottata", p.Version)
	}
	return pr, nil
}

// PianoPDF prints the Piano to PDF with its own browser (the command
// line; a server prints through Documents).
func PianoPDF(ctx context.Context, p *Piano) ([]byte, error) {
	pr, err := PianoPrintable(ctx, p)
	if err != nil {
		return nil, err
	}
	return PrintHTML(ctx, pr)
}

func pianoJoin(s []string) string { return strings.Join(s, "; ") }

// pianoDash is s, or a dash when empty.
func pianoDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func pianoWeight(w string) string {
	if w == "" {
		return "non indicato (pesi uguali)"
	}
	return w
}

func pianoUnassigned(n int) string {
	if n == 1 {
		return "1 obiettivo non indica un'area strategica."
	}
	return fmt.Sprintf("%d obiettivi non indicano un'area strategica.", n)
}
