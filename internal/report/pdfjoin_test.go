package report_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"traguardo/internal/report"
)

// pdfFacts is what a reader of the PDF gets besides its text: read back by
// pdfcpu.
type pdfFacts struct {
	pages   int
	title   string
	lang    string
	marked  bool
	outline []string // "depth title", in order
	links   []string // the named destinations the links go to, sorted
	dests   map[string]bool
	// The tagged structure: the Document element's kids, whether every
	// page's and link's structure key is in the parent tree, whether the
	// structure IDs are unique and every table header a cell names exists.
	kids        int
	keysOK      string
	idsUnique   bool
	headersOK   string
	headingsSEs int // outline items that point at a heading element
}

func readPDF(t *testing.T, pdf []byte) pdfFacts {
	t.Helper()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := api.ReadAndValidate(context.Background(), bytes.NewReader(pdf), conf)
	if err != nil {
		t.Fatalf("pdfcpu reads the PDF: %v", err)
	}
	f := pdfFacts{pages: ctx.PageCount, dests: map[string]bool{}, idsUnique: true}
	root := ctx.RootDict
	str := func(o types.Object) string {
		o, _ = ctx.Dereference(o)
		s, err := types.StringOrHexLiteral(o)
		if err != nil || s == nil {
			return ""
		}
		return *s
	}
	dict := func(o types.Object) types.Dict {
		d, err := ctx.DereferenceDict(o)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if info := ctx.Info; info != nil {
		f.title = str(dict(*info)["Title"])
	}
	f.lang = str(root["Lang"])
	if mi := dict(root["MarkInfo"]); mi != nil {
		f.marked = mi.BooleanEntry("Marked") != nil && *mi.BooleanEntry("Marked")
	}
	for k := range dict(root["Dests"]) {
		f.dests[k] = true
	}
	var walk func(o types.Object, depth int)
	walk = func(o types.Object, depth int) {
		for o != nil {
			d := dict(o)
			f.outline = append(f.outline, fmt.Sprintf("%d %s", depth, str(d["Title"])))
			if se := dict(d["SE"]); se != nil && se.NameEntry("S") != nil && strings.HasPrefix(*se.NameEntry("S"), "H") {
				f.headingsSEs++
			}
			walk(d["First"], depth+1)
			o = d["Next"]
		}
	}
	if ol := dict(root["Outlines"]); ol != nil {
		walk(ol["First"], 0)
	}
	keys := map[int]bool{}
	sr := dict(root["StructTreeRoot"])
	if sr == nil {
		return f
	}
	var nums func(o types.Object)
	nums = func(o types.Object) {
		d := dict(o)
		ns, _ := ctx.DereferenceArray(d["Nums"])
		for i := 0; i+1 < len(ns); i += 2 {
			keys[int(ns[i].(types.Integer))] = true
		}
		kids, _ := ctx.DereferenceArray(d["Kids"])
		for _, k := range kids {
			nums(k)
		}
	}
	nums(sr["ParentTree"])
	doc := dict(sr["K"])
	if k, ok := doc["K"].(types.Array); ok {
		f.kids = len(k)
	} else if doc["K"] != nil {
		f.kids = 1
	}
	ids := map[string]bool{}
	var headers []string
	for _, e := range ctx.Table {
		if e == nil || e.Free {
			continue
		}
		var d types.Dict
		switch o := e.Object.(type) {
		case types.Dict:
			d = o
		case types.StreamDict:
			d = o.Dict
		default:
			continue
		}
		for _, k := range []string{"StructParents", "StructParent"} {
			if n := d.IntEntry(k); n != nil && !keys[*n] && f.keysOK == "" {
				f.keysOK = fmt.Sprintf("%s %d is not in the parent tree", k, *n)
			}
		}
		if d["S"] != nil && d["P"] != nil {
			if id := str(d["ID"]); id != "" {
				if ids[id] {
					f.idsUnique = false
				}
				ids[id] = true
			}
			var as types.Array
			switch a := d["A"].(type) {
			case types.Array:
				as = a
			case types.Dict:
				as = types.Array{a}
			}
			for _, a := range as {
				if ad, ok := a.(types.Dict); ok {
					hs, _ := ad["Headers"].(types.Array)
					for _, h := range hs {
						headers = append(headers, str(h))
					}
				}
			}
		}
		if d.NameEntry("Subtype") != nil && *d.NameEntry("Subtype") == "Link" {
			if n, ok := d["Dest"].(types.Name); ok {
				f.links = append(f.links, string(n))
			}
		}
	}
	for _, h := range headers {
		if !ids[h] && f.headersOK == "" {
			f.headersOK = "a table cell names the header " + h + ", which is not there"
		}
	}
	slices.Sort(f.links)
	return f
}

// TestPDF_InParts: the demo report printed in parts (a part of at most 6
// objectives: 3 parts) and joined is the report printed at once: the
// same pages, each with its footer numbered across the parts ("Pagina N
// di M"), the same outline (every heading under its chapter, whatever part
// it is in), the same links landing on the same names (the table of
// contents' links to centres printed in other parts included), the title
// and the language, and one tagged structure: every part's elements under
// one Document, every page's and link's key in the parent tree, unique
// IDs, every table header a cell names there.
func TestPDF_InParts(t *testing.T) {
	m, _ := demoReport(t, 2023)
	// Validated with an observation on the first objective: section 4, in
	// the last part, links back to an objective of the first.
	first := m.Centres[0].Objectives[0]
	m.Validation = &report.Validation{Outcome: "validata con osservazioni", On: time.Date(2024, 6, 20, 0, 0, 0, 0, time.UTC), TextHTML: "<p>Atto del Nucleo.</p>"}
	m.Observations = []report.Observation{{Centre: m.Centres[0].Name, Section: "Sezione", Number: 1, Title: "Primo obiettivo",
		Anchor: first.Anchor, Text: "Indicatori da rivedere.", On: time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC), By: "Nucleo di Valutazione"}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	whole, err := report.PDF(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	restore := report.SetPartObjectives(6)
	defer restore()
	if n := report.PDFParts(m); n < 3 {
		t.Fatalf("the demo in parts of 6 objectives: %d parts, want at least 3", n)
	}
	parts, err := report.PDF(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	w, p := readPDF(t, whole), readPDF(t, parts)
	if p.pages != w.pages {
		t.Errorf("pages: %d in parts, %d at once", p.pages, w.pages)
	}
	if p.title != w.title || p.lang != "it" || !p.marked {
		t.Errorf("title %q, language %q, marked %v; at once: %q", p.title, p.lang, p.marked, w.title)
	}
	if !slices.Equal(p.outline, w.outline) {
		t.Errorf("the outline in parts:\n%s\nat once:\n%s", strings.Join(p.outline, "\n"), strings.Join(w.outline, "\n"))
	}
	if p.headingsSEs != len(p.outline) {
		t.Errorf("%d outline items of %d point at their heading's structure element", p.headingsSEs, len(p.outline))
	}
	if !slices.Equal(p.links, w.links) {
		t.Errorf("links in parts %v, at once %v", p.links, w.links)
	}
	for _, l := range p.links {
		if !p.dests[l] {
			t.Errorf("a link goes to %q, which is not a destination of the joined PDF", l)
		}
	}
	if p.kids <= w.kids || p.keysOK != "" || !p.idsUnique || p.headersOK != "" {
		t.Errorf("tagged structure: %d kids of the Document (at once %d), keys: %q, unique IDs %v, headers: %q",
			p.kids, w.kids, p.keysOK, p.idsUnique, p.headersOK)
	}
	pages := strings.Split(strings.TrimRight(pdfText(t, ctx, parts), "\f"), "\f")
	if len(pages) != p.pages {
		t.Fatalf("pdftotext reads %d pages of %d", len(pages), p.pages)
	}
	for i, text := range pages {
		want := fmt.Sprintf("Relazione sulla Performance 2023 · %s · Pagina %d di %d", m.Organisation, i+1, p.pages)
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("page %d lacks the footer %q", i+1, want)
		}
	}
	inOrder(t, "PDF in parts", pdfText(t, ctx, parts), append([]string{"Relazione sulla Performance 2023", "1. Introduzione", "2.1 I principali risultati"},
		objectiveHeadings(m)...))
}
