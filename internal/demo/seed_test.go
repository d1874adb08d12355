package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The demonstration cycle is a transcription of the seed document
// (testdata/seed.txt, the 2023 "Relazione sulla Performance" of Consorzio
// IN.RE.TE.) into the v1 interchange format. These tests re-read the seed
// on their own and check that the numbers and months of the JSON match it.

const (
	demoFile = "consorzio-inrete-2023.json"
	seedFile = "testdata/seed.txt"
)

// Input-only view of the v1 format: an output-only field (label, actual,
// achievement, band) or a misspelt field name makes decoding fail.
type tDoc struct {
	Format       string    `json:"format"`
	Organisation tOrg      `json:"organisation"`
	Year         int       `json:"year"`
	Periods      []string  `json:"periods"`
	Centres      []tCentre `json:"centres"`
}

type tOrg struct {
	Name string `json:"name"`
}

type tCentre struct {
	Name       string       `json:"name"`
	Manager    string       `json:"manager"`
	Objectives []tObjective `json:"objectives"`
}

type tObjective struct {
	Section              string       `json:"section"`
	Number               int          `json:"number"`
	Title                string       `json:"title"`
	StrategicArea        string       `json:"strategic_area"`
	OperationalObjective string       `json:"operational_objective"`
	PEGProject           string       `json:"peg_project"`
	Services             string       `json:"services"`
	EndUsers             string       `json:"end_users"`
	Networks             string       `json:"networks"`
	DescriptionHTML      string       `json:"description_html"`
	Weight               *float64     `json:"weight"`
	Group                *string      `json:"group"`
	Activities           []tActivity  `json:"activities"`
	Indicators           []tIndicator `json:"indicators"`
	Reports              []tReport    `json:"reports"`
}

type tActivity struct {
	Description string      `json:"description"`
	Planned     tSpan       `json:"planned"`
	Progress    []tProgress `json:"progress"`
}

type tProgress struct {
	Period string  `json:"period"`
	Actual tSpan   `json:"actual"`
	Reason *string `json:"reason"`
}

type tSpan struct {
	From   *string `json:"from"`
	To     *string `json:"to"`
	Annual bool    `json:"annual"`
}

type tIndicator struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Unit        string            `json:"unit"`
	Polarity    string            `json:"polarity"`
	Weight      *float64          `json:"weight"`
	Expected    json.RawMessage   `json:"expected"`
	Values      []tIndicatorValue `json:"values"`
	Neutralised *json.RawMessage  `json:"neutralised"`
}

type tIndicatorValue struct {
	Period string          `json:"period"`
	Value  json.RawMessage `json:"value"`
	Reason *string         `json:"reason"`
}

type tReport struct {
	Period   string  `json:"period"`
	Status   *string `json:"status"`
	TextHTML string  `json:"text_html"`
}

func loadDemo(t *testing.T) tDoc {
	t.Helper()
	raw, err := os.ReadFile(demoFile)
	if err != nil {
		t.Fatalf("reading %s: %v", demoFile, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var doc tDoc
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("decoding %s: %v", demoFile, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("%s: unexpected data after the document", demoFile)
	}
	return doc
}

// ---- independent reading of the seed

type seedActivity struct {
	centre, description, planned, actual string
	line                                 int
}

type seedIndicator struct {
	centre, name, unit, expected, actual string
	line                                 int
}

type seedDoc struct {
	centres    []string       // in order of first appearance
	objectives map[string]int // per centre
	activities []seedActivity
	indicators []seedIndicator
}

var (
	tagRe       = regexp.MustCompile(`</?(?:b|i|p|strong|em)>`)
	objectiveRe = regexp.MustCompile(`(?:<b>|\*\*)Obiettivo (\d+)(?:</b>|\*\*)`)
	spacesRe    = regexp.MustCompile(`\s+`)
)

func plain(s string) string {
	s = tagRe.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "**", "")
	return strings.TrimSpace(spacesRe.ReplaceAllString(s, " "))
}

// cells splits a tab-separated table row and drops the empty cells.
func cells(line string) []string {
	var out []string
	for _, c := range strings.Split(line, "\t") {
		if c = plain(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func readSeed(t *testing.T) seedDoc {
	t.Helper()
	raw, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatalf("reading %s: %v", seedFile, err)
	}
	sd := seedDoc{objectives: map[string]int{}}
	const (
		none = iota
		inActivities
		inIndicators
	)
	mode, centre := none, ""
	for i, line := range strings.Split(string(raw), "\n") {
		n := i + 1
		if strings.Contains(line, "CENTRO DI RESPONSABILITA") {
			head := plain(strings.Split(strings.TrimLeft(line, "#* "), "****")[0])
			if k := strings.Index(head, ":"); k >= 0 {
				centre = strings.TrimSpace(head[k+1:])
			}
			if _, seen := sd.objectives[centre]; !seen {
				sd.centres = append(sd.centres, centre)
				sd.objectives[centre] = 0
			}
		}
		if objectiveRe.MatchString(line) {
			sd.objectives[centre]++
			mode = none
		}
		p := plain(line)
		switch {
		case strings.HasPrefix(p, "Modalità di attuazione"):
			mode = inActivities
			continue
		case strings.HasPrefix(p, "Indicatori di risultato"):
			mode = inIndicators
			continue
		case strings.Contains(p, "Report al "):
			mode = none
			continue
		}
		c := cells(line)
		switch mode {
		case inActivities:
			if len(c) == 0 || c[0] == "Attività" {
				continue
			}
			if len(c) != 3 {
				t.Fatalf("seed line %d: activity row with %d cells: %q", n, len(c), c)
			}
			sd.activities = append(sd.activities, seedActivity{centre, c[0], c[1], c[2], n})
		case inIndicators:
			if len(c) == 0 || c[0] == "Indicatore" || c[0] == "Valore consuntivo" || c[0] == "2023" {
				continue
			}
			if len(c) != 5 {
				t.Fatalf("seed line %d: indicator row with %d cells: %q", n, len(c), c)
			}
			sd.indicators = append(sd.indicators, seedIndicator{centre, c[0], c[2], c[3], c[4], n})
		}
	}
	return sd
}

// ---- month words

var monthNumber = map[string]int{
	"gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6,
	"luglio": 7, "agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
}

const cycleYear = 2023

// monthYear reads "Maggio" or "Febbraio 2024"; the year is 0 when absent.
func monthYear(s string) (month, year int, err error) {
	f := strings.Fields(s)
	if len(f) == 0 || len(f) > 2 {
		return 0, 0, fmt.Errorf("not a month: %q", s)
	}
	month, ok := monthNumber[strings.ToLower(f[0])]
	if !ok {
		return 0, 0, fmt.Errorf("unknown month %q", f[0])
	}
	if len(f) == 2 {
		if year, err = strconv.Atoi(f[1]); err != nil {
			return 0, 0, fmt.Errorf("bad year in %q", s)
		}
	}
	return month, year, nil
}

func ym(year, month int) *string {
	s := fmt.Sprintf("%04d-%02d", year, month)
	return &s
}

// parseSpan turns a Tempi/Consuntivo cell into a span: "Maggio",
// "Ottobre/Novembre", "Dicembre/Aprile 2024", "Febbraio 2024", "Annuale",
// "Da Luglio 2023", "/" or "". A month without a year is in the cycle year.
func parseSpan(cell string) (tSpan, error) {
	s := strings.TrimSpace(cell)
	switch {
	case s == "" || s == "/":
		return tSpan{}, nil
	case strings.EqualFold(s, "Annuale"):
		return tSpan{Annual: true}, nil
	case strings.HasPrefix(strings.ToLower(s), "da "):
		m, y, err := monthYear(s[3:])
		if err != nil {
			return tSpan{}, err
		}
		if y == 0 {
			y = cycleYear
		}
		return tSpan{From: ym(y, m)}, nil
	case strings.Contains(s, "/"):
		parts := strings.SplitN(s, "/", 2)
		m1, y1, err := monthYear(parts[0])
		if err != nil {
			return tSpan{}, err
		}
		m2, y2, err := monthYear(parts[1])
		if err != nil {
			return tSpan{}, err
		}
		if y2 == 0 {
			y2 = cycleYear
		}
		if y1 == 0 {
			y1 = y2
			if m1 > m2 {
				y1 = y2 - 1
			}
		}
		return tSpan{From: ym(y1, m1), To: ym(y2, m2)}, nil
	default:
		m, y, err := monthYear(s)
		if err != nil {
			return tSpan{}, err
		}
		if y == 0 {
			y = cycleYear
		}
		return tSpan{From: ym(y, m), To: ym(y, m)}, nil
	}
}

func (s tSpan) String() string {
	if s.Annual {
		return "annual"
	}
	str := func(p *string) string {
		if p == nil {
			return "null"
		}
		return *p
	}
	return str(s.From) + ".." + str(s.To)
}

func sameSpan(a, b tSpan) bool { return a.String() == b.String() }

// ---- values

// seedValue reads an expected or actual cell: "si"/"no" for a si/no unit,
// otherwise an Italian number ("1.234,5").
func seedValue(unit, cell string) (any, error) {
	if strings.EqualFold(unit, "si/no") {
		switch strings.ToLower(cell) {
		case "si", "sì":
			return true, nil
		case "no":
			return false, nil
		}
		return nil, fmt.Errorf("not si/no: %q", cell)
	}
	s := strings.ReplaceAll(strings.TrimSpace(cell), ".", "")
	s = strings.ReplaceAll(s, ",", ".")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("not a number: %q", cell)
	}
	return f, nil
}

func jsonValue(raw json.RawMessage) (any, error) {
	var v any
	if len(raw) == 0 {
		return nil, fmt.Errorf("missing")
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	switch v.(type) {
	case bool, float64:
		return v, nil
	}
	return nil, fmt.Errorf("neither a number nor a boolean: %s", raw)
}

// ---- tests

type objRef struct {
	centre string
	obj    *tObjective
}

func (r objRef) String() string {
	return fmt.Sprintf("%s / %s / objective %d", r.centre, r.obj.Section, r.obj.Number)
}

func TestDemoHeader(t *testing.T) {
	doc := loadDemo(t)
	if doc.Format != "traguardo/v1" {
		t.Errorf("format = %q, want traguardo/v1", doc.Format)
	}
	if doc.Organisation.Name != "Consorzio IN.RE.TE." {
		t.Errorf("organisation = %q", doc.Organisation.Name)
	}
	if doc.Year != 2023 {
		t.Errorf("year = %d, want 2023", doc.Year)
	}
	want := []string{"2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31"}
	if strings.Join(doc.Periods, ",") != strings.Join(want, ",") {
		t.Errorf("periods = %v, want %v", doc.Periods, want)
	}
}

func TestDemoCounts(t *testing.T) {
	doc := loadDemo(t)
	sd := readSeed(t)

	wantCentres := []struct {
		name       string
		objectives int
	}{
		{"AREA DIREZIONE", 2},
		{"AREA AMMINISTRATIVA", 2},
		{"AREA FINANZIARIA", 2},
		{"AREA MINORI E FAMIGLIE - ADULTI", 3},
		{"AREA DISABILI - ANZIANI", 5},
		{"AREA INCLUSIONE E RETI TERRITORIALI", 4},
	}
	// The seed itself must agree with the figures the test relies on.
	if len(sd.centres) != len(wantCentres) {
		t.Fatalf("seed: %d centres %q, want %d", len(sd.centres), sd.centres, len(wantCentres))
	}
	for i, w := range wantCentres {
		if sd.centres[i] != w.name || sd.objectives[w.name] != w.objectives {
			t.Errorf("seed: centre %d is %q with %d objectives, want %q with %d",
				i+1, sd.centres[i], sd.objectives[sd.centres[i]], w.name, w.objectives)
		}
	}
	if len(sd.activities) != 86 || len(sd.indicators) != 62 {
		t.Errorf("seed: %d activities and %d indicators, want 86 and 62", len(sd.activities), len(sd.indicators))
	}

	if len(doc.Centres) != 6 {
		t.Errorf("JSON: %d centres, want 6", len(doc.Centres))
	}
	objectives, activities, indicators := 0, 0, 0
	for i, c := range doc.Centres {
		if i < len(wantCentres) {
			if c.Name != wantCentres[i].name {
				t.Errorf("JSON: centre %d is %q, want %q", i+1, c.Name, wantCentres[i].name)
			}
			if len(c.Objectives) != wantCentres[i].objectives {
				t.Errorf("JSON: centre %q has %d objectives, want %d", c.Name, len(c.Objectives), wantCentres[i].objectives)
			}
		}
		objectives += len(c.Objectives)
		for _, o := range c.Objectives {
			activities += len(o.Activities)
			indicators += len(o.Indicators)
		}
	}
	if objectives != 18 {
		t.Errorf("JSON: %d objectives, want 18", objectives)
	}
	if activities != 86 {
		t.Errorf("JSON: %d activities, want 86", activities)
	}
	if indicators != 62 {
		t.Errorf("JSON: %d indicators, want 62", indicators)
	}
}

func TestDemoIndicatorsMatchSeed(t *testing.T) {
	doc := loadDemo(t)
	sd := readSeed(t)

	type jsonInd struct {
		ref objRef
		idx int
		ind tIndicator
	}
	var got []jsonInd
	for ci := range doc.Centres {
		c := &doc.Centres[ci]
		for oi := range c.Objectives {
			o := &c.Objectives[oi]
			for k, ind := range o.Indicators {
				got = append(got, jsonInd{objRef{c.Name, o}, k + 1, ind})
			}
		}
	}
	if len(got) != len(sd.indicators) {
		t.Fatalf("JSON has %d indicators, the seed %d", len(got), len(sd.indicators))
	}
	for i, g := range got {
		s := sd.indicators[i]
		where := fmt.Sprintf("%s, indicator %d %q (seed line %d)", g.ref, g.idx, g.ind.Name, s.line)
		if g.ref.centre != s.centre {
			t.Errorf("%s: in centre %q in the JSON, %q in the seed", where, g.ref.centre, s.centre)
		}
		if plain(g.ind.Name) != s.name {
			t.Errorf("%s: name %q, seed %q", where, g.ind.Name, s.name)
		}
		if g.ind.Unit != s.unit {
			t.Errorf("%s: unit %q, seed %q", where, g.ind.Unit, s.unit)
		}
		if g.ind.Polarity != "higher" && g.ind.Polarity != "lower" {
			t.Errorf("%s: polarity %q", where, g.ind.Polarity)
		}

		wantExp, err := seedValue(s.unit, s.expected)
		if err != nil {
			t.Errorf("%s: seed expected value: %v", where, err)
		} else if gotExp, err := jsonValue(g.ind.Expected); err != nil {
			t.Errorf("%s: JSON expected value: %v", where, err)
		} else if gotExp != wantExp {
			t.Errorf("%s: expected value %v in the JSON, %v in the seed (%q)", where, gotExp, wantExp, s.expected)
		}

		var actual *tIndicatorValue
		for k := range g.ind.Values {
			if g.ind.Values[k].Period == "2023-12-31" {
				actual = &g.ind.Values[k]
			}
		}
		wantAct, err := seedValue(s.unit, s.actual)
		switch {
		case err != nil:
			t.Errorf("%s: seed actual value: %v", where, err)
		case actual == nil:
			t.Errorf("%s: no 2023-12-31 value in the JSON, the seed has %q", where, s.actual)
		default:
			if gotAct, err := jsonValue(actual.Value); err != nil {
				t.Errorf("%s: JSON 2023-12-31 value: %v", where, err)
			} else if gotAct != wantAct {
				t.Errorf("%s: actual value %v in the JSON, %v in the seed (%q)", where, gotAct, wantAct, s.actual)
			}
		}
	}
}

func TestDemoActivitiesMatchSeed(t *testing.T) {
	doc := loadDemo(t)
	sd := readSeed(t)

	type jsonAct struct {
		ref objRef
		idx int
		act tActivity
	}
	var got []jsonAct
	for ci := range doc.Centres {
		c := &doc.Centres[ci]
		for oi := range c.Objectives {
			o := &c.Objectives[oi]
			for k, a := range o.Activities {
				got = append(got, jsonAct{objRef{c.Name, o}, k + 1, a})
			}
		}
	}
	if len(got) != len(sd.activities) {
		t.Fatalf("JSON has %d activities, the seed %d", len(got), len(sd.activities))
	}
	for i, g := range got {
		s := sd.activities[i]
		desc := g.act.Description
		if len(desc) > 50 {
			desc = desc[:50] + "…"
		}
		where := fmt.Sprintf("%s, activity %d %q (seed line %d)", g.ref, g.idx, desc, s.line)
		if g.ref.centre != s.centre {
			t.Errorf("%s: in centre %q in the JSON, %q in the seed", where, g.ref.centre, s.centre)
		}
		if plain(g.act.Description) != s.description {
			t.Errorf("%s: description differs from the seed %q", where, s.description)
		}

		wantPlanned, err := parseSpan(s.planned)
		if err != nil {
			t.Errorf("%s: seed Tempi %q: %v", where, s.planned, err)
		} else if !sameSpan(g.act.Planned, wantPlanned) {
			t.Errorf("%s: planned %s in the JSON, %s in the seed (%q)", where, g.act.Planned, wantPlanned, s.planned)
		}

		wantActual, err := parseSpan(s.actual)
		if err != nil {
			t.Errorf("%s: seed Consuntivo %q: %v", where, s.actual, err)
			continue
		}
		var progress *tProgress
		for k := range g.act.Progress {
			if g.act.Progress[k].Period == "2023-12-31" {
				progress = &g.act.Progress[k]
			}
		}
		if progress == nil {
			t.Errorf("%s: no 2023-12-31 progress in the JSON, the seed has %q", where, s.actual)
		} else if !sameSpan(progress.Actual, wantActual) {
			t.Errorf("%s: actual %s in the JSON, %s in the seed (%q)", where, progress.Actual, wantActual, s.actual)
		}
	}
}

func TestParseSpan(t *testing.T) {
	cases := map[string]string{
		"Maggio":               "2023-05..2023-05",
		"Ottobre/Novembre":     "2023-10..2023-11",
		"Gennaio/Dicembre":     "2023-01..2023-12",
		"Annuale":              "annual",
		"Febbraio 2024":        "2024-02..2024-02",
		"Dicembre/Aprile 2024": "2023-12..2024-04",
		"Da Luglio 2023":       "2023-07..null",
		"/":                    "null..null",
		"":                     "null..null",
	}
	for in, want := range cases {
		got, err := parseSpan(in)
		if err != nil {
			t.Errorf("parseSpan(%q): %v", in, err)
		} else if got.String() != want {
			t.Errorf("parseSpan(%q) = %s, want %s", in, got, want)
		}
	}
	if _, err := parseSpan("Primavera"); err == nil {
		t.Errorf("parseSpan(%q): no error", "Primavera")
	}
}
