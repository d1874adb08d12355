package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"traguardo/internal/server"
	"traguardo/internal/store"
)

// TestPlanDates: a variation is dated on or after the approval and not in
// the future, with the message next to its date; the director corrects the
// act and the date of an approval, audited, never to after a variation.
func TestPlanDates(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	approve := url.Values{"act": {"Delibera CdA n. 12 del 30/01/2023"}, "approved_on": {"30/01/2023"}}
	pfRequireRedirect(t, "approving", dir.post("/cicli/2023/approva", approve), "/cicli/2023")

	edit := fmt.Sprintf("/cicli/2023/obiettivi/%d/modifica", e.objectiveID)
	form := func(on string) url.Values {
		f := pfObjectiveForm()
		f.Set("variation_on", on)
		f.Set("variation_reason", "Delibera di variazione n. 3")
		return f
	}
	tomorrow := time.Now().AddDate(0, 0, 2).Format("02/01/2006")
	for _, tc := range []struct{ on, want string }{
		{"15/01/2023", "Una variazione segue l'approvazione del piano: la data non può precedere il 30/01/2023."},
		{tomorrow, "La data della variazione non può essere futura."},
	} {
		before := pfSnapshot(t, e, dir)
		r := dir.post(edit, form(tc.on))
		usersRequireStatus(t, "variation on "+tc.on, r, http.StatusUnprocessableEntity)
		if got := usersFieldError(t, parseHTML(t, r.Body), "variation_on"); got != tc.want {
			t.Errorf("variation on %s: message %q, want %q", tc.on, got, tc.want)
		}
		if got := pfFieldValue(t, parseHTML(t, r.Body), "title"); got != form(tc.on).Get("title") {
			t.Errorf("variation on %s: the title typed is not kept: %q", tc.on, got)
		}
		pfRequireUnchanged(t, "variation on "+tc.on, e, dir, before)
	}
	pfRequireRedirect(t, "a variation on 15/03/2023", dir.post(edit, form("15/03/2023")), "/cicli/2023/obiettivi/")

	// The correction: the form shows the act as it stands.
	const path = "/cicli/2023/approva"
	r := dir.get(path)
	usersRequireStatus(t, "GET "+path, r, http.StatusOK)
	doc := parseHTML(t, r.Body)
	oneByTestID(t, doc, "correct-approval-form")
	if got := pfFieldValue(t, doc, "act"); got != approve.Get("act") {
		t.Errorf("the correction form holds %q", got)
	}
	correct := func(act, on string) url.Values {
		return url.Values{"correzione": {"si"}, "act": {act}, "approved_on": {on}}
	}
	before := pfSnapshot(t, e, dir)
	r = dir.post(path, correct("Delibera CdA n. 12 del 20/03/2023", "20/03/2023"))
	usersRequireStatus(t, "correcting to after the variation", r, http.StatusUnprocessableEntity)
	if got := usersFieldError(t, parseHTML(t, r.Body), "approved_on"); got != "Una variazione è del 15/03/2023: l'approvazione non può esserle successiva." {
		t.Errorf("correcting to after the variation: %q", got)
	}
	pfRequireUnchanged(t, "correcting to after the variation", e, dir, before)

	// A second approval from a stale page is not a correction.
	if r := dir.post(path, approve); r.Status != http.StatusConflict {
		t.Errorf("approving an approved plan: status %d, want 409", r.Status)
	}

	pfRequireRedirect(t, "correcting", dir.post(path, correct("Delibera CdA n. 13 del 28/01/2023", "28/01/2023")), "/cicli/2023")
	c := pcLoad(t, e, 2023)
	if c.ApprovalAct != "Delibera CdA n. 13 del 28/01/2023" || c.ApprovedOn == nil || c.ApprovedOn.Format(time.DateOnly) != "2023-01-28" {
		t.Errorf("after the correction: %q on %v", c.ApprovalAct, c.ApprovedOn)
	}
	entries, err := e.st.ListAudit(context.Background(), store.AuditFilter{Entity: "cycle", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(entries, func(a store.AuditEntry) bool {
		return a.Action == "correct-approval" && a.Actor == e.emails["direttore"]
	}) {
		t.Errorf("no audit entry of the correction: %+v", entries)
	}
	for _, role := range []string{"admin", "nucleo", "responsabile", "osservatore"} {
		if r := e.signedIn(t, role).post(path, correct("Altro atto", "27/01/2023")); r.Status != http.StatusForbidden {
			t.Errorf("correction as %s: status %d", role, r.Status)
		}
	}
}
