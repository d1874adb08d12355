package main

import (
	"bytes"
	"context"
	"html"
	"io"
	"strings"
	"testing"

	"traguardo/internal/demo"
	"traguardo/internal/pgtest"
	"traguardo/internal/report"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// TestWritePiano: `report --document piano` writes the Piano of a cycle in
// HTML (every objective, the draft watermark) and refuses a format it has
// not; an unknown document is refused by name.
func TestWritePiano(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(pgtest.NewDB(t))
	if ok, err := demo.Load(ctx, st, richtext.NewPolicy()); err != nil || !ok {
		t.Fatalf("demo.Load = %v, %v", ok, err)
	}
	var out bytes.Buffer
	if err := writePiano(ctx, st, 2024, "html", "", &out); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(out.String())
	c, err := st.LoadCycle(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			if !strings.Contains(page, o.Title) {
				t.Errorf("the Piano lacks %q", o.Title)
			}
		}
	}
	if !strings.Contains(page, report.DraftWatermark) {
		t.Errorf("the draft Piano lacks its watermark")
	}
	if err := writePiano(ctx, st, 2024, "xlsx", "", io.Discard); err == nil || !strings.Contains(err.Error(), "html, pdf, docx or odt") {
		t.Errorf("xlsx: err = %v, want the formats named", err)
	}
	if err := writePiano(ctx, st, 2030, "html", "", io.Discard); err == nil || !strings.Contains(err.Error(), "non esiste") {
		t.Errorf("a missing cycle: err = %v", err)
	}
}
