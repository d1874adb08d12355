package store_test

import (
	"context"
	"errors"
	"testing"

	"traguardo/internal/plan"
	"traguardo/internal/store"
)

// planOf copies the plan items of c, without ids or monitoring data: what a
// spreadsheet carries.
func planOf(c *plan.Cycle) *plan.Cycle {
	out := &plan.Cycle{Year: c.Year}
	for _, ce := range c.Centres {
		nc := &plan.Centre{Name: ce.Name, Manager: ce.Manager}
		for _, o := range ce.Objectives {
			no := *o
			no.ID, no.Activities, no.Indicators, no.Reports, no.Achievement, no.Band = 0, nil, nil, nil, nil, ""
			for _, a := range o.Activities {
				no.Activities = append(no.Activities, &plan.Activity{Description: a.Description, Planned: a.Planned})
			}
			for _, in := range o.Indicators {
				no.Indicators = append(no.Indicators, &plan.Indicator{Name: in.Name, Description: in.Description,
					Unit: in.Unit, Polarity: in.Polarity, Weight: in.Weight, Expected: in.Expected})
			}
			nc.Objectives = append(nc.Objectives, &no)
		}
		out.Centres = append(out.Centres, nc)
	}
	return out
}

func TestStore_ImportPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	c2023, err := st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	// The demo has 2023 and its carry-over 2024; 2025 starts empty.
	if _, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Year: 2025}); err != nil {
		t.Fatal(err)
	}

	actor := store.Actor{Name: "direttore@traguardo.test"}
	if err := st.ImportPlan(ctx, actor, 2025, planOf(c2023)); err != nil {
		t.Fatal(err)
	}
	c2025, err := st.LoadCycle(ctx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c2025.Count(), c2023.Count(); got != want {
		t.Fatalf("2025 counts = %+v, want %+v", got, want)
	}
	if len(c2025.Periods) != 4 || c2025.Periods[0].EndsOn.Year() != 2025 {
		t.Errorf("2025 periods = %v: the cycle keeps its own", c2025.Periods)
	}
	for i, ce := range c2023.Centres {
		nc := c2025.Centres[i]
		if nc.Name != ce.Name || nc.CentreID != ce.CentreID || nc.ID == ce.ID {
			t.Errorf("centre %d: 2025 %q (unit %d, row %d), 2023 %q (unit %d, row %d): want the same unit in a new row",
				i, nc.Name, nc.CentreID, nc.ID, ce.Name, ce.CentreID, ce.ID)
		}
		for j, o := range ce.Objectives {
			no := nc.Objectives[j]
			if no.Title != o.Title || no.Number != o.Number || no.Section != o.Section || no.DescriptionHTML != o.DescriptionHTML ||
				no.Group != o.Group || len(no.Activities) != len(o.Activities) || len(no.Indicators) != len(o.Indicators) {
				t.Errorf("%s objective %d differs", ce.Name, o.Number)
				continue
			}
			for k, a := range o.Activities {
				if na := no.Activities[k]; na.Description != a.Description || na.Planned.Label(2023) != a.Planned.Label(2023) || len(na.Progress) != 0 {
					t.Errorf("%s objective %d activity %d differs", ce.Name, o.Number, k+1)
				}
			}
			for k, in := range o.Indicators {
				if ni := no.Indicators[k]; ni.Name != in.Name || ni.Unit != in.Unit || ni.Expected != in.Expected || len(ni.Values) != 0 {
					t.Errorf("%s objective %d indicator %d differs", ce.Name, o.Number, k+1)
				}
			}
		}
	}
	entries, err := st.ListAudit(ctx, store.AuditFilter{Actor: actor.Name})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Action != "import-plan" || entries[0].Entity != "cycle" || entries[0].EntityID == nil || *entries[0].EntityID != c2025.ID {
		t.Errorf("audit = %+v, want one import-plan of cycle %d", entries, c2025.ID)
	}

	// A cycle with a plan refuses another one, and nothing changes.
	err = st.ImportPlan(ctx, actor, 2025, planOf(c2023))
	var conflict *store.Conflict
	if !errors.As(err, &conflict) || conflict.Message != "il ciclo contiene già un piano: caricare il foglio in un ciclo vuoto" {
		t.Errorf("second import: %v, want the conflict", err)
	}
	if err := st.ImportPlan(ctx, actor, 2023, planOf(c2023)); !errors.As(err, &conflict) {
		t.Errorf("import into 2023: %v, want a conflict", err)
	}
	if again, err := st.LoadCycle(ctx, 2025); err != nil || again.Count() != c2023.Count() {
		t.Errorf("after the refusals: %v, %+v", err, again.Count())
	}
	if err := st.ImportPlan(ctx, actor, 2030, planOf(c2023)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("import into a missing cycle: %v, want ErrNotFound", err)
	}
}

// A plan that breaks a rule of the database writes nothing at all.
func TestStore_ImportPlan_AllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	c2023, err := st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Year: 2025}); err != nil {
		t.Fatal(err)
	}
	bad := planOf(c2023)
	last := bad.Centres[len(bad.Centres)-1]
	dup := *last.Objectives[0]
	last.Objectives = append(last.Objectives, &dup) // same section and number
	err = st.ImportPlan(ctx, store.CLI, 2025, bad)
	var conflict *store.Conflict
	if !errors.As(err, &conflict) {
		t.Fatalf("import of a plan with a repeated number: %v, want a conflict", err)
	}
	c2025, err := st.LoadCycle(ctx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if n := c2025.Count(); n != (plan.Counts{}) {
		t.Errorf("the refused import wrote %+v", n)
	}
}
