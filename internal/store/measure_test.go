package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/store"
)

func TestStore_SetMeasure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ch := store.Change{Actor: store.CLI}
	st := MustImportDemo(t)
	// AREA DIREZIONE objective 2: 1 of 1, 0 of 1, "no" for "si" = 33.3.
	_, _, o := objectiveOf(t, st, "AREA DIREZIONE", 2)
	second, third := o.Indicators[1], o.Indicators[2]

	// An act of measurement: no variation needed on the approved 2023 plan.
	if err := st.SetMeasure(ctx, at(ch, second.Version), second.ID, store.Measure{
		Override: &plan.Override{Pct: 100, Reason: "Attività svolta da altro ente"}}); err != nil {
		t.Fatal(err)
	}
	_, _, o = objectiveOf(t, st, "AREA DIREZIONE", 2)
	if got := o.Indicators[1].Override; got == nil || got.Pct != 100 || got.Reason != "Attività svolta da altro ente" {
		t.Fatalf("override = %+v", got)
	}
	// (100 + 100 + 0) / 3 = 66.7, parzialmente raggiunto.
	if o.Achievement == nil || domain.Round1(*o.Achievement) != 66.7 || o.Band != domain.PartlyReached {
		t.Fatalf("with the override: %v %q", o.Achievement, o.Band)
	}

	if err := st.SetMeasure(ctx, at(ch, third.Version), third.ID, store.Measure{
		Neutralised: &plan.Neutralisation{Reason: "Norma abrogata", By: "nucleo"}}); err != nil {
		t.Fatal(err)
	}
	_, _, o = objectiveOf(t, st, "AREA DIREZIONE", 2)
	// (100 + 100) / 2 = 100.
	if o.Achievement == nil || *o.Achievement != 100 || o.Band != domain.Reached {
		t.Fatalf("with the neutralisation: %v %q", o.Achievement, o.Band)
	}

	// Read at an old version: stale.
	var stale *store.StaleError
	if err := st.SetMeasure(ctx, at(ch, second.Version), second.ID, store.Measure{}); !errors.As(err, &stale) {
		t.Fatalf("stale write: %v", err)
	}
	// A reason is required (the schema's constraint).
	err := st.SetMeasure(ctx, at(ch, o.Indicators[1].Version), second.ID, store.Measure{Override: &plan.Override{Pct: 50, Reason: " "}})
	var conflict *store.Conflict
	if !errors.As(err, &conflict) {
		t.Fatalf("override without a reason: %v", err)
	}
}

func TestStore_UpdateCycleSettings_Rules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	variation := store.Change{Actor: store.CLI, Version: 1, Variation: &store.Variation{On: time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC), Reason: "Nuovo SMVP"}}
	rules := domain.Rules{Rounding: domain.TruncateWhole, Cap: 120}
	if err := st.UpdateCycleSettings(ctx, variation, 2023, domain.DefaultBands(), rules); err != nil {
		t.Fatal(err)
	}
	c := mustLoad(t, st, 2023)
	if c.Rules != rules {
		t.Fatalf("rules = %+v", c.Rules)
	}
	// The carry-over takes the rules along.
	c24 := mustLoad(t, st, 2024)
	if err := st.UpdateCycleSettings(ctx, store.Change{Actor: store.CLI, Version: c24.Version}, 2024, domain.DefaultBands(), rules); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CarryOver(ctx, store.CLI, 2024); err != nil {
		t.Fatal(err)
	}
	if c := mustLoad(t, st, 2025); c.Rules != rules {
		t.Fatalf("2025 rules = %+v", c.Rules)
	}
	err := st.UpdateCycleSettings(ctx, store.Change{Actor: store.CLI, Version: c24.Version + 1}, 2024, domain.DefaultBands(), domain.Rules{Cap: 90})
	wantConflict(t, err, domain.Rules{Cap: 90}.Validate().Error())
}
