package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/interchange"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// TestCycleShow reads the cycle page, an index of centres, and each centre's
// page against the seed: every centre and every objective row in document
// order, with the achievements computed again from the seed by the rules of
// docs/domain.md.
func TestCycleShow(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	seed := loadSeed(t)
	doc := getPage(t, srv.URL+"/cicli/2023", http.StatusOK)

	if h1 := elements(doc, atom.H1); len(h1) != 1 || textOf(h1[0]) != "Ciclo 2023: piano e risultati" {
		t.Errorf("h1 = %v, want one \"Ciclo 2023: piano e risultati\"", texts(h1))
	}
	if title := elements(doc, atom.Title); len(title) != 1 || !strings.HasPrefix(textOf(title[0]), "Ciclo 2023: piano e risultati") {
		t.Errorf("title = %v", texts(title))
	}
	if !strings.Contains(textOf(doc), seed.Organisation.Name) {
		t.Errorf("the page does not name the organisation %q", seed.Organisation.Name)
	}
	if got, want := textOf(oneByTestID(t, doc, "cycle-achievement")), wantPercent(seed.achievement(t)); got != want {
		t.Errorf("cycle achievement = %q, want %q", got, want)
	}
	if n := len(byTestID(doc, "objective-row")); n != 0 {
		t.Errorf("the index lists %d objectives, want none (they are on the centres' pages)", n)
	}

	rows := byTestID(doc, "centre-row")
	if len(rows) != 6 || len(seed.Centres) != 6 {
		t.Fatalf("%d centres on the page, %d in the seed, want 6", len(rows), len(seed.Centres))
	}
	for i, row := range rows {
		sc := seed.Centres[i]
		link := oneByTestID(t, row, "centre-link")
		if got := textOf(link); got != sc.Name {
			t.Errorf("centre %d: %q, want %q", i, got, sc.Name)
			continue
		}
		if got := textOf(oneByTestID(t, row, "centre-objectives")); got != strconv.Itoa(len(sc.Objectives)) {
			t.Errorf("%s: %s objectives, want %d", sc.Name, got, len(sc.Objectives))
		}
		if got, want := textOf(oneByTestID(t, row, "centre-achievement")), wantPercent(sc.achievement(t)); got != want {
			t.Errorf("%s: achievement %q, want %q", sc.Name, got, want)
		}

		href, _ := attr(link, "href")
		page := getPage(t, srv.URL+href, http.StatusOK)
		if got := textOf(oneByTestID(t, page, "centre-name")); got != sc.Name {
			t.Errorf("the page of %s is titled %q", sc.Name, got)
		}
		wantCentre := "Grado di raggiungimento del centro: " + wantPercent(sc.achievement(t))
		if !containsText(elements(page, atom.P), wantCentre) {
			t.Errorf("%s: no paragraph %q in %v", sc.Name, wantCentre, texts(elements(page, atom.P)))
		}
		var got [][]string
		for _, sec := range byTestID(page, "section") {
			name := textOf(elements(sec, atom.H2)[0])
			for _, row := range byTestID(sec, "objective-row") {
				got = append(got, append([]string{name}, cellTexts(row)...))
			}
		}
		if len(got) != len(sc.Objectives) {
			t.Errorf("%s: %d rows, want %d", sc.Name, len(got), len(sc.Objectives))
			continue
		}
		for j, cells := range got {
			o := sc.Objectives[j]
			pct, _ := o.achievement(t)
			want := []string{o.Section, strconv.Itoa(o.Number), o.Title, strconv.Itoa(len(o.Indicators)),
				italianPercent(pct) + " " + band(pct)}
			if !equalStrings(cells, want) {
				t.Errorf("%s row %d:\n got %q\nwant %q", sc.Name, j+1, cells, want)
			}
		}
	}
}

// TestCentreShow_AreaDirezione reads the page of AREA DIREZIONE, reached from
// the index, against the seed: its figure, its objectives under their
// section, and objective 2 at 33,3% non raggiunto, the example of docs/domain.md.
func TestCentreShow_AreaDirezione(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	seed := loadSeed(t)
	sc := seed.Centres[0]
	if sc.Name != "AREA DIREZIONE" {
		t.Fatalf("the seed starts with %q", sc.Name)
	}
	centres := cycleLinks(t, srv.URL, 2023)
	if len(centres) != 6 || centres[0].Name != "AREA DIREZIONE" {
		t.Fatalf("the index does not start with AREA DIREZIONE: %+v", centres)
	}
	page := getPage(t, srv.URL+centres[0].Centre, http.StatusOK)
	if got, want := textOf(oneByTestID(t, page, "centre-achievement")), wantPercent(sc.achievement(t)); got != want {
		t.Errorf("centre achievement %q, want %q", got, want)
	}
	secs := byTestID(page, "section")
	if len(secs) != 1 || textOf(elements(secs[0], atom.H2)[0]) != "Obiettivi di performance" {
		t.Fatalf("sections %v, want one: Obiettivi di performance", texts(secs))
	}
	rows := byTestID(secs[0], "objective-row")
	if len(rows) != len(sc.Objectives) || len(rows) < 2 {
		t.Fatalf("%d rows, want %d", len(rows), len(sc.Objectives))
	}
	cells := cellTexts(rows[1])
	if cells[0] != "2" || cells[3] != "33,3% non raggiunto" {
		t.Errorf("objective 2 reads %q, want 33,3%% non raggiunto", cells)
	}
	for i, row := range rows {
		as := elements(row, atom.A)
		if href, _ := attr(as[0], "href"); href != centres[0].Links[i] || !strings.HasPrefix(href, "/cicli/2023/obiettivi/") {
			t.Errorf("row %d links %q", i+1, href)
		}
	}
	// The page as of 30/06 says so, and an unknown centre is a 404.
	if got := textOf(oneByTestID(t, getPage(t, srv.URL+centres[0].Centre+"?al=2023-06-30", http.StatusOK), "figures-at")); !strings.HasPrefix(got, "Dati al 30/06/2023") {
		t.Errorf("figures-at at 30/06: %q", got)
	}
	for _, bad := range []string{"/cicli/2023/centri/987654321", "/cicli/2023/centri/abc", "/cicli/1999/centri/1"} {
		if status, _, _ := get(t, srv.URL+bad); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, status)
		}
	}
}

// TestObjectiveShow_AllSeedObjectives opens the page of every objective of
// the seed, reached through its link on the cycle page, and reads it against
// the seed document.
func TestObjectiveShow_AllSeedObjectives(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	seed := loadSeed(t)
	centres := cycleLinks(t, srv.URL, 2023)
	if len(centres) != len(seed.Centres) {
		t.Fatalf("%d centres on the cycle page, %d in the seed", len(centres), len(seed.Centres))
	}
	seen := map[string]string{}
	total := 0
	for i, sc := range seed.Centres {
		pc := centres[i]
		if pc.Name != sc.Name || len(pc.Links) != len(sc.Objectives) {
			t.Fatalf("centre %d: page has %q with %d objectives, seed %q with %d",
				i, pc.Name, len(pc.Links), sc.Name, len(sc.Objectives))
		}
		for j, o := range sc.Objectives {
			href := pc.Links[j]
			name := fmt.Sprintf("%s/%d-%s-%d", sc.Name, j+1, o.Section, o.Number)
			if prev, dup := seen[href]; dup {
				t.Errorf("%s and %s share the link %q", prev, name, href)
			}
			seen[href] = name
			total++
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				checkObjectivePage(t, srv.URL, href, seed.Year, sc, o)
			})
		}
	}
	if total != 18 {
		t.Errorf("checked %d objectives, want 18", total)
	}
}

func checkObjectivePage(t *testing.T, base, href string, year int, sc seedCentre, o seedObjective) {
	if !strings.HasPrefix(href, "/cicli/2023/obiettivi/") {
		t.Fatalf("link %q is not an objective of 2023", href)
	}
	doc := getPage(t, base+href, http.StatusOK)

	if got, want := textOf(oneByTestID(t, doc, "objective-title")), fmt.Sprintf("Obiettivo %d: %s", o.Number, o.Title); got != want {
		t.Errorf("title:\n got %q\nwant %q", got, want)
	}
	if want := "Centro di responsabilità: " + sc.Name; !containsText(elements(doc, atom.P), want) {
		t.Errorf("no paragraph %q", want)
	}
	pct, _ := o.achievement(t)
	if got, want := textOf(oneByTestID(t, doc, "objective-achievement")), italianPercent(pct)+" "+band(pct); got != want {
		t.Errorf("achievement = %q, want %q", got, want)
	}

	// The header table: one row per field, label then value.
	header := map[string]string{}
	for _, tr := range bodyRows(t, oneByTestID(t, doc, "objective-header")) {
		if c := cellTexts(tr); len(c) == 2 {
			header[c[0]] = c[1]
		}
	}
	for label, want := range map[string]string{
		"Sezione":                               o.Section,
		"Area strategica":                       o.StrategicArea,
		"Obiettivo operativo (Piano programma)": o.OperationalObjective,
		"Progetto PEG":                          o.PEGProject,
		"Servizi interessati":                   o.Services,
		"Utenti finali":                         o.EndUsers,
		"Reti di collaborazione":                o.Networks,
	} {
		want = strings.Join(strings.Fields(want), " ")
		if got, ok := header[label]; !ok || got != want {
			t.Errorf("header %q = %q (present %v), want %q", label, got, ok, want)
		}
	}

	// Description: the rich text, from its first words to its last.
	desc := textOf(oneByTestID(t, doc, "description"))
	wantDesc := htmlText(t, o.DescriptionHTML)
	if wantDesc == "" {
		t.Fatal("the seed objective has no description")
	}
	if !strings.HasPrefix(desc, firstWords(wantDesc, 12)) || !strings.HasSuffix(desc, lastWords(wantDesc, 8)) {
		t.Errorf("description %.120q…, want it to run from %q to %q", desc, firstWords(wantDesc, 12), lastWords(wantDesc, 8))
	}

	// Activities: description, planned label, actual label, in order.
	acts := bodyRows(t, oneByTestID(t, doc, "activities"))
	if len(acts) != len(o.Activities) {
		t.Errorf("%d activity rows, want %d", len(acts), len(o.Activities))
	}
	for k, a := range o.Activities {
		if k >= len(acts) {
			break
		}
		want := []string{
			strings.Join(strings.Fields(a.Description), " "),
			domainSpan(t, a.Planned).Label(year),
			a.actualLabel(t, year),
		}
		if got := cellTexts(acts[k]); !equalStrings(got, want) {
			t.Errorf("activity %d:\n got %q\nwant %q", k+1, got, want)
		}
	}

	// Indicators: name, description, unit, expected, actual, achievement.
	inds := bodyRows(t, oneByTestID(t, doc, "indicators"))
	if len(inds) != len(o.Indicators) {
		t.Errorf("%d indicator rows, want %d", len(inds), len(o.Indicators))
	}
	for k, in := range o.Indicators {
		if k >= len(inds) {
			break
		}
		actual := "mancante"
		if v := in.actual(); v != nil {
			actual = in.formatValue(t, v)
		}
		ach := italianPercent(in.achievement(t))
		if in.Neutralised != nil {
			ach = "sterilizzato " + in.Neutralised.Reason
		}
		name := strings.Join(strings.Fields(in.Name), " ")
		// The seed has objectives with indicators of the same name: the
		// page tells them apart by their number.
		shared := 0
		for _, other := range o.Indicators {
			if strings.Join(strings.Fields(other.Name), " ") == name {
				shared++
			}
		}
		if shared > 1 {
			name += fmt.Sprintf(" (n. %d)", k+1)
		}
		want := []string{
			name,
			strings.Join(strings.Fields(in.Description), " "),
			in.Unit,
			in.formatValue(t, in.Expected),
			actual,
			ach,
		}
		if got := cellTexts(inds[k]); !equalStrings(got, want) {
			t.Errorf("indicator %d:\n got %q\nwant %q", k+1, got, want)
		}
	}

	// Reports: "Report al 31/12/2023" and the text.
	reports := byTestID(doc, "report")
	if len(reports) != len(o.Reports) || len(o.Reports) == 0 {
		t.Fatalf("%d reports on the page, %d in the seed (want at least 1)", len(reports), len(o.Reports))
	}
	for k, r := range o.Reports {
		sec := reports[k]
		wantTitle := "Report al " + italianDate(t, r.Period)
		if h2 := elements(sec, atom.H2); len(h2) != 1 || textOf(h2[0]) != wantTitle {
			t.Errorf("report %d: heading %v, want %q", k+1, texts(h2), wantTitle)
		}
		if r.Period == "2023-12-31" && wantTitle != "Report al 31/12/2023" {
			t.Errorf("the last report reads %q", wantTitle)
		}
		got := textOf(sec)
		wantText := htmlText(t, r.TextHTML)
		if wantText == "" {
			t.Errorf("report %d: the seed has no text", k+1)
		}
		if !strings.Contains(got, firstWords(wantText, 12)) || !strings.HasSuffix(got, lastWords(wantText, 8)) {
			t.Errorf("report %d: text %.160q…, want it to run from %q to %q", k+1, got, firstWords(wantText, 12), lastWords(wantText, 8))
		}
		if r.Status != nil && !strings.Contains(got, "Stato: "+*r.Status) {
			t.Errorf("report %d: no status %q", k+1, *r.Status)
		}
	}
}

// TestObjectiveShow_ItalianNumbers imports the seed with decimal and large
// values in two indicators (the seed itself has only small integers) and
// reads them on the objective page the Italian way.
func TestObjectiveShow_ItalianNumbers(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	centre := doc["centres"].([]any)[0].(map[string]any)
	objective := centre["objectives"].([]any)[0].(map[string]any)
	inds := objective["indicators"].([]any)
	set := func(i int, expected, actual float64) {
		in := inds[i].(map[string]any)
		in["expected"] = expected
		in["values"].([]any)[0].(map[string]any)["value"] = actual
	}
	set(0, 1234.5, 1234.56)
	set(1, 1000000, 0.25)
	changed, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	c, err := interchange.Read(bytes.NewReader(changed), richtext.NewPolicy())
	if err != nil {
		t.Fatalf("reading the changed seed: %v", err)
	}
	st := store.New(pgtest.NewDB(t))
	if _, err := st.ImportCycle(t.Context(), store.Actor{Name: "test"}, c); err != nil {
		t.Fatalf("importing the changed seed: %v", err)
	}
	srv := serveStore(t, st)

	centres := cycleLinks(t, srv.URL, 2023)
	if len(centres) == 0 || len(centres[0].Links) == 0 {
		t.Fatal("no objective link on the cycle page")
	}
	page := getPage(t, srv.URL+centres[0].Links[0], http.StatusOK)
	rows := bodyRows(t, oneByTestID(t, page, "indicators"))
	if len(rows) < 2 {
		t.Fatalf("%d indicator rows, want at least 2", len(rows))
	}
	for i, want := range [][2]string{{"1.234,5", "1.234,56"}, {"1.000.000", "0,25"}} {
		cells := cellTexts(rows[i])
		if len(cells) < 6 || cells[3] != want[0] || cells[4] != want[1] {
			t.Errorf("indicator %d: cells %q, want expected %q and actual %q", i+1, cells, want[0], want[1])
		}
	}
	// 1234,56 of 1234,5 is reached; 0,25 of a million rounds to 0%.
	if cells := cellTexts(rows[0]); len(cells) < 6 || cells[5] != "100%" {
		t.Errorf("indicator 1: achievement %q, want 100%%", cells)
	}
	if cells := cellTexts(rows[1]); len(cells) < 6 || cells[5] != "0%" {
		t.Errorf("indicator 2: achievement %q, want 0%%", cells)
	}
}

// TestObjectiveShow_ErrNotFound asks for objectives that do not exist: each
// answer is a 404 with the Italian error page and no internal detail.
func TestObjectiveShow_ErrNotFound(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	centres := cycleLinks(t, srv.URL, 2023)
	if len(centres) == 0 || len(centres[0].Links) == 0 {
		t.Fatal("no objective link on the cycle page")
	}
	valid := centres[0].Links[0] // /cicli/2023/obiettivi/<id>
	id := valid[strings.LastIndexByte(valid, '/')+1:]
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		t.Fatalf("link %q does not end with a numeric id", valid)
	}
	// The valid link answers, so the 404s below are about the id or the year.
	getPage(t, srv.URL+valid, http.StatusOK)

	cases := map[string]string{
		"unknown id":           "/cicli/2023/obiettivi/987654321",
		"zero id":              "/cicli/2023/obiettivi/0",
		"negative id":          "/cicli/2023/obiettivi/-1",
		"id too big":           "/cicli/2023/obiettivi/99999999999999999999999",
		"id not a number":      "/cicli/2023/obiettivi/abc",
		"id with a suffix":     "/cicli/2023/obiettivi/" + id + "x",
		"unknown year":         "/cicli/2022/obiettivi/" + id,
		"year not a number":    "/cicli/abc/obiettivi/" + id,
		"unknown cycle":        "/cicli/1999",
		"unknown cycle export": "/cicli/1999/export.json",
		"unknown page":         "/obiettivi/" + id,
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			status, body, h := get(t, srv.URL+path)
			if status != http.StatusNotFound {
				t.Fatalf("GET %s: status %d, want 404", path, status)
			}
			checkErrorPage(t, path, body, h, "Pagina non trovata")
		})
	}
	// Without a session, an unknown page is a 404 too (not a sign-in).
	t.Run("unknown page, anonymous", func(t *testing.T) {
		t.Parallel()
		path := "/pagina-che-non-esiste"
		resp, err := httpClient.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("GET %s: status %d, want 404", path, resp.StatusCode)
		}
		checkErrorPage(t, path, string(body), resp.Header, "Pagina non trovata")
	})
}

// checkErrorPage checks an Italian error page with the title want that shows
// no internal detail.
func checkErrorPage(t *testing.T, path, body string, h http.Header, want string) {
	t.Helper()
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET %s: Content-Type %q, want text/html", path, ct)
	}
	doc := parseHTML(t, body)
	if htmls := elements(doc, atom.Html); len(htmls) != 1 {
		t.Fatalf("GET %s: not an HTML page:\n%.500s", path, body)
	} else if lang, _ := attr(htmls[0], "lang"); lang != "it" {
		t.Errorf("GET %s: lang=%q, want it", path, lang)
	}
	if h1 := elements(doc, atom.H1); len(h1) != 1 || textOf(h1[0]) != want {
		t.Errorf("GET %s: h1 %v, want %q", path, texts(h1), want)
	}
	msg := textOf(oneByTestID(t, doc, "error-message"))
	if msg == "" {
		t.Errorf("GET %s: empty error message", path)
	}
	home := false
	for _, a := range elements(doc, atom.A) {
		if href, _ := attr(a, "href"); href == "/" && textOf(a) == "Torna alla pagina iniziale" {
			home = true
		}
	}
	if !home {
		t.Errorf("GET %s: no link back to the home page", path)
	}
	lower := strings.ToLower(body)
	for _, leak := range []string{
		"no rows", "sql", "pgx", "postgres", "strconv", "parse", "invalid syntax", "out of range",
		"not found", "errnotfound", "store:", "panic", "goroutine", ".go:", "error:",
	} {
		if strings.Contains(lower, leak) {
			t.Errorf("GET %s: the page contains %q", path, leak)
		}
	}
}

// TestCycleExport downloads the cycle as a v1 document and checks it against
// the seed and the worked examples of docs/domain.md.
func TestCycleExport(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	seed := loadSeed(t)
	status, body, h := get(t, srv.URL+"/cicli/2023/export.json")
	if status != http.StatusOK {
		t.Fatalf("status %d, want 200; body:\n%.1000s", status, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, `filename="traguardo-2023.json"`) {
		t.Errorf("Content-Disposition %q, want an attachment named traguardo-2023.json", cd)
	}

	type span struct {
		Label string `json:"label"`
	}
	var doc struct {
		Format       string `json:"format"`
		Year         int    `json:"year"`
		Organisation struct {
			Name string `json:"name"`
		} `json:"organisation"`
		Centres []struct {
			Name       string `json:"name"`
			Objectives []struct {
				Number      int      `json:"number"`
				Title       string   `json:"title"`
				Achievement *float64 `json:"achievement"`
				Band        *string  `json:"band"`
				Activities  []struct {
					Planned span  `json:"planned"`
					Actual  *span `json:"actual"`
				} `json:"activities"`
				Indicators []struct {
					Name        string   `json:"name"`
					Actual      any      `json:"actual"`
					Achievement *float64 `json:"achievement"`
				} `json:"indicators"`
			} `json:"objectives"`
		} `json:"centres"`
		Achievement *float64 `json:"achievement"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("decoding the export: %v\n%.500s", err, body)
	}
	if doc.Format != "traguardo/v1" || doc.Year != 2023 || doc.Organisation.Name != seed.Organisation.Name {
		t.Errorf("format %q year %d organisation %q, want traguardo/v1 2023 %q", doc.Format, doc.Year, doc.Organisation.Name, seed.Organisation.Name)
	}
	if len(doc.Centres) != 6 {
		t.Fatalf("%d centres, want 6", len(doc.Centres))
	}
	for i, c := range doc.Centres {
		sc := seed.Centres[i]
		if c.Name != sc.Name || len(c.Objectives) != len(sc.Objectives) {
			t.Errorf("centre %d: %q with %d objectives, want %q with %d", i, c.Name, len(c.Objectives), sc.Name, len(sc.Objectives))
			continue
		}
		for j, o := range c.Objectives {
			if o.Title != sc.Objectives[j].Title || o.Number != sc.Objectives[j].Number {
				t.Errorf("%s objective %d: %d %q, want %d %q", c.Name, j+1, o.Number, o.Title, sc.Objectives[j].Number, sc.Objectives[j].Title)
			}
		}
	}

	// The worked examples of docs/domain.md.
	cases := []struct {
		centre, objective int
		name              string
		achievement       float64
		band              string
	}{
		{0, 1, "AREA DIREZIONE", 33.3, "non raggiunto"},
		{5, 3, "AREA INCLUSIONE E RETI TERRITORIALI", 80, "parzialmente raggiunto"},
	}
	for _, tc := range cases {
		c := doc.Centres[tc.centre]
		if c.Name != tc.name || len(c.Objectives) <= tc.objective {
			t.Errorf("centre %d is %q with %d objectives, want %q", tc.centre, c.Name, len(c.Objectives), tc.name)
			continue
		}
		o := c.Objectives[tc.objective]
		if o.Achievement == nil || *o.Achievement != tc.achievement {
			t.Errorf("%s objective %d: achievement %v, want %v", tc.name, o.Number, ptrString(o.Achievement), tc.achievement)
		}
		if o.Band == nil || *o.Band != tc.band {
			t.Errorf("%s objective %d: band %v, want %q", tc.name, o.Number, ptrString(o.Band), tc.band)
		}
	}

	// AREA DIREZIONE objective 1: an indicator (6 expected, 8 actual) and an
	// activity (planned Maggio, done Settembre).
	o1 := doc.Centres[0].Objectives[0]
	if len(o1.Indicators) == 0 || len(o1.Activities) == 0 {
		t.Fatal("AREA DIREZIONE objective 1 has no indicators or no activities")
	}
	if in := o1.Indicators[0]; in.Name != "Incontri" || in.Actual != float64(8) {
		t.Errorf("indicator 1: %q actual %v (%T), want \"Incontri\" 8", in.Name, in.Actual, in.Actual)
	}
	if a := o1.Activities[0]; a.Planned.Label != "Maggio" || a.Actual == nil || a.Actual.Label != "Settembre" {
		t.Errorf("activity 1: planned %q actual %+v, want Maggio, Settembre", a.Planned.Label, a.Actual)
	}
	// AREA DIREZIONE objective 2: the si/no indicator reached "no" for "si".
	o2 := doc.Centres[0].Objectives[1]
	if len(o2.Indicators) < 3 || o2.Indicators[2].Actual != false {
		t.Errorf("AREA DIREZIONE objective 2: the si/no indicator's actual is not false: %+v", o2.Indicators)
	}

	// The same numbers as the cycle page.
	want, _ := seed.achievement(t)
	if doc.Achievement == nil || *doc.Achievement != roundTo1(want) {
		t.Errorf("cycle achievement %v, want %v", ptrString(doc.Achievement), roundTo1(want))
	}
}

// TestHealthz asks for /healthz with a database that answers and with a real
// pool whose server is not there.
func TestHealthz(t *testing.T) {
	t.Parallel()

	t.Run("Up", func(t *testing.T) {
		t.Parallel()
		srv, _ := newTestServer(t)
		status, body, h := get(t, srv.URL+"/healthz")
		if status != http.StatusOK || strings.TrimSpace(body) != "ok" {
			t.Errorf("status %d body %q, want 200 \"ok\"", status, body)
		}
		if cc := h.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
		if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("Content-Type %q, want text/plain", ct)
		}
	})

	t.Run("DatabaseDown", func(t *testing.T) {
		t.Parallel()
		// A port that was free a moment ago and is closed now.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		pool, err := pgxpool.New(t.Context(), "postgres://traguardo:x@"+addr+"/traguardo?sslmode=disable&connect_timeout=2")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		srv := httptest.NewServer(server.New(store.New(pool), newTestLogger(t), testConfig))
		t.Cleanup(srv.Close)

		start := time.Now()
		status, body, h := get(t, srv.URL+"/healthz")
		if status != http.StatusServiceUnavailable {
			t.Errorf("status %d, want 503", status)
		}
		if strings.TrimSpace(body) != "database non raggiungibile" {
			t.Errorf("body %q, want \"database non raggiungibile\"", body)
		}
		if strings.Contains(strings.ToLower(body), "refused") || strings.Contains(body, addr) {
			t.Errorf("body %q shows the connection error", body)
		}
		if cc := h.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the health check took %v", d)
		}
	})
}

// TestSecurityHeaders checks the headers of every kind of response.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	centres := cycleLinks(t, srv.URL, 2023)
	if len(centres) == 0 || len(centres[0].Links) == 0 {
		t.Fatal("no objective link on the cycle page")
	}
	cases := []struct {
		path   string
		status int
		html   bool
	}{
		{"/", http.StatusOK, true},
		{"/cicli/2023", http.StatusOK, true},
		{centres[0].Links[0], http.StatusOK, true},
		{centres[0].Centre, http.StatusOK, true},       // its trend and Gantt charts
		{"/cicli/2023/cruscotto", http.StatusOK, true}, // its charts
		{"/pagina-che-non-esiste", http.StatusNotFound, true},
		{"/cicli/2023/obiettivi/abc", http.StatusNotFound, true},
		{"/static/css/app.css", http.StatusOK, false},
		{"/static/vendor/bootstrap-italia/css/bootstrap-italia.min.css", http.StatusOK, false},
		{"/cicli/2023/export.json", http.StatusOK, false},
		{"/healthz", http.StatusOK, false},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.path, "/", "_"), func(t *testing.T) {
			t.Parallel()
			status, body, h := get(t, srv.URL+tc.path)
			if status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			checkCSP(t, h.Get("Content-Security-Policy"))
			if v := h.Get("X-Content-Type-Options"); v != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", v)
			}
			switch v := h.Get("Referrer-Policy"); v {
			case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
			default:
				t.Errorf("Referrer-Policy %q, want one that keeps paths on this site", v)
			}
			if v := h.Get("X-Frame-Options"); v != "DENY" {
				t.Errorf("X-Frame-Options %q, want DENY", v)
			}
			if tc.html {
				checkNoInlineCode(t, parseHTML(t, body))
			}
		})
	}
}

// checkCSP checks a Content-Security-Policy: no framing, and no inline or
// evaluated script.
func checkCSP(t *testing.T, csp string) {
	t.Helper()
	if csp == "" {
		t.Error("no Content-Security-Policy")
		return
	}
	dirs := map[string][]string{}
	for d := range strings.SplitSeq(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			dirs[strings.ToLower(f[0])] = f[1:]
		}
	}
	if fa := dirs["frame-ancestors"]; len(fa) != 1 || fa[0] != "'none'" {
		t.Errorf("frame-ancestors %q, want 'none' (CSP %q)", fa, csp)
	}
	script, ok := dirs["script-src"]
	if !ok {
		script, ok = dirs["default-src"]
	}
	if !ok || len(script) == 0 {
		t.Errorf("CSP %q does not restrict scripts", csp)
	}
	for _, src := range script {
		switch strings.ToLower(src) {
		case "'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:", "blob:":
			t.Errorf("scripts allow %s (CSP %q)", src, csp)
		}
	}
	if obj := dirs["object-src"]; len(obj) != 1 || obj[0] != "'none'" {
		t.Errorf("object-src %q, want 'none'", obj)
	}
}

// checkNoInlineCode checks that a page needs nothing its CSP forbids: no
// inline script, no event handler attribute, no inline style.
func checkNoInlineCode(t *testing.T, doc *html.Node) {
	t.Helper()
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if n.DataAtom == atom.Script {
			if src, _ := attr(n, "src"); src == "" || textOf(n) != "" {
				t.Errorf("inline <script>: %q", textOf(n))
			}
		}
		if n.DataAtom == atom.Style {
			t.Errorf("inline <style>: %.80q", textOf(n))
		}
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			if strings.HasPrefix(k, "on") || k == "style" {
				t.Errorf("<%s %s=%q>: blocked by the CSP", n.Data, a.Key, a.Val)
			}
			if (k == "href" || k == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
			}
		}
	}
}

// TestStatic checks that the assets the pages link to are served with their
// types: the Bootstrap Italia CSS first, then every stylesheet and script of
// the layout, and the fonts of fonts.css.
func TestStatic(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)

	status, body, h := get(t, srv.URL+"/static/vendor/bootstrap-italia/css/bootstrap-italia.min.css")
	if status != http.StatusOK {
		t.Fatalf("Bootstrap Italia CSS: status %d", status)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Bootstrap Italia CSS: Content-Type %q, want text/css", ct)
	}
	if len(body) < 100_000 || !strings.Contains(body, ".it-header-wrapper") {
		t.Errorf("Bootstrap Italia CSS: %d bytes, without .it-header-wrapper", len(body))
	}
	if cc := h.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
		t.Errorf("Cache-Control %q, want a max-age", cc)
	}
	// The CSP's font-src is 'self': a font inlined as a data: URI is
	// blocked, and the browser reports it on every page (Chromium loads
	// such a font at once, used or not). The vendored CSS has none (its
	// VideoJS icon font is removed, see the VERSION file).
	if i := strings.Index(body, "url(data:application/font"); i >= 0 {
		t.Errorf("Bootstrap Italia CSS declares a data: font, which the CSP blocks: %.120s", body[max(0, i-60):])
	}

	// Every asset of the layout.
	doc := getPage(t, srv.URL+"/", http.StatusOK)
	var assets []struct{ url, wantType string }
	for _, l := range elements(doc, atom.Link) {
		if rel, _ := attr(l, "rel"); rel == "stylesheet" {
			href, _ := attr(l, "href")
			assets = append(assets, struct{ url, wantType string }{href, "text/css"})
		}
	}
	for _, s := range elements(doc, atom.Script) {
		src, _ := attr(s, "src")
		assets = append(assets, struct{ url, wantType string }{src, "javascript"})
	}
	if len(assets) < 4 {
		t.Fatalf("the layout links %d assets, want at least 4 (3 stylesheets and a script)", len(assets))
	}
	// The fonts named by fonts.css, relative to it.
	_, fonts, _ := get(t, srv.URL+"/static/css/fonts.css")
	for _, m := range strings.Split(fonts, "url(")[1:] {
		u := strings.Trim(m[:strings.IndexByte(m, ')')], `"' `)
		if !strings.HasPrefix(u, "/") {
			u = path.Join("/static/css", u)
		}
		assets = append(assets, struct{ url, wantType string }{u, "font/woff2"})
	}
	for _, a := range assets {
		if !strings.HasPrefix(a.url, "/static/") {
			t.Errorf("asset %q is not under /static/", a.url)
			continue
		}
		status, _, h := get(t, srv.URL+a.url)
		if status != http.StatusOK {
			t.Errorf("%s: status %d", a.url, status)
		}
		if ct := h.Get("Content-Type"); !strings.Contains(ct, a.wantType) {
			t.Errorf("%s: Content-Type %q, want %s", a.url, ct, a.wantType)
		}
	}

	if status, _, _ := get(t, srv.URL+"/static/css/nessuno.css"); status != http.StatusNotFound {
		t.Errorf("a missing asset: status %d, want 404", status)
	}
}

// ---------------------------------------------------------------------------

func texts(ns []*html.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = textOf(n)
	}
	return out
}

// containsText reports whether one of ns reads exactly want.
func containsText(ns []*html.Node, want string) bool {
	for _, n := range ns {
		if textOf(n) == want {
			return true
		}
	}
	return false
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// wantPercent is the achievement as the pages show it, or "n.d.".
func wantPercent(pct float64, ok bool) string {
	if !ok {
		return "n.d."
	}
	return italianPercent(pct)
}

func roundTo1(v float64) float64 { return math.Round(v*10) / 10 }

func ptrString[T any](p *T) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}
