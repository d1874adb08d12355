package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"traguardo/internal/plan"
	"traguardo/internal/store"
)

// TestStore_PublicValues: the director's public values of the strategic
// areas are stored, read back with the cycle (on another store of the same
// database too, through the cycle's data version), refused over a newer
// version or for an area no objective names, changed after approval only
// as a variation, and deleted with their cycle.
func TestStore_PublicValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const area = "Minori e famiglie"
	ch := store.Change{Actor: store.CLI}

	t.Run("SetAndLoad", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		other := store.New(st.Pool()) // a second server on the same database
		before := mustLoad(t, other, 2023)
		if len(before.PublicValues) != 0 || before.PublicValuesVersion != 0 {
			t.Fatalf("the demo has public values %+v at version %d", before.PublicValues, before.PublicValuesVersion)
		}
		values := []plan.PublicValue{
			{Area: " " + area + " ", Value: "  Famiglie sostenute nella cura dei figli. "},
			{Area: "DISABILI", Value: "   "}, // no text: no value
		}
		if err := st.SetPublicValues(ctx, ch, 2023, values); err != nil {
			t.Fatal(err)
		}
		c := mustLoad(t, other, 2023)
		want := []plan.PublicValue{{Area: area, Value: "Famiglie sostenute nella cura dei figli."}}
		if !slices.Equal(c.PublicValues, want) || c.PublicValuesVersion != 1 {
			t.Fatalf("loaded %+v at version %d, want %+v at 1", c.PublicValues, c.PublicValuesVersion, want)
		}
		var got string
		for _, a := range c.StrategicAreas() {
			if a.Name == area {
				got = a.PublicValue
			}
		}
		if got != want[0].Value {
			t.Errorf("StrategicAreas gives %q for %s", got, area)
		}
		// Read at version 0 again: stale, naming the change since.
		err := st.SetPublicValues(ctx, ch, 2023, nil)
		var stale *store.StaleError
		if !errors.As(err, &stale) || stale.Version != 1 || len(stale.Edits) != 1 {
			t.Fatalf("a save over a newer version: %v (%+v)", err, stale)
		}
		// Emptied at the right version: none left.
		if err := st.SetPublicValues(ctx, store.Change{Actor: store.CLI, Version: 1}, 2023, nil); err != nil {
			t.Fatal(err)
		}
		if c := mustLoad(t, other, 2023); len(c.PublicValues) != 0 || c.PublicValuesVersion != 2 {
			t.Fatalf("after emptying: %+v at version %d", c.PublicValues, c.PublicValuesVersion)
		}
		if n := mustCount(t, st, `SELECT count(*) FROM audit_log WHERE entity = 'public_values'`); n != 2 {
			t.Errorf("%d audit rows, want 2", n)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		wantConflict(t, st.SetPublicValues(ctx, ch, 2023, []plan.PublicValue{{Area: "Area inventata", Value: "x"}}),
			"nessun obiettivo indica l'area strategica «Area inventata»")
		wantConflict(t, st.SetPublicValues(ctx, ch, 2023, []plan.PublicValue{{Area: area, Value: "a"}, {Area: area + " ", Value: "b"}}),
			"area strategica già elencata: «"+area+"»")
		long := strings.Repeat("è", plan.MaxPublicValue+1)
		wantConflict(t, st.SetPublicValues(ctx, ch, 2023, []plan.PublicValue{{Area: area, Value: long}}),
			"valore pubblico dell'area «"+area+"»: testo troppo lungo: al più 4.000 caratteri (ne ha 4.001)")
		if c := mustLoad(t, st, 2023); len(c.PublicValues) != 0 || c.PublicValuesVersion != 0 {
			t.Fatalf("a refused save changed %+v, version %d", c.PublicValues, c.PublicValuesVersion)
		}
		if err := st.SetPublicValues(ctx, ch, 1999, nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("no such cycle: %v", err)
		}
	})

	t.Run("VariationAfterApproval", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		mustApprove(t, st, 2023)
		values := []plan.PublicValue{{Area: area, Value: "Più famiglie raggiunte."}}
		if err := st.SetPublicValues(ctx, ch, 2023, values); !errors.Is(err, store.ErrPlanFrozen) {
			t.Fatalf("a change of an approved plan without variation: %v", err)
		}
		early := store.Change{Actor: store.CLI, Variation: &store.Variation{On: day(2023, 1, 1), Reason: "Prima dell'approvazione"}}
		var c *store.Conflict
		if err := st.SetPublicValues(ctx, early, 2023, values); !errors.As(err, &c) || c.Field != store.FieldVariationOn {
			t.Fatalf("a variation dated before the approval: %v", err)
		}
		v := store.Change{Actor: store.CLI, Variation: &store.Variation{On: time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC), Reason: "Nuovo DUP"}}
		if err := st.SetPublicValues(ctx, v, 2023, values); err != nil {
			t.Fatal(err)
		}
		vars, err := st.ListVariations(ctx, 2023)
		if err != nil {
			t.Fatal(err)
		}
		if len(vars) != 1 || vars[0].Reason != "Nuovo DUP" || vars[0].Entity != "public_values" ||
			!strings.Contains(vars[0].NewValue, "Più famiglie raggiunte.") {
			t.Fatalf("variations = %+v", vars)
		}
		if got := mustLoad(t, st, 2023).PublicValues; !slices.Equal(got, values) {
			t.Fatalf("after the variation: %+v", got)
		}
	})

	t.Run("DeletedWithTheCycle", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if err := st.SetPublicValues(ctx, ch, 2023, []plan.PublicValue{{Area: area, Value: "x"}}); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteCycle(ctx, store.CLI, 2023); err != nil {
			t.Fatal(err)
		}
		if n := mustCount(t, st, `SELECT count(*) FROM public_values`); n != 0 {
			t.Fatalf("%d public values outlive their cycle", n)
		}
	})

	t.Run("ImportedWithTheCycle", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		c := mustLoad(t, st, 2023)
		if err := st.DeleteCycle(ctx, store.CLI, 2023); err != nil {
			t.Fatal(err)
		}
		c.PublicValues = []plan.PublicValue{{Area: area, Value: "Dal file."}, {Area: "DISABILI", Value: "Autonomia."}}
		if _, err := st.ImportCycle(ctx, store.CLI, c); err != nil {
			t.Fatal(err)
		}
		got := mustLoad(t, st, 2023).PublicValues
		want := []plan.PublicValue{{Area: "DISABILI", Value: "Autonomia."}, {Area: area, Value: "Dal file."}}
		if !slices.Equal(got, want) {
			t.Fatalf("imported %+v, want %+v", got, want)
		}
	})
}

// TestStore_ImportPlan_PublicValues: a workbook's public values go into the
// empty cycle with its plan, and a form read before is stale after.
func TestStore_ImportPlan_PublicValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	if _, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Year: 2025}); err != nil {
		t.Fatal(err)
	}
	p := planOf(mustLoad(t, st, 2023))
	p.PublicValues = []plan.PublicValue{{Area: "DISABILI", Value: "Autonomia."}, {Area: "ANZIANI", Value: ""}}
	if err := st.ImportPlan(ctx, store.CLI, 2025, p); err != nil {
		t.Fatal(err)
	}
	c := mustLoad(t, st, 2025)
	if want := []plan.PublicValue{{Area: "DISABILI", Value: "Autonomia."}}; !slices.Equal(c.PublicValues, want) || c.PublicValuesVersion != 1 {
		t.Fatalf("imported %+v at version %d, want %+v at 1", c.PublicValues, c.PublicValuesVersion, want)
	}
	var stale *store.StaleError
	if err := st.SetPublicValues(ctx, store.Change{Actor: store.CLI}, 2025, nil); !errors.As(err, &stale) {
		t.Fatalf("a form read before the import saved over it: %v", err)
	}
}

// TestStore_CarryOver_PublicValues: the carry-over brings the public values
// of the strategic areas into the next year with the objectives naming them.
func TestStore_CarryOver_PublicValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	if err := st.DeleteCycle(ctx, store.CLI, 2024); err != nil {
		t.Fatal(err)
	}
	values := []plan.PublicValue{{Area: "DISABILI", Value: "Autonomia."}}
	if err := st.SetPublicValues(ctx, store.Change{Actor: store.CLI}, 2023, values); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CarryOver(ctx, store.CLI, 2023); err != nil {
		t.Fatal(err)
	}
	if got := mustLoad(t, st, 2024).PublicValues; !slices.Equal(got, values) {
		t.Fatalf("2024 has %+v, want %+v", got, values)
	}
}
