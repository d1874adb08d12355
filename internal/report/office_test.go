package report_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"traguardo/internal/report"
)

// TestOffice_RichText: the director's rich text keeps its bold, italics,
// bulleted and numbered lists (each numbered list from 1) and line breaks
// in the DOCX and the ODT, as pandoc reads them back; a link of the
// document (the observations' objective, the table of contents) leads to
// its anchor.
func TestOffice_RichText(t *testing.T) {
	t.Parallel()
	m, _ := demoReport(t, 2023)
	m.Texts.Introduction = "<p>Un <strong>obiettivo</strong> <em>annuale</em><br>seconda riga</p>" +
		"<ul><li>primo punto</li><li>secondo punto</li></ul><ol><li>uno</li><li>due</li></ol><p>in mezzo</p><ol><li>ancora uno</li></ol>"
	for _, format := range []string{report.DOCX, report.ODT} {
		b, err := report.Office(context.Background(), m, format)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "relazione."+format)
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pandoc", "--from="+format, "--to=markdown_strict", "--wrap=none", file).Output()
		if err != nil {
			t.Fatalf("%s: pandoc reads it back: %v", format, err)
		}
		md := string(out)
		_, intro, _ := strings.Cut(md, "1. Introduzione\n")
		intro, _, _ = strings.Cut(intro, "2. I risultati\n")
		for _, want := range []string{"Un **obiettivo** *annuale*", "seconda riga", "-   primo punto\n-   secondo punto",
			"1.  uno\n2.  due", "in mezzo", "1.  ancora uno", "[1. Introduzione](#introduzione)"} {
			text := intro
			if strings.HasPrefix(want, "[") {
				text = md
			}
			if !strings.Contains(text, want) {
				t.Errorf("%s: %q missing from what pandoc reads back:\n%s", format, want, intro)
			}
		}
	}
}
