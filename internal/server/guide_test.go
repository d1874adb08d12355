package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/docs/guida"
	"traguardo/internal/server"
	"traguardo/web/paths"
)

// guideTitles are the h1 of each guide, as its Markdown writes it.
var guideTitles = map[string]string{
	guida.Responsabile:   "Guida per il Responsabile di Area",
	guida.Direttore:      "Guida per il Direttore",
	guida.Nucleo:         "Guida per il Nucleo di Valutazione",
	guida.Amministratore: "Guida per l'Amministratore",
}

// guideSections are the values of the Section constants of package guida,
// read from its source: the anchors the pages link to.
func guideSections(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../../docs/guida/guida.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			for i, n := range v.Names {
				if !strings.HasPrefix(n.Name, "Section") {
					continue
				}
				lit, ok := v.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("guida.%s is not a string literal", n.Name)
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out[n.Name] = s
			}
		}
	}
	if len(out) < 5 {
		t.Fatalf("found only %d Section constants in package guida: %v", len(out), out)
	}
	return out
}

// headingLevels are the levels of the headings of n, in document order.
func headingLevels(n *html.Node) []int {
	var out []int
	for _, h := range findAll(n, func(n *html.Node) bool {
		return n.Type == html.ElementNode && len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6'
	}) {
		out = append(out, int(h.Data[1]-'0'))
	}
	return out
}

// idsOf are the ids of the elements of n.
func idsOf(n *html.Node) map[string]bool {
	out := map[string]bool{}
	for _, e := range findAll(n, func(n *html.Node) bool { return n.Type == html.ElementNode }) {
		if id, ok := attr(e, "id"); ok {
			out[id] = true
		}
	}
	return out
}

// TestGuida_Pages: the index lists the four guides; each guide is served,
// to a visitor and to a signed-in user, with one h1 (its title), headings
// that go down one level at a time, a table of contents whose every entry
// names a section of the page; an unknown guide is 404. The menu's Guida
// opens the guide of the user's role (the index for the observer).
func TestGuida_Pages(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	anon, dir := e.client(t), e.signedIn(t, "direttore")

	index := anon.get(paths.Guides)
	wantStatus(t, "the index", index, http.StatusOK)
	var listed []string
	for _, a := range elements(byTestID(parseHTML(t, index.Body), "guide-index")[0], atom.A) {
		href, _ := attr(a, "href")
		listed = append(listed, href)
	}
	for _, name := range guida.Names {
		if !slices.Contains(listed, paths.Guide(name)) {
			t.Errorf("the index does not link to %s (links %q)", paths.Guide(name), listed)
		}
	}

	for _, name := range guida.Names {
		for who, c := range map[string]*secClient{"a visitor": anon, "the director": dir} {
			r := c.get(paths.Guide(name))
			wantStatus(t, name+" to "+who, r, http.StatusOK)
			doc := parseHTML(t, r.Body)
			h1 := elements(doc, atom.H1)
			if len(h1) != 1 || strings.TrimSpace(textOf(h1[0])) != guideTitles[name] {
				var got []string
				for _, h := range h1 {
					got = append(got, textOf(h))
				}
				t.Errorf("%s to %s: h1 %q, want one, %q", name, who, got, guideTitles[name])
			}
			main := findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Main })[0]
			levels := headingLevels(main)
			for i := 1; i < len(levels); i++ {
				if levels[i] > levels[i-1]+1 {
					t.Errorf("%s: a h%d after a h%d (headings %v)", name, levels[i], levels[i-1], levels)
				}
			}
			if len(levels) == 0 || levels[0] != 1 {
				t.Errorf("%s: the first heading of the page is not its h1 (%v)", name, levels)
			}
			ids := idsOf(doc)
			toc := byTestID(doc, "guide-toc")
			if len(toc) != 1 {
				t.Fatalf("%s: %d tables of contents", name, len(toc))
			}
			entries := elements(toc[0], atom.A)
			if n := len(findAll(main, func(n *html.Node) bool { return n.DataAtom == atom.H2 })); len(entries) != n-1 {
				t.Errorf("%s: %d entries in the table of contents, %d sections", name, len(entries), n-1)
			}
			for _, a := range entries {
				href, _ := attr(a, "href")
				if !strings.HasPrefix(href, "#") || !ids[href[1:]] {
					t.Errorf("%s: the table of contents links to %q, which names no element of the page", name, href)
				}
			}
			if strings.Contains(r.Body, "raw HTML omitted") {
				t.Errorf("%s holds raw HTML, which the guides leave out", name)
			}
		}
	}
	wantStatus(t, "an unknown guide", anon.get(paths.Guide("osservatore")), http.StatusNotFound)

	for role, want := range map[string]string{
		"responsabile": paths.Guide(guida.Responsabile), "direttore": paths.Guide(guida.Direttore),
		"nucleo": paths.Guide(guida.Nucleo), "admin": paths.Guide(guida.Amministratore), "osservatore": paths.Guides,
	} {
		var got []string
		for _, a := range elements(byTestID(parseHTML(t, e.signedIn(t, role).get(paths.Password).Body), "main-nav")[0], atom.A) {
			if strings.TrimSpace(textOf(a)) == "Guida" {
				href, _ := attr(a, "href")
				got = append(got, href)
			}
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("the menu of the %s: Guida links to %q, want %s", role, got, want)
		}
	}
	if strings.Contains(anon.get(paths.SignIn).Body, `data-testid="main-nav"`) {
		t.Error("a visitor has the main menu")
	}
}

// TestGuida_ContextualLinks opens the pages that link to a section of a
// guide, as the role that sees each link (the progress form, the
// manager's areas, a period sent and then returned, the dashboard, the
// Relazione's sending and validation, the users, the legal notices, the
// sign-in page after a session expired), and checks that every link to a
// guide names a heading of that guide as served: renaming a heading fails
// it. Every Section constant of package guida is linked from some page.
func TestGuida_ContextualLinks(t *testing.T) {
	t.Parallel()
	e := rpEnv(t) // the 2023 plan approved: the director may open the sending
	f := newProgressFixtureOn(t, e)
	ids := monLoad(t, e)
	submission := monPage(2024, ids.first, ids.fin)

	guides := map[string]map[string]bool{} // name -> its ids, as served
	found := map[string]bool{}             // the fragments linked to
	check := func(who, page string, r *secResponse) {
		t.Helper()
		if r.Status != http.StatusOK {
			t.Errorf("GET %s as %s: status %d", page, who, r.Status)
			return
		}
		links := 0
		for _, a := range elements(parseHTML(t, r.Body), atom.A) {
			href, _ := attr(a, "href")
			u, err := url.Parse(href)
			if err != nil || !strings.HasPrefix(u.Path, paths.Guides+"/") {
				continue
			}
			links++
			if u.Fragment == "" {
				continue
			}
			name := strings.TrimPrefix(u.Path, paths.Guides+"/")
			if guides[name] == nil {
				g := e.client(t).get(u.Path)
				if g.Status != http.StatusOK {
					t.Errorf("%s as %s links to %s: status %d", page, who, href, g.Status)
					continue
				}
				guides[name] = idsOf(parseHTML(t, g.Body))
			}
			if !guides[name][u.Fragment] {
				t.Errorf("%s as %s links to %s: the guide has no heading #%s", page, who, href, u.Fragment)
			}
			found[u.Fragment] = true
		}
		if links == 0 {
			t.Errorf("%s as %s: no link to a guide", page, who)
		}
	}

	// A session expired on the manager's form: the sign-in page explains.
	fin := f.manager(t, "finanziaria")
	keptPost(t, f, fin)
	signIn := paths.SignIn + "?next=" + url.QueryEscape(f.path)
	check("a manager whose session expired", signIn, fin.get(signIn))

	fin = f.manager(t, "finanziaria")
	dir, nucleo, admin := e.signedIn(t, "direttore"), e.signedIn(t, "nucleo"), e.signedIn(t, "admin")
	check("responsabile", paths.MyAreas, fin.get(paths.MyAreas))
	check("responsabile", f.path, fin.get(f.path))
	check("responsabile", submission, fin.get(submission))
	check("direttore", f.path, dir.get(f.path))
	check("direttore", paths.Dashboard(2023), dir.get(paths.Dashboard(2023)))
	check("direttore", paths.Validation(2023), dir.get(paths.Validation(2023)))
	check("direttore", paths.ValidationSend(2023), dir.get(paths.ValidationSend(2023)))
	check("nucleo", paths.Validation(2023), nucleo.get(paths.Validation(2023)))
	check("nucleo", paths.ValidationDecide(2023), nucleo.get(paths.ValidationDecide(2023)))
	check("admin", paths.Users, admin.get(paths.Users))
	check("admin", paths.LegalNotices, admin.get(paths.LegalNotices))

	// Sent, the director reviews it; returned, the manager's form says what
	// to do.
	monExplain(t, e, ids.first, ids.fin)
	wantStatus(t, "submit", fin.post(submission+"/invia", url.Values{"version": {"0"}}), http.StatusSeeOther)
	check("direttore", submission, dir.get(submission))
	wantStatus(t, "return", dir.post(submission+"/restituisci", url.Values{"version": {"1"}, "comment": {"Manca il motivo."}}), http.StatusSeeOther)
	check("responsabile, after a return", f.path, fin.get(f.path))

	sections := guideSections(t)
	for _, name := range slices.Sorted(maps.Keys(sections)) {
		if !found[sections[name]] {
			t.Errorf("guida.%s (#%s): no page links to it", name, sections[name])
		}
	}
}
