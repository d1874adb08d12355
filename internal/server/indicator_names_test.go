package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html/atom"

	"traguardo/internal/server"
)

// TestIndicators_SameName: two indicators of one objective with the same
// name (real plans have them) stay apart on the page and for screen
// readers: the page shows their numbers, the links and the pages that edit
// or delete them name them by number.
func TestIndicators_SameName(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	newPath := fmt.Sprintf("/cicli/2023/obiettivi/%d/indicatori/nuovo", e.objectiveID)
	for _, expected := range []string{"3", "5"} {
		form := pfIndicatorForm()
		form.Set("name", "Incontri con le scuole")
		form.Set("expected", expected)
		pfRequireRedirect(t, "a new indicator", dir.post(newPath, form), "/cicli/2023/obiettivi/")
	}
	r := dir.get(fmt.Sprintf("/cicli/2023/obiettivi/%d", e.objectiveID))
	usersRequireStatus(t, "the objective page", r, http.StatusOK)
	doc := parseHTML(t, r.Body)
	var numbers, edits []string
	for _, row := range byTestID(doc, "indicator-row") {
		if !strings.HasPrefix(textOf(row), "Incontri con le scuole") {
			continue
		}
		n := byTestID(row, "indicator-number")
		if len(n) != 1 {
			t.Fatalf("a row of «Incontri con le scuole» without its number: %q", textOf(row))
		}
		numbers = append(numbers, textOf(n[0]))
		edits = append(edits, textOf(oneByTestID(t, row, "edit")))
	}
	if len(numbers) != 2 || numbers[0] == numbers[1] {
		t.Fatalf("numbers shown %q, want two different ones", numbers)
	}
	if edits[0] == edits[1] || !strings.Contains(edits[0], "«Incontri con le scuole»") {
		t.Errorf("the edit links read %q: a screen reader cannot tell them apart", edits)
	}
	// The other indicators, of names of their own, show no number.
	if all := byTestID(doc, "indicator-number"); len(all) != 2 {
		t.Errorf("%d numbers shown, want only the two «Incontri con le scuole»", len(all))
	}
	var headings []string
	for _, row := range byTestID(doc, "indicator-row") {
		if strings.HasPrefix(textOf(row), "Incontri con le scuole") {
			href, _ := attr(oneByTestID(t, row, "delete"), "href")
			h1 := elements(parseHTML(t, dir.get(href).Body), atom.H1)
			if len(h1) != 1 {
				t.Fatalf("GET %s: %d headings", href, len(h1))
			}
			headings = append(headings, textOf(h1[0]))
		}
	}
	if len(headings) != 2 || headings[0] == headings[1] || !strings.Contains(headings[0], "«Incontri con le scuole»") {
		t.Errorf("the delete pages are headed %q", headings)
	}
}
