package pages

import (
	"strings"
	"testing"
)

// TestWrap: a label wraps between words into lines that fit, keeping every
// word when there is no limit (a centre's name is never cut), and ends
// with "…" only past a limit of lines.
func TestWrap(t *testing.T) {
	name := "AREA INCLUSIONE E RETI TERRITORIALI DEL CONSORZIO INTERCOMUNALE"
	lines := wrap(name, 200, 14, 0)
	if len(lines) < 2 || strings.Join(lines, " ") != name {
		t.Errorf("wrap(%q) = %q, want the whole name on two or more lines", name, lines)
	}
	for _, l := range lines {
		if textWidth(l, 14) > 200 && strings.Contains(l, " ") {
			t.Errorf("line %q is %.0f wide, more than 200", l, textWidth(l, 14))
		}
	}
	if got := wrap("AREA DIREZIONE", 340, 14, 0); len(got) != 1 || got[0] != "AREA DIREZIONE" {
		t.Errorf("a short name: %q", got)
	}
	long := strings.Repeat("parola ", 40)
	got := wrap(long, 200, 13, 2)
	if len(got) != 2 || !strings.HasSuffix(got[1], "…") || textWidth(got[1], 13) > 200 {
		t.Errorf("two lines at most: %q", got)
	}
}
