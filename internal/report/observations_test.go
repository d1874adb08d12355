package report_test

import (
	"bytes"
	"context"
	"html"
	"strings"
	"testing"
	"time"

	"traguardo/internal/report"
	"traguardo/internal/store"
)

// TestObservations_EveryFormat: the Nucleo's comments of the version its
// act decides become the model's observations, in the plan's order (a
// comment on an objective since removed last, by its label), with the
// objective's centre, section, number and title, the day, the Nucleo's
// role and the director's answer, never the writer's e-mail; another
// version's comments are left out. The HTML, DOCX and ODT print them in
// section 4, after the act.
func TestObservations_EveryFormat(t *testing.T) {
	t.Parallel()
	m, _ := demoReport(t, 2023)
	last := m.Centres[len(m.Centres)-1]
	first := m.Centres[0]
	at := time.Date(2024, time.March, 3, 23, 30, 0, 0, time.UTC) // 4 March in Italy
	answered := at.Add(24 * time.Hour)
	id := func(v int64) *int64 { return &v }
	comments := []store.ReportComment{
		{ID: 1, ReportNumber: 1, ObjectiveID: id(first.Objectives[0].ID), Objective: "x", Body: "Commento della versione 1.", At: at, By: "nucleo@ente.it"},
		{ID: 2, ReportNumber: 2, ObjectiveID: id(last.Objectives[0].ID), Objective: "x", Body: "Sul centro ultimo.", At: at, By: "nucleo@ente.it"},
		{ID: 3, ReportNumber: 2, ObjectiveID: nil, Objective: "AREA SOPPRESSA · Obiettivo 9: Obiettivo eliminato", Body: "Su un obiettivo eliminato.", At: at, By: "nucleo@ente.it"},
		{ID: 4, ReportNumber: 2, ObjectiveID: id(first.Objectives[0].ID), Objective: "x", Body: "Sul primo centro.\nSeconda riga.", At: at, By: "nucleo@ente.it",
			Answer: "Risposta del direttore al commento.", AnsweredAt: &answered, AnsweredBy: "direttore@ente.it"},
	}
	obs := report.ObservationsOf(m.Cycle, comments, 2)
	if len(obs) != 3 {
		t.Fatalf("%d observations of version 2, want 3: %+v", len(obs), obs)
	}
	if obs[0].Text != "Sul primo centro.\nSeconda riga." || obs[1].Text != "Sul centro ultimo." || obs[2].Text != "Su un obiettivo eliminato." {
		t.Errorf("not in the plan's order: %q, %q, %q", obs[0].Text, obs[1].Text, obs[2].Text)
	}
	o := first.Objectives[0]
	if want := first.Name + ", " + o.Section + ", obiettivo 1 – " + o.Title; obs[0].Subject() != want {
		t.Errorf("subject %q, want %q", obs[0].Subject(), want)
	}
	if obs[2].Subject() != "AREA SOPPRESSA · Obiettivo 9: Obiettivo eliminato" || obs[2].Anchor != "" {
		t.Errorf("a removed objective reads %q (anchor %q)", obs[2].Subject(), obs[2].Anchor)
	}
	if obs[0].On.Format(time.DateOnly) != "2024-03-04" || obs[0].AnsweredOn == nil || obs[0].AnsweredOn.Format(time.DateOnly) != "2024-03-05" ||
		obs[0].By != "Nucleo di Valutazione" || obs[0].Answer != "Risposta del direttore al commento." || obs[1].AnsweredOn != nil {
		t.Errorf("observation %+v", obs[0])
	}

	m.Validation = &report.Validation{Outcome: "Validata con osservazioni", On: at, TextHTML: "<p>Atto di validazione.</p>"}
	m.Observations = obs
	var b bytes.Buffer
	if err := report.HTML(context.Background(), &b, m, report.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{"HTML": html.UnescapeString(markup.ReplaceAllString(b.String(), " "))}
	for format, part := range map[string]string{report.DOCX: "word/document.xml", report.ODT: "content.xml"} {
		doc, err := report.Office(context.Background(), m, format)
		if err != nil {
			t.Fatal(err)
		}
		texts[format] = zipText(t, doc, part)
	}
	for format, text := range texts {
		inOrder(t, format, text, []string{"4. La validazione", "Atto di validazione.", "Osservazioni del Nucleo di Valutazione sugli obiettivi",
			o.Title, "Osservazione del Nucleo di Valutazione del 04/03/2024", "Sul primo centro.", "Risposta del direttore del 05/03/2024",
			"Risposta del direttore al commento.", "Sul centro ultimo.", "Obiettivo eliminato", "Su un obiettivo eliminato."})
		if strings.Contains(text, "@ente.it") || strings.Contains(text, "Commento della versione 1.") {
			t.Errorf("%s: an e-mail, or another version's comment, is printed", format)
		}
	}
}
