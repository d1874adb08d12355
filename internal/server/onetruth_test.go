package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"traguardo/internal/demo"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/server"

	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/paths"
)

// TestFigures_OneTruth: under each rule setting of the demo's 2023 cycle
// (one decimal; whole percent truncated with a cap of 120 and other bands;
// each with an override and a neutralisation), every achievement of every
// objective reads the same on its page (headline and period table), on its
// centre's page, in the list of objectives, in the JSON export and in the
// Relazione's CSV and page, and the body's and each centre's on the cycle
// page and the dashboard; and each is the figure of the model. The rules'
// arithmetic is checked by hand on AREA DIREZIONE objective 2 (1 of 1; 0 of
// 1; "no" for "sì") and AREA INCLUSIONE objective 4.
func TestFigures_OneTruth(t *testing.T) {
	t.Parallel()
	srv, st := newTestServer(t)
	ctx := context.Background()
	c0, err := st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	// A neutralisation of AREA INCLUSIONE objective 4's first indicator (1
	// of 5) and an override of its third (1 of 1 → 90): both change what
	// the objective averages.
	incl4 := objectiveOf(t, c0, "AREA INCLUSIONE E RETI TERRITORIALI", 4)
	if err := st.SetMeasure(ctx, store.Change{Actor: store.CLI, Version: incl4.Indicators[2].Version}, incl4.Indicators[2].ID,
		store.Measure{Override: &plan.Override{Pct: 90, Reason: "Adottato con ritardo non imputabile"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetMeasure(ctx, store.Change{Actor: store.CLI, Version: incl4.Indicators[0].Version}, incl4.Indicators[0].ID,
		store.Measure{Neutralised: &plan.Neutralisation{Reason: "Servizio sospeso", By: "nucleo"}}); err != nil {
		t.Fatal(err)
	}
	variation := &store.Variation{On: time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC), Reason: "Regole del sistema di misurazione"}

	for _, tc := range []struct {
		name  string
		bands domain.Bands
		rules domain.Rules
		// dir2 is AREA DIREZIONE objective 2 by hand, (100 + 0 + 0) / 3;
		// incl4 AREA INCLUSIONE objective 4, (min(60/50, cap) + 90 +
		// min(12/10, cap)) / 3.
		dir2, incl4 string
	}{
		{"OneDecimal", domain.DefaultBands(), domain.DefaultRules(), "33,3%", "96,7%"},
		{"TruncatedCap120", domain.Bands{Reached: 90, Partial: 40}, domain.Rules{Rounding: domain.TruncateWhole, Cap: 120}, "33%", "110%"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := st.LoadCycle(ctx, 2023)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.UpdateCycleSettings(ctx, store.Change{Actor: store.CLI, Version: c.Version, Variation: variation}, 2023, tc.bands, tc.rules); err != nil {
				t.Fatal(err)
			}
			m, err := st.LoadCycle(ctx, 2023)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Rules.Normal(); got != tc.rules.Normal() {
				t.Fatalf("rules %+v, want %+v", got, tc.rules)
			}
			if got := figureText(objectiveOf(t, m, "AREA DIREZIONE", 2).Figure); got != tc.dir2 {
				t.Errorf("model: AREA DIREZIONE objective 2 %q, want %q by hand", got, tc.dir2)
			}
			if got := figureText(objectiveOf(t, m, "AREA INCLUSIONE E RETI TERRITORIALI", 4).Figure); got != tc.incl4 {
				t.Errorf("model: AREA INCLUSIONE objective 4 %q, want %q by hand", got, tc.incl4)
			}
			checkOneTruth(t, srv.URL, m)
		})
	}

	// Truncation shows whole numbers: 33,3 becomes 33 everywhere, with the
	// rule as it stands now (the second case's).
	m, err := st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	for _, ce := range m.Centres {
		for _, o := range ce.Objectives {
			if o.Achievement != nil && *o.Achievement != float64(int(*o.Achievement)) {
				t.Errorf("%s objective %d: %v is not a whole percent under truncation", ce.Name, o.Number, *o.Achievement)
			}
		}
	}
}

func objectiveOf(t *testing.T, c *plan.Cycle, centre string, number int) *plan.Objective {
	t.Helper()
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			if ce.Name == centre && o.Number == number && o.Section == "Obiettivi di performance" {
				return o
			}
		}
	}
	t.Fatalf("no objective %d of %s", number, centre)
	return nil
}

// bandLabel is a figure's band as the pages write it: the band, or "non
// valutato" for a figure before the last period without intermediate
// targets.
func bandLabel(f plan.Figure) string {
	if f.Interim {
		return plan.BandInterim
	}
	return string(f.Band)
}

// figureText is a figure as the pages write it, band aside.
func figureText(f plan.Figure) string { return format.Figure(f.Achievement, f.Pending) }

// checkOneTruth compares every surface with the model m (the cycle as the
// store evaluates it, at its default period).
func checkOneTruth(t *testing.T, base string, m *plan.Cycle) {
	t.Helper()
	checkPages(t, base, m, "")
	checkDocuments(t, base, m)
}

// checkPages compares the pages at period al (the "al" parameter; "" for
// the default period) with the model m evaluated there.
func checkPages(t *testing.T, base string, m *plan.Cycle, al string) {
	t.Helper()
	year := m.Year
	q := ""
	if al != "" {
		q = "?al=" + al
	}
	// The cycle page and the dashboard: the body and each centre.
	cycle := getPage(t, base+paths.Cycle(year)+q, 200)
	if got, want := textOf(oneByTestID(t, cycle, "cycle-achievement")), figureText(m.Figure); !strings.HasPrefix(got, want) {
		t.Errorf("cycle page: body %q, want %q", got, want)
	}
	dash := getPage(t, base+paths.Dashboard(year)+q, 200)
	values := byTestID(dash, "achievement-value")
	if len(values) != len(m.Centres)+1 {
		t.Fatalf("dashboard: %d achievement rows, want %d", len(values), len(m.Centres)+1)
	}
	if got, want := textOf(values[0]), figureText(m.Figure); !strings.HasPrefix(got, want) {
		t.Errorf("dashboard: body %q, want %q", got, want)
	}
	centreCells := byTestID(cycle, "centre-achievement")
	for i, ce := range m.Centres {
		want := figureText(ce.Figure)
		if got := textOf(values[i+1]); !strings.HasPrefix(got, want) {
			t.Errorf("dashboard: %s %q, want %q", ce.Name, got, want)
		}
		if got := textOf(centreCells[i]); !strings.HasPrefix(got, want) {
			t.Errorf("cycle page: %s %q, want %q", ce.Name, got, want)
		}
		page := getPage(t, base+paths.Centre(year, ce.ID)+q, 200)
		if got := textOf(oneByTestID(t, page, "centre-achievement")); !strings.HasPrefix(got, want) {
			t.Errorf("centre page: %s %q, want %q", ce.Name, got, want)
		}
	}

	// Each objective: its page's headline and the period table's row of
	// the period (when it has data there).
	last := format.Date(m.AsOf)
	for _, ce := range m.Centres {
		for _, o := range ce.Objectives {
			want := strings.TrimSpace(figureText(o.Figure) + " " + bandLabel(o.Figure))
			page := getPage(t, base+paths.Objective(year, o.ID)+q, 200)
			if got := textOf(oneByTestID(t, page, "objective-achievement")); got != want {
				t.Errorf("%s objective %d: headline %q, want %q", ce.Name, o.Number, got, want)
			}
			found := false
			for _, row := range byTestID(page, "history-row") {
				cells := cellTexts(row)
				if len(cells) > 1 && cells[0] == last {
					found = true
					if cells[1] != want {
						t.Errorf("%s objective %d: period table at %s %q, want %q", ce.Name, o.Number, last, cells[1], want)
					}
				}
			}
			if !found && o.HasData(m.AsOf) {
				t.Errorf("%s objective %d: no row of %s in the period table", ce.Name, o.Number, last)
			}
		}
	}

	// The list of objectives, every page of it, as the centre filter gives it.
	for _, ce := range m.Centres {
		lq := "?centro=" + strconv.FormatInt(int64(ce.ID), 10)
		if al != "" {
			lq += "&al=" + al
		}
		list := getPage(t, base+paths.Objectives(year)+lq, 200)
		rows := byTestID(list, "objective-row")
		if len(rows) != len(ce.Objectives) {
			t.Fatalf("list of %s: %d rows, want %d", ce.Name, len(rows), len(ce.Objectives))
		}
		for i, o := range ce.Objectives {
			want := strings.TrimSpace(figureText(o.Figure) + " " + bandLabel(o.Figure))
			if !strings.Contains(textOf(rows[i]), want) {
				t.Errorf("list: %s objective %d reads %q, want %q", ce.Name, o.Number, textOf(rows[i]), want)
			}
		}
	}

}

// checkDocuments compares the JSON export, the Relazione's CSV and its page
// with the model m at its default period.
func checkDocuments(t *testing.T, base string, m *plan.Cycle) {
	t.Helper()
	year := m.Year
	// The JSON export: every objective's and indicator's achievement.
	_, body, _ := get(t, base+"/cicli/"+strconv.Itoa(year)+"/export.json")
	var doc struct {
		Achievement *float64
		Centres     []struct {
			Achievement *float64
			Objectives  []struct {
				Achievement *float64
				Band        *string
				Indicators  []struct{ Achievement *float64 }
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("export: %v", err)
	}
	eq := func(what string, got, want *float64) {
		if (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Errorf("export: %s %s, want %s", what, show(got), show(want))
		}
	}
	eq("body", doc.Achievement, m.Achievement)
	for i, ce := range m.Centres {
		eq(ce.Name, doc.Centres[i].Achievement, ce.Achievement)
		for j, o := range ce.Objectives {
			d := doc.Centres[i].Objectives[j]
			eq(fmt.Sprintf("%s objective %d", ce.Name, o.Number), d.Achievement, o.Achievement)
			if (d.Band == nil) != (o.Band == "") || (d.Band != nil && *d.Band != string(o.Band)) {
				t.Errorf("export: %s objective %d band %v, want %q", ce.Name, o.Number, d.Band, o.Band)
			}
			for k, in := range o.Indicators {
				var want *float64
				if in.Counts() {
					want = &in.Achievement
				}
				eq(fmt.Sprintf("%s objective %d indicator %d", ce.Name, o.Number, k+1), d.Indicators[k].Achievement, want)
			}
		}
	}

	// The Relazione's CSV: every indicator's achievement, in plan order.
	_, body, _ = get(t, base+paths.Report(year)+".csv")
	records := readCSV(t, "relazione.csv", body)
	col := slices.Index(records[0], "Grado di raggiungimento dell'indicatore (%)")
	if col < 0 {
		t.Fatalf("relazione.csv: no «Grado di raggiungimento dell'indicatore (%%)» in %q", records[0])
	}
	row := 1
	for _, ce := range m.Centres {
		for _, o := range ce.Objectives {
			for k, in := range o.Indicators {
				want := format.Number(in.Achievement)
				switch {
				case !in.Counts():
					want = "sterilizzato"
				case in.Pending:
					want = format.Pending
				}
				if got := records[row][col]; got != want {
					t.Errorf("relazione.csv: %s objective %d indicator %d %q, want %q", ce.Name, o.Number, k+1, got, want)
				}
				row++
			}
		}
	}

	// The Relazione's page: each objective's figure.
	rel := getPage(t, base+paths.Report(year), 200)
	text := textOf(rel)
	for _, ce := range m.Centres {
		for _, o := range ce.Objectives {
			want := "Grado di raggiungimento dell'obiettivo: " + figureText(o.Figure)
			if !strings.Contains(text, want) {
				t.Errorf("Relazione: %s objective %d: no %q", ce.Name, o.Number, want)
			}
		}
	}
}

func show(p *float64) string {
	if p == nil {
		return "null"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// TestFigures_OneTruthScaledAtEveryPeriod: on a plan three times the demo's
// with values at every quarter (the benchmark's plan, through the JSON
// import), with weights on an objective's indicators and on a centre's
// objectives and a value "non rilevabile", the pages at every period show
// the model's figures there, and the documents the default period's.
func TestFigures_OneTruthScaledAtEveryPeriod(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.NewDB(t))
	ctx := context.Background()
	const password = "una password di prova"
	_, accounts, err := demo.ScaleInstall(ctx, st, richtext.NewPolicy(), demo.Scale{Objectives: 24, Centres: 4, Users: 10}, password)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(st, newTestLogger(t), testConfig))
	t.Cleanup(srv.Close)
	host := srv.Listener.Addr().String()
	sessionCookies.Store(host, signIn(t, srv.URL, accounts[0].Email, password))
	t.Cleanup(func() { sessionCookies.Delete(host) })
	years, err := st.ListCycles(ctx)
	if err != nil || len(years) == 0 {
		t.Fatalf("cycles %v, %v", years, err)
	}
	year := years[0].Year
	c, err := st.LoadCycle(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	// Weights: the first objective's indicators 3, 1, ...; the first
	// centre's objectives 2, 1, ....
	ce := c.Centres[0]
	for i, o := range ce.Objectives {
		w := 1.0
		if i == 0 {
			w = 2
		}
		o.Weight = &w
		if err := st.UpdateObjective(ctx, store.Change{Actor: store.CLI, Version: o.Version}, o.ID, o); err != nil {
			t.Fatalf("weight of objective %d: %v", o.ID, err)
		}
	}
	first := ce.Objectives[0]
	for i, in := range first.Indicators {
		w := 1.0
		if i == 0 {
			w = 3
		}
		in.Weight = &w
		if err := st.UpdateIndicator(ctx, store.Change{Actor: store.CLI, Version: in.Version}, in.ID, in); err != nil {
			t.Fatalf("weight of indicator %d: %v", in.ID, err)
		}
	}
	// A value "non rilevabile" at the last period, with its reason.
	last := c.Periods[len(c.Periods)-1]
	nm := ce.Objectives[1].Indicators[0]
	if tag, err := st.Pool().Exec(ctx, `UPDATE indicator_values SET value = NULL, not_measurable = true, reason = 'Dato non fornito dalla ASL'
		WHERE indicator_id = $1 AND period_id = $2`, nm.ID, last.ID); err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("non rilevabile: %v, %v", tag, err)
	}
	m, err := st.LoadCycle(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Centres[0].Objectives[1].Indicators[0].NotMeasurable() {
		t.Fatal("the value is not read as non rilevabile")
	}
	// The watch list names it as such, with its reason, not as missing.
	dash := getPage(t, srv.URL+paths.Dashboard(year)+"?al="+last.EndsOn.Format(time.DateOnly), 200)
	if !strings.Contains(textOf(dash), "non rilevabile al "+format.Date(last.EndsOn)+": Dato non fornito dalla ASL") {
		t.Error("the watch list does not name the value non rilevabile with its reason")
	}
	weighted := m.Centres[0].Objectives[0]
	if len(weighted.Mean.Terms) == 0 || weighted.Mean.Terms[0].Weight != 3 {
		t.Fatalf("the weights did not take: %+v", weighted.Mean.Terms)
	}
	for _, p := range m.Periods {
		at := m.Clone()
		at.EvaluateAt(p.EndsOn, domain.Today(time.Now()))
		checkPages(t, srv.URL, at, p.EndsOn.Format(time.DateOnly))
	}
	checkDocuments(t, srv.URL, m)
}
