package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"traguardo/internal/server"
)

// legalFormValues is a complete, valid form of the legal notices.
func legalFormValues() url.Values {
	return url.Values{
		"status":             {"parzialmente conforme"},
		"non_accessible":     {"Il PDF della Relazione non è verificato PDF/UA.\n\nMotivo: onere sproporzionato."},
		"prepared_on":        {"2024-03-01"},
		"reviewed_on":        {"2024-09-15"},
		"assessment":         {"Autovalutazione."},
		"feedback_email":     {"Accessibilita@Consorzio.Example.IT"},
		"site_url":           {"https://performance.consorzio.example.it/"},
		"organisation_info":  {"Responsabile per la transizione digitale: ing. Anna Verdi"},
		"controller":         {"Consorzio di prova"},
		"controller_contact": {"Via Roma 1, 00100 Roma\nPEC: protocollo@pec.consorzio.example.it"},
		"dpo_contact":        {"RPD: dpo@consorzio.example.it"},
		"recipients":         {"Il personale autorizzato."},
		"retention":          {"Dieci anni."},
	}
}

// legalAudit is the audit log's entries of the legal notices, oldest first.
type legalAuditEntry struct {
	Actor, Action string
	Old, New      map[string]any
}

func legalAudit(t *testing.T, e *secEnv) []legalAuditEntry {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `
		SELECT actor, action, coalesce(old_value::text, 'null'), coalesce(new_value::text, 'null')
		FROM audit_log WHERE entity = 'legal_notices' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []legalAuditEntry
	for rows.Next() {
		var a legalAuditEntry
		var o, n string
		if err := rows.Scan(&a.Actor, &a.Action, &o, &n); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(o), &a.Old); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(n), &a.New); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLegal_PublicPages: without a session, the accessibility statement and
// the privacy notice answer 200, set no cookie (the notice says the public
// pages set none), and hold the AgID model's and art. 13's parts, the
// defaults naming the organisation; the footer of every page (sign-in,
// an error page of the transparency section, a signed-in page) links both.
func TestLegal_PublicPages(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	org, err := e.st.OrganisationName(context.Background())
	if err != nil || org == "" {
		t.Fatalf("the demo's organisation: %q, %v", org, err)
	}
	anon := e.signedIn(t, secAnonymous)

	r := anon.get("/accessibilita")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /accessibilita without a session: %d", r.Status)
	}
	if len(r.Cookies) > 0 {
		t.Errorf("the accessibility statement sets cookies: %v", r.Cookies)
	}
	for _, want := range []string{
		"<h1>Dichiarazione di accessibilità</h1>",
		legalEscaped(org) + " si impegna a rendere la propria applicazione accessibile",
		"<strong>parzialmente conforme</strong>",
		"Contenuti non accessibili", "PDF/UA",
		"Redazione della dichiarazione di accessibilità", "redatta il 07/12/2026", "riesaminata l&#39;ultima volta il 07/12/2026",
		"Autovalutazione", "Meccanismo di feedback", "utilizzare i recapiti pubblicati nel sito istituzionale",
		"Procedura di attuazione", `href="https://form.agid.gov.it/"`, "Informazioni sull'ente</h2>",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the default statement lacks %q", want)
		}
	}
	if strings.Contains(r.Body, `data-testid="edit-legal"`) {
		t.Error("the statement offers its form to a visitor")
	}

	r = anon.get("/privacy")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /privacy without a session: %d", r.Status)
	}
	if len(r.Cookies) > 0 {
		t.Errorf("the privacy notice sets cookies: %v", r.Cookies)
	}
	for _, want := range []string{
		"<h1>Informativa sul trattamento dei dati personali</h1>", "articolo 13 del Regolamento (UE) 2016/679",
		`<p data-testid="controller">` + legalEscaped(org) + "</p>",
		"Responsabile della protezione dei dati", "sono pubblicati nel sito", // the DPO's contacts, not given yet
		"articolo 6, paragrafo 1,", "lettera c", "lettera e", "D.Lgs. 150/2009",
		"nome, indirizzo e-mail, ruolo e centri di responsabilità", "Registro delle modifiche", "traguardo_sessione",
		"Visitatori delle pagine pubbliche", "log tecnici",
		"Destinatari", "responsabili del trattamento ai sensi dell&#39;art. 28",
		"Conservazione", "30 minuti di inattività",
		"articolo 15", "articolo 16", "articolo 17", "articolo 18", "articolo 20", "articolo 21", "articolo 22",
		"Garante per la protezione dei dati personali", "articolo 77",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the default notice lacks %q", want)
		}
	}

	// Both are linked from the footer of every page, public or not.
	for _, path := range []string{"/accedi", "/trasparenza/relazione/2023", "/accessibilita", "/privacy"} {
		r := anon.get(path)
		for _, link := range []string{`href="/accessibilita" data-testid="footer-accessibility"`, `href="/privacy" data-testid="footer-privacy"`} {
			if !strings.Contains(r.Body, link) {
				t.Errorf("GET %s (%d) as a visitor: the footer lacks %s", path, r.Status, link)
			}
		}
	}
	if r := anon.get("/accedi"); !strings.Contains(r.Body, `data-testid="sign-in-privacy"`) {
		t.Error("the sign-in form does not point to the privacy notice")
	}
	obs := e.signedIn(t, "osservatore")
	if r := obs.get("/cicli/2023"); !strings.Contains(r.Body, `data-testid="footer-accessibility"`) || !strings.Contains(r.Body, `data-testid="footer-privacy"`) {
		t.Errorf("a signed-in page (%d) lacks the footer's legal links", r.Status)
	}
	if r := obs.get("/privacy"); r.Status != http.StatusOK || !strings.Contains(r.Body, `data-testid="current-user"`) {
		t.Errorf("the notice for a signed-in observer: %d, without the header's user", r.Status)
	}
}

// legalTight is a page without the spaces templ leaves before a line
// break and at the end of a paragraph, which show nothing.
func legalTight(body string) string {
	return strings.NewReplacer(" <br>", "<br>", " </p>", "</p>").Replace(body)
}

// legalEscaped is s as templ escapes it in text.
func legalEscaped(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// TestLegal_AdminEdit: the administrator's form. A form with errors
// answers 422 with each message next to its field, what was typed kept,
// nothing saved and nothing audited; a good one is saved with its audit
// entry and shown on the public pages (the feedback address as a mailto
// link, typed markup as text); a save over another one is 409; the
// director's same form is refused (403) and changes nothing.
func TestLegal_AdminEdit(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	admin := e.signedIn(t, "admin")

	r := admin.get("/admin/note-legali")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `data-testid="legal-default"`) ||
		!strings.Contains(r.Body, `<option value="parzialmente conforme" selected>`) {
		t.Fatalf("the admin's form before any save: %d, without the default notice or status:\n%.3000s", r.Status, r.Body)
	}
	// The admin's menu links the form; the director's does not.
	if r := admin.get("/cicli/2023"); !strings.Contains(r.Body, `<a class="nav-link" href="/admin/note-legali"><span>Accessibilità e privacy</span></a>`) {
		t.Errorf("the admin's menu does not link the form")
	}
	if r := e.signedIn(t, "direttore").get("/cicli/2023"); strings.Contains(r.Body, `href="/admin/note-legali"`) {
		t.Errorf("the director's menu links the form")
	}

	// Errors: each next to its field, the typed values kept.
	bad := legalFormValues()
	bad.Set("feedback_email", "non-un-indirizzo")
	bad.Set("prepared_on", "2024-10-01")
	bad.Set("reviewed_on", "2024-09-15")
	bad.Set("site_url", "javascript:alert(1)")
	bad.Set("dpo_contact", "   ")
	bad.Set("status", "forse")
	bad.Set("retention", "Conservazione «scritta» dall'amministratore")
	before := secSnapshot(t, e.pool)
	r = admin.post("/admin/note-legali", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a form with errors: %d, want 422", r.Status)
	}
	secRequireUnchanged(t, "a refused form of the legal notices", before, secSnapshot(t, e.pool), "sessions")
	for field, want := range map[string]string{
		"feedback_email": "L&#39;email non è valida",
		"reviewed_on":    "L&#39;ultimo riesame non può precedere la redazione",
		"site_url":       "L&#39;indirizzo non è valido",
		"dpo_contact":    "Indicare i dati di contatto del Responsabile della protezione dei dati.",
		"status":         "Scegliere lo stato di conformità.",
	} {
		msg := `id="` + field + `-errore" class="invalid-feedback d-block" data-testid="error-` + field + `">` + want
		if !strings.Contains(r.Body, msg) {
			t.Errorf("no message %q next to %s", want, field)
		}
		if !strings.Contains(r.Body, `id="`+field+`"`) {
			t.Errorf("no field %s", field)
		}
	}
	for _, kept := range []string{`value="non-un-indirizzo"`, `value="javascript:alert(1)"`, `value="2024-10-01"`,
		"Conservazione «scritta» dall&#39;amministratore</textarea>"} {
		if !strings.Contains(r.Body, kept) {
			t.Errorf("the form shown again does not keep %s", kept)
		}
	}
	if !strings.Contains(r.Body, `data-testid="form-errors"`) {
		t.Error("no summary of the errors")
	}
	// A date in the future: refused at its field.
	future := legalFormValues()
	future.Set("reviewed_on", "2999-01-01")
	if r := admin.post("/admin/note-legali", future); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "La data non può essere successiva a oggi.") {
		t.Errorf("a review in the future: %d", r.Status)
	}

	// The director may not save it, even a good form.
	dir := e.signedIn(t, "direttore")
	before = secSnapshot(t, e.pool)
	if r := dir.post("/admin/note-legali", legalFormValues()); r.Status != http.StatusForbidden {
		t.Errorf("the director's form: %d, want 403", r.Status)
	}
	secRequireUnchanged(t, "the director's form of the legal notices", before, secSnapshot(t, e.pool), "sessions")
	if n := legalAudit(t, e); len(n) != 0 {
		t.Fatalf("audited before any save: %+v", n)
	}

	// A good form: saved, audited, shown.
	good := legalFormValues()
	good.Set("non_accessible", "Elenco <script>alert(1)</script>\n\nSecondo paragrafo")
	r = admin.post("/admin/note-legali", good)
	if r.Status != http.StatusSeeOther || r.Location() != "/admin/note-legali" {
		t.Fatalf("a good form: %d to %q, want 303 to the form; body:\n%.2000s", r.Status, r.Location(), r.Body)
	}
	entries := legalAudit(t, e)
	if len(entries) != 1 || entries[0].Action != "create" || entries[0].Actor != e.emails["admin"] || entries[0].Old != nil ||
		entries[0].New["feedback_email"] != "accessibilita@consorzio.example.it" || entries[0].New["reviewed_on"] != "2024-09-15" ||
		entries[0].New["version"] != float64(1) {
		t.Errorf("the audit log after the first save: %+v", entries)
	}
	r = admin.get("/admin/note-legali")
	if strings.Contains(r.Body, `data-testid="legal-default"`) || !strings.Contains(r.Body, `value="accessibilita@consorzio.example.it"`) ||
		!strings.Contains(r.Body, `name="version" value="1"`) {
		t.Errorf("the form after the save does not show what was saved, at version 1")
	}
	pub := e.signedIn(t, secAnonymous)
	r = pub.get("/accessibilita")
	r.Body = legalTight(r.Body)
	for _, want := range []string{
		`<a href="mailto:accessibilita@consorzio.example.it" data-testid="feedback-email">accessibilita@consorzio.example.it</a>`,
		`<a href="https://performance.consorzio.example.it/" data-testid="site-url">`,
		"redatta il 01/03/2024", "riesaminata l&#39;ultima volta il 15/09/2024",
		`<p data-testid="non-accessible">Elenco &lt;script&gt;alert(1)&lt;/script&gt;</p><p data-testid="non-accessible">Secondo paragrafo</p>`,
		"Responsabile per la transizione digitale: ing. Anna Verdi",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the saved statement lacks %s", want)
		}
	}
	if strings.Contains(r.Body, "<script>alert") {
		t.Error("typed markup reaches the page as markup")
	}
	r = pub.get("/privacy")
	r.Body = legalTight(r.Body)
	for _, want := range []string{`<p data-testid="controller">Consorzio di prova</p>`, "Via Roma 1, 00100 Roma<br>PEC: protocollo@pec.consorzio.example.it",
		"RPD: dpo@consorzio.example.it", "Il personale autorizzato.", "Dieci anni."} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the saved notice lacks %s", want)
		}
	}

	// A second save: an update, audited with the old and new values.
	good.Set("status", "conforme")
	good.Set("non_accessible", "")
	good.Set("version", "1")
	r = admin.post("/admin/note-legali", good) // reads version 1 from the form
	if r.Status != http.StatusSeeOther {
		t.Fatalf("the second save: %d; body:\n%.2000s", r.Status, r.Body)
	}
	entries = legalAudit(t, e)
	if len(entries) != 2 || entries[1].Action != "update" || entries[1].Old["status"] != "parzialmente conforme" ||
		entries[1].New["status"] != "conforme" || entries[1].New["version"] != float64(2) {
		t.Errorf("the audit log after the second save: %+v", entries)
	}
	if r := pub.get("/accessibilita"); !strings.Contains(r.Body, "<strong>conforme</strong> ai requisiti previsti dall&#39;allegato A alla norma UNI CEI EN 301549.") ||
		strings.Contains(r.Body, "Contenuti non accessibili") {
		t.Error("a compliant statement still lists non-accessible content or the exceptions")
	}
	// The audit log's page names the record.
	if r := admin.get("/registro"); !strings.Contains(r.Body, "Dichiarazione di accessibilità e informativa privacy") {
		t.Error("the audit log's page does not name the legal notices")
	}

	// A save read at version 1, after version 2: refused, with the other save told.
	stale := legalFormValues()
	stale.Set("version", "1")
	before = secSnapshot(t, e.pool)
	r = admin.post("/admin/note-legali", stale)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, `data-testid="stale"`) {
		t.Errorf("a stale save: %d, want 409 with the notice", r.Status)
	}
	secRequireUnchanged(t, "a stale save of the legal notices", before, secSnapshot(t, e.pool), "sessions")
	// A compliant application needs no list; a partial one does.
	partial := legalFormValues()
	partial.Set("non_accessible", "")
	if r := admin.post("/admin/note-legali", partial); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, `data-testid="error-non_accessible"`) {
		t.Errorf("a partial statement without its list: %d", r.Status)
	}
}
