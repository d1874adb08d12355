package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"traguardo/internal/interchange"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// trendRows reads a trend table: each row's label and its cells.
func trendRows(t testing.TB, doc *html.Node, testid string) map[string][]string {
	t.Helper()
	tables := byTestID(doc, testid)
	if len(tables) != 1 {
		t.Fatalf("%d tables %s", len(tables), testid)
	}
	out := map[string][]string{}
	for _, row := range byTestID(tables[0], "trend-row") {
		th := dashFirst(row, "th")
		out[strings.Join(strings.Fields(textOf(th)), " ")] = dashTexts(row, "trend-cell")
	}
	return out
}

// chartDesc is the desc of the chart with the data-testid id.
func chartDesc(t testing.TB, doc *html.Node, id string) string {
	t.Helper()
	charts := byTestID(doc, id)
	if len(charts) != 1 {
		t.Fatalf("%d charts %s", len(charts), id)
	}
	svg := dashFirst(charts[0], "svg")
	if svg == nil {
		t.Fatalf("chart %s has no svg", id)
	}
	if role, _ := attr(svg, "role"); role != "img" {
		t.Errorf("chart %s: role %q", id, role)
	}
	if l, _ := attr(svg, "aria-labelledby"); l != id+"-title "+id+"-desc" {
		t.Errorf("chart %s: aria-labelledby %q", id, l)
	}
	d := dashFirst(svg, "desc")
	if d == nil {
		t.Fatalf("chart %s has no desc", id)
	}
	return textOf(d)
}

// TestDashboard_Trend2023 checks the trend of the 2023 demo against
// figures computed by hand from the seed: only 31/12 has data, so the
// three quarters before read "nessun dato" (never 0) and 31/12 holds the
// year's result. AREA DIREZIONE: objective 1 (8 of 6, 1 of 1, 2 of 2) is
// 100, objective 2 (1 of 1, 0 of 1, "no" for "si") 33.3, the centre
// (100 + 33.33) / 2 = 66.7. AREA INCLUSIONE E RETI TERRITORIALI:
// objective 1 (6/5, 17/17, 22/22) 100; 2 (1/1, 3/2, 6/6, 0/3) 75; 3
// (12/10, 100/100, 0/5) 66.67; 4 (1/5, 60/50, 1/1, 12/10) 80; the centre
// (100 + 75 + 66.67 + 80) / 4 = 80.4.
func TestDashboard_Trend2023(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "osservatore")
	dash := parseHTML(t, c.get("/cicli/2023/cruscotto").Body)
	rows := trendRows(t, dash, "trend-chart-table")
	none := "nessun dato"
	for centre, want := range map[string][]string{
		"AREA DIREZIONE":                      {none, none, none, "66,7%"},
		"AREA INCLUSIONE E RETI TERRITORIALI": {none, none, none, "80,4%"},
	} {
		if got := rows[centre]; !slices.Equal(got, want) {
			t.Errorf("%s: trend %q, want %q", centre, got, want)
		}
	}
	if len(rows) != 7 {
		t.Errorf("%d rows, want the cycle and 6 centres", len(rows))
	}
	// The last column is the year's result: the achievement table's.
	overall := dashTexts(dash, "achievement-value")[0]
	if got := rows["Complessivo dell'ente"]; len(got) != 4 || got[3] != overall || got[0] != none {
		t.Errorf("overall trend %q, the year's result %q", got, overall)
	}
	desc := chartDesc(t, dash, "trend-chart")
	for _, want := range []string{
		"AREA DIREZIONE: al 31/03/2023 nessun dato, al 30/06/2023 nessun dato, al 30/09/2023 nessun dato, al 31/12/2023 66,7%",
		"AREA INCLUSIONE E RETI TERRITORIALI: al 31/03/2023 nessun dato, al 30/06/2023 nessun dato, al 30/09/2023 nessun dato, al 31/12/2023 80,4%",
	} {
		if !strings.Contains(desc, want) {
			t.Errorf("the chart's desc lacks %q:\n%s", want, desc)
		}
	}
	if n := len(byTestID(dash, "trend-value")); n != 7*4 {
		t.Errorf("the chart writes %d values, want 28", n)
	}
	for _, v := range dashTexts(dash, "trend-cell") {
		if v == "0%" || v == "0,0%" {
			t.Errorf("a period reads %q", v)
		}
	}
	// The centre page: the same trend for the centre, linked from its row.
	var href string
	for _, row := range byTestID(dash, "trend-row") {
		if a := dashFirst(row, "a"); a != nil && textOf(a) == "AREA DIREZIONE" {
			href = dashHref(a)
		}
	}
	if !strings.HasPrefix(href, "/cicli/2023/centri/") {
		t.Fatalf("the AREA DIREZIONE row links %q", href)
	}
	centre := parseHTML(t, c.get(href).Body)
	if got := trendRows(t, centre, "trend-centre-table"); !slices.Equal(got["AREA DIREZIONE"], []string{none, none, none, "66,7%"}) || len(got) != 1 {
		t.Errorf("the centre's trend: %q", got)
	}
	if desc := chartDesc(t, centre, "trend-centre"); !strings.Contains(desc, "AREA DIREZIONE: al 31/03/2023 nessun dato") {
		t.Errorf("the centre's chart desc: %s", desc)
	}
}

// watchDoc is the demo as the cycle 2030, its figures set by hand: AREA
// DIREZIONE has values at 30/06 too (3 of 6, 0 of 1, 1 of 2 for its
// objective 1: (50 + 0 + 50) / 3 = 33.3) and its period of 31/12 sent;
// its objective 1 (100%, raggiunto) says critico at 31/12, and its activity
// 1 (planned May, done September: late) gives a reason; AREA FINANZIARIA
// objective 2 has no value for its first indicator.
func watchDoc(t *testing.T, e *secEnv) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(filesDemoJSON(t, 2030), &doc); err != nil {
		t.Fatal(err)
	}
	centre := func(i int) map[string]any { return doc["centres"].([]any)[i].(map[string]any) }
	obj := func(c, i int) map[string]any { return centre(c)["objectives"].([]any)[i].(map[string]any) }
	o1 := obj(0, 0)
	for i, v := range []float64{3, 0, 1} {
		in := o1["indicators"].([]any)[i].(map[string]any)
		in["values"] = append([]any{map[string]any{"period": "2030-06-30", "value": v, "reason": "in corso"}}, in["values"].([]any)...)
	}
	reps := o1["reports"].([]any)
	reps[len(reps)-1].(map[string]any)["status"] = "critico"
	act := o1["activities"].([]any)[0].(map[string]any)
	prog := act["progress"].([]any)
	prog[len(prog)-1].(map[string]any)["reason"] = "attesa del parere della conferenza"
	centre(0)["submissions"] = []any{map[string]any{"period": "2030-12-31", "state": "inviato", "comment": nil}}
	obj(2, 1)["indicators"].([]any)[0].(map[string]any)["values"] = []any{}
	b, _ := json.Marshal(doc)
	cy, err := interchange.Read(strings.NewReader(string(b)), richtext.NewPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.ImportCycle(t.Context(), store.Actor{Name: "test"}, cy); err != nil {
		t.Fatal(err)
	}
}

// TestDashboard_TrendByHand: on watchDoc, AREA DIREZIONE reads 33,3% at
// 30/06 (its objective 2, with nothing there and the period's window still
// to come, is "da rilevare" and left out) and 66,7% at 31/12; the other
// centres read "da rilevare" at 30/06, and every centre at 31/03 and
// 30/09: never 0. The cycle at 30/06 is AREA DIREZIONE's alone.
func TestDashboard_TrendByHand(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	watchDoc(t, e)
	c := e.signedIn(t, "direttore")
	rows := trendRows(t, parseHTML(t, c.get("/cicli/2030/cruscotto").Body), "trend-chart-table")
	p := "da rilevare"
	for centre, want := range map[string][]string{
		"AREA DIREZIONE":        {p, "33,3%", p, "66,7%"},
		"AREA AMMINISTRATIVA":   {p, p, p, "79,2%"},
		"Complessivo dell'ente": {p, "33,3%", p},
	} {
		got := rows[centre]
		if len(got) != 4 || !slices.Equal(got[:len(want)], want) {
			t.Errorf("%s: %q, want %q", centre, got, want)
		}
	}
	// At 30/06 the dashboard's own figures agree with its trend, and say
	// what they cover: one centre of six has data, one objective of its
	// two.
	dash := parseHTML(t, c.get("/cicli/2030/cruscotto?al=2030-06-30").Body)
	if got := dashTexts(dash, "achievement-value")[:2]; !slices.Equal(got, []string{"33,3% (1 centro su 6)", "33,3% (1 obiettivo su 2)"}) {
		t.Errorf("the dashboard at 30/06: %q", got)
	}
	if got := trendRows(t, dash, "trend-chart-table")["AREA DIREZIONE"]; !slices.Equal(got, []string{p, "33,3%", p, "66,7%"}) {
		t.Errorf("the trend does not depend on the period chosen: %q", got)
	}
}

// watchEntries reads a group of the watch list: its total and its entries
// as "label: detail" with their links.
func watchEntries(t testing.TB, doc *html.Node, id string) (string, []string, []string) {
	t.Helper()
	g := oneByTestID(t, doc, id)
	var entries, hrefs []string
	for _, li := range byTestID(g, "watch-entry") {
		// textOf puts a space between the link and the text after it.
		entries = append(entries, strings.ReplaceAll(strings.Join(strings.Fields(textOf(li)), " "), " :", ":"))
		hrefs = append(hrefs, dashHref(dashFirst(li, "a")))
	}
	return textOf(oneByTestID(t, g, "watch-total")), entries, hrefs
}

// TestDashboard_WatchList2023: the 2023 demo's watch list at 31/12 lists
// AREA DIREZIONE objective 2 as non raggiunto (33,3%), linked to its page;
// the objectives below the band are as many as the dashboard counts in
// "parzialmente raggiunto" and "non raggiunto"; AREA DIREZIONE objective 1
// activity 1 (planned May, done September, no reason) is late without a
// reason, linked to the field of its reason in the entry form at 31/12;
// no centre has sent 2023 (the demo holds no submissions).
func TestDashboard_WatchList2023(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "direttore")
	dash := parseHTML(t, c.get("/cicli/2023/cruscotto").Body)
	total, entries, hrefs := watchEntries(t, dash, "attenzione-obiettivi")
	i := slices.Index(entries, "AREA DIREZIONE · obiettivo 2 (Obiettivi di performance): non raggiunto (33,3%)")
	if i < 0 {
		t.Fatalf("AREA DIREZIONE objective 2 is not on the watch list: %q", entries)
	}
	obj := parseHTML(t, c.get(hrefs[i]).Body)
	if got := textOf(oneByTestID(t, obj, "objective-title")); !strings.HasPrefix(got, "Obiettivo 2: Avvio del percorso di revisione del Codice") {
		t.Errorf("the entry links %s: %q", hrefs[i], got)
	}
	counts := map[string]string{}
	for _, it := range byTestID(oneByTestID(t, dash, "bands"), "count") {
		counts[dashTexts(it, "count-label")[0]] = dashTexts(it, "count-value")[0]
	}
	var below int
	fmt.Sscan(counts["parzialmente raggiunto"], &below)
	var not int
	fmt.Sscan(counts["non raggiunto"], &not)
	if total != fmt.Sprint(below+not) || below+not != len(entries) {
		t.Errorf("watch list: %s objectives (%d shown), the dashboard counts %d + %d below the band", total, len(entries), below, not)
	}

	_, entries, hrefs = watchEntries(t, dash, "attenzione-attivita")
	i = slices.Index(entries, "AREA DIREZIONE · obiettivo 1 (Obiettivi di performance), attività 1: prevista Maggio, effettiva Settembre, senza motivo")
	if i < 0 {
		t.Fatalf("AREA DIREZIONE objective 1 activity 1 is not on the watch list: %q", entries)
	}
	form, anchor, _ := strings.Cut(hrefs[i], "#")
	if !strings.Contains(form, "/periodi/") || !strings.HasSuffix(form, "/avanzamento") || !strings.HasSuffix(anchor, "_reason") {
		t.Errorf("the activity links %q", hrefs[i])
	}
	page := parseHTML(t, c.get(form).Body)
	if len(findAll(page, func(n *html.Node) bool { id, _ := attr(n, "id"); return id == anchor })) != 1 {
		t.Errorf("the entry form %s has no field %q", form, anchor)
	}

	// The closed 2023 was never sent by any centre: every one reads "non
	// inviato", not "in compilazione".
	total, entries, _ = watchEntries(t, dash, "attenzione-centri")
	if total != "6" || len(entries) != 6 || entries[0] != "AREA DIREZIONE: non inviato" {
		t.Errorf("centres that have not sent: %s %q", total, entries)
	}
	if total, _, _ := watchEntries(t, dash, "attenzione-indicatori"); total != "0" {
		t.Errorf("the 2023 demo has %s indicators without a value", total)
	}
}

// TestDashboard_WatchListByHand: on watchDoc, AREA DIREZIONE objective 1,
// raggiunto but self-assessed critico, is listed for its status; its
// activity 1, late with a reason, is not listed while activity 2 (June,
// done October, no reason) is; AREA FINANZIARIA objective 2's first
// indicator is the one without a value; AREA DIREZIONE, which sent the
// period, is not among the centres that have not.
func TestDashboard_WatchListByHand(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	watchDoc(t, e)
	c := e.signedIn(t, "direttore")
	dash := parseHTML(t, c.get("/cicli/2030/cruscotto").Body)
	_, entries, _ := watchEntries(t, dash, "attenzione-obiettivi")
	if !slices.Contains(entries, "AREA DIREZIONE · obiettivo 1 (Obiettivi di performance): stato dichiarato critico") {
		t.Errorf("the critical objective is not listed: %q", entries)
	}
	if !slices.Contains(entries, "AREA DIREZIONE · obiettivo 2 (Obiettivi di performance): non raggiunto (33,3%)") {
		t.Errorf("objective 2 is not listed: %q", entries)
	}
	_, entries, _ = watchEntries(t, dash, "attenzione-attivita")
	if slices.ContainsFunc(entries, func(s string) bool {
		return strings.HasPrefix(s, "AREA DIREZIONE · obiettivo 1 (Obiettivi di performance), attività 1:")
	}) {
		t.Errorf("an activity with a reason is listed: %q", entries)
	}
	if !slices.Contains(entries, "AREA DIREZIONE · obiettivo 1 (Obiettivi di performance), attività 2: prevista Giugno, effettiva Ottobre, senza motivo") {
		t.Errorf("activity 2 is not listed: %q", entries)
	}
	total, entries, hrefs := watchEntries(t, dash, "attenzione-indicatori")
	if total != "1" || len(entries) != 1 || !strings.HasPrefix(entries[0], "AREA FINANZIARIA · obiettivo 2 (Obiettivi di performance), indicatore 1 «") ||
		!strings.HasSuffix(entries[0], "nessun valore al 31/12/2030") || !strings.Contains(hrefs[0], "#ind_") {
		t.Errorf("indicators without a value: %s %q %q", total, entries, hrefs)
	}
	total, entries, _ = watchEntries(t, dash, "attenzione-centri")
	if total != "5" || slices.ContainsFunc(entries, func(s string) bool { return strings.HasPrefix(s, "AREA DIREZIONE:") }) {
		t.Errorf("centres that have not sent: %s %q", total, entries)
	}
}

// ganttRowsOf reads a Gantt chart: each drawn row's planned and actual
// columns (from 0, January), whether hatched as late, whether marked
// "in ritardo", and the overrun months.
func ganttRowsOf(t testing.TB, doc *html.Node, id string) []string {
	t.Helper()
	var out []string
	col := func(n *html.Node, what string) string {
		rects := findAll(n, func(m *html.Node) bool { v, _ := attr(m, "data-testid"); return v == what })
		if len(rects) == 0 {
			return "-"
		}
		from, _ := attr(rects[0], "data-from")
		to, _ := attr(rects[0], "data-to")
		late, _ := attr(rects[0], "data-late")
		s := from + ".." + to
		if late == "true" {
			s += " hatched"
		}
		return s
	}
	for _, g := range byTestID(oneByTestID(t, doc, id), "gantt-row") {
		s := "planned " + col(g, "gantt-planned") + ", actual " + col(g, "gantt-actual") + ", overrun " + col(g, "gantt-overdue")
		if len(byTestID(g, "gantt-late")) > 0 {
			s += ", in ritardo"
		}
		if len(byTestID(g, "gantt-after")) > 0 {
			s += ", after"
		}
		out = append(out, s)
	}
	return out
}

// TestGantt_AreaDirezione: the Gantt of AREA DIREZIONE's objectives at
// 31/12/2023, by the seed. Objective 1: activity 1 planned May (column 4),
// done September (8), late; activity 4 planned September, done February
// 2024: its actual months lie past the grid, marked at its edge, late.
// Objective 2: activity 3 planned November, not done: late, November
// overrun into December; activity 4 planned December, not done, on time at
// 31/12. The centre's chart has all 8 rows; the tables say the same.
func TestGantt_AreaDirezione(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "nucleo")
	dash := parseHTML(t, c.get("/cicli/2023").Body)
	var centre string
	for _, a := range findAll(dash, func(n *html.Node) bool { return n.Data == "a" && textOf(n) == "AREA DIREZIONE" }) {
		centre = dashHref(a)
	}
	page := parseHTML(t, c.get(centre).Body)
	var objs []string
	for _, row := range byTestID(page, "objective-row") {
		objs = append(objs, dashHref(dashFirst(row, "a")))
	}
	if len(objs) != 2 {
		t.Fatalf("AREA DIREZIONE objectives %q", objs)
	}
	want1 := []string{
		"planned 4..4, actual 8..8 hatched, overrun -, in ritardo",
		"planned 5..5, actual 9..9 hatched, overrun -, in ritardo",
		"planned 6..6, actual 11..11 hatched, overrun -, in ritardo",
		"planned 8..8, actual -, overrun -, in ritardo, after",
	}
	want2 := []string{
		"planned 6..6, actual 9..9 hatched, overrun -, in ritardo",
		"planned 8..8, actual 10..10 hatched, overrun -, in ritardo",
		"planned 10..10, actual -, overrun 11..11, in ritardo",
		"planned 11..11, actual -, overrun -",
	}
	o1 := parseHTML(t, c.get(objs[0]).Body)
	if got := ganttRowsOf(t, o1, "gantt-objective"); !slices.Equal(got, want1) {
		t.Errorf("objective 1:\n got %q\nwant %q", got, want1)
	}
	o2 := parseHTML(t, c.get(objs[1]).Body)
	if got := ganttRowsOf(t, o2, "gantt-objective"); !slices.Equal(got, want2) {
		t.Errorf("objective 2:\n got %q\nwant %q", got, want2)
	}
	if got := dashTexts(o2, "gantt-state"); !slices.Equal(got, []string{"in ritardo", "in ritardo", "in ritardo", "nei tempi"}) {
		t.Errorf("objective 2's table: %q", got)
	}
	desc := chartDesc(t, o2, "gantt-objective")
	for _, w := range []string{"Attività 3: previsto Novembre, effettivo /, in ritardo", "Attività 4: previsto Dicembre, effettivo /, nei tempi"} {
		if !strings.Contains(desc, w) {
			t.Errorf("the desc lacks %q: %s", w, desc)
		}
	}
	if got := ganttRowsOf(t, page, "gantt-centre"); !slices.Equal(got, append(want1, want2...)) {
		t.Errorf("the centre's chart:\n got %q\nwant %q", got, append(want1, want2...))
	}
	if n := len(byTestID(page, "gantt-table-row")); n != 8 {
		t.Errorf("the centre's table has %d rows", n)
	}
	// The lateness is the dashboard's: as many late activities in AREA
	// DIREZIONE's charts as the list of late objectives holds of its.
	if r := c.get("/cicli/2023/obiettivi?ritardo=si&centro=" + strings.TrimPrefix(centre, "/cicli/2023/centri/")); r.Status != http.StatusOK {
		t.Errorf("the late list: %d", r.Status)
	} else if got := navRows(t, parseHTML(t, r.Body)); len(got) != 2 {
		t.Errorf("AREA DIREZIONE's late objectives: %q", got)
	}
}

// TestPreviousYear_CarriedOver: 2024, carried over from 2023, shows on each
// objective the year's result of the objective it was carried from,
// linked to it (AREA DIREZIONE objective 2: 33,3% non raggiunto), and on
// the centre page the centre's 2023 result and each objective's; 2023,
// with no cycle before, shows none; an objective renumbered says it was
// not carried over.
func TestPreviousYear_CarriedOver(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "direttore")
	var centre, o2, o2prev int64
	if err := e.pool.QueryRow(t.Context(), `
		SELECT cc.id, o.id, po.id FROM cycle_centres cc JOIN cycles c ON c.id = cc.cycle_id
		JOIN centres ce ON ce.id = cc.centre_id
		JOIN objectives o ON o.cycle_centre_id = cc.id AND o.number = 2
		JOIN cycle_centres pcc ON pcc.centre_id = cc.centre_id JOIN cycles pc ON pc.id = pcc.cycle_id AND pc.year = 2023
		JOIN objectives po ON po.cycle_centre_id = pcc.id AND po.number = 2
		WHERE c.year = 2024 AND ce.name = 'AREA DIREZIONE'`).Scan(&centre, &o2, &o2prev); err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, c.get(fmt.Sprintf("/cicli/2024/obiettivi/%d", o2)).Body)
	if got := textOf(oneByTestID(t, doc, "previous-achievement")); strings.Join(strings.Fields(got), " ") != "33,3% non raggiunto" {
		t.Errorf("previous year's result %q", got)
	}
	link := oneByTestID(t, doc, "previous-link")
	if href := dashHref(link); href != fmt.Sprintf("/cicli/2023/obiettivi/%d?al=2023-12-31", o2prev) {
		t.Errorf("previous link %q", href)
	} else if prev := parseHTML(t, c.get(href).Body); strings.Join(strings.Fields(textOf(oneByTestID(t, prev, "objective-achievement"))), " ") != "33,3% non raggiunto" {
		t.Errorf("the linked page reads %q", textOf(oneByTestID(t, prev, "objective-achievement")))
	}
	page := parseHTML(t, c.get(fmt.Sprintf("/cicli/2024/centri/%d", centre)).Body)
	if got := strings.Join(strings.Fields(textOf(oneByTestID(t, page, "centre-previous"))), " "); got != "Grado di raggiungimento del centro nel ciclo 2023, al 31/12/2023: 66,7%" {
		t.Errorf("the centre's 2023: %q", got)
	}
	if got := dashTexts(page, "objective-previous"); len(got) != 2 || !strings.HasPrefix(got[0], "100% raggiunto") || !strings.HasPrefix(got[1], "33,3% non raggiunto") {
		t.Errorf("the objectives' 2023: %q", got)
	}
	// 2023 has no cycle before it.
	if doc := parseHTML(t, c.get(fmt.Sprintf("/cicli/2023/obiettivi/%d", o2prev)).Body); len(byTestID(doc, "previous-year")) != 0 {
		t.Errorf("a 2023 objective shows a previous year")
	}
	// Renumbered, the objective is no longer the one carried over.
	if _, err := e.pool.Exec(t.Context(), `UPDATE objectives SET number = 7 WHERE id = $1`, o2); err != nil {
		t.Fatal(err)
	}
	doc = parseHTML(t, c.get(fmt.Sprintf("/cicli/2024/obiettivi/%d", o2)).Body)
	if got := textOf(oneByTestID(t, doc, "previous-year")); !strings.Contains(got, "il centro non aveva un obiettivo 7") || len(byTestID(doc, "previous-link")) != 0 {
		t.Errorf("a renumbered objective: %q", got)
	}
}
