package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/store"
)

func objectiveOf(t *testing.T, st *store.Store, centre string, number int) (*plan.Cycle, *plan.Centre, *plan.Objective) {
	t.Helper()
	c, err := st.LoadCycle(context.Background(), 2023)
	if err != nil {
		t.Fatal(err)
	}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			if ce.Name == centre && o.Number == number {
				return c, ce, o
			}
		}
	}
	t.Fatalf("%s objective %d not found", centre, number)
	return nil, nil, nil
}

// at is ch made on a record read at version.
func at(ch store.Change, version int) store.Change {
	ch.Version = version
	return ch
}

func TestStore_EditPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ch := store.Change{Actor: store.CLI}

	t.Run("CreateUpdateMoveDelete", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, ce, _ := objectiveOf(t, st, "AREA DIREZIONE", 1)
		id, err := st.CreateObjective(ctx, ch, ce.ID, &plan.Objective{Section: "Obiettivi di performance", Number: 3, Title: "Nuovo", Group: "g1"})
		if err != nil {
			t.Fatal(err)
		}
		_, _, o := objectiveOf(t, st, "AREA DIREZIONE", 3)
		if o.ID != id || o.Title != "Nuovo" || o.Group != "g1" {
			t.Fatalf("created objective = %+v", o)
		}
		o.Title, o.Group = "Rinominato", ""
		if err := st.UpdateObjective(ctx, at(ch, o.Version), id, o); err != nil {
			t.Fatal(err)
		}
		if _, _, o = objectiveOf(t, st, "AREA DIREZIONE", 3); o.Title != "Rinominato" || o.Group != "" {
			t.Fatalf("updated objective = %+v", o)
		}
		if err := st.MoveObjective(ctx, ch, id, -1); err != nil {
			t.Fatal(err)
		}
		_, ce, _ = objectiveOf(t, st, "AREA DIREZIONE", 3)
		if got := [3]int{ce.Objectives[0].Number, ce.Objectives[1].Number, ce.Objectives[2].Number}; got != [3]int{1, 3, 2} {
			t.Fatalf("order after move = %v", got)
		}
		a := &plan.Activity{Description: "Passo", Planned: domain.Span{Annual: true}}
		aid, err := st.CreateActivity(ctx, ch, id, a)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteActivity(ctx, at(ch, 1), aid); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteObjective(ctx, at(ch, o.Version), id); err != nil {
			t.Fatal(err)
		}
		_, ce, _ = objectiveOf(t, st, "AREA DIREZIONE", 2)
		if len(ce.Objectives) != 2 || ce.Objectives[1].Number != 2 {
			t.Fatalf("after delete: %d objectives", len(ce.Objectives))
		}
		entries, err := st.ListAudit(ctx, store.AuditFilter{Entity: "objective"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 4 { // create, update, move, delete
			t.Fatalf("audit entries for objectives = %d, want 4", len(entries))
		}
		// Newest first: delete, move, update, create. The values are the
		// rows as JSON objects.
		var before, after map[string]any
		if err := json.Unmarshal([]byte(entries[2].OldValue), &before); err != nil {
			t.Fatalf("update old value %q: %v", entries[2].OldValue, err)
		}
		if err := json.Unmarshal([]byte(entries[2].NewValue), &after); err != nil {
			t.Fatalf("update new value %q: %v", entries[2].NewValue, err)
		}
		if before["title"] != "Nuovo" || after["title"] != "Rinominato" {
			t.Fatalf("update recorded title %v -> %v", before["title"], after["title"])
		}
	})

	t.Run("ErrDuplicateNumber", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, ce, o := objectiveOf(t, st, "AREA DIREZIONE", 1)
		_, err := st.CreateObjective(ctx, ch, ce.ID, &plan.Objective{Section: o.Section, Number: 1, Title: "Doppio"})
		var conflict *store.Conflict
		if !errors.As(err, &conflict) || conflict.Message != "numero già usato nella stessa sezione del centro" {
			t.Fatalf("duplicate number: %v", err)
		}
	})

	t.Run("ErrNumericValuesToYesNo", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, _, o := objectiveOf(t, st, "AREA DIREZIONE", 1) // "Incontri": expected 6, actual 8
		in := *o.Indicators[0]
		in.Unit, in.Expected = domain.UnitYesNo, 1
		err := st.UpdateIndicator(ctx, at(ch, in.Version), in.ID, &in)
		var conflict *store.Conflict
		if !errors.As(err, &conflict) || conflict.Message != "l'indicatore ha già valori numerici: non può diventare si/no" {
			t.Fatalf("numeric values to si/no: %v", err)
		}
		_, _, o = objectiveOf(t, st, "AREA DIREZIONE", 1)
		if o.Indicators[0].Unit != domain.UnitCount {
			t.Fatalf("unit changed to %q", o.Indicators[0].Unit)
		}
		in.Unit, in.Expected = domain.UnitNumber, 7 // any other unit is fine
		if err := st.UpdateIndicator(ctx, at(ch, in.Version), in.ID, &in); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("FrozenAfterApproval", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, _, o := objectiveOf(t, st, "AREA DIREZIONE", 1)
		if err := st.ApprovePlan(ctx, store.CLI, 2023, 1, "Delibera CdA n. 12 del 30/01/2023", time.Date(2023, 1, 30, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		o.Title = "Cambiato"
		if err := st.UpdateObjective(ctx, at(ch, o.Version), o.ID, o); !errors.Is(err, store.ErrPlanFrozen) {
			t.Fatalf("update of approved plan: %v", err)
		}
		v := store.Change{Actor: store.CLI, Version: o.Version, Variation: &store.Variation{On: time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC), Reason: "Nuova normativa"}}
		if err := st.UpdateObjective(ctx, v, o.ID, o); err != nil {
			t.Fatal(err)
		}
		vars, err := st.ListVariations(ctx, 2023)
		if err != nil {
			t.Fatal(err)
		}
		if len(vars) != 1 || vars[0].Reason != "Nuova normativa" || vars[0].Action != "update" {
			t.Fatalf("variations = %+v", vars)
		}
	})
}
