package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"traguardo/internal/report"
)

// TestHTMLMain_StandsForTheBody: the report's HTML with its body drawn
// apart (HTMLMain, given as o.Main) is the same bytes as drawn whole, for
// the web page's options and the PDF's; the body is the <main> element
// alone, without the toolbar or the head.
func TestHTMLMain_StandsForTheBody(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, _ := demoReport(t, 2023)
	for _, o := range []report.HTMLOptions{
		{StyleHref: "/static/report.css", Back: "/cicli/2023", Links: []report.Link{{Label: "PDF", Href: "/cicli/2023/relazione.pdf"}},
			Actions: []report.Link{{Label: "Verifica la relazione", Href: "/cicli/2023/relazione/verifica"}}},
		{Paged: true},
		{NoStyle: true, NoChart: true},
	} {
		var whole, body, parts bytes.Buffer
		if err := report.HTML(ctx, &whole, m, o); err != nil {
			t.Fatal(err)
		}
		if err := report.HTMLMain(ctx, &body, m, o); err != nil {
			t.Fatal(err)
		}
		o.Main = templ.Raw(body.String())
		if err := report.HTML(ctx, &parts, m, o); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole.Bytes(), parts.Bytes()) {
			t.Errorf("options %+v: the page with its body drawn apart (%d bytes) is not the page (%d bytes)", o, parts.Len(), whole.Len())
		}
		b := body.String()
		if !strings.HasPrefix(b, "<main>") || !strings.HasSuffix(b, "</main>") || strings.Contains(b, `class="toolbar`) || strings.Contains(b, "<head>") {
			t.Errorf("the body is not the <main> element alone: %.80q … %.80q", b, b[max(0, len(b)-80):])
		}
	}
}
