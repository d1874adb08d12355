package store_test

import (
	"context"
	"testing"
)

// BenchmarkLoadCycle reads and evaluates the whole 2023 demo cycle (6
// centres, 18 objectives, 86 activities, 62 indicators) in its fixed number
// of queries.
func BenchmarkLoadCycle(b *testing.B) {
	st := MustImportDemo(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := st.LoadCycle(ctx, 2023); err != nil {
			b.Fatal(err)
		}
	}
}
