package bench

import (
	"slices"
	"strings"
	"testing"

	"traguardo/web/static"
)

// TestFontFaces reads the application's fonts.css as the first visit does:
// every face it declares, with its path under /static/, and the faces a
// page of Italian text needs are the latin ones; a name with a letter of
// another European language (ł) needs the latin-ext ones too.
func TestFontFaces(t *testing.T) {
	css, err := static.FS.ReadFile("css/fonts.css")
	if err != nil {
		t.Fatal(err)
	}
	faces, err := fontFaces(css, "/static/css/fonts.css")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(css), "@font-face"); len(faces) != n || n == 0 {
		t.Fatalf("%d faces read, fonts.css has %d @font-face", len(faces), n)
	}
	needed := func(text string) []string {
		chars := map[rune]bool{}
		for _, r := range text {
			chars[r] = true
		}
		var out []string
		for _, f := range faces {
			if !strings.HasPrefix(f.path, "/static/vendor/bootstrap-italia/fonts/") || !strings.HasSuffix(f.path, ".woff2") {
				t.Errorf("font path %q", f.path)
			}
			if _, ok := static.Lookup(strings.TrimPrefix(f.path, "/static/")); !ok {
				t.Errorf("%s: no such static file", f.path)
			}
			if f.covers(chars) {
				out = append(out, f.path)
			}
		}
		return out
	}
	italian := needed("Attività: «Più efficienza» – 25,5 € · È già così…")
	withExt := needed("Responsabile: Michał Dvořák")
	if len(italian) == 0 || len(withExt) != len(faces) {
		t.Errorf("Italian text needs %d of %d faces, a Polish name %d", len(italian), len(faces), len(withExt))
	}
	for _, p := range italian {
		if strings.Contains(p, "-latin-ext-") {
			t.Errorf("Italian text loads %s", p)
		}
	}
	if !slices.ContainsFunc(withExt, func(p string) bool { return strings.Contains(p, "-latin-ext-") }) {
		t.Errorf("a Polish name loads no latin-ext face: %v", withExt)
	}
}

func TestUnicodeRanges(t *testing.T) {
	got, err := unicodeRanges("U+0000-00FF, U+0131,u+4??")
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]rune{{0, 0xFF}, {0x131, 0x131}, {0x400, 0x4FF}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, bad := range []string{"0000-00FF", "U+00FF-0000", "U+xyz"} {
		if _, err := unicodeRanges(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
