package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// centreShape is what LoadCentreFigures reads of a centre, as comparable
// values: everything its figures are computed from, and the figures at
// every period.
func centreShape(c *plan.Cycle, ce *plan.Centre, today time.Time) []any {
	out := []any{c.ID, c.Year, c.Organisation, c.Bands, c.Rules, c.Periods, ce.ID, ce.CentreID, ce.Name, ce.Manager}
	for _, o := range ce.Objectives {
		out = append(out, o.ID, o.Section, o.Number, o.Title, o.Weight)
		for _, a := range o.Activities {
			out = append(out, a.ID, a.Description, a.Planned, a.Progress)
		}
		for _, in := range o.Indicators {
			out = append(out, in.ID, in.Name, in.Unit, in.Polarity, in.Weight, in.Expected, in.Values, in.Targets, in.Neutralised, in.Override)
		}
		for _, r := range o.Reports {
			out = append(out, r.Period, r.Status)
		}
	}
	for _, p := range c.Periods {
		c.EvaluateAt(p.EndsOn, today)
		out = append(out, ce.Achievement, ce.Pending)
		for _, o := range ce.Objectives {
			out = append(out, o.Achievement, o.Band, o.Pending)
		}
	}
	return out
}

// TestStore_LoadCentreFigures reads each centre of a cycle alone, by
// LoadCentreFigures and by the loader restricted to it (as a submission
// reads it), and compares it with the same centre of LoadCycle: the same
// plan, data and rules, and the same figures at every period. The cycle is the demo as
// 2030 with rules, an intermediate target, a neutralised indicator and an
// override set, so that each is read.
func TestStore_LoadCentreFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	text := strings.ReplaceAll(strings.Replace(string(demo.Cycle2023()), `"year": 2023`, `"year": 2030`, 1), `"2023-`, `"2030-`)
	text = strings.ReplaceAll(text, `"2024-`, `"2031-`)
	var doc map[string]any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	doc["rules"] = map[string]any{"rounding": "intero_troncato", "cap": 120}
	inds := func(c, o int) []any {
		return doc["centres"].([]any)[c].(map[string]any)["objectives"].([]any)[o].(map[string]any)["indicators"].([]any)
	}
	inds(0, 1)[0].(map[string]any)["neutralised"] = map[string]any{"reason": "dato non pertinente", "by": "nucleo"}
	inds(0, 1)[1].(map[string]any)["override"] = map[string]any{"achievement": 90, "reason": "atti in bozza"}
	inds(0, 0)[0].(map[string]any)["targets"] = []any{map[string]any{"period": "2030-06-30", "target": 3}}
	b, _ := json.Marshal(doc)
	c, err := interchange.Read(strings.NewReader(string(b)), richtext.NewPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportCycle(ctx, store.Actor{Name: "test"}, c); err != nil {
		t.Fatal(err)
	}
	today := domain.Today(time.Now())
	for _, year := range []int{2023, 2024, 2030} {
		whole := mustLoad(t, st, year)
		for _, ce := range whole.Centres {
			one, oce, err := st.LoadCentreFigures(ctx, year, ce.CentreID)
			if err != nil {
				t.Fatalf("%d %s: %v", year, ce.Name, err)
			}
			if len(one.Centres) != 1 || one.Centres[0] != oce {
				t.Fatalf("%d %s: %d centres", year, ce.Name, len(one.Centres))
			}
			want := centreShape(whole, ce, today)
			if got := centreShape(one, oce, today); !reflect.DeepEqual(got, want) {
				t.Errorf("%d %s:\n got %v\nwant %v", year, ce.Name, got, want)
			}
			only, err := st.LoadCentreTx(ctx, year, ce.ID)
			if err != nil {
				t.Fatalf("%d %s restricted: %v", year, ce.Name, err)
			}
			if len(only.Centres) != 1 {
				t.Fatalf("%d %s restricted: %d centres", year, ce.Name, len(only.Centres))
			}
			if got := centreShape(only, only.Centres[0], today); !reflect.DeepEqual(got, want) {
				t.Errorf("%d %s restricted:\n got %v\nwant %v", year, ce.Name, got, want)
			}
			if got, want := only.Centres[0], ce; !reflect.DeepEqual(got.Submissions, want.Submissions) || !reflect.DeepEqual(got.Reopenings, want.Reopenings) {
				t.Errorf("%d %s restricted: submissions %v, reopenings %v; want %v, %v", year, ce.Name, got.Submissions, got.Reopenings, want.Submissions, want.Reopenings)
			}
		}
	}
	if _, _, err := st.LoadCentreFigures(ctx, 2022, mustLoad(t, st, 2023).Centres[0].CentreID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a cycle that does not exist: %v", err)
	}
	if _, _, err := st.LoadCentreFigures(ctx, 2023, domain.CentreID(1<<40)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a centre not in the cycle: %v", err)
	}
	if _, err := st.LoadCentreTx(ctx, 2023, mustLoad(t, st, 2024).Centres[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a centre of another cycle, restricted: %v", err)
	}
}
