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

// TestStore_SetMeasure_PeriodOverrides: the director's override of one
// period is stored, read back, counted at its period only, audited with
// the indicator, seen by the next load (the data version), refused on a
// period of another cycle and removed.
func TestStore_SetMeasure_PeriodOverrides(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ch := store.Change{Actor: store.CLI}
	st := MustImportDemo(t)
	c, _, o := objectiveOf(t, st, "AREA DIREZIONE", 2)
	second := o.Indicators[1]
	first, last := c.Periods[0].EndsOn, c.Periods[len(c.Periods)-1].EndsOn
	june := plan.PeriodOverride{Period: first, Pct: 80.5, Reason: "Dato del gestionale incompleto"}
	wide := &plan.Override{Pct: 60, Reason: "Per l'anno"}
	if err := st.SetMeasure(ctx, at(ch, second.Version), second.ID, store.Measure{Override: wide, Overrides: []plan.PeriodOverride{june}}); err != nil {
		t.Fatal(err)
	}
	c, _, o = objectiveOf(t, st, "AREA DIREZIONE", 2)
	in := o.Indicators[1]
	if len(in.Overrides) != 1 || !in.Overrides[0].Period.Equal(first) || in.Overrides[0].Pct != 80.5 || in.Overrides[0].Reason != june.Reason {
		t.Fatalf("overrides read back: %+v", in.Overrides)
	}
	if in.Override == nil || *in.Override != *wide {
		t.Fatalf("override read back: %+v", in.Override)
	}
	c.EvaluateAt(first, last.AddDate(1, 0, 0))
	if !in.Overridden || in.InForce.Pct != 80.5 || !in.InForce.Period.Equal(first) {
		t.Errorf("at %s: overridden %v by %+v, want the period's own", first.Format(time.DateOnly), in.Overridden, in.InForce)
	}
	c.EvaluateAt(last, last.AddDate(1, 0, 0))
	if !in.Overridden || in.InForce.Pct != 60 || !in.InForce.Period.IsZero() {
		t.Errorf("at %s: overridden %v by %+v, want the indicator's own", last.Format(time.DateOnly), in.Overridden, in.InForce)
	}

	// Audited with the indicator: its overrides of single periods in words.
	var before, after string
	if err := st.Pool().QueryRow(ctx, `
		SELECT old_value->>'period_overrides', new_value->>'period_overrides' FROM audit_log
		WHERE entity = 'indicator' AND entity_id = $1 ORDER BY id DESC LIMIT 1`, second.ID).Scan(&before, &after); err != nil {
		t.Fatal(err)
	}
	if want := first.Format("02/01/2006") + ": 80,5% (Dato del gestionale incompleto)"; before != "" || after != want {
		t.Errorf("audit: %q -> %q, want \"\" -> %q", before, after, want)
	}

	// A write to the overrides alone is seen by the next load: the table
	// bumps the data version.
	if _, err := st.Pool().Exec(ctx, `UPDATE indicator_overrides SET pct = 70 WHERE indicator_id = $1`, second.ID); err != nil {
		t.Fatal(err)
	}
	_, _, o = objectiveOf(t, st, "AREA DIREZIONE", 2)
	if got := o.Indicators[1].Overrides; len(got) != 1 || got[0].Pct != 70 {
		t.Errorf("after a write to indicator_overrides, the load reads %+v", got)
	}

	// A period of another cycle: nothing changes.
	c24 := mustLoad(t, st, 2024)
	in = o.Indicators[1]
	err := st.SetMeasure(ctx, at(ch, in.Version), in.ID, store.Measure{Overrides: []plan.PeriodOverride{{Period: c24.Periods[0].EndsOn, Pct: 50, Reason: "x"}}})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a period of 2024 on a 2023 indicator: %v", err)
	}
	_, _, o = objectiveOf(t, st, "AREA DIREZIONE", 2)
	if got := o.Indicators[1]; len(got.Overrides) != 1 || got.Override == nil {
		t.Errorf("after a refused write: %+v, %+v", got.Overrides, got.Override)
	}

	// Removed.
	if err := st.SetMeasure(ctx, at(ch, o.Indicators[1].Version), second.ID, store.Measure{}); err != nil {
		t.Fatal(err)
	}
	_, _, o = objectiveOf(t, st, "AREA DIREZIONE", 2)
	if got := o.Indicators[1]; len(got.Overrides) != 0 || got.Override != nil {
		t.Errorf("after removing: %+v, %+v", got.Overrides, got.Override)
	}
}
