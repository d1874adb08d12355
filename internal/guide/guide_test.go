package guide

import (
	"strings"
	"testing"

	"traguardo/docs/guida"
)

// TestRender: the title is the one level-1 heading; the sections are the
// level-2 ones, with anchors made from their text without accents; the
// intro is what comes before the first section; a link to another guide
// points at its page; raw HTML is left out; tables get Bootstrap's class.
func TestRender(t *testing.T) {
	t.Parallel()
	g, err := Render("prova", []byte(`# Guida di prova

Introduzione.

## Se la sessione è scaduta

Vedi la [guida del direttore](direttore.md#il-cruscotto) e la [guida del Nucleo](nucleo.md).
<script>alert(1)</script>

### Dettagli

| a | b |
|---|---|
| 1 | 2 |

## Se la sessione è scaduta

Di nuovo.
`))
	if err != nil {
		t.Fatal(err)
	}
	if g.Title != "Guida di prova" {
		t.Errorf("title %q", g.Title)
	}
	want := []Section{{"se-la-sessione-e-scaduta", "Se la sessione è scaduta"}, {"se-la-sessione-e-scaduta-1", "Se la sessione è scaduta"}}
	if len(g.Sections) != 2 || g.Sections[0] != want[0] || g.Sections[1] != want[1] {
		t.Errorf("sections %q, want %q", g.Sections, want)
	}
	if !g.HasAnchor("dettagli") || g.HasAnchor("introduzione") {
		t.Errorf("anchors %q", g.Anchors)
	}
	if g.Intro != "<p>Introduzione.</p>\n" {
		t.Errorf("intro %q", g.Intro)
	}
	for _, s := range []string{`<h2 id="se-la-sessione-e-scaduta">`, `href="/guida/direttore#il-cruscotto"`, `href="/guida/nucleo"`, `<table class="table">`} {
		if !strings.Contains(g.Body, s) {
			t.Errorf("the body lacks %s:\n%s", s, g.Body)
		}
	}
	if strings.Contains(g.Body, "<script") || strings.Contains(g.Body, "<h1") {
		t.Errorf("the body has a script or the h1:\n%s", g.Body)
	}
}

// TestRender_Refused: a guide without its level-1 heading first, with two,
// or with a heading that skips a level is refused.
func TestRender_Refused(t *testing.T) {
	t.Parallel()
	for what, src := range map[string]string{
		"no title":        "Testo.\n\n## Sezione\n",
		"section first":   "## Sezione\n\n# Titolo\n",
		"two titles":      "# Uno\n\n# Due\n",
		"a skipped level": "# Titolo\n\n### Dettagli\n",
	} {
		if _, err := Render("prova", []byte(src)); err == nil {
			t.Errorf("%s: rendered", what)
		}
	}
}

// TestGuides: every guide of docs/guida renders, with sections, and its
// links to other guides name their headings.
func TestGuides(t *testing.T) {
	t.Parallel()
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(guida.Names) {
		t.Fatalf("%d guides", len(all))
	}
	for _, g := range all {
		if len(g.Sections) < 3 || g.Intro == "" {
			t.Errorf("%s: %d sections, intro %q", g.Name, len(g.Sections), g.Intro)
		}
		for _, l := range strings.Split(g.Intro+g.Body, `href="/guida/`)[1:] {
			target, _, _ := strings.Cut(l, `"`)
			name, fragment, _ := strings.Cut(target, "#")
			o, err := Get(name)
			if err != nil || o == nil {
				t.Errorf("%s links to the guide %q, which does not exist", g.Name, name)
			} else if fragment != "" && !o.HasAnchor(fragment) {
				t.Errorf("%s links to %s#%s, which has no such heading", g.Name, name, fragment)
			}
		}
	}
}
