package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"html"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/internal/interchange"
	"traguardo/internal/pgtest"
	"traguardo/internal/plan"
	"traguardo/internal/report"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// seedPath is the seed document: the 2023 Relazione of Consorzio IN.RE.TE.
// (the demo package keeps a copy for its own tests).
const seedPath = "../demo/testdata/seed.txt"

// demoReport loads the demo into a fresh database and builds the report
// of year.
func demoReport(t *testing.T, year int) (*report.Model, *store.Store) {
	t.Helper()
	return demoReportB(t, year)
}

// demoReportB is demoReport for a test or a benchmark.
func demoReportB(t testing.TB, year int) (*report.Model, *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st := store.New(pgtest.NewDB(t))
	if ok, err := demo.Load(ctx, st, richtext.NewPolicy()); err != nil || !ok {
		t.Fatalf("demo.Load = %v, %v", ok, err)
	}
	m, err := report.Build(ctx, st, year)
	if err != nil {
		t.Fatal(err)
	}
	return m, st
}

// seedText is the seed without its markup, one space for any run of blanks.
func seedLines(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}

var markup = regexp.MustCompile(`<[^>]*>|\*\*`)

// flat is text without markup, blanks collapsed.
func flat(s string) string {
	return strings.Join(strings.Fields(markup.ReplaceAllString(s, " ")), " ")
}

// TestBuild_Demo2023FollowsSeed: the 2023 report holds every objective of
// the seed, in the seed's order (centre by centre, "Obiettivo N" headings
// with their titles), each activity with the seed's own labels of Tempi and
// Consuntivo, and each indicator with the seed's expected and actual
// values: the rows of the seed's tables, found in the seed itself.
func TestBuild_Demo2023FollowsSeed(t *testing.T) {
	t.Parallel()
	m, _ := demoReport(t, 2023)
	lines := seedLines(t)
	if !m.Final || m.Provisional != "" {
		t.Errorf("the 2023 report is provisional (%q): its year is closed", m.Provisional)
	}

	// The seed's objective headings ("Obiettivo N", bold) in order, and
	// each report objective's title found in the seed after the previous
	// one's: the same objectives in the same order.
	seed := strings.ReplaceAll(flat(strings.Join(lines, "\n")), "RESPONSABILITA' :", "RESPONSABILITA':")
	heads := regexp.MustCompile(`(?:<b>|\*\*)Obiettivo (\d+)(?:</b>|\*\*)`).FindAllStringSubmatch(strings.Join(lines, "\n"), -1)
	var got []string
	for _, ce := range m.Centres {
		for _, o := range ce.Objectives {
			got = append(got, itoa(o.Number))
		}
	}
	if len(heads) < 18 {
		t.Fatalf("read %d objective headings from the seed: the reader is broken", len(heads))
	}
	if len(got) != len(heads) {
		t.Fatalf("the report has %d objectives, the seed %d", len(got), len(heads))
	}
	at := 0
	for i, ce := range m.Centres {
		c := strings.Index(seed[at:], "CENTRO DI RESPONSABILITA': "+ce.Name)
		if c < 0 {
			t.Fatalf("centre %d %q is not next in the seed", i+1, ce.Name)
		}
		at += c
		for _, o := range ce.Objectives {
			j := strings.Index(seed[at:], flat(o.Title))
			if j < 0 {
				t.Errorf("%s objective %d: title %q is not next in the seed", ce.Name, o.Number, flat(o.Title))
				continue
			}
			at += j
		}
	}
	for i := range got {
		if got[i] != heads[i][1] {
			t.Errorf("objective %d: report number %s, seed %s", i+1, got[i], heads[i][1])
		}
	}

	// Every activity row and indicator row of the report is a row of the
	// seed's tables (tab-separated), as the seed writes it, but for the
	// accent of "sì", which the seed's typewriting drops ("si").
	rows := map[string]bool{}
	for _, l := range lines {
		rows[rowKey(strings.Split(l, "\t")...)] = true
	}
	activities, indicators := 0, 0
	for _, ce := range m.Centres {
		for _, o := range ce.Objectives {
			for _, a := range o.Activities {
				activities++
				row := rowKey(a.Description, a.Planned, a.Actual)
				if !rows[row] {
					t.Errorf("%s objective %d: activity row %q is not in the seed", ce.Name, o.Number, row)
				}
			}
			for _, in := range o.Indicators {
				indicators++
				row := rowKey(in.Name, in.Description, in.Unit, seedYes(in.ExpectedText), seedYes(in.ActualText))
				if !rows[row] {
					t.Errorf("%s objective %d: indicator row %q is not in the seed", ce.Name, o.Number, row)
				}
			}
		}
	}
	if activities == 0 || indicators == 0 {
		t.Fatalf("%d activities, %d indicators", activities, indicators)
	}
}

// rowKey is a table row as its non-empty cells without markup: the seed
// leaves empty cells where its PDF had merged ones.
// seedYes writes a yes as the seed does, without its accent.
func seedYes(v string) string {
	if v == "sì" {
		return "si"
	}
	return v
}

func rowKey(cells ...string) string {
	var out []string
	for _, c := range cells {
		if c = flat(c); c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, "|")
}

func itoa(n int) string { return strconv.Itoa(n) }

// objectiveHeadings are the report's objective headings as the documents
// write them, each clipped to its first words (a PDF wraps long titles).
func objectiveHeadings(m *report.Model) []string {
	var out []string
	for _, ce := range m.Centres {
		for _, o := range ce.Objectives {
			words := strings.Fields(o.Title)
			out = append(out, "Obiettivo "+itoa(o.Number)+" – "+strings.Join(words[:min(4, len(words))], " "))
		}
	}
	return out
}

// inOrder checks that text holds every one of wants, in order.
func inOrder(t *testing.T, what, text string, wants []string) {
	t.Helper()
	text = strings.Join(strings.Fields(text), " ")
	at := 0
	for _, w := range wants {
		i := strings.Index(text[at:], w)
		if i < 0 {
			t.Errorf("%s: %q missing (or out of order)", what, w)
			continue
		}
		at += i + len(w)
	}
}

// TestPDF_Demo2023: the PDF, printed by Chromium, holds every objective
// heading in order and the page footer; pdftotext (poppler-utils) reads it.
func TestPDF_Demo2023(t *testing.T) {
	t.Parallel()
	m, _ := demoReport(t, 2023)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pdf, err := report.PDF(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "relazione.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, "pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	text := string(out)
	inOrder(t, "PDF", text, append([]string{"Relazione sulla Performance 2023", "1. Introduzione", "2.1 I principali risultati"},
		objectiveHeadings(m)...))
	if !strings.Contains(text, "Pagina 1 di") {
		t.Errorf("the PDF has no footer «Pagina 1 di …»")
	}
	// Tagged, with an outline: the structure tree and the bookmarks.
	if !bytes.Contains(pdf, []byte("/StructTreeRoot")) {
		t.Errorf("the PDF is not tagged (no /StructTreeRoot)")
	}
	if !bytes.Contains(pdf, []byte("/Outlines")) {
		t.Errorf("the PDF has no outline (no /Outlines)")
	}
}

// zipText reads name from the zip archive b, without markup.
func zipText(t *testing.T, b []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip archive: %v", err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer f.Close()
	x, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return html.UnescapeString(markup.ReplaceAllString(string(x), " "))
}

// TestOffice_Demo2023: the DOCX and the ODT (pandoc) open as their zip
// archives and hold the sections and every objective heading in order;
// the table of contents is paragraphs, not a list that Word or LibreOffice
// would number again ("1. 1. Introduzione", "a. 2.1 …", "i. AREA
// DIREZIONE"), and pandoc reads each heading back once in it and once as
// the heading; the chart is in both as a PNG (Chromium's, with its bars)
// with its text alternative, and its data table follows.
func TestOffice_Demo2023(t *testing.T) {
	t.Parallel()
	m, _ := demoReport(t, 2023)
	headings := []string{"1. Introduzione", "2. I risultati", "2.1 I principali risultati", "2.2 Contesto e risorse",
		"2.3 La performance organizzativa", "2.4 Bilancio di genere", "3. Il processo di misurazione e valutazione", "4. La validazione"}
	for format, part := range map[string]string{report.DOCX: "word/document.xml", report.ODT: "content.xml"} {
		b, err := report.Office(context.Background(), m, format)
		if err != nil {
			t.Fatal(err)
		}
		text := zipText(t, b, part)
		inOrder(t, format, text, append([]string{"1. Introduzione", "2.1 I principali risultati", "2.2 Contesto e risorse",
			"2.3 La performance organizzativa"}, append(objectiveHeadings(m), "2.4 Bilancio di genere",
			"3. Il processo di misurazione e valutazione", "4. La validazione")...))

		// The table of contents, from "Indice" to the heading of section
		// 1: no list, no numbering of the word processor's.
		xml := zipRaw(t, b, part)
		from := strings.Index(xml, ">Indice<")
		to := strings.Index(xml[max(from, 0):], "Sezione non ancora compilata")
		if from < 0 || to < 0 {
			t.Fatalf("%s: no table of contents before section 1", format)
		}
		toc := xml[from : from+to]
		for _, list := range []string{"<w:numPr>", "<text:list"} {
			if strings.Contains(toc, list) {
				t.Errorf("%s: the table of contents is a numbered list (%s)", format, list)
			}
		}
		for _, want := range []string{headings[0], headings[2], m.Centres[0].Name} {
			if !strings.Contains(toc, ">"+want+"<") {
				t.Errorf("%s: the table of contents has no entry %q", format, want)
			}
		}

		// The chart: a PNG of Chromium's drawing, with its alternative.
		var alt string
		if format == report.DOCX {
			alt = attr(t, xml, `<wp:docPr descr="`)
		} else {
			alt = attr(t, xml, `<svg:desc>`)
		}
		if want := "Grado di raggiungimento. Complessivo dell'ente " + m.AchievementText + "; " + m.Centres[0].Name + " " +
			m.Centres[0].AchievementText; !strings.HasPrefix(alt, want) {
			t.Errorf("%s: the chart's text alternative %q, want it to begin %q", format, alt, want)
		}
		chartPNG(t, format, b)
		if !strings.Contains(text, "Grado di raggiungimento per centro di responsabilità") {
			t.Errorf("%s: the chart's data table is missing", format)
		}
	}
	// pandoc reads the DOCX back with each heading once in the table of
	// contents and once as the heading, never behind a list's number.
	b, err := report.Office(context.Background(), m, report.DOCX)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "relazione.docx")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pandoc", "--from=docx", "--to=plain", "--wrap=none", file).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(out), "\n")
	marker := regexp.MustCompile(`^([0-9]+|[a-z]+)\.\s+`)
	for i, h := range append(slices.Clip(headings), m.Centres[0].Name) {
		want := 2
		if i == len(headings) {
			want = 1 // the centre's heading reads "CENTRO DI RESPONSABILITA': AREA DIREZIONE"
		}
		exact, behind := 0, []string{}
		for _, l := range lines {
			l = strings.TrimSpace(l)
			switch {
			case l == h:
				exact++
			case strings.HasSuffix(l, " "+h) && marker.MatchString(l):
				behind = append(behind, l)
			}
		}
		if exact != want || len(behind) > 0 {
			t.Errorf("DOCX read back: %q %d times, want %d; behind a list's number: %q", h, exact, want, behind)
		}
	}
}

// zipRaw reads name from the zip archive b, as it is.
func zipRaw(t *testing.T, b []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip archive: %v", err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer f.Close()
	x, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(x)
}

// attr is the text after the first prefix in xml up to the next quote or
// tag, unescaped.
func attr(t *testing.T, xml, prefix string) string {
	t.Helper()
	_, after, ok := strings.Cut(xml, prefix)
	if !ok {
		t.Errorf("no %s", prefix)
		return ""
	}
	v, _, _ := strings.Cut(after, `"`)
	v, _, _ = strings.Cut(v, "<")
	return html.UnescapeString(v)
}

// chartPNG checks that the office document b holds one PNG, the chart as
// Chromium draws it: twice its 760 units wide, with its blue bars.
func chartPNG(t *testing.T, format string, b []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var pngs []string
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".png") && (strings.HasPrefix(f.Name, "word/media/") || strings.HasPrefix(f.Name, "Pictures/")) {
			pngs = append(pngs, f.Name)
		}
	}
	if len(pngs) != 1 {
		t.Fatalf("%s: PNG images %q, want the chart", format, pngs)
	}
	img, err := png.Decode(strings.NewReader(zipRaw(t, b, pngs[0])))
	if err != nil {
		t.Fatalf("%s: the chart: %v", format, err)
	}
	if w := img.Bounds().Dx(); w != 2*760 {
		t.Errorf("%s: the chart is %d pixels wide, want %d", format, w, 2*760)
	}
	blue := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y += 2 {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 2 {
			if r, g, b, _ := img.At(x, y).RGBA(); r>>8 == 0x00 && g>>8 == 0x66 && b>>8 == 0xcc {
				blue++
			}
		}
	}
	if blue < 1000 {
		t.Errorf("%s: the chart has %d pixels of its bars' blue: not drawn", format, blue)
	}
}

// TestOpenData_Demo2023: the XLSX and CSV have a row per indicator of the
// cycle, in plan order, with its centre, objective, unit, expected and
// actual values as the plan holds them (in the CSV as Italian Excel reads
// them, in the XLSX as numbers), under the same Italian headings.
func TestOpenData_Demo2023(t *testing.T) {
	t.Parallel()
	m, _ := demoReport(t, 2023)
	type want struct{ centre, objective, indicator, unit, expected, actual string }
	wants := map[string][]want{}
	for _, ce := range m.Cycle.Centres {
		for _, o := range ce.Objectives {
			for _, in := range o.Indicators {
				csvW := want{ce.Name, o.Title, in.Name, string(in.Unit), format.Value(in.Unit, in.Expected), ""}
				xlsxW := csvW
				xlsxW.expected = strconv.FormatFloat(in.Expected, 'f', -1, 64)
				if in.Unit.IsYesNo() {
					xlsxW.expected = format.Value(in.Unit, in.Expected)
				}
				if v := in.ValueAt(m.AsOf); v != nil && !v.NotMeasurable {
					csvW.actual = format.Value(in.Unit, v.Value)
					xlsxW.actual = strconv.FormatFloat(v.Value, 'f', -1, 64)
					if in.Unit.IsYesNo() {
						xlsxW.actual = csvW.actual
					}
				}
				wants["CSV"] = append(wants["CSV"], csvW)
				wants["XLSX"] = append(wants["XLSX"], xlsxW)
			}
		}
	}
	if n := m.Cycle.Count().Indicators; len(wants["CSV"]) != n || n == 0 {
		t.Fatalf("%d indicators listed, the cycle has %d", len(wants["CSV"]), n)
	}
	check := func(format string, rows [][]string) {
		if len(rows) != len(wants[format])+1 {
			t.Fatalf("%s: %d rows, want a header and %d", format, len(rows), len(wants[format]))
		}
		if strings.Join(rows[0], ",") != strings.Join(report.Columns, ",") {
			t.Errorf("%s header %q", format, rows[0])
		}
		for i, w := range wants[format] {
			r := rows[i+1]
			got := want{r[1], r[4], r[6], r[8], r[10], r[11]}
			if got != w {
				t.Errorf("%s row %d: %+v, want %+v", format, i+1, got, w)
			}
			if r[0] != "2023" || r[13] != "31/12/2023" {
				t.Errorf("%s row %d: year %q, period %q", format, i+1, r[0], r[13])
			}
		}
	}
	var buf bytes.Buffer
	if err := report.CSV(&buf, m); err != nil {
		t.Fatal(err)
	}
	check("CSV", readCSV(t, buf.Bytes()))

	b, err := report.XLSX(m)
	if err != nil {
		t.Fatal(err)
	}
	check("XLSX", xlsxRows(t, b))
}

// readCSV checks that b is CSV for Italian Excel (a UTF-8 BOM, ";" between
// the cells) and reads it back.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(report.CSVBOM)) {
		t.Fatalf("the CSV does not begin with the UTF-8 BOM: %q", b[:min(len(b), 10)])
	}
	r := csv.NewReader(bytes.NewReader(b[len(report.CSVBOM):]))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read back with ';': %v", err)
	}
	return rows
}

// xlsxRows are the rows of the sheet Indicatori of the workbook b, raw
// values, each as long as the header.
func xlsxRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Indicatori", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows { // a row ends at its last cell with a value
		for len(rows[i]) < len(report.Columns) {
			rows[i] = append(rows[i], "")
		}
	}
	return rows
}

// TestData_NotMeasurableWithReason: an indicator recorded "non rilevabile"
// at the report's period, with its reason: the report's indicator table
// (HTML, so the PDF and the office documents) says so with the reason, and
// the CSV and the XLSX have the reason in their column "Motivo non
// rilevabile" and "non rilevabile" as the note. The CSV made from the
// cycle's JSON export (as the public indicatori.csv is made from the
// frozen JSON) is the report's CSV byte for byte.
func TestData_NotMeasurableWithReason(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, st := demoReport(t, 2023)
	const reason = "Dato non fornito dalla ASL entro la chiusura"
	last := m.Cycle.Periods[len(m.Cycle.Periods)-1]
	in := m.Cycle.Centres[1].Objectives[0].Indicators[0]
	if _, err := st.Pool().Exec(ctx, `INSERT INTO indicator_values (indicator_id, period_id, value, not_measurable, reason) VALUES ($1, $2, NULL, true, $3)
		ON CONFLICT (indicator_id, period_id) DO UPDATE SET value = NULL, not_measurable = true, reason = $3`, in.ID, last.ID, reason); err != nil {
		t.Fatal(err)
	}
	m, err := report.Build(ctx, st, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Cycle.Centres[1].Objectives[0].Indicators[0].NotMeasurable() {
		t.Fatal("the value is not read as non rilevabile: the test proves nothing")
	}
	var h bytes.Buffer
	if err := report.HTML(ctx, &h, m, report.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	// The reason is in one indicator row: the indicator's, after "non
	// rilevabile" in its actual value.
	var rows []string
	for _, tr := range strings.Split(h.String(), `<tr data-testid="indicator">`)[1:] {
		if tr, _, _ = strings.Cut(tr, "</tr>"); strings.Contains(tr, html.EscapeString(reason)) {
			rows = append(rows, flat(tr))
		}
	}
	if len(rows) != 1 || !strings.HasPrefix(rows[0], in.Name+" ") || !strings.Contains(rows[0], "(non rilevabile) Motivo: "+reason) {
		t.Errorf("the indicator rows with the reason: %q, want the one of %q, «(non rilevabile) Motivo: %s»", rows, in.Name, reason)
	}

	var buf bytes.Buffer
	if err := report.CSV(&buf, m); err != nil {
		t.Fatal(err)
	}
	reasonCol, noteCol := slices.Index(report.Columns, "Motivo non rilevabile"), slices.Index(report.Columns, "Nota")
	for format, rows := range map[string][][]string{"CSV": readCSV(t, buf.Bytes()), "XLSX": xlsxRows(t, mustXLSX(t, m))} {
		found := 0
		for _, r := range rows[1:] {
			if r[reasonCol] != "" {
				found++
				if r[6] != in.Name || r[reasonCol] != reason || r[noteCol] != "non rilevabile" {
					t.Errorf("%s: the row %q, want %q with the reason %q and the note «non rilevabile»", format, r, in.Name, reason)
				}
			}
		}
		if found != 1 {
			t.Errorf("%s: %d rows with a reason of a value not measurable, want 1", format, found)
		}
	}

	var export bytes.Buffer
	if err := interchange.Encode(&export, m.Cycle.Clone(), domain.Today(time.Now())); err != nil {
		t.Fatal(err)
	}
	frozen, err := report.FrozenCSV(export.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(frozen, buf.Bytes()) {
		t.Errorf("the CSV of the JSON export differs from the report's:\n%s\n---\n%s", frozen, buf.Bytes())
	}
}

func mustXLSX(t *testing.T, m *report.Model) []byte {
	t.Helper()
	b, err := report.XLSX(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBuild_MeasuresTextsValidation: AREA DIREZIONE objective 2 (1 of 1;
// 0 of 1; "no" for "si": 33,3%) with its second indicator neutralised and
// its third overridden to 100 is (100 + 100) / 2 = 100%, and the report
// lists both with their reasons; the director's texts fill their sections
// (the check no longer asks for them); section 4 reads "non ancora
// validata" until the Nucleo's act is set, then its outcome and text.
func TestBuild_MeasuresTextsValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, st := demoReport(t, 2023)
	var o *report.Objective
	for i := range m.Centres[0].Objectives {
		if m.Centres[0].Objectives[i].Number == 2 {
			o = &m.Centres[0].Objectives[i]
		}
	}
	if m.Centres[0].Name != "AREA DIREZIONE" || o == nil || o.AchievementText != "33,3%" {
		t.Fatalf("AREA DIREZIONE objective 2 not found at 33,3%%: %+v", o)
	}
	_, po, _ := m.Cycle.ObjectiveByID(o.ID)
	in1, in2 := po.Indicators[1], po.Indicators[2]
	director := store.Actor{Name: "direttore@test"}
	if err := st.SetMeasure(ctx, store.Change{Actor: director, Version: in1.Version}, in1.ID,
		store.Measure{Neutralised: &plan.Neutralisation{Reason: "Atto non più dovuto", By: "direttore"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetMeasure(ctx, store.Change{Actor: director, Version: in2.Version}, in2.ID,
		store.Measure{Override: &plan.Override{Pct: 100, Reason: "Formazione svolta in altra forma"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveReportTexts(ctx, store.Change{Actor: director}, 2023, store.ReportTexts{
		Introduction: "<p>Introduzione</p>", Context: "<p>Contesto</p>", Gender: "<p>Genere</p>", Process: "<p>Processo</p>"}); err != nil {
		t.Fatal(err)
	}
	m, err := report.Build(ctx, st, 2023)
	if err != nil {
		t.Fatal(err)
	}
	for _, ob := range m.Centres[0].Objectives {
		if ob.ID == o.ID && ob.AchievementText != "100%" {
			t.Errorf("objective 2 at %s, want 100%%", ob.AchievementText)
		}
	}
	if len(m.Neutralised) != 1 || m.Neutralised[0].Reason != "Atto non più dovuto" || m.Neutralised[0].By != "Direttore" {
		t.Errorf("neutralised %+v", m.Neutralised)
	}
	if len(m.Overridden) != 1 || m.Overridden[0].Reason != "Formazione svolta in altra forma" || m.Overridden[0].Value != "100%" {
		t.Errorf("overridden %+v", m.Overridden)
	}
	for _, p := range report.Check(m) {
		if p.Kind == report.KindSection {
			t.Errorf("the texts are written, yet %+v", p)
		}
	}
	var b bytes.Buffer
	if err := report.HTML(ctx, &b, m, report.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Atto non più dovuto", "Formazione svolta in altra forma", "<p>Introduzione</p>",
		"<p>Genere</p>", "Relazione non ancora validata dal Nucleo di Valutazione."} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
	m.Validation = &report.Validation{Outcome: "validata con osservazioni", On: time.Date(2024, 6, 20, 0, 0, 0, 0, time.UTC),
		TextHTML: "<p>Il Nucleo valida la relazione.</p>"}
	b.Reset()
	if err := report.HTML(ctx, &b, m, report.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"validata con osservazioni", "20/06/2024", "Il Nucleo valida la relazione."} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("section 4 lacks %q", want)
		}
	}
}

// TestCheck_Weights: weights set for some indicators only, or not adding
// up to 100, are open points linked to the objective; equal weights (none
// set) and weights adding up to 100 are not.
func TestCheck_Weights(t *testing.T) {
	t.Parallel()
	m, _ := demoReport(t, 2023)
	o := &m.Centres[0].Objectives[0] // AREA DIREZIONE objective 1: three indicators
	if len(o.Indicators) != 3 {
		t.Fatalf("%d indicators", len(o.Indicators))
	}
	weights := func() []string {
		var out []string
		for _, p := range report.Check(m) {
			if p.Kind == report.KindWeights {
				out = append(out, p.Text+" "+p.Href)
			}
		}
		return out
	}
	if got := weights(); len(got) != 0 {
		t.Errorf("the demo has no weights, yet %q", got)
	}
	w := func(v float64) *float64 { return &v }
	o.Indicators[0].Weight = w(50)
	got := weights()
	if len(got) != 1 || !strings.Contains(got[0], "indicati per 1 su 3") || !strings.Contains(got[0], "#indicatori") {
		t.Errorf("one weight of three: %q", got)
	}
	o.Indicators[1].Weight, o.Indicators[2].Weight = w(30), w(10)
	if got := weights(); len(got) != 1 || !strings.Contains(got[0], "sommano a 90") {
		t.Errorf("weights 50+30+10: %q", got)
	}
	o.Indicators[2].Weight = w(20)
	if got := weights(); len(got) != 0 {
		t.Errorf("weights 50+30+20: %q", got)
	}
}

// TestDocuments_KeepsFinishedPDF: the documents give the same PDF again
// for an unchanged report without printing it (the very same bytes), and
// print anew once the report changes.
func TestDocuments_KeepsFinishedPDF(t *testing.T) {
	t.Parallel()
	m, _ := demoReport(t, 2023)
	d := report.NewDocuments(report.DocumentsConfig{})
	ctx := context.Background()
	first, err := d.PDF(ctx, m, report.SharedLane)
	if err != nil {
		t.Fatal(err)
	}
	again, err := d.PDF(ctx, m, report.PriorityLane)
	if err != nil {
		t.Fatal(err)
	}
	if &first[0] != &again[0] {
		t.Errorf("the unchanged report was printed again")
	}
	m.Validation = &report.Validation{Outcome: "validata", On: time.Date(2024, 6, 20, 0, 0, 0, 0, time.UTC)}
	changed, err := d.PDF(ctx, m, report.SharedLane)
	if err != nil {
		t.Fatal(err)
	}
	if &changed[0] == &first[0] {
		t.Errorf("the changed report was not printed again")
	}
}

// TestBuild_PeriodOverrides: AREA DIREZIONE objective 2 (1 of 1; 0 of 1;
// "no" for "si": 33,3%) with its second indicator overridden to 90 at
// 31/12 only and its third to 100 at 30/06 only is, at the year's end,
// (100 + 90 + 0) / 3 = 63,3%; the Relazione lists both overrides with their
// period and reason, and flags the indicator whose figure is the period's
// override.
func TestBuild_PeriodOverrides(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, st := demoReport(t, 2023)
	var o *report.Objective
	for i := range m.Centres[0].Objectives {
		if m.Centres[0].Objectives[i].Number == 2 {
			o = &m.Centres[0].Objectives[i]
		}
	}
	if m.Centres[0].Name != "AREA DIREZIONE" || o == nil || o.AchievementText != "33,3%" {
		t.Fatalf("AREA DIREZIONE objective 2 not found at 33,3%%: %+v", o)
	}
	_, po, _ := m.Cycle.ObjectiveByID(o.ID)
	in1, in2 := po.Indicators[1], po.Indicators[2]
	june, dec := time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC), time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)
	director := store.Actor{Name: "direttore@test"}
	if err := st.SetMeasure(ctx, store.Change{Actor: director, Version: in1.Version}, in1.ID,
		store.Measure{Overrides: []plan.PeriodOverride{{Period: dec, Pct: 90, Reason: "Dato di dicembre rettificato"}}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetMeasure(ctx, store.Change{Actor: director, Version: in2.Version}, in2.ID,
		store.Measure{Overrides: []plan.PeriodOverride{{Period: june, Pct: 100, Reason: "Dato di giugno mancante nel gestionale"}}}); err != nil {
		t.Fatal(err)
	}
	m, err := report.Build(ctx, st, 2023)
	if err != nil {
		t.Fatal(err)
	}
	for _, ob := range m.Centres[0].Objectives {
		if ob.ID != o.ID {
			continue
		}
		if ob.AchievementText != "63,3%" {
			t.Errorf("objective 2 at %s, want 63,3%%", ob.AchievementText)
		}
		if got := ob.Indicators[1]; got.Overridden != "Dato di dicembre rettificato" || got.OverriddenAt != "31/12" {
			t.Errorf("second indicator: overridden %q at %q", got.Overridden, got.OverriddenAt)
		}
		if got := ob.Indicators[2]; got.Overridden != "" || got.AchievementText != "0%" {
			t.Errorf("third indicator at 31/12: overridden %q, %s: its override is of 30/06 only", got.Overridden, got.AchievementText)
		}
	}
	want := []report.MeasureNote{
		{Centre: "AREA DIREZIONE", Indicator: in1.Name, Value: "90%", By: "Direttore", Reason: "Dato di dicembre rettificato", Period: "31/12/2023"},
		{Centre: "AREA DIREZIONE", Indicator: in2.Name, Value: "100%", By: "Direttore", Reason: "Dato di giugno mancante nel gestionale", Period: "30/06/2023"},
	}
	if len(m.Overridden) != len(want) {
		t.Fatalf("overridden %+v", m.Overridden)
	}
	for i, w := range want {
		g := m.Overridden[i]
		if g.Centre != w.Centre || g.Indicator != w.Indicator || g.Value != w.Value || g.By != w.By || g.Reason != w.Reason || g.Period != w.Period {
			t.Errorf("overridden[%d] = %+v, want %+v", i, g, w)
		}
	}
	var b bytes.Buffer
	if err := report.HTML(ctx, &b, m, report.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"solo al 30/06/2023", "Dato di giugno mancante nel gestionale", "solo al 31/12/2023",
		"(stabilito dal direttore per il 31/12)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
	rows := report.Rows(m)
	found := false
	for _, r := range rows {
		if r.Note == "grado stabilito dal direttore per il 31/12: Dato di dicembre rettificato" {
			found = true
		}
	}
	if !found {
		t.Error("the data rows do not say the indicator's figure is the director's of 31/12")
	}
}
