package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"traguardo/internal/report"
	"traguardo/internal/store"
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

// TestInputs_Key: the key of a report's inputs changes with each of them
// (a text, a variation, a version of the report) and not otherwise.
func TestInputs_Key(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, st := demoReport(t, 2023)
	in, err := report.ReadInputs(ctx, st, 2023)
	if err != nil {
		t.Fatal(err)
	}
	again, err := report.ReadInputs(ctx, st, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if in.Key() != again.Key() || len(in.Key()) != 64 {
		t.Fatalf("the same inputs read twice: keys %s and %s", in.Key(), again.Key())
	}
	keys := map[string]string{in.Key(): "as read"}
	change := func(what string, f func(*report.Inputs)) {
		c := in
		c.Variations = append([]store.VariationEntry(nil), in.Variations...)
		c.Versions = append([]store.ReportVersion(nil), in.Versions...)
		f(&c)
		if other, seen := keys[c.Key()]; seen {
			t.Errorf("%s: the key of %s", what, other)
		}
		keys[c.Key()] = what
	}
	change("a text", func(c *report.Inputs) { c.Texts.Gender += "<p>Bilancio</p>" })
	change("the texts' version", func(c *report.Inputs) { c.Texts.Version++ })
	change("a variation", func(c *report.Inputs) {
		c.Variations = append(c.Variations, store.VariationEntry{On: time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC), Reason: "Delibera"})
	})
	change("a version", func(c *report.Inputs) {
		on := time.Date(2024, 6, 20, 0, 0, 0, 0, time.UTC)
		c.Versions = append(c.Versions, store.ReportVersion{Number: 1, ValidatedOn: &on, ValidationHTML: "<p>Validata.</p>"})
	})
	// Written through the store: the texts.
	if err := st.SaveReportTexts(ctx, store.Change{Actor: store.Actor{Name: "direttore@test"}}, 2023, store.ReportTexts{Introduction: "<p>Nuova</p>"}); err != nil {
		t.Fatal(err)
	}
	saved, err := report.ReadInputs(ctx, st, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if _, seen := keys[saved.Key()]; seen {
		t.Error("texts saved: the key did not change")
	}
}
