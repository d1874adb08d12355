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

// Load imports the demo cycle 2023 through the ordinary import, then starts
// 2024 from it by carrying its plan over, as a body does in January: a cycle
// open for its first quarter, not approved, with no data yet. Each is created
// only when the database lacks it; Load reports whether it created anything.
func Load(ctx context.Context, st *store.Store, policy *richtext.Policy) (bool, error) {
	c, err := interchange.Read(bytes.NewReader(cycle2023), policy)
	if err != nil {
		return false, fmt.Errorf("demo document: %w", err)
	}
	actor := store.Actor{Name: "demo"}
	created := false
	if _, err := st.LoadCycle(ctx, c.Year); errors.Is(err, store.ErrNotFound) {
		if _, err := st.ImportCycle(ctx, actor, c); err != nil {
			return false, fmt.Errorf("demo import: %w", err)
		}
		created = true
	} else if err != nil {
		return false, err
	}
	if _, err := st.LoadCycle(ctx, c.Year+1); errors.Is(err, store.ErrNotFound) {
		if _, err := st.CarryOver(ctx, actor, c.Year); err != nil {
			return created, fmt.Errorf("demo carry over: %w", err)
		}
		created = true
	} else if err != nil {
		return created, err
	}
	return created, nil
}
