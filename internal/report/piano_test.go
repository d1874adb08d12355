package report_test

import (
	"bytes"
	"context"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/internal/pgtest"
	"traguardo/internal/plan"
	"traguardo/internal/report"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// demoPiano is the demo's Piano of year, with its store.
func demoPiano(t *testing.T, year int) (*report.Piano, *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st := store.New(pgtest.NewDB(t))
	if ok, err := demo.Load(ctx, st, richtext.NewPolicy()); err != nil || !ok {
		t.Fatalf("demo.Load = %v, %v", ok, err)
	}
	p, err := report.BuildPiano(ctx, st, year)
	if err != nil {
		t.Fatal(err)
	}
	return p, st
}

func pianoHTML(t *testing.T, p *report.Piano) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.PianoHTML(context.Background(), &b, p, report.PianoOptions{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPiano_Demo2024: the Piano of the demo's 2024 holds every objective
// in the plan's order, each carried over from 2023 with the baselines of
// its indicators (the 2023 actuals at the year's end), every strategic
// area in the plan's order, the rules in force, and the draft watermark
// until the plan is approved, none after.
func TestPiano_Demo2024(t *testing.T) {
	t.Parallel()
	p, st := demoPiano(t, 2024)
	ctx := context.Background()
	c, err := st.LoadCycle(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			titles = append(titles, o.Title)
		}
	}
	if got := p.Titles(); strings.Join(got, "\n") != strings.Join(titles, "\n") || len(got) == 0 {
		t.Errorf("titles = %q, want the plan's %q", got, titles)
	}
	if p.Watermark != report.DraftWatermark {
		t.Errorf("watermark of the plan not approved = %q, want %q", p.Watermark, report.DraftWatermark)
	}
	// The baselines: the 2023 actual of each indicator at 2023's last
	// period, read from the 2023 cycle.
	prev, err := st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	last := prev.Periods[len(prev.Periods)-1].EndsOn
	var want, got []string
	for i, ce := range prev.Centres {
		for j, o := range ce.Objectives {
			if p.Centres[i].Objectives[j].CarriedFrom != 2023 {
				t.Errorf("objective %q: carried from %d, want 2023", o.Title, p.Centres[i].Objectives[j].CarriedFrom)
			}
			for k, in := range o.Indicators {
				w := ""
				if v := in.ValueAt(last); v != nil && !v.NotMeasurable {
					w = format.Value(in.Unit, v.Value)
				}
				want = append(want, w)
				got = append(got, p.Centres[i].Objectives[j].Indicators[k].Baseline)
			}
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") || strings.Trim(strings.Join(got, ""), "") == "" {
		t.Errorf("baselines = %q, want the 2023 actuals %q", got, want)
	}
	var areas []string
	for _, a := range c.StrategicAreas() {
		areas = append(areas, a.Name)
	}
	var gotAreas []string
	for _, a := range p.Areas {
		gotAreas = append(gotAreas, a.Name)
	}
	if strings.Join(gotAreas, "|") != strings.Join(areas, "|") || len(areas) == 0 {
		t.Errorf("areas = %q, want %q", gotAreas, areas)
	}
	html := pianoHTML(t, p)
	if !strings.Contains(html, `data-watermark="`+report.DraftWatermark+`"`) || !strings.Contains(html, `data-testid="draft"`) {
		t.Errorf("the draft's HTML has no watermark")
	}
	if !strings.Contains(html, p.RuleLines[0]) {
		t.Errorf("the HTML lacks the rules in force")
	}

	// Approved: no watermark.
	if err := st.ApprovePlan(ctx, store.Actor{Name: "test"}, 2024, c.Version, "Delibera n. 3 del 20/01/2024", time.Date(2024, 1, 20, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	p, err = report.BuildPiano(ctx, st, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if p.Watermark != "" {
		t.Errorf("watermark of the approved plan = %q, want none", p.Watermark)
	}
	html = pianoHTML(t, p)
	// The stylesheet names the watermark for a body of class draft (and is
	// inlined in the document): the approved plan's body has no such class,
	// no watermark and no draft notice.
	if strings.Contains(html, `class="piano draft"`) || strings.Contains(html, `data-watermark="B`) || strings.Contains(html, `data-testid="draft"`) {
		t.Errorf("the approved plan's HTML still says BOZZA")
	}
	if !strings.Contains(html, "Delibera n. 3 del 20/01/2024") {
		t.Errorf("the approved plan's HTML lacks its act")
	}
}

// TestPiano_PublicValues: each strategic area goes with the public value
// the cycle sets for it, in the plan's order; an area without one says so.
func TestPiano_PublicValues(t *testing.T) {
	t.Parallel()
	c := &plan.Cycle{Organisation: "Ente", Year: 2025, Bands: domain.Bands{Reached: 90, Partial: 60},
		PublicValues: []plan.PublicValue{{Area: "Inclusione", Value: "Meno famiglie sotto la soglia di povertà"}}}
	c.Centres = []*plan.Centre{{ID: 1, Name: "Sociale", Manager: "Rossi", Objectives: []*plan.Objective{
		{ID: 1, Section: "A", Number: 1, Title: "Primo obiettivo", StrategicArea: "Governance"},
		{ID: 2, Section: "A", Number: 2, Title: "Secondo obiettivo", StrategicArea: " Inclusione "},
		{ID: 3, Section: "A", Number: 3, Title: "Terzo obiettivo"},
	}}}
	p := report.AssemblePiano(c, nil, nil, richtext.NewPolicy())
	if len(p.Areas) != 2 || p.Areas[0].Name != "Governance" || p.Areas[0].PublicValue != "" ||
		p.Areas[1].Name != "Inclusione" || p.Areas[1].PublicValue != "Meno famiglie sotto la soglia di povertà" {
		t.Fatalf("areas = %+v", p.Areas)
	}
	if p.Unassigned != 1 {
		t.Errorf("unassigned = %d, want 1", p.Unassigned)
	}
	html := pianoHTML(t, p)
	for _, w := range []string{"Meno famiglie sotto la soglia di povertà", "Valore pubblico non ancora indicato.", "Sociale, A, obiettivo 2 – Secondo obiettivo", "1 obiettivo non indica"} {
		if !strings.Contains(html, w) {
			t.Errorf("HTML lacks %q", w)
		}
	}
	if i, j := strings.Index(html, "Governance"), strings.Index(html, "Meno famiglie"); i < 0 || j < i {
		t.Errorf("the areas are not in the plan's order")
	}
}

// TestPianoPDF_Demo2024: the PDF of the demo's 2024 Piano, printed by
// Chromium and read by pdftotext, holds each strategic area, the draft
// watermark and every objective's title in the plan's order.
func TestPianoPDF_Demo2024(t *testing.T) {
	t.Parallel()
	_, st := demoPiano(t, 2024)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// A public value for every strategic area, through the store, as the
	// director's form writes them.
	c, err := st.LoadCycle(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	var values []plan.PublicValue
	for i, a := range c.StrategicAreas() {
		values = append(values, plan.PublicValue{Area: a.Name, Value: "Valore pubblico numero " + itoa(i+1)})
	}
	if err := st.SetPublicValues(ctx, store.Change{Actor: store.CLI, Version: c.PublicValuesVersion}, 2024, values); err != nil {
		t.Fatal(err)
	}
	p, err := report.BuildPiano(ctx, st, 2024)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := report.PianoPDF(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	// The header of every page says it's a draft (and so does the notice
	// of the first page); the diagonal watermark drawn on every page is
	// left out of the text read for the rest (-nodiag, as a reader's tool
	// does), its letters scattered among the lines otherwise.
	diag := norm(pdftotext(t, ctx, pdf))
	pages := strings.Count(diag, "Pagina ")
	if n := strings.Count(diag, report.DraftWatermark); pages < 2 || n < pages {
		t.Errorf("the draft's PDF says %q %d times in %d pages, want on every page", report.DraftWatermark, n, pages)
	}
	text := norm(pdftotext(t, ctx, pdf, "-nodiag"))
	if !strings.Contains(text, "Pagina 1 di") || !strings.Contains(text, "Piano della Performance 2024") {
		t.Errorf("the PDF lacks its title or footer")
	}
	var areas []string
	for i, a := range p.Areas {
		areas = append(areas, norm(a.Name), "Valore pubblico numero "+itoa(i+1))
	}
	if len(p.Areas) != len(values) {
		t.Errorf("the Piano has %d areas, the plan %d", len(p.Areas), len(values))
	}
	inOrder(t, "PDF areas", text[strings.LastIndex(text, "2. Le aree strategiche e il valore pubblico"):], areas)
	at := strings.LastIndex(text, "3. Gli obiettivi dei centri di responsabilità")
	if at < 0 {
		t.Fatal("the PDF lacks section 3")
	}
	var titles []string
	for _, ce := range p.Centres {
		for _, o := range ce.Objectives {
			titles = append(titles, norm("obiettivo "+itoa(o.Number)+" – "+o.Title))
		}
	}
	inOrder(t, "PDF titles", text[at:], titles)
}

// pdftotext is the text of pdf by pdftotext -layout with the options more.
func pdftotext(t *testing.T, ctx context.Context, pdf []byte, more ...string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "piano.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, "pdftotext", append(append([]string{"-layout"}, more...), file, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	return string(out)
}

// norm is s with its blanks collapsed, and no blank after a hyphen (the
// printer breaks a line after one: "socio-\nsanitarie").
func norm(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "- ", "-")
}

// TestPianoOffice_Demo2024: the Piano as DOCX and ODT holds the draft's
// notice, each strategic area and every objective's title in the plan's
// order, as its HTML does.
func TestPianoOffice_Demo2024(t *testing.T) {
	t.Parallel()
	p, _ := demoPiano(t, 2024)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var wants []string
	wants = append(wants, report.DraftWatermark)
	for _, a := range p.Areas {
		wants = append(wants, norm(a.Name))
	}
	wants = append(wants, "3. Gli obiettivi dei centri di responsabilità")
	for _, ce := range p.Centres {
		for _, o := range ce.Objectives {
			wants = append(wants, norm("obiettivo "+itoa(o.Number)+" – "+o.Title))
		}
	}
	for format, part := range map[string]string{report.DOCX: "word/document.xml", report.ODT: "content.xml"} {
		b, err := report.PianoOffice(ctx, p, format)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		inOrder(t, format, norm(html.UnescapeString(zipText(t, b, part))), wants)
	}
}
