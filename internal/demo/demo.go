package demo

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"

	"traguardo/internal/interchange"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

//go:embed consorzio-inrete-2023.json
var cycle2023 []byte

// Cycle2023 returns the 2023 Relazione of Consorzio IN.RE.TE. as a v1 document.
func Cycle2023() []byte { return bytes.Clone(cycle2023) }

// Load imports the demo cycle through the ordinary import, unless the database
// already holds it; it reports whether it imported anything.
func Load(ctx context.Context, st *store.Store, policy *richtext.Policy) (bool, error) {
	c, err := interchange.Read(bytes.NewReader(cycle2023), policy)
	if err != nil {
		return false, fmt.Errorf("demo document: %w", err)
	}
	if _, err := st.LoadCycle(ctx, c.Year); err == nil {
		return false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	if _, err := st.ImportCycle(ctx, store.Actor{Name: "demo"}, c); err != nil {
		return false, fmt.Errorf("demo import: %w", err)
	}
	return true, nil
}
