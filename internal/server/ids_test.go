package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// idProblems lists what is wrong with the ids of a page: an id that is
// empty or has whitespace (invalid HTML: a label's for, an
// aria-describedby or a link's #fragment cannot name it), an id used twice
// (the label of the second field names the first), and a label whose for
// names no element.
func idProblems(doc *html.Node) []string {
	var out []string
	seen := map[string]int{}
	for _, n := range findAll(doc, func(n *html.Node) bool { return n.Type == html.ElementNode }) {
		id, ok := attr(n, "id")
		if !ok {
			continue
		}
		if id == "" || strings.ContainsFunc(id, func(r rune) bool { return strings.ContainsRune(" \t\n\f\r", r) }) {
			out = append(out, fmt.Sprintf("<%s id=%q>: an id with whitespace", n.Data, id))
		}
		seen[id]++
	}
	for id, n := range seen {
		if n > 1 {
			out = append(out, fmt.Sprintf("id %q used %d times", id, n))
		}
	}
	for _, l := range elements(doc, atom.Label) {
		if f, ok := attr(l, "for"); ok && seen[f] == 0 {
			out = append(out, fmt.Sprintf("<label for=%q> «%s» names no element", f, strings.TrimSpace(textOf(l))))
		}
	}
	slices.Sort(out)
	return out
}

// TestPages_IDs walks the pages each role can open (every GET route of the
// router, filled in for 2023, and every page they link to, one of each
// shape) with the 2023 Relazione sent to the Nucleo, so that the Nucleo's
// validation form with its outcomes is among them: no page has an id with
// whitespace, an id used twice, or a label for no element.
func TestPages_IDs(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	rpSend(t, e)
	var start []string
	for _, r := range secRoutes(t, e.handler) {
		method, pattern, _ := strings.Cut(r, " ")
		if method != http.MethodGet || strings.Contains(pattern, "*") || strings.Contains(path.Base(pattern), ".") ||
			strings.Contains(pattern, "{file}") {
			continue
		}
		start = append(start, e.path(t, r))
	}
	number := regexp.MustCompile(`[0-9]+`)
	checked := 0
	for _, role := range []string{"direttore", "nucleo", "responsabile", "admin", "osservatore"} {
		c := e.signedIn(t, role)
		queue := slices.Clone(start)
		shapes := map[string]bool{}
		for len(queue) > 0 && len(shapes) < 400 {
			p := queue[0]
			queue = queue[1:]
			u, err := url.Parse(p)
			if err != nil {
				t.Fatal(err)
			}
			// Another record of the same kind is drawn by the same
			// template: one page of each shape (its path without numbers,
			// with the names of its query).
			shape := number.ReplaceAllString(u.Path, "#")
			for _, k := range slices.Sorted(func(yield func(string) bool) {
				for k := range u.Query() {
					if !yield(k) {
						return
					}
				}
			}) {
				shape += " " + k
			}
			if shapes[shape] {
				continue
			}
			shapes[shape] = true
			r := c.get(p)
			if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				continue
			}
			checked++
			doc := parseHTML(t, r.Body)
			if probs := idProblems(doc); len(probs) > 0 {
				t.Errorf("GET %s as %s:\n  %s", p, role, strings.Join(probs, "\n  "))
			}
			for _, a := range elements(doc, atom.A) {
				href, _ := attr(a, "href")
				l, err := url.Parse(href)
				if err != nil || l.IsAbs() || !strings.HasPrefix(l.Path, "/") || strings.HasPrefix(l.Path, "/static/") ||
					strings.Contains(path.Base(l.Path), ".") {
					continue
				}
				l.Fragment = ""
				queue = append(queue, l.String())
			}
		}
	}
	if checked < 40 {
		t.Errorf("only %d pages checked: the walk found too few", checked)
	}
	t.Logf("%d pages checked", checked)
}

// TestIDProblems: the check of TestPages_IDs finds an id with a space, a
// duplicate id and a label for nothing, and nothing in a sound page.
func TestIDProblems(t *testing.T) {
	t.Parallel()
	bad := parseHTML(t, `<form><input type="radio" id="outcome-non validata"><label for="outcome-non validata">x</label>
		<input id="a"><input id="a"><label for="b">B</label></form>`)
	got := idProblems(bad)
	want := []string{
		`<input id="outcome-non validata">: an id with whitespace`,
		`<label for="b"> «B» names no element`,
		`id "a" used 2 times`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
	if got := idProblems(parseHTML(t, `<input id="outcome-1"><label for="outcome-1">x</label>`)); len(got) > 0 {
		t.Errorf("a sound page: %q", got)
	}
}
