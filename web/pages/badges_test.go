package pages

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestBadgesKeepWhiteText: a badge keeps Bootstrap Italia's white text on
// every background colour; dark text (text-dark) on bg-warning reads at
// 2.4:1 only (WCAG 1.4.3 asks 4.5:1), white at 5.4:1. The browser test
// TestBrowser_Contrast measures the badges the demo shows; this one covers
// those it does not (an override, a deadline soon).
func TestBadgesKeepWhiteText(t *testing.T) {
	files, err := filepath.Glob("../*/*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	dark := regexp.MustCompile(`class="[^"]*\bbadge\b[^"]*\btext-(dark|black|body|secondary|muted)\b[^"]*"|class="[^"]*\btext-(dark|black|body|secondary|muted)\b[^"]*\bbadge\b[^"]*"`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range dark.FindAll(b, -1) {
			t.Errorf("%s: a badge with dark text: %s", f, m)
		}
	}
}
