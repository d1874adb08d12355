package report

import (
	"context"
	"io"
	"io/fs"

	"traguardo/web/static"
)

// StylePath is the report's stylesheet inside web/static (served at
// /static/css/report.css): screen, and A4 print.
const StylePath = "css/report.css"

// Style is the report's stylesheet, to inline where no server serves it
// (the PDF).
func Style() string {
	b, err := fs.ReadFile(static.FS, StylePath)
	if err != nil {
		panic("report: the stylesheet is not embedded: " + err.Error())
	}
	return string(b)
}

// HTML writes the report as one HTML document.
func HTML(ctx context.Context, w io.Writer, m *Model, o HTMLOptions) error {
	return document(m, o).Render(ctx, w)
}

// HTMLMain writes the report's body alone, the part of HTML that o.Main
// stands for: HTML with o.Main writing what HTMLMain wrote with the same
// model and options is HTML without it.
func HTMLMain(ctx context.Context, w io.Writer, m *Model, o HTMLOptions) error {
	return reportMain(m, o).Render(ctx, w)
}
