package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"traguardo/internal/interchange"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// navRows are the objectives of a page of the list, as "CENTRE/section/N".
func navRows(t testing.TB, doc *html.Node) []string {
	t.Helper()
	var out []string
	for _, row := range byTestID(doc, "objective-row") {
		c := cellTexts(row)
		if len(c) != 5 {
			t.Fatalf("a row of the list has cells %q", c)
		}
		out = append(out, c[0]+"/"+c[1]+"/"+c[2])
	}
	return out
}

// seedEnd is the last month of a seed span ("2023-07"), the year's last
// for an annual one, "" when it has none.
func seedEnd(s seedSpan, year int) string {
	switch {
	case s.Annual:
		return fmt.Sprintf("%d-12", year)
	case s.To != nil:
		return *s.To
	case s.From != nil:
		return *s.From
	}
	return ""
}

// TestObjectivesList_Filters filters the 2023 demo's objectives by each
// filter, against expectations computed from the seed by hand-written
// rules (bands from docs/domain.md, a delay as an actual end after the planned
// end at 31/12), never by the code under test.
func TestObjectivesList_Filters(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "osservatore")
	seed := loadSeed(t)
	list := func(q string) []string {
		t.Helper()
		r := c.get("/cicli/2023/obiettivi?" + q)
		if r.Status != http.StatusOK {
			t.Fatalf("GET ?%s: %d", q, r.Status)
		}
		return navRows(t, parseHTML(t, r.Body))
	}
	want := map[string][]string{}
	var all []string
	for _, sc := range seed.Centres {
		for _, o := range sc.Objectives {
			key := fmt.Sprintf("%s/%s/%d", sc.Name, o.Section, o.Number)
			all = append(all, key)
			pct, _ := o.achievement(t)
			want["esito="+url.QueryEscape(band(pct))] = append(want["esito="+url.QueryEscape(band(pct))], key)
			want["sezione="+url.QueryEscape(o.Section)] = append(want["sezione="+url.QueryEscape(o.Section)], key)
			late := false
			for _, a := range o.Activities {
				due := seedEnd(a.Planned, 2023)
				if len(a.Progress) == 0 {
					late = late || (due != "" && due < "2023-12")
					continue
				}
				if done := seedEnd(a.Progress[len(a.Progress)-1].Actual, 2023); due != "" && done > due {
					late = true
				}
			}
			if late {
				want["ritardo=si"] = append(want["ritardo=si"], key)
			}
		}
	}
	if len(all) != 18 {
		t.Fatalf("the seed has %d objectives", len(all))
	}
	// The worked example of docs/domain.md: the only objective non raggiunto.
	if got := want["esito=non+raggiunto"]; !slices.Equal(got, []string{"AREA DIREZIONE/Obiettivi di performance/2"}) {
		t.Fatalf("the seed's non raggiunto: %q", got)
	}
	want[""] = all
	for q, w := range want {
		if got := list(q); !slices.Equal(got, w) {
			t.Errorf("?%s:\n got %q\nwant %q", q, got, w)
		}
	}

	t.Run("OKCentre", func(t *testing.T) {
		got := list(fmt.Sprintf("centro=%d", e.centreID))
		if len(got) != 2 || !strings.HasPrefix(got[0], "AREA DIREZIONE/") || !strings.HasPrefix(got[1], "AREA DIREZIONE/") {
			t.Errorf("AREA DIREZIONE's objectives: %q", got)
		}
		if got := list(fmt.Sprintf("centro=%d&esito=non+raggiunto", e.centreID)); len(got) != 1 {
			t.Errorf("AREA DIREZIONE non raggiunto: %q", got)
		}
	})
	t.Run("OKSearch", func(t *testing.T) {
		// "reddito di cittadinanza" is in several titles of the seed, in
		// more than one case: the search ignores case.
		var w []string
		for _, sc := range seed.Centres {
			for _, o := range sc.Objectives {
				if strings.Contains(strings.ToLower(o.Title), "reddito di cittadinanza") {
					w = append(w, fmt.Sprintf("%s/%s/%d", sc.Name, o.Section, o.Number))
				}
			}
		}
		if got := list("q=reddito+di+CITTADINANZA"); len(w) < 2 || !slices.Equal(got, w) {
			t.Errorf("search:\n got %q\nwant %q", got, w)
		}
		if got := list("q=nessun+titolo+dice+questo"); len(got) != 0 {
			t.Errorf("a search that matches nothing lists %q", got)
		}
		doc := parseHTML(t, c.get("/cicli/2023/obiettivi?q=zzz").Body)
		if got := textOf(oneByTestID(t, doc, "objectives-count")); got != "Nessun obiettivo corrisponde ai filtri." {
			t.Errorf("count: %q", got)
		}
	})
	t.Run("OKFormKeepsFilters", func(t *testing.T) {
		doc := parseHTML(t, c.get("/cicli/2023/obiettivi?esito=non+raggiunto&q=codice&ritardo=si").Body)
		form := oneByTestID(t, doc, "objectives-filter")
		if m, _ := attr(form, "method"); m != "get" {
			t.Errorf("the filter form's method is %q", m)
		}
		if got := pfFieldValue(t, doc, "q"); got != "codice" {
			t.Errorf("q keeps %q", got)
		}
		if got := pfFieldValue(t, doc, "esito"); got != "non raggiunto" {
			t.Errorf("esito keeps %q", got)
		}
		for _, id := range []string{"q", "centro", "sezione", "esito", "stato", "ritardo", "mancanti"} {
			labels := findAll(form, func(n *html.Node) bool {
				f, _ := attr(n, "for")
				return n.Data == "label" && f == id
			})
			if len(labels) != 1 {
				t.Errorf("control %s has %d labels", id, len(labels))
			}
		}
		if got := navRows(t, doc); len(got) != 1 || got[0] != "AREA DIREZIONE/Obiettivi di performance/2" {
			t.Errorf("filters together: %q", got)
		}
	})
}

// TestObjectivesList_StatusAndMissing imports the demo with two report
// statuses set and one indicator's value taken away: the status filter and
// the missing filter list exactly those objectives.
func TestObjectivesList_StatusAndMissing(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	var doc map[string]any
	if err := json.Unmarshal(filesDemoJSON(t, 2030), &doc); err != nil {
		t.Fatal(err)
	}
	obj := func(centre, i int) map[string]any {
		return doc["centres"].([]any)[centre].(map[string]any)["objectives"].([]any)[i].(map[string]any)
	}
	setStatus := func(o map[string]any, status string) {
		reps := o["reports"].([]any)
		reps[len(reps)-1].(map[string]any)["status"] = status
	}
	setStatus(obj(0, 1), "critico")   // AREA DIREZIONE 2
	setStatus(obj(1, 0), "a rischio") // AREA AMMINISTRATIVA 1
	ind := obj(2, 1)["indicators"].([]any)[0].(map[string]any)
	ind["values"] = []any{} // AREA FINANZIARIA 2: its first indicator mancante
	b, _ := json.Marshal(doc)
	cy, err := interchange.Read(strings.NewReader(string(b)), richtext.NewPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.ImportCycle(t.Context(), store.Actor{Name: "test"}, cy); err != nil {
		t.Fatal(err)
	}
	c := e.signedIn(t, "nucleo")
	for q, w := range map[string][]string{
		"stato=critico":   {"AREA DIREZIONE/Obiettivi di performance/2"},
		"stato=a+rischio": {"AREA AMMINISTRATIVA/Obiettivi di performance/1"},
		"stato=in+linea":  nil,
		"mancanti=si":     {"AREA FINANZIARIA/Obiettivi di performance/2"},
	} {
		if got := navRows(t, parseHTML(t, c.get("/cicli/2030/obiettivi?"+q).Body)); !slices.Equal(got, w) {
			t.Errorf("?%s: %q, want %q", q, got, w)
		}
	}
}

// navLargeDocument is a plan of 40 centres of 10 objectives each, made of
// the demo's centres and objectives renamed and renumbered.
func navLargeDocument(t testing.TB, year int) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(filesDemoJSON(t, year), &doc); err != nil {
		t.Fatal(err)
	}
	centres := doc["centres"].([]any)
	var objectives []any
	for _, c := range centres {
		objectives = append(objectives, c.(map[string]any)["objectives"].([]any)...)
	}
	var all []any
	for i := range 40 {
		b, _ := json.Marshal(centres[i%len(centres)])
		var ce map[string]any
		json.Unmarshal(b, &ce)
		ce["name"] = fmt.Sprintf("CENTRO %02d", i+1)
		var os []any
		for j := range 10 {
			b, _ := json.Marshal(objectives[(i*10+j)%len(objectives)])
			var o map[string]any
			json.Unmarshal(b, &o)
			o["section"] = "Obiettivi di performance"
			o["number"] = j + 1
			o["title"] = fmt.Sprintf("Obiettivo %d del centro %d: %s", j+1, i+1, o["title"])
			delete(o, "group")
			os = append(os, o)
		}
		ce["objectives"] = os
		all = append(all, ce)
	}
	doc["centres"] = all
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestNavigation_LargePlan imports a plan of 40 centres and 400 objectives:
// the index is 40 rows and no objective, each centre's page its 10
// objectives, the list 50 objectives a page over 8 pages that together
// list all 400 once.
func TestNavigation_LargePlan(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	cy, err := interchange.Read(strings.NewReader(string(navLargeDocument(t, 2032))), richtext.NewPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.ImportCycle(t.Context(), store.Actor{Name: "test"}, cy); err != nil {
		t.Fatal(err)
	}
	c := e.signedIn(t, "direttore")
	index := parseHTML(t, c.get("/cicli/2032").Body)
	links := byTestID(index, "centre-link")
	if len(links) != 40 || len(byTestID(index, "centre-row")) != 40 || len(byTestID(index, "centre-actions")) != 40 {
		t.Fatalf("the index has %d centre links", len(links))
	}
	if n := len(byTestID(index, "objective-row")); n != 0 {
		t.Errorf("the index lists %d objectives", n)
	}
	for i, a := range links {
		href, _ := attr(a, "href")
		page := parseHTML(t, c.get(href).Body)
		if n := len(byTestID(page, "objective-row")); n != 10 {
			t.Errorf("centre %d: %d objective rows, want 10", i+1, n)
		}
		if got := textOf(oneByTestID(t, page, "centre-name")); got != fmt.Sprintf("CENTRO %02d", i+1) {
			t.Errorf("centre %d: %q", i+1, got)
		}
	}
	seen := map[string]bool{}
	next, pages := "/cicli/2032/obiettivi", 0
	for next != "" {
		pages++
		if pages > 10 {
			t.Fatal("the list does not end")
		}
		doc := parseHTML(t, c.get(next).Body)
		rows := byTestID(doc, "objective-link")
		if len(rows) > 50 || len(byTestID(doc, "objective-row")) != len(rows) {
			t.Errorf("page %d lists %d objectives", pages, len(rows))
		}
		for _, a := range rows {
			href, _ := attr(a, "href")
			if seen[href] {
				t.Errorf("%s listed twice", href)
			}
			seen[href] = true
		}
		next = ""
		if n := byTestID(doc, "next-page"); len(n) == 1 {
			next, _ = attr(n[0], "href")
		}
	}
	if pages != 8 || len(seen) != 400 {
		t.Errorf("%d pages listed %d objectives, want 8 and 400", pages, len(seen))
	}
	// A filter narrows to one centre: its 10 objectives, one page.
	doc := parseHTML(t, c.get("/cicli/2032/obiettivi?q=del+centro+7%3A").Body)
	if n := len(byTestID(doc, "objective-row")); n != 10 || len(byTestID(doc, "next-page")) != 0 {
		t.Errorf("searching centre 7's titles lists %d", n)
	}
	// A page past the last shows the last.
	doc = parseHTML(t, c.get("/cicli/2032/obiettivi?pagina=99").Body)
	if got := textOf(oneByTestID(t, doc, "objectives-count")); !strings.Contains(got, "pagina 8 di 8") {
		t.Errorf("page 99 reads %q", got)
	}
}
