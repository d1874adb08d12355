package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// MustImportDemo loads the demo cycle into a fresh database.
func MustImportDemo(tb testing.TB) *store.Store {
	tb.Helper()
	st := store.New(pgtest.NewDB(tb))
	if ok, err := demo.Load(context.Background(), st, richtext.NewPolicy()); err != nil || !ok {
		tb.Fatalf("demo.Load = %v, %v", ok, err)
	}
	return st
}

func export(tb testing.TB, st *store.Store, year int) []byte {
	tb.Helper()
	c, err := st.LoadCycle(context.Background(), year)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := interchange.Encode(&buf, c, domain.Today(time.Now())); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestStore_ImportCycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		first := export(t, MustImportDemo(t), 2023)
		other := store.New(pgtest.NewDB(t))
		c, err := interchange.Read(bytes.NewReader(first), richtext.NewPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.ImportCycle(ctx, store.CLI, c); err != nil {
			t.Fatal(err)
		}
		second := export(t, other, 2023)
		if !bytes.Equal(first, second) {
			t.Fatalf("export after re-import differs (%d vs %d bytes)", len(first), len(second))
		}
	})

	t.Run("Counts", func(t *testing.T) {
		t.Parallel()
		c, err := MustImportDemo(t).LoadCycle(ctx, 2023)
		if err != nil {
			t.Fatal(err)
		}
		want := struct{ Centres, Objectives, Activities, Indicators int }{6, 18, 86, 62}
		if got := c.Count(); got.Centres != want.Centres || got.Objectives != want.Objectives ||
			got.Activities != want.Activities || got.Indicators != want.Indicators {
			t.Fatalf("counts = %+v, want %+v", got, want)
		}
	})

	t.Run("SeedAchievements", func(t *testing.T) {
		t.Parallel()
		c, err := MustImportDemo(t).LoadCycle(ctx, 2023)
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			centre string
			number int
			want   float64
			band   domain.Band
		}{
			{"AREA DIREZIONE", 2, 33.3, domain.NotReached},
			{"AREA INCLUSIONE E RETI TERRITORIALI", 4, 80, domain.PartlyReached},
		}
		for _, tc := range cases {
			found := false
			for _, ce := range c.Centres {
				for _, o := range ce.Objectives {
					if ce.Name == tc.centre && o.Number == tc.number {
						found = true
						if o.Achievement == nil || domain.Round1(*o.Achievement) != tc.want || o.Band != tc.band {
							t.Errorf("%s %d: achievement %v band %q, want %v %q", tc.centre, tc.number, o.Achievement, o.Band, tc.want, tc.band)
						}
					}
				}
			}
			if !found {
				t.Errorf("%s objective %d not found", tc.centre, tc.number)
			}
		}
	})

	t.Run("ErrExists", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		c, err := interchange.Read(bytes.NewReader(demo.Cycle2023()), richtext.NewPolicy())
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.ImportCycle(ctx, store.CLI, c)
		var conflict *store.Conflict
		if !errors.As(err, &conflict) || conflict.Message != "il ciclo 2023 esiste già" {
			t.Fatalf("second import: %v", err)
		}
	})

	t.Run("AllOrNothing", func(t *testing.T) {
		t.Parallel()
		st := store.New(pgtest.NewDB(t))
		c, err := interchange.Read(bytes.NewReader(demo.Cycle2023()), richtext.NewPolicy())
		if err != nil {
			t.Fatal(err)
		}
		// A unit the database refuses, on the very last indicator: everything
		// before it must be rolled back.
		last := c.Centres[len(c.Centres)-1].Objectives
		ind := last[len(last)-1].Indicators
		ind[len(ind)-1].Unit = "kg"
		if _, err := st.ImportCycle(ctx, store.CLI, c); err == nil {
			t.Fatal("import with a bad unit succeeded")
		}
		var n int
		if err := st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM organisations) + (SELECT count(*) FROM cycles) + (SELECT count(*) FROM objectives) + (SELECT count(*) FROM indicators)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%d rows left after a failed import", n)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		t.Parallel()
		_, err := store.New(pgtest.NewDB(t)).LoadCycle(ctx, 1999)
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("LoadCycle(1999) = %v, want ErrNotFound", err)
		}
	})
}
