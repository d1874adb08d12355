package spreadsheet_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
	"traguardo/internal/spreadsheet"
)

// demoCycle is the demo plan, read the way every document is read.
func demoCycle(t *testing.T) *plan.Cycle {
	t.Helper()
	c, err := interchange.Read(bytes.NewReader(demo.Cycle2023()), richtext.NewPolicy())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func month(t testing.TB, s string) *domain.Month {
	t.Helper()
	m, err := domain.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return &m
}

func ptr(v float64) *float64 { return &v }

// smallCycle is a plan with every kind of value: weights, a lower-is-better
// indicator, a si/no one, open and annual spans, a cross-cutting group.
func smallCycle(t testing.TB) *plan.Cycle {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	return &plan.Cycle{
		Year:    2024,
		Periods: []plan.Period{{EndsOn: day("2024-03-31")}, {EndsOn: day("2024-06-30")}, {EndsOn: day("2024-09-30")}, {EndsOn: day("2024-12-31")}},
		Centres: []*plan.Centre{
			{Name: "AREA DIREZIONE", Manager: "Anna Bianchi", Objectives: []*plan.Objective{
				{
					Section: "Obiettivi di performance", Number: 1, Title: "Piano di comunicazione",
					StrategicArea: "Governance", OperationalObjective: "Direzione", PEGProject: "PEG 1",
					Services: "Segreteria", EndUsers: "Cittadini", Networks: "Comuni soci",
					DescriptionHTML: "<p>Primo paragrafo, con \"virgolette\" e l'apostrofo.</p><ul><li>voce uno</li><li>voce due</li></ul><p>Fine &amp; basta.</p>",
					Weight:          ptr(2),
					Activities: []*plan.Activity{
						{Description: "Analisi", Planned: domain.Span{From: month(t, "2024-01"), To: month(t, "2024-03")}},
						{Description: "Gestione", Planned: domain.Span{Annual: true}},
						{Description: "Non prevista"},
						{Description: "Avviata", Planned: domain.Span{From: month(t, "2023-11")}},
					},
					Indicators: []*plan.Indicator{
						{Name: "Incontri", Description: "Incontri della conferenza", Unit: domain.UnitCount, Polarity: domain.Higher, Expected: 6},
						{Name: "Piano approvato", Unit: domain.UnitYesNo, Polarity: domain.Higher, Expected: 1},
						{Name: "Tempo medio", Description: "di risposta", Unit: domain.UnitDays, Polarity: domain.Lower, Weight: ptr(0.5), Expected: 12.5},
					},
				},
				{Section: "Obiettivi di performance", Number: 2, Title: "Trasparenza", Group: "trasparenza"},
			}},
			{Name: "AREA FINANZIARIA", Objectives: []*plan.Objective{
				{Section: "Obiettivi di performance", Number: 1, Title: "Bilancio", Group: "trasparenza",
					Indicators: []*plan.Indicator{{Name: "Riscossione", Unit: domain.UnitPercent, Polarity: domain.Higher, Expected: 95}}},
			}},
		},
	}
}

func write(t testing.TB, c *plan.Cycle) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := spreadsheet.WritePlan(&buf, c); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func read(t testing.TB, b []byte) *plan.Cycle {
	t.Helper()
	c, err := spreadsheet.ReadPlan(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("ReadPlan: %v", err)
	}
	return c
}

// readErrors reads a workbook that must be refused and returns its errors.
func readErrors(t testing.TB, b []byte) fielderr.List {
	t.Helper()
	c, err := spreadsheet.ReadPlan(bytes.NewReader(b))
	if err == nil {
		t.Fatalf("ReadPlan accepted the workbook: %+v", c.Count())
	}
	var errs fielderr.List
	if !errors.As(err, &errs) {
		t.Fatalf("ReadPlan error is a %T, want fielderr.List: %v", err, err)
	}
	if c != nil {
		t.Errorf("ReadPlan returned a cycle with its errors")
	}
	return errs
}

// edit opens a workbook, changes it and returns it written again.
func edit(t testing.TB, b []byte, change func(f *excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	change(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// set writes cells of a sheet: "J5", value, "G2", value...
func set(t testing.TB, f *excelize.File, sheet string, cellsAndValues ...any) {
	t.Helper()
	for i := 0; i < len(cellsAndValues); i += 2 {
		if err := f.SetCellValue(sheet, cellsAndValues[i].(string), cellsAndValues[i+1]); err != nil {
			t.Fatal(err)
		}
	}
}

func setRow(t testing.TB, f *excelize.File, sheet, cell string, values ...any) {
	t.Helper()
	if err := f.SetSheetRow(sheet, cell, &values); err != nil {
		t.Fatal(err)
	}
}

// samePlan compares the plans of two cycles field by field; descriptions
// are compared as the text a cell holds (their formatting is simplified).
func samePlan(t testing.TB, want, got *plan.Cycle) {
	t.Helper()
	if got.Year != want.Year {
		t.Errorf("year = %d, want %d", got.Year, want.Year)
	}
	if !slices.EqualFunc(got.Periods, want.Periods, func(a, b plan.Period) bool { return a.EndsOn.Equal(b.EndsOn) }) {
		t.Errorf("periods = %v, want %v", got.Periods, want.Periods)
	}
	if len(got.Centres) != len(want.Centres) {
		t.Fatalf("%d centres, want %d", len(got.Centres), len(want.Centres))
	}
	for i, wc := range want.Centres {
		gc := got.Centres[i]
		if gc.Name != wc.Name || gc.Manager != wc.Manager {
			t.Errorf("centre %d = %q (%q), want %q (%q)", i, gc.Name, gc.Manager, wc.Name, wc.Manager)
		}
		if len(gc.Objectives) != len(wc.Objectives) {
			t.Errorf("%s: %d objectives, want %d", wc.Name, len(gc.Objectives), len(wc.Objectives))
			continue
		}
		for j, wo := range wc.Objectives {
			sameObjective(t, fmt.Sprintf("%s objective %d", wc.Name, j+1), wo, gc.Objectives[j])
		}
	}
}

func sameObjective(t testing.TB, what string, w, g *plan.Objective) {
	t.Helper()
	type fields struct {
		Section, Title, StrategicArea, Operational, PEG, Services, EndUsers, Networks, Group, Text string
		Number                                                                                     int
		Weight                                                                                     string
	}
	of := func(o *plan.Objective) fields {
		return fields{o.Section, o.Title, o.StrategicArea, o.OperationalObjective, o.PEGProject, o.Services,
			o.EndUsers, o.Networks, o.Group, spreadsheet.HTMLToText(o.DescriptionHTML), o.Number, weight(o.Weight)}
	}
	if of(g) != of(w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, of(g), of(w))
	}
	if len(g.Activities) != len(w.Activities) {
		t.Errorf("%s: %d activities, want %d", what, len(g.Activities), len(w.Activities))
	} else {
		for k, wa := range w.Activities {
			ga := g.Activities[k]
			if ga.Description != wa.Description || ga.Planned.Label(2000) != wa.Planned.Label(2000) ||
				span(ga.Planned) != span(wa.Planned) {
				t.Errorf("%s activity %d: got %q %s, want %q %s", what, k+1, ga.Description, span(ga.Planned), wa.Description, span(wa.Planned))
			}
			if len(ga.Progress) != 0 {
				t.Errorf("%s activity %d has progress", what, k+1)
			}
		}
	}
	if len(g.Indicators) != len(w.Indicators) {
		t.Errorf("%s: %d indicators, want %d", what, len(g.Indicators), len(w.Indicators))
	} else {
		for k, wi := range w.Indicators {
			gi := g.Indicators[k]
			ind := func(in *plan.Indicator) string {
				return fmt.Sprintf("%q %q %q %s w=%s exp=%v", in.Name, in.Description, in.Unit, in.Polarity, weight(in.Weight), in.Expected)
			}
			if ind(gi) != ind(wi) {
				t.Errorf("%s indicator %d:\n got %s\nwant %s", what, k+1, ind(gi), ind(wi))
			}
			if len(gi.Values) != 0 || gi.Neutralised != nil {
				t.Errorf("%s indicator %d has values or a neutralisation", what, k+1)
			}
		}
	}
	if len(g.Reports) != 0 {
		t.Errorf("%s has reports", what)
	}
}

func weight(w *float64) string {
	if w == nil {
		return "nil"
	}
	return fmt.Sprint(*w)
}

func span(s domain.Span) string {
	m := func(p *domain.Month) string {
		if p == nil {
			return "-"
		}
		return p.String()
	}
	return fmt.Sprintf("[%s %s annual=%v]", m(s.From), m(s.To), s.Annual)
}

func TestRoundTrip_Demo(t *testing.T) {
	t.Parallel()
	want := demoCycle(t)
	got := read(t, write(t, want))
	samePlan(t, want, got)
	if n := got.Count(); n != (plan.Counts{Centres: 6, Objectives: 18, Activities: 86, Indicators: 62}) {
		t.Errorf("counts = %+v", n)
	}
	// The demo's descriptions use only paragraphs and flat lists, which
	// travel unchanged.
	policy := richtext.NewPolicy()
	for i, ce := range want.Centres {
		for j, o := range ce.Objectives {
			if g := policy.Sanitize(got.Centres[i].Objectives[j].DescriptionHTML); g != o.DescriptionHTML {
				t.Errorf("%s objective %d: description\n got %q\nwant %q", ce.Name, o.Number, g, o.DescriptionHTML)
			}
		}
	}
}

func TestRoundTrip_EveryKindOfValue(t *testing.T) {
	t.Parallel()
	want := smallCycle(t)
	b := write(t, want)
	got := read(t, b)
	samePlan(t, want, got)
	if d := got.Centres[0].Objectives[0].DescriptionHTML; d != want.Centres[0].Objectives[0].DescriptionHTML {
		t.Errorf("description = %q, want %q", d, want.Centres[0].Objectives[0].DescriptionHTML)
	}

	// What the sheets show for people.
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(spreadsheet.SheetActivities)
	if err != nil {
		t.Fatal(err)
	}
	wantActs := [][]string{
		{"AREA DIREZIONE", "Obiettivi di performance", "1", "1", "Analisi", "2024-01", "2024-03", "no", "Gennaio/Marzo"},
		{"AREA DIREZIONE", "Obiettivi di performance", "1", "2", "Gestione", "", "", "si", "Annuale"},
		{"AREA DIREZIONE", "Obiettivi di performance", "1", "3", "Non prevista", "", "", "no", "/"},
		{"AREA DIREZIONE", "Obiettivi di performance", "1", "4", "Avviata", "2023-11", "", "no", "Da Novembre 2023"},
	}
	for i, w := range wantActs {
		if !slices.Equal(rows[i+1], w) {
			t.Errorf("Attività row %d = %q, want %q", i+2, rows[i+1], w)
		}
	}
	rows, err = f.GetRows(spreadsheet.SheetIndicators)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range [][]string{
		{"AREA DIREZIONE", "Obiettivi di performance", "1", "1", "Incontri", "Incontri della conferenza", "n.", "più alto", "", "6"},
		{"AREA DIREZIONE", "Obiettivi di performance", "1", "2", "Piano approvato", "", "si/no", "più alto", "", "si"},
		{"AREA DIREZIONE", "Obiettivi di performance", "1", "3", "Tempo medio", "di risposta", "gg", "più basso", "0.5", "12.5"},
		{"AREA FINANZIARIA", "Obiettivi di performance", "1", "1", "Riscossione", "", "%", "più alto", "", "95"},
	} {
		if !slices.Equal(rows[i+1], w) {
			t.Errorf("Indicatori row %d = %q, want %q", i+2, rows[i+1], w)
		}
	}
	if v, _ := f.GetCellValue(spreadsheet.SheetObjectives, "K2"); v != "Primo paragrafo, con \"virgolette\" e l'apostrofo.\n- voce uno\n- voce due\nFine & basta." {
		t.Errorf("description cell = %q", v)
	}
	for _, s := range []string{spreadsheet.SheetObjectives, spreadsheet.SheetActivities, spreadsheet.SheetIndicators, spreadsheet.SheetCentres, spreadsheet.SheetCycle} {
		checkHeaderRow(t, f, s)
	}
}

// checkHeaderRow checks the header row is frozen and bold.
func checkHeaderRow(t testing.TB, f *excelize.File, sheet string) {
	t.Helper()
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("%s: panes %+v, want the first row frozen", sheet, panes)
	}
	id, err := f.GetCellStyle(sheet, "A1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Font == nil || !st.Font.Bold {
		t.Errorf("%s: header not bold", sheet)
	}
	if w, _ := f.GetColWidth(sheet, "A"); w < 8 {
		t.Errorf("%s: column A width %v", sheet, w)
	}
}

// The headers of each sheet, as people see them.
var headers = map[string][]string{
	spreadsheet.SheetObjectives: {"Centro", "Sezione", "Numero", "Titolo", "Area strategica", "Obiettivo operativo", "Progetto PEG",
		"Servizi interessati", "Utenti finali", "Reti di collaborazione", "Descrizione", "Peso", "Gruppo trasversale"},
	spreadsheet.SheetActivities: {"Centro", "Sezione", "Numero obiettivo", "Ordine", "Descrizione", "Tempi: da (AAAA-MM)",
		"Tempi: a (AAAA-MM)", "Annuale (si/no)", "Tempi (come in relazione)"},
	spreadsheet.SheetIndicators: {"Centro", "Sezione", "Numero obiettivo", "Ordine", "Nome", "Descrizione", "Unità",
		"Polarità (più alto/più basso)", "Peso", "Valore atteso"},
	spreadsheet.SheetCentres: {"Nome", "Responsabile"},
	spreadsheet.SheetCycle:   {"Anno", "Fine periodo di monitoraggio (AAAA-MM-GG)"},
}

func TestTemplate(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := spreadsheet.WriteTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wantSheets := []string{"Istruzioni", "Obiettivi", "Attività", "Indicatori", "Aree strategiche", "Centri", "Ciclo"}
	if got := f.GetSheetList(); !slices.Equal(got, wantSheets) {
		t.Fatalf("sheets = %q, want %q", got, wantSheets)
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("the workbook opens on sheet %d, want the instructions", f.GetActiveSheetIndex())
	}
	rows, err := f.GetRows("Istruzioni")
	if err != nil {
		t.Fatal(err)
	}
	var instructions strings.Builder
	for _, r := range rows {
		instructions.WriteString(strings.Join(r, " | ") + "\n")
	}
	text := instructions.String()
	for _, want := range []string{"formattazione della descrizione degli obiettivi è semplificata", "AAAA-MM", "AAAA-MM-GG",
		"n., n, %, si/no, €, gg", "più alto", "Foglio «Attività»", "J – Valore atteso", "Esempio"} {
		if !strings.Contains(text, want) {
			t.Errorf("the instructions do not say %q", want)
		}
	}
	for sheet, hs := range headers {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || !slices.Equal(rows[0], hs) {
			t.Errorf("%s = %q, want only the headers %q", sheet, rows, hs)
		}
		checkHeaderRow(t, f, sheet)
		// Each column has its line in the instructions, by letter and name.
		for i, h := range hs {
			if line := fmt.Sprintf("%c – %s | ", 'A'+i, h); !strings.Contains(text, line) {
				t.Errorf("the instructions do not explain %s column %q", sheet, line)
			}
		}
	}
	// Units and polarities are offered as drop-down lists.
	dvs, err := f.GetDataValidations(spreadsheet.SheetIndicators)
	if err != nil {
		t.Fatal(err)
	}
	var lists []string
	for _, dv := range dvs {
		lists = append(lists, dv.Sqref+" "+dv.Formula1)
	}
	if !slices.ContainsFunc(lists, func(s string) bool { return strings.HasPrefix(s, "G2:") && strings.Contains(s, "si/no") }) ||
		!slices.ContainsFunc(lists, func(s string) bool { return strings.HasPrefix(s, "H2:") && strings.Contains(s, "più basso") }) {
		t.Errorf("Indicatori drop-down lists = %q", lists)
	}

	// The empty template is a valid workbook with no plan in it.
	errs := readErrors(t, buf.Bytes())
	if len(errs) != 1 || errs[0].Sheet != "Centri" || !strings.Contains(errs[0].Message, "piano è vuoto") {
		t.Errorf("reading the empty template: %v", errs)
	}

	// Filled in as the instructions say, it reads.
	filled := edit(t, buf.Bytes(), func(f *excelize.File) {
		setRow(t, f, "Centri", "A2", "AREA DIREZIONE", "Mario Rossi")
		setRow(t, f, "Obiettivi", "A2", "AREA DIREZIONE", "Obiettivi di performance", 1, "Titolo", "", "", "", "", "", "",
			"Riga uno\n- voce", "1,5")
		setRow(t, f, "Attività", "A2", "AREA DIREZIONE", "Obiettivi di performance", "1", 1, "Fare", "2025-05", "2025-06", "no")
		setRow(t, f, "Indicatori", "A2", "AREA DIREZIONE", "Obiettivi di performance", 1, 1, "Incontri", "", "n.", "", "", "1.234,5")
		setRow(t, f, "Indicatori", "A3", "AREA DIREZIONE", "Obiettivi di performance", 1, 2, "Fatto", "", "si/no", "Più basso", "", "Sì")
	})
	c := read(t, filled)
	o := c.Centres[0].Objectives[0]
	if c.Centres[0].Manager != "Mario Rossi" || o.Title != "Titolo" || weight(o.Weight) != "1.5" ||
		o.DescriptionHTML != "<p>Riga uno</p><ul><li>voce</li></ul>" || span(o.Activities[0].Planned) != "[2025-05 2025-06 annual=false]" ||
		o.Indicators[0].Expected != 1234.5 || o.Indicators[0].Polarity != domain.Higher ||
		o.Indicators[1].Expected != 1 || o.Indicators[1].Polarity != domain.Lower {
		t.Errorf("filled template read as %+v / %+v %+v", o, o.Indicators[0], o.Indicators[1])
	}
}

// TestReadPlan_Errors breaks a good workbook in many places at once: every
// problem is listed, at its sheet, row and column, in workbook order.
func TestReadPlan_Errors(t *testing.T) {
	t.Parallel()
	const sec = "Obiettivi di performance"
	b := edit(t, write(t, smallCycle(t)), func(f *excelize.File) {
		// Obiettivi: rows 2-4 hold DIREZIONE 1, DIREZIONE 2, FINANZIARIA 1.
		set(t, f, "Obiettivi", "L2", "abc", "D3", "")
		setRow(t, f, "Obiettivi", "A5", "AREA DIREZIONE", sec, 1, "Doppio")
		setRow(t, f, "Obiettivi", "A6", "AREA NUOVA", sec, 1, "Di un centro ignoto")
		setRow(t, f, "Obiettivi", "A7", "AREA FINANZIARIA", "", 0, "Senza sezione né numero")
		// Attività: rows 2-5 are the four activities of DIREZIONE 1.
		set(t, f, "Attività", "F2", "2024-13", "F3", "2024-02", "F4", "2024-06", "G4", "2024-02", "H5", "forse")
		setRow(t, f, "Attività", "A6", "AREA DIREZIONE", sec, 99, 1, "Di un obiettivo ignoto")
		setRow(t, f, "Attività", "A7", "AREA INESISTENTE", sec, 1, 1, "Di un centro ignoto")
		setRow(t, f, "Attività", "A8", "AREA DIREZIONE", sec, 1, 2, "Ordine doppio")
		setRow(t, f, "Attività", "A9", "AREA DIREZIONE", sec, 1, "primo", "")
		// Indicatori: rows 2-5.
		set(t, f, "Indicatori", "J5", "", "G2", "kg", "J3", "forse", "H4", "medio", "I4", "-1")
		setRow(t, f, "Indicatori", "A7", "AREA FINANZIARIA", sec, 1, 2, "Negativo", "", "%", "", "", "-5")
		setRow(t, f, "Indicatori", "A6", "AREA DIREZIONE", sec, 1, 4, "", "", "")
		// Centri, Ciclo.
		setRow(t, f, "Centri", "A4", "AREA FINANZIARIA", "Di nuovo")
		setRow(t, f, "Centri", "A5", "", "Senza nome")
		set(t, f, "Ciclo", "B3", "2024-02-30", "B5", "2025-12-31", "A4", 2023)
	})
	want := []string{
		"Obiettivi, riga 2, colonna L: numero non valido: inserire ad esempio 12,5",
		"Obiettivi, riga 3, colonna D: titolo dell'obiettivo mancante",
		"Obiettivi, riga 5, colonna C: numero già usato nella stessa sezione del centro (riga 2)",
		"Obiettivi, riga 6, colonna A: centro «AREA NUOVA» non presente nel foglio «Centri»",
		"Obiettivi, riga 7, colonna B: sezione mancante",
		"Obiettivi, riga 7, colonna C: numero dell'obiettivo mancante o non valido (intero da 1 a 9999)",
		"Attività, riga 2, colonna F: mese non valido: usare AAAA-MM",
		"Attività, riga 3, colonna H: un'attività annuale non può avere mese di inizio o di fine",
		"Attività, riga 4, colonna G: il mese di inizio è successivo al mese di fine",
		"Attività, riga 5, colonna H: valore non valido: «si» o «no»",
		"Attività, riga 6, colonna C: obiettivo non presente nel foglio «Obiettivi» (centro «AREA DIREZIONE», sezione «Obiettivi di performance», numero 99)",
		"Attività, riga 7, colonna A: centro «AREA INESISTENTE» non presente nel foglio «Centri»",
		"Attività, riga 8, colonna D: ordine 2 già usato per un'altra attività dello stesso obiettivo (riga 3)",
		"Attività, riga 9, colonna D: ordine mancante o non valido (intero da 1 in su)",
		"Attività, riga 9, colonna E: descrizione dell'attività mancante",
		"Indicatori, riga 2, colonna G: unità di misura non ammessa: usare una tra n., n, %, si/no, €, gg",
		"Indicatori, riga 3, colonna J: per un indicatore si/no il valore atteso è «si» o «no»",
		"Indicatori, riga 4, colonna H: polarità non valida: «più alto» o «più basso»",
		"Indicatori, riga 4, colonna I: il peso deve essere maggiore di zero",
		"Indicatori, riga 5, colonna J: valore atteso mancante",
		"Indicatori, riga 6, colonna E: nome dell'indicatore mancante",
		"Indicatori, riga 6, colonna G: unità di misura mancante: usare una tra n., n, %, si/no, €, gg",
		"Indicatori, riga 6, colonna J: valore atteso mancante",
		"Indicatori, riga 7, colonna J: per un indicatore in percentuale il valore atteso non può essere negativo",
		"Centri, riga 4, colonna A: centro già presente nel foglio (riga 3)",
		"Centri, riga 5, colonna A: nome del centro mancante",
		"Ciclo, riga 3, colonna B: data non valida: usare AAAA-MM-GG",
		"Ciclo, riga 4, colonna A: anno diverso da quello della riga 2",
		"Ciclo, riga 5, colonna B: il periodo non cade nell'anno del ciclo",
	}
	var got []string
	for _, e := range readErrors(t, b) {
		got = append(got, e.Error())
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadPlan_ErrorFields(t *testing.T) {
	t.Parallel()
	b := edit(t, write(t, smallCycle(t)), func(f *excelize.File) { set(t, f, "Indicatori", "J5", "") })
	errs := readErrors(t, b)
	want := fielderr.Error{Sheet: "Indicatori", Row: 5, Column: "J", Message: "valore atteso mancante"}
	if len(errs) != 1 || errs[0] != want {
		t.Fatalf("errors = %#v, want %#v", errs, want)
	}
	if got := errs.Error(); got != "Indicatori, riga 5, colonna J: valore atteso mancante" {
		t.Errorf("Error() = %q", got)
	}
}

func TestReadPlan_SheetsAndHeaders(t *testing.T) {
	t.Parallel()
	good := write(t, smallCycle(t))
	cases := []struct {
		name   string
		change func(f *excelize.File)
		want   []string
	}{
		{"missing sheet", func(f *excelize.File) {
			if err := f.DeleteSheet("Indicatori"); err != nil {
				t.Fatal(err)
			}
		}, []string{"Indicatori: foglio mancante: la cartella di lavoro deve avere i fogli «Obiettivi», «Attività», «Indicatori», «Centri»"}},
		{"renamed and missing headers", func(f *excelize.File) {
			set(t, f, "Obiettivi", "D1", "Titolo obiettivo", "L1", "")
		}, []string{
			"Obiettivi, riga 1: intestazione «Titolo» mancante",
			"Obiettivi, riga 1: intestazione «Peso» mancante",
			"Obiettivi, riga 1, colonna D: colonna sconosciuta «Titolo obiettivo»: le colonne ammesse sono elencate nel foglio «Istruzioni»",
		}},
		{"repeated header", func(f *excelize.File) {
			set(t, f, "Centri", "C1", "Responsabile")
		}, []string{"Centri, riga 1, colonna C: colonna «Responsabile» ripetuta (già in colonna B)"}},
		{"empty sheet", func(f *excelize.File) {
			if err := f.DeleteSheet("Centri"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.NewSheet("Centri"); err != nil {
				t.Fatal(err)
			}
		}, []string{"Centri, riga 1, colonna A: intestazioni mancanti nella riga 1: il foglio è vuoto"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range readErrors(t, edit(t, good, tc.change)) {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// Sheets are found whatever the case and accents of their names, and
// columns whatever their order; the read-only label column may go.
func TestReadPlan_Tolerant(t *testing.T) {
	t.Parallel()
	want := smallCycle(t)
	b := edit(t, write(t, want), func(f *excelize.File) {
		if err := f.SetSheetName("Attività", "ATTIVITA"); err != nil {
			t.Fatal(err)
		}
		if err := f.RemoveCol("ATTIVITA", "I"); err != nil { // the label
			t.Fatal(err)
		}
		// Swap two columns of Indicatori, headers and all.
		rows, err := f.GetRows("Indicatori")
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			n := fmt.Sprint(i + 1)
			set(t, f, "Indicatori", "E"+n, r[5], "F"+n, r[4])
		}
		// A date the spreadsheet made of a typed month, and a TRUE cell.
		set(t, f, "ATTIVITA", "F2", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
		style, err := f.NewStyle(&excelize.Style{NumFmt: 17}) // mmm-yy
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("ATTIVITA", "F2", "F2", style); err != nil {
			t.Fatal(err)
		}
		set(t, f, "ATTIVITA", "H3", true)
	})
	samePlan(t, want, read(t, b))
}

// An empty row in the middle of a sheet is ignored; the rows after it keep
// their own numbers in the errors.
func TestReadPlan_EmptyRows(t *testing.T) {
	t.Parallel()
	want := smallCycle(t)
	b := edit(t, write(t, want), func(f *excelize.File) {
		for _, s := range []string{"Obiettivi", "Attività", "Indicatori", "Centri"} {
			if err := f.InsertRows(s, 3, 2); err != nil {
				t.Fatal(err)
			}
		}
		set(t, f, "Obiettivi", "B3", "   ") // blank is empty
	})
	samePlan(t, want, read(t, b))

	broken := edit(t, b, func(f *excelize.File) { set(t, f, "Indicatori", "J7", "") })
	errs := readErrors(t, broken)
	if len(errs) != 1 || errs[0].Error() != "Indicatori, riga 7, colonna J: valore atteso mancante" {
		t.Errorf("errors = %v", errs)
	}
}

func TestReadPlan_NotAWorkbook(t *testing.T) {
	t.Parallel()
	for name, b := range map[string][]byte{
		"text":  []byte("centro;sezione;numero\n"),
		"empty": nil,
		"zip":   edit(t, write(t, smallCycle(t)), func(*excelize.File) {})[:100],
	} {
		errs := readErrors(t, b)
		if len(errs) != 1 || errs[0].Sheet != "" || !strings.Contains(errs[0].Message, "non è una cartella di lavoro Excel leggibile") {
			t.Errorf("%s: errors = %v", name, errs)
		}
	}
}

func TestReadPlan_ManyErrorsAreCapped(t *testing.T) {
	t.Parallel()
	b := edit(t, write(t, smallCycle(t)), func(f *excelize.File) {
		for i := 2; i < 800; i++ {
			setRow(t, f, "Centri", fmt.Sprintf("A%d", i), "", "x")
		}
	})
	errs := readErrors(t, b)
	// 798 rows without a name: the first 500 problems are listed, the
	// last line counts the others.
	if len(errs) != 501 || errs.Total() < 798 || errs[500].Message != fmt.Sprintf("e altri %d errori, non elencati", errs.Total()-500) {
		t.Errorf("%d errors (%d in all), last %v", len(errs), errs.Total(), errs[len(errs)-1])
	}
}

func TestHTMLToText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"<p>Uno</p><p>Due</p>": "Uno\nDue",
		"<p>Con <strong>grassetto</strong> e <em>corsivo</em></p>": "Con grassetto e corsivo",
		"<p>Riga<br>a capo</p>": "Riga\na capo",
		"<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul><p>d</p>": "- a\n- b\n- c\nd",
		"<ol><li>primo</li></ol>":                                  "- primo",
		"<p>  spazi \n  e   a capo </p>":                           "spazi e a capo",
		"<p>L&#39;ente &amp; &lt;i soci&gt;</p>":                   "L'ente & <i soci>",
		"testo libero":                                             "testo libero",
		"":                                                         "",
	} {
		if got := spreadsheet.HTMLToText(in); got != want {
			t.Errorf("HTMLToText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTextToHTML(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Uno\nDue":                    "<p>Uno</p><p>Due</p>",
		"Uno\r\n\r\nDue\n":            "<p>Uno</p><p>Due</p>",
		"Elenco:\n- a\n-  b\nFine":    "<p>Elenco:</p><ul><li>a</li><li>b</li></ul><p>Fine</p>",
		"- solo voci\n- due":          "<ul><li>solo voci</li><li>due</li></ul>",
		"-senza spazio":               "<p>-senza spazio</p>",
		"<script>x</script> & l'ente": "<p>&lt;script&gt;x&lt;/script&gt; &amp; l'ente</p>",
		"":                            "",
	} {
		if got := spreadsheet.TextToHTML(in); got != want {
			t.Errorf("TextToHTML(%q) = %q, want %q", in, got, want)
		}
	}
}

// A cell may carry control characters (written "_x0000_" in the file),
// which text columns refuse: they are dropped.
func TestReadPlan_ControlCharacters(t *testing.T) {
	t.Parallel()
	b := write(t, smallCycle(t))
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	replaced := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/sharedStrings.xml" && bytes.Contains(data, []byte("Anna Bianchi")) {
			data, replaced = bytes.Replace(data, []byte("Anna Bianchi"), []byte("Anna_x0000_ Bian_x0001_chi"), 1), true
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !replaced {
		t.Fatal("the manager is not among the shared strings")
	}
	if m := read(t, out.Bytes()).Centres[0].Manager; m != "Anna Bianchi" {
		t.Errorf("manager = %q", m)
	}
}
