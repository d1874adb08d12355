package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html/atom"

	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/internal/server"
	"traguardo/web/paths"
)

// The Relazione's publication: the Nucleo's observations in the frozen PDF
// and on the public page, the public index of the validated Relazioni, the
// message of the texts' save on the report itself, the Nucleo's list of
// objectives to comment, and the period chosen kept from the cycle to a
// centre and to an objective.

// pubPDFText is the text of pdf by pdftotext, its white space collapsed
// (a line the layout wraps reads as one).
func pubPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "relazione.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// pubCollapsed is s with its white space collapsed, as pubPDFText reads.
func pubCollapsed(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestPublication_ObservationsAndIndex: the index of Amministrazione
// Trasparente is public and says in Italian that nothing is published; the
// director sends 2023, the Nucleo comments two objectives (one of them
// answered by the director) and validates "con osservazioni"; the frozen
// PDF (pdftotext) and the public page carry each comment with its
// objective, day and the Nucleo's role, the answer, and no one's e-mail; an
// answer changed afterwards changes neither; the index lists 2023 with its
// version, outcome, hash and files, and it and the year's page link each
// other.
func TestPublication_ObservationsAndIndex(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	anon, nuc, dir := e.client(t), e.signedIn(t, "nucleo"), e.signedIn(t, "direttore")

	empty := anon.get(paths.TransparencyIndex)
	if empty.Status != http.StatusOK || !strings.Contains(empty.Body, `data-testid="transparency-empty"`) ||
		!strings.Contains(empty.Body, "Nessuna Relazione sulla Performance è stata ancora pubblicata") ||
		strings.Contains(empty.Body, `data-testid="transparency-year"`) {
		t.Errorf("the index before any validation: %d\n%s", empty.Status, rpMain(empty.Body))
	}

	rpSend(t, e)
	// Objective 1 of DISABILI, in a centre whose other section has an
	// objective 1 too.
	var disabili int64
	if err := e.pool.QueryRow(context.Background(), `
		SELECT o.id FROM objectives o JOIN cycles c ON c.id = o.cycle_id JOIN cycle_centres cc ON cc.id = o.cycle_centre_id
		WHERE c.year = 2023 AND cc.name = 'AREA DISABILI - ANZIANI' AND o.section = 'DISABILI' AND o.number = 1`).Scan(&disabili); err != nil {
		t.Fatal(err)
	}
	const first = "Il valore consuntivo dell'indicatore «Riunioni» non è documentato: allegare i verbali."
	const second = "Le attività di monitoraggio sono in ritardo rispetto al cronoprogramma."
	for _, c := range []struct {
		objective int64
		body      string
	}{{e.objectiveID, first}, {disabili, second}} {
		if r := nuc.post(paths.ValidationComments(2023), url.Values{"objective": {strconv.FormatInt(c.objective, 10)}, "body": {c.body}}); r.Status != http.StatusSeeOther {
			t.Fatalf("comment: %d\n%s", r.Status, rpMain(r.Body))
		}
	}
	var id int64
	if err := e.pool.QueryRow(context.Background(), `SELECT id FROM report_comments WHERE objective_id = $1`, e.objectiveID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	const reply = "I verbali sono allegati alla scheda dell'obiettivo."
	if r := dir.post(paths.CommentAnswer(2023, id), url.Values{"answer": {reply}, "version": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("answer: %d", r.Status)
	}
	if r := rpValidate(t, nuc, 1, "validata con osservazioni", "<p>Il Nucleo valida la Relazione con le osservazioni che seguono.</p>"); r.Status != http.StatusSeeOther {
		t.Fatalf("validating: %d\n%s", r.Status, rpMain(r.Body))
	}
	today := format.Date(domain.Today(time.Now()))
	subjects := []string{"AREA DIREZIONE, Obiettivi di performance, obiettivo 1 – ", "AREA DISABILI - ANZIANI, DISABILI, obiettivo 1 – "}
	emails := []string{e.emails["nucleo"], e.emails["direttore"]}

	// The frozen PDF, as the public page links it.
	page := anon.get(paths.Transparency(2023))
	link := rpPublicPDF.FindStringSubmatch(page.Body)
	if page.Status != http.StatusOK || link == nil {
		t.Fatalf("the public page: %d, PDF link %v", page.Status, link)
	}
	text := pubPDFText(t, []byte(anon.get(link[1]).Body))
	for _, want := range append([]string{"Osservazioni del Nucleo di Valutazione sugli obiettivi", first, second, reply,
		"Osservazione del Nucleo di Valutazione del " + today, "Risposta del direttore del " + today}, subjects...) {
		if !strings.Contains(text, pubCollapsed(want)) {
			t.Errorf("the frozen PDF lacks %q", want)
		}
	}
	for _, email := range emails {
		if strings.Contains(text, email) {
			t.Errorf("the frozen PDF publishes the e-mail %s", email)
		}
	}
	if strings.Index(text, subjects[0]) > strings.Index(text, subjects[1]) {
		t.Errorf("the observations are not in the plan's order")
	}

	// The public page: the same observations, from what was frozen.
	doc := parseHTML(t, page.Body)
	obs := byTestID(doc, "public-observation")
	if len(obs) != 2 {
		t.Fatalf("%d observations on the public page, want 2:\n%s", len(obs), rpMain(page.Body))
	}
	for i, want := range [][]string{{subjects[0], first, reply, "Osservazione del Nucleo di Valutazione del " + today, "Risposta del direttore del " + today},
		{subjects[1], second, "Osservazione del Nucleo di Valutazione del " + today}} {
		got := textOf(obs[i])
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("observation %d on the public page lacks %q: %q", i+1, w, got)
			}
		}
	}
	if strings.Contains(textOf(obs[1]), "Risposta del direttore") {
		t.Errorf("an observation without an answer shows one")
	}
	for _, email := range emails {
		if strings.Contains(page.Body, email) {
			t.Errorf("the public page publishes the e-mail %s", email)
		}
	}

	// An answer changed after the decision: the lifecycle page shows it,
	// the frozen PDF and the public page keep the one validated.
	const later = "Risposta riscritta dopo la validazione."
	if r := dir.post(paths.CommentAnswer(2023, id), url.Values{"answer": {later}, "version": {"2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("answer after the decision: %d", r.Status)
	}
	if p := dir.get(paths.Validation(2023)); !strings.Contains(p.Body, later) {
		t.Fatalf("the lifecycle page does not show the new answer: the check below proves nothing")
	}
	if p := anon.get(paths.Transparency(2023)); strings.Contains(p.Body, later) || !strings.Contains(p.Body, html.EscapeString(reply)) {
		t.Errorf("the public page follows the answer changed after the decision")
	}
	if again := pubPDFText(t, []byte(anon.get(link[1]).Body)); strings.Contains(again, later) {
		t.Errorf("the frozen PDF changed")
	}

	// The index: 2023 with its version, outcome, hash and files.
	v := rpVersion(t, e, 1)
	index := anon.get(paths.TransparencyIndex)
	idoc := parseHTML(t, index.Body)
	years := byTestID(idoc, "transparency-year")
	if index.Status != http.StatusOK || len(years) != 1 || len(byTestID(idoc, "transparency-empty")) != 0 {
		t.Fatalf("the index after the validation: %d, %d years\n%s", index.Status, len(years), rpMain(index.Body))
	}
	if s := textOf(oneByTestID(t, years[0], "transparency-outcome")); !strings.Contains(s, "Validata con osservazioni") || !strings.Contains(s, "versione 1") {
		t.Errorf("outcome %q", s)
	}
	if href, _ := attr(oneByTestID(t, years[0], "transparency-year-link"), "href"); href != paths.Transparency(2023) {
		t.Errorf("the year links %q", href)
	}
	rows := byTestID(years[0], "version-row")
	if len(rows) != 1 || textOf(oneByTestID(t, rows[0], "version-sha256")) != v.pdfHash {
		t.Fatalf("the index's versions of 2023: %d rows, want 1 with the PDF's SHA-256 %s", len(rows), v.pdfHash)
	}
	var hrefs []string
	for _, a := range elements(rows[0], atom.A) {
		h, _ := attr(a, "href")
		hrefs = append(hrefs, h)
	}
	for _, want := range []string{paths.TransparencyFile(2023, 1, paths.FrozenPDF), paths.TransparencyFile(2023, 1, paths.PublicJSON),
		paths.TransparencyFile(2023, 1, paths.PublicCSV)} {
		if !strings.Contains(strings.Join(hrefs, " "), want) {
			t.Errorf("the index's row lacks the link %s: %v", want, hrefs)
		}
		if r := anon.get(want); r.Status != http.StatusOK {
			t.Errorf("GET %s: %d", want, r.Status)
		}
	}
	if href, _ := attr(oneByTestID(t, parseHTML(t, page.Body), "transparency-index-link"), "href"); href != paths.TransparencyIndex {
		t.Errorf("the year's page links the index at %q", href)
	}
}

// TestPublication_ObjectiveChoices: in the Nucleo's list of objectives to
// comment, every objective has words of its own: AREA DISABILI - ANZIANI
// has an objective 1 in DISABILI and one in ANZIANI, and each names its
// section; a comment on one keeps that name.
func TestPublication_ObjectiveChoices(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	rpSend(t, e)
	nuc := e.signedIn(t, "nucleo")
	doc := parseHTML(t, nuc.get(paths.Validation(2023)).Body)
	form := oneByTestID(t, doc, "comment-form")
	seen := map[string]bool{}
	var labels []string
	for _, o := range elements(form, atom.Option) {
		if v, _ := attr(o, "value"); v == "" {
			continue
		}
		label := textOf(o)
		head, _, _ := strings.Cut(label, ":")
		if seen[head] {
			t.Errorf("two objectives read %q", head)
		}
		seen[head] = true
		labels = append(labels, label)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM objectives o JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2023`); len(labels) != n {
		t.Errorf("%d objectives listed, want %d", len(labels), n)
	}
	for _, want := range []string{"AREA DISABILI - ANZIANI · DISABILI · Obiettivo 1: ", "AREA DISABILI - ANZIANI · ANZIANI · Obiettivo 1: ",
		"AREA DIREZIONE · Obiettivo 1: "} {
		if !strings.Contains(strings.Join(labels, "\n"), want) {
			t.Errorf("no objective reads %q", want)
		}
	}
	var anziani int64
	if err := e.pool.QueryRow(context.Background(), `
		SELECT o.id FROM objectives o JOIN cycles c ON c.id = o.cycle_id JOIN cycle_centres cc ON cc.id = o.cycle_centre_id
		WHERE c.year = 2023 AND cc.name = 'AREA DISABILI - ANZIANI' AND o.section = 'ANZIANI' AND o.number = 1`).Scan(&anziani); err != nil {
		t.Fatal(err)
	}
	if r := nuc.post(paths.ValidationComments(2023), url.Values{"objective": {strconv.FormatInt(anziani, 10)}, "body": {"Osservazione."}}); r.Status != http.StatusSeeOther {
		t.Fatalf("comment: %d", r.Status)
	}
	var label string
	if err := e.pool.QueryRow(context.Background(), `SELECT objective_label FROM report_comments WHERE objective_id = $1`, anziani).Scan(&label); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(label, "AREA DISABILI - ANZIANI · ANZIANI · Obiettivo 1: ") {
		t.Errorf("the comment's objective reads %q", label)
	}
}

// TestPublication_TextsSavedMessage: the director saves the Relazione's
// texts and is sent back to the Relazione, which shows the confirmation
// at once; the next page does not show it again.
func TestPublication_TextsSavedMessage(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	r := dir.post(paths.ReportTexts(2023), url.Values{"introduction_html": {"<p>Introduzione.</p>"}, "context_html": {""},
		"gender_html": {""}, "process_html": {""}})
	if r.Status != http.StatusSeeOther || r.Location() != paths.Report(2023) {
		t.Fatalf("saving the texts: %d, Location %q\n%s", r.Status, r.Location(), rpMain(r.Body))
	}
	report := dir.get(r.Location())
	flash := byTestID(parseHTML(t, report.Body), "flash")
	if report.Status != http.StatusOK || len(flash) != 1 || textOf(flash[0]) != "Testi della relazione salvati." {
		t.Errorf("the Relazione after the save: %d, %d messages", report.Status, len(flash))
	}
	if next := dir.get(paths.Cycle(2023)); strings.Contains(next.Body, `data-testid="flash"`) {
		t.Errorf("the message shows again on the next page")
	}
	// Nothing changed: the other message, at once too.
	r = dir.post(paths.ReportTexts(2023), url.Values{"introduction_html": {"<p>Introduzione.</p>"}, "context_html": {""},
		"gender_html": {""}, "process_html": {""}})
	if s := dir.get(r.Location()).Body; !strings.Contains(s, "Nulla è cambiato.") {
		t.Errorf("the Relazione after a save that changes nothing has no message")
	}
}

// pubHrefs are the href of the elements with data-testid id in body.
func pubHrefs(t *testing.T, body, id string) []string {
	t.Helper()
	var out []string
	for _, n := range byTestID(parseHTML(t, body), id) {
		h, _ := attr(n, "href")
		out = append(out, html.UnescapeString(h))
	}
	return out
}

// TestPublication_PeriodKept: the period chosen on the cycle (?al=) is
// kept by the links to a centre, from the centre to an objective, and back
// to the cycle; following them shows the figures at that period. Without a
// period chosen the links carry none.
func TestPublication_PeriodKept(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "osservatore")
	const al = "2023-06-30"
	at := func(body string) string {
		return textOf(oneByTestID(t, parseHTML(t, body), "figures-at"))
	}
	cycle := c.get(paths.Cycle(2023) + "?al=" + al)
	centres := pubHrefs(t, cycle.Body, "centre-link")
	if len(centres) == 0 {
		t.Fatalf("no centre links")
	}
	for _, h := range centres {
		if !strings.HasSuffix(h, "?al="+al) {
			t.Errorf("the cycle links a centre at %q, without the period", h)
		}
	}
	centre := c.get(centres[0])
	if centre.Status != http.StatusOK || !strings.Contains(at(centre.Body), "Dati al 30/06/2023") {
		t.Fatalf("the centre followed: %d, %q", centre.Status, at(centre.Body))
	}
	objectives := pubHrefs(t, centre.Body, "objective-link")
	if len(objectives) == 0 {
		t.Fatalf("no objective links on the centre")
	}
	for _, h := range objectives {
		if !strings.HasSuffix(h, "?al="+al) {
			t.Errorf("the centre links an objective at %q, without the period", h)
		}
	}
	objective := c.get(objectives[0])
	if objective.Status != http.StatusOK || !strings.Contains(at(objective.Body), "Dati al 30/06/2023") {
		t.Errorf("the objective followed: %d, %q", objective.Status, at(objective.Body))
	}
	for _, page := range []string{centre.Body, objective.Body} {
		if !strings.Contains(page, `href="`+paths.Cycle(2023)+"?al="+al+`"`) {
			t.Errorf("the way back to the cycle loses the period")
		}
	}
	list := c.get(paths.Objectives(2023) + "?al=" + al)
	for _, h := range pubHrefs(t, list.Body, "objective-link") {
		if !strings.HasSuffix(h, "?al="+al) {
			t.Errorf("the list of objectives links %q, without the period", h)
		}
	}
	// No period chosen: plain links.
	plain := c.get(paths.Cycle(2023))
	for _, h := range append(pubHrefs(t, plain.Body, "centre-link"), pubHrefs(t, c.get(centres[0][:strings.Index(centres[0], "?")]).Body, "objective-link")...) {
		if strings.Contains(h, "al=") {
			t.Errorf("a link %q carries a period nobody chose", h)
		}
	}
}
