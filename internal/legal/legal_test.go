package legal

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func parseDay(s string) (time.Time, error) {
	for _, l := range []string{time.DateOnly, "02/01/2006"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("bad day")
}

var today = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

// TestDefault: the default notices name the organisation, pass their own
// rules but for the two contacts only the body can give, and say
// "parzialmente conforme" with the content that is not accessible.
func TestDefault(t *testing.T) {
	d := Default("  Consorzio di prova ")
	if d.Body != "Consorzio di prova" || d.Controller != "Consorzio di prova" || d.Saved() {
		t.Errorf("Default: body %q, controller %q, saved %v", d.Body, d.Controller, d.Saved())
	}
	if d.Status != Partial || !strings.Contains(d.NonAccessible, "PDF/UA") {
		t.Errorf("Default: status %q, non-accessible %q", d.Status, d.NonAccessible)
	}
	_, errs := Check(FormOf(d), today, parseDay)
	if len(errs) != 2 || errs[FieldFeedbackEmail] == "" || errs[FieldDPOContact] == "" {
		t.Errorf("the defaults' errors: %v, want the feedback e-mail and the DPO's contacts only", errs)
	}
	if Default("").Controller == "" {
		t.Error("no controller without an organisation")
	}
}

// TestCheck: each rule refuses at its field; a good form becomes notices.
func TestCheck(t *testing.T) {
	good := Form{Status: "conforme", PreparedOn: "01/03/2024", ReviewedOn: "2024-09-15", Assessment: "Autovalutazione.",
		FeedbackEmail: " Segnalazioni@Ente.IT ", Controller: "Ente", DPOContact: "dpo@ente.it", Recipients: "Personale.",
		Retention: "Dieci anni.\r\n\r\nAltro.", SiteURL: "https://ente.example.it/performance"}
	n, errs := Check(good, today, parseDay)
	if len(errs) != 0 {
		t.Fatalf("a good form: %v", errs)
	}
	if n.FeedbackEmail != "segnalazioni@ente.it" || n.Retention != "Dieci anni.\n\nAltro." ||
		!n.PreparedOn.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("the notices: %+v", n)
	}
	for _, tc := range []struct {
		field string
		edit  func(*Form)
	}{
		{FieldStatus, func(f *Form) { f.Status = "quasi" }},
		{FieldNonAccessible, func(f *Form) { f.Status = string(Partial) }},
		{FieldNonAccessible, func(f *Form) { f.NonAccessible = strings.Repeat("a", MaxText+1) }},
		{FieldPreparedOn, func(f *Form) { f.PreparedOn = "" }},
		{FieldPreparedOn, func(f *Form) { f.PreparedOn = "31/02/2024" }},
		{FieldReviewedOn, func(f *Form) { f.ReviewedOn = "2026-12-08" }},
		{FieldReviewedOn, func(f *Form) { f.ReviewedOn = "2024-02-29" }},
		{FieldAssessment, func(f *Form) { f.Assessment = " " }},
		{FieldFeedbackEmail, func(f *Form) { f.FeedbackEmail = "" }},
		{FieldFeedbackEmail, func(f *Form) { f.FeedbackEmail = "a@b" }},
		{FieldSiteURL, func(f *Form) { f.SiteURL = "javascript:alert(1)" }},
		{FieldSiteURL, func(f *Form) { f.SiteURL = "https://" }},
		{FieldController, func(f *Form) { f.Controller = "" }},
		{FieldDPOContact, func(f *Form) { f.DPOContact = "\n" }},
		{FieldRecipients, func(f *Form) { f.Recipients = "" }},
		{FieldRetention, func(f *Form) { f.Retention = "a\x00b" }},
	} {
		f := good
		tc.edit(&f)
		_, errs := Check(f, today, parseDay)
		if len(errs) != 1 || errs[tc.field] == "" {
			t.Errorf("%+v: errors %v, want one at %s", f, errs, tc.field)
		}
	}
}

// TestParagraphs: a blank line separates paragraphs; lines stay lines.
func TestParagraphs(t *testing.T) {
	got := Paragraphs("uno\r\ndue\n\n\n tre \n\n")
	if len(got) != 2 || len(got[0]) != 2 || got[0][1] != "due" || got[1][0] != "tre" {
		t.Errorf("Paragraphs = %q", got)
	}
}
