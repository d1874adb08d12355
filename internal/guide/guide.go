// Package guide renders the Italian guides of docs/guida (one per role,
// Markdown) into the HTML of the application's "Guida" pages, with goldmark.
//
// The guides are our own files, built into the binary: they are trusted,
// not sanitised. goldmark's default renderer still leaves raw HTML out
// (and drops javascript: and other dangerous links), so a guide is
// Markdown only; the tests fail on a guide that tries raw HTML.
package guide

import (
	"bytes"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/text/runes"
	xtransform "golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"traguardo/docs/guida"
	"traguardo/internal/auth"
	"traguardo/web/paths"
)

// Guide is a guide rendered for its page.
type Guide struct {
	Name  string // its file without .md, and its page: /guida/<name>
	Title string // the text of its one level-1 heading
	// Intro is the HTML before the first section, Body the sections.
	Intro, Body string
	// Sections are its level-2 headings, for the table of contents.
	Sections []Section
	// Anchors are the ids of every heading.
	Anchors []string
}

// Section is a level-2 heading: its anchor and its text.
type Section struct {
	ID, Title string
}

// HasAnchor reports whether the guide has a heading with the id.
func (g *Guide) HasAnchor(id string) bool {
	for _, a := range g.Anchors {
		if a == id {
			return true
		}
	}
	return false
}

// ForRole is the name of the guide of a role; "" for a role without a
// guide of its own (the observer reads the index).
func ForRole(r auth.Role) string {
	switch r {
	case auth.Manager:
		return guida.Responsabile
	case auth.Director:
		return guida.Direttore
	case auth.Evaluator:
		return guida.Nucleo
	case auth.Admin:
		return guida.Amministratore
	}
	return ""
}

// Get is the guide of name, nil when there is none.
func Get(name string) (*Guide, error) {
	all, err := load()
	if err != nil {
		return nil, err
	}
	return all[name], nil
}

// All are the guides in the order of guida.Names.
func All() ([]*Guide, error) {
	all, err := load()
	if err != nil {
		return nil, err
	}
	out := make([]*Guide, 0, len(guida.Names))
	for _, n := range guida.Names {
		out = append(out, all[n])
	}
	return out, nil
}

// load renders every guide once, at the first request.
var load = sync.OnceValues(func() (map[string]*Guide, error) {
	return renderAll(guida.Files)
})

// renderAll renders every guide of guida.Names from files.
func renderAll(files fs.FS) (map[string]*Guide, error) {
	out := map[string]*Guide{}
	for _, name := range guida.Names {
		src, err := fs.ReadFile(files, name+".md")
		if err != nil {
			return nil, err
		}
		g, err := Render(name, src)
		if err != nil {
			return nil, fmt.Errorf("guide %s: %w", name, err)
		}
		out[name] = g
	}
	return out, nil
}

// markdown is the converter of the guides: CommonMark with GitHub's
// tables, headings with ids made from their text (anchors), the links
// between guides pointed at their pages.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table),
	goldmark.WithParserOptions(
		parser.WithAutoHeadingID(),
		parser.WithASTTransformers(util.Prioritized(pageLinks{}, 100)),
	),
)

// Render renders the guide name from its Markdown: exactly one level-1
// heading, first, which is the page's h1 (the page writes it); headings
// that go down one level at a time.
func Render(name string, src []byte) (*Guide, error) {
	ctx := parser.NewContext(parser.WithIDs(newAnchors()))
	doc := markdown.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	g := &Guide{Name: name}
	var intro, body bytes.Buffer
	level, inBody := 0, false
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, ok := n.(*ast.Heading)
		if ok {
			id, _ := h.AttributeString("id")
			anchor, _ := id.([]byte)
			title := plainText(h, src)
			switch {
			case h.Level == 1 && level == 0:
				g.Title, level = title, 1
				g.Anchors = append(g.Anchors, string(anchor))
				continue
			case h.Level == 1 || level == 0:
				return nil, fmt.Errorf("%q: the guide has one level-1 heading, first", title)
			case h.Level > level+1:
				return nil, fmt.Errorf("%q: a level-%d heading after a level-%d one", title, h.Level, level)
			}
			level = h.Level
			g.Anchors = append(g.Anchors, string(anchor))
			if h.Level == 2 {
				g.Sections = append(g.Sections, Section{ID: string(anchor), Title: title})
				inBody = true
			}
		} else if t, ok := n.(*extast.Table); ok {
			t.SetAttributeString("class", []byte("table"))
		}
		w := &intro
		if inBody {
			w = &body
		}
		if err := markdown.Renderer().Render(w, src, n); err != nil {
			return nil, err
		}
	}
	if g.Title == "" {
		return nil, fmt.Errorf("no level-1 heading")
	}
	g.Intro, g.Body = intro.String(), body.String()
	return g, nil
}

// plainText is the text of a heading, without its markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		} else if s, ok := c.(*ast.String); ok && entering {
			b.Write(s.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// pageLinks points a link to another guide (responsabile.md, or
// direttore.md#section), which works on GitHub, at that guide's page.
type pageLinks struct{}

func (pageLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			dest := string(l.Destination)
			file, fragment, _ := strings.Cut(dest, "#")
			if name, ok := strings.CutSuffix(file, ".md"); ok && slices.Contains(guida.Names, name) {
				u := paths.Guide(name)
				if fragment != "" {
					u = paths.GuideSection(name, fragment)
				}
				l.Destination = []byte(u)
			}
		}
		return ast.WalkContinue, nil
	})
}

// anchors makes the ids of the headings: goldmark's rule (letters and
// digits kept, lower case; spaces, '-' and '_' become '-'; the rest
// dropped; a repeated id numbered), but with the accents taken off rather
// than the accented letters dropped: «Se la sessione è scaduta» is
// se-la-sessione-e-scaduta, not se-la-sessione--scaduta.
type anchors struct{ used map[string]bool }

func newAnchors() *anchors { return &anchors{used: map[string]bool{}} }

// unaccent returns a transformer that takes the accents off the letters:
// a new one at each use, as a chain keeps state and guides render at once.
func unaccent() xtransform.Transformer {
	return xtransform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

func (a *anchors) Generate(value []byte, kind ast.NodeKind) []byte {
	plain, _, err := xtransform.Bytes(unaccent(), value)
	if err != nil {
		plain = value
	}
	var id []byte
	dash := false
	for _, r := range strings.ToLower(string(plain)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && len(id) > 0 {
				id = append(id, '-')
			}
			dash = false
			id = utf8.AppendRune(id, r)
		case unicode.IsSpace(r) || r == '-' || r == '_':
			dash = true
		}
	}
	if len(id) == 0 {
		id = []byte("sezione")
	}
	base := string(id)
	for i := 1; a.used[string(id)]; i++ {
		id = fmt.Appendf(nil, "%s-%d", base, i)
	}
	a.used[string(id)] = true
	return id
}

func (a *anchors) Put(value []byte) { a.used[string(value)] = true }
