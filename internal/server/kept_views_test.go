package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"traguardo/internal/server"
)

// TestKeptViews_PerReader: the pages of the cycle, of a centre and of an
// objective are kept drawn, yet each reader gets the page of his or her
// rights, whoever asked first: the director's editing controls and
// correction link, the manager's entry link on an objective of his or her
// own centre (not on another centre's), the observer neither; each page
// in the reader's own layout (the kept marker never shows).
func TestKeptViews_PerReader(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	// The manager's objective (of his or her centre) and another centre's.
	var own, other, ownCentre int64
	if err := e.pool.QueryRow(t.Context(), `
		SELECT min(o.id) FILTER (WHERE uc.user_id IS NOT NULL), min(o.id) FILTER (WHERE uc.user_id IS NULL),
			min(cc.id) FILTER (WHERE uc.user_id IS NOT NULL)
		FROM objectives o JOIN cycle_centres cc ON cc.id = o.cycle_centre_id JOIN cycles c ON c.id = o.cycle_id
		LEFT JOIN user_centres uc ON uc.centre_id = cc.centre_id AND uc.user_id = (SELECT id FROM users WHERE email = $1)
		WHERE c.year = 2023`, e.emails["responsabile"]).Scan(&own, &other, &ownCentre); err != nil {
		t.Fatal(err)
	}
	roles := []string{"direttore", "osservatore", "responsabile"}
	clients := map[string]*secClient{}
	for _, r := range roles {
		clients[r] = e.signedIn(t, r)
	}
	type check struct {
		testID string
		// shows is the text the element holds for each role that sees it;
		// the roles not named see no such element.
		shows map[string]string
	}
	pages := []struct {
		path   string
		checks []check
	}{
		{"/cicli/2023", []check{{"cycle-actions", map[string]string{"direttore": "Soglie e periodi"}}}},
		{"/cicli/2023?al=2023-06-30", []check{{"cycle-actions", map[string]string{"direttore": "Soglie e periodi"}}}},
		{fmt.Sprintf("/cicli/2023/centri/%d", ownCentre), []check{{"centre-page-actions", map[string]string{"direttore": "Modifica il centro"}}}},
		{fmt.Sprintf("/cicli/2023/obiettivi/%d", own), []check{
			{"plan-actions", map[string]string{"direttore": "Modifica l'obiettivo"}},
			{"progress-link", map[string]string{"direttore": "Correggi l'avanzamento", "responsabile": "Inserisci l'avanzamento"}},
		}},
		{fmt.Sprintf("/cicli/2023/obiettivi/%d?al=2023-06-30", own), []check{
			{"progress-link", map[string]string{"direttore": "Correggi l'avanzamento al 30/06/2023", "responsabile": "Inserisci l'avanzamento al 30/06/2023"}},
		}},
		{fmt.Sprintf("/cicli/2023/obiettivi/%d", other), []check{
			{"progress-link", map[string]string{"direttore": "Correggi l'avanzamento"}},
		}},
	}
	for _, p := range pages {
		// Every order of first reader: each role reads the page after
		// each other role has had it kept.
		for range 2 {
			for _, role := range roles {
				r := clients[role].get(p.path)
				what := role + " GET " + p.path
				if r.Status != http.StatusOK {
					t.Fatalf("%s: %d", what, r.Status)
				}
				if strings.Contains(r.Body, "<!--kept part") || !strings.HasSuffix(r.Body, "</html>") {
					t.Errorf("%s: not one page", what)
				}
				doc := parseHTML(t, r.Body)
				for _, c := range p.checks {
					els := byTestID(doc, c.testID)
					want, sees := c.shows[role]
					switch {
					case !sees && len(els) != 0:
						t.Errorf("%s: shows %s (%q)", what, c.testID, textOf(els[0]))
					case sees && len(els) != 1:
						t.Errorf("%s: %d elements %s", what, len(els), c.testID)
					case sees && !strings.Contains(strings.Join(strings.Fields(textOf(els[0])), " "), want):
						t.Errorf("%s: %s reads %q, not %q", what, c.testID, textOf(els[0]), want)
					}
				}
			}
		}
	}
}

// TestKeptViews_YearBeforeFresh: a centre's and an objective's pages of
// 2024, kept by a server, show the 2023 results they hold as they stand
// after a write to the 2023 cycle through another server (the year
// before's data version is part of what the page is kept for): an
// objective of 2023 renumbered is no longer the one carried over.
func TestKeptViews_YearBeforeFresh(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	baseB := e.secondServer(t)
	a := e.signedIn(t, "direttore")
	b := &secClient{t: t, base: baseB, hc: a.hc}
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
	centrePage, objectivePage := fmt.Sprintf("/cicli/2024/centri/%d", centre), fmt.Sprintf("/cicli/2024/obiettivi/%d", o2)
	previous := func(path, testID string) []string {
		t.Helper()
		r := b.get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s on B: %d", path, r.Status)
		}
		return dashTexts(parseHTML(t, r.Body), testID)
	}
	for range 2 { // drawn, then kept
		if got := previous(centrePage, "objective-previous"); len(got) != 2 || !strings.HasPrefix(got[1], "33,3% non raggiunto") {
			t.Fatalf("the objectives' 2023 before: %q", got)
		}
		if got := previous(objectivePage, "previous-link"); len(got) != 1 {
			t.Fatalf("the objective's 2023 before: %q", got)
		}
	}
	// The 2023 objective renumbered, through A's database connection.
	if r := a.get(fmt.Sprintf("/cicli/2023/obiettivi/%d", o2prev)); r.Status != http.StatusOK {
		t.Fatalf("GET on A: %d", r.Status)
	}
	if _, err := e.pool.Exec(t.Context(), `UPDATE objectives SET number = 7 WHERE id = $1`, o2prev); err != nil {
		t.Fatal(err)
	}
	if got := previous(centrePage, "objective-previous"); len(got) != 2 || !strings.HasPrefix(got[1], "non riportato") {
		t.Errorf("the objectives' 2023 after the renumbering on A: %q", got)
	}
	if got := previous(objectivePage, "previous-link"); len(got) != 0 {
		t.Errorf("the objective's 2023 after the renumbering on A: %q", got)
	}
}
