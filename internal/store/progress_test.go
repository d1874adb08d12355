package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/store"
)

// objectiveIn finds the objective number of centre in the cycle of year,
// and the period of the cycle ending on end.
func objectiveIn(t *testing.T, st *store.Store, year int, centre string, number int, end string) (*plan.Cycle, *plan.Objective, int64) {
	t.Helper()
	c, err := st.LoadCycle(context.Background(), year)
	if err != nil {
		t.Fatal(err)
	}
	var pid int64
	for _, p := range c.Periods {
		if p.EndsOn.Format(time.DateOnly) == end {
			pid = p.ID
		}
	}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			if ce.Name == centre && o.Number == number && pid != 0 {
				return c, o, pid
			}
		}
	}
	t.Fatalf("no objective %d of %s in %d at %s", number, centre, year, end)
	return nil, nil, 0
}

func TestStore_SaveProgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	ch := store.Change{Actor: store.CLI}
	_, o, pid := objectiveIn(t, st, 2024, "AREA FINANZIARIA", 1, "2024-03-31")
	_, other, _ := objectiveIn(t, st, 2024, "AREA FINANZIARIA", 2, "2024-03-31")
	_, _, pid2023 := objectiveIn(t, st, 2023, "AREA FINANZIARIA", 1, "2023-03-31")
	three := 3.0

	t.Run("ErrNotFound", func(t *testing.T) {
		before := mustCount(t, st, `SELECT count(*) FROM audit_log`)
		p := plan.ObjectiveProgress{Values: []plan.ValueEntry{{IndicatorID: o.Indicators[0].ID, Value: &three}}}
		if err := st.SaveProgress(ctx, ch, o.ID, pid2023, p); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a period of another cycle: %v, want ErrNotFound", err)
		}
		foreign := plan.ObjectiveProgress{Values: []plan.ValueEntry{{IndicatorID: o.Indicators[0].ID, Value: &three}, {IndicatorID: other.Indicators[0].ID, Value: &three}}}
		if err := st.SaveProgress(ctx, ch, o.ID, pid, foreign); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another objective's indicator: %v, want ErrNotFound", err)
		}
		if mustCount(t, st, `SELECT count(*) FROM indicator_values WHERE period_id = $1`, pid) != 0 ||
			mustCount(t, st, `SELECT count(*) FROM progress_reports WHERE period_id = $1`, pid) != 0 {
			t.Error("a refused save wrote values")
		}
		if after := mustCount(t, st, `SELECT count(*) FROM audit_log`); after != before {
			t.Errorf("a refused save was audited (%d -> %d)", before, after)
		}
	})

	t.Run("NotMeasurableNeedsReason", func(t *testing.T) {
		_, err := st.Pool().Exec(ctx, `INSERT INTO indicator_values (indicator_id, period_id, not_measurable) VALUES ($1, $2, true)`, o.Indicators[0].ID, pid)
		if err == nil {
			t.Fatal("a value not measurable without a reason was stored")
		}
	})

	t.Run("Stale", func(t *testing.T) {
		p := plan.ObjectiveProgress{Values: []plan.ValueEntry{{IndicatorID: o.Indicators[0].ID, Value: &three}}, Status: "in linea"}
		if err := st.SaveProgress(ctx, ch, o.ID, pid, p); err != nil {
			t.Fatal(err)
		}
		p.Status = "critico"
		wantStale(t, st.SaveProgress(ctx, ch, o.ID, pid, p), "progress", 0, 1, []string{"cli"},
			[]string{"status", "values"})
		c, err := st.LoadCycle(ctx, 2024)
		if err != nil {
			t.Fatal(err)
		}
		_, again, _ := c.ObjectiveByID(o.ID)
		r := again.ReportAt(c.Periods[0].EndsOn)
		if r == nil || r.Status != "in linea" || r.Version != 1 {
			t.Errorf("report after a stale save: %+v", r)
		}
	})
}

func TestStore_SetTargets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	ch := store.Change{Actor: store.CLI}
	_, o, pid := objectiveIn(t, st, 2024, "AREA FINANZIARIA", 1, "2024-03-31")
	in := o.Indicators[0]
	two := 2.0
	ch.Version = in.Version
	if err := st.SetTargets(ctx, ch, in.ID, map[int64]*float64{pid: &two}); err != nil {
		t.Fatal(err)
	}
	c, err := st.LoadCycle(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	_, again, _ := c.ObjectiveByID(o.ID)
	got := again.Indicators[0]
	if tg, ok := got.TargetAt(c.Periods[0].EndsOn); !ok || tg != 2 || got.Version != in.Version+1 {
		t.Errorf("target %v, version %d", tg, got.Version)
	}
	// Read at the old version: refused.
	wantStale(t, st.SetTargets(ctx, ch, in.ID, map[int64]*float64{pid: nil}), "indicator", in.Version, in.Version+1, []string{"cli"}, []string{"targets"})
	// The approved 2023 plan changes only by variation.
	c23, o23, pid23 := objectiveIn(t, st, 2023, "AREA FINANZIARIA", 1, "2023-03-31")
	if err := st.ApprovePlan(ctx, store.CLI, 2023, c23.Version, "Delibera n. 1", time.Date(2023, 1, 31, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	ch.Version = o23.Indicators[0].Version
	if err := st.SetTargets(ctx, ch, o23.Indicators[0].ID, map[int64]*float64{pid23: &two}); !errors.Is(err, store.ErrPlanFrozen) {
		t.Errorf("a target of the approved plan without variation: %v", err)
	}
	// A period of another cycle: not found.
	ch.Version = in.Version + 1
	if err := st.SetTargets(ctx, ch, in.ID, map[int64]*float64{pid23: &two}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a period of another cycle: %v", err)
	}
}

// TestStore_CorrectProgressSaysWhatChanged: the director's correction tells
// the centre's managers (no one else) which values, months, status and
// report changed, old → new; a correction that changes nothing says so.
func TestStore_CorrectProgressSaysWhatChanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	c, o, pid := objectiveIn(t, st, 2024, "AREA FINANZIARIA", 1, "2024-03-31")
	var own, other domain.CentreID
	for _, ce := range c.Centres {
		if ce.Name == "AREA FINANZIARIA" {
			own = ce.CentreID
		} else if other == 0 {
			other = ce.CentreID
		}
	}
	manager, err := st.CreateUser(ctx, store.CLI, store.NewUser{Email: "resp@ente.test", Role: auth.Manager, Centres: []domain.CentreID{own}, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := st.CreateUser(ctx, store.CLI, store.NewUser{Email: "altro@ente.test", Role: auth.Manager, Centres: []domain.CentreID{other}, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var in *plan.Indicator
	for _, x := range o.Indicators {
		if !x.Unit.IsYesNo() && in == nil {
			in = x
		}
	}
	if in == nil || len(o.Activities) == 0 {
		t.Fatal("the objective has no numeric indicator or no activity")
	}
	six, eight := 6.0, 8.0
	may, june := domain.Month{Year: 2024, Month: time.May}, domain.Month{Year: 2024, Month: time.June}
	p := plan.ObjectiveProgress{
		Values:     []plan.ValueEntry{{IndicatorID: in.ID, Value: &six}},
		Activities: []plan.ActivityEntry{{ActivityID: o.Activities[0].ID, Actual: domain.Span{From: &may, To: &may}}},
		Status:     "in linea", TextHTML: "<p>Primo.</p>",
	}
	if err := st.SaveProgress(ctx, store.Change{Actor: store.CLI}, o.ID, pid, p); err != nil {
		t.Fatal(err)
	}
	p.Values[0].Value = &eight
	p.Activities[0].Actual = domain.Span{From: &june, To: &june}
	p.Status, p.TextHTML = "critico", "<p>Corretto.</p>"
	ids, err := st.CorrectProgress(ctx, store.Change{Actor: store.CLI, Version: 1}, o.ID, pid, p, "/correzione")
	if err != nil || len(ids) != 1 {
		t.Fatalf("CorrectProgress = %v, %v; want one notification", ids, err)
	}
	want := fmt.Sprintf("Il direttore ha corretto l'avanzamento dell'obiettivo 1 al 31/03/2024. Valori cambiati: %s 6 → 8; Attività 1: Maggio → Giugno; stato in linea → critico; report modificato.",
		in.Name)
	var text, link string
	if err := st.Pool().QueryRow(ctx, `SELECT text, link FROM notifications WHERE id = $1 AND user_id = $2`, ids[0], manager).Scan(&text, &link); err != nil {
		t.Fatal(err)
	}
	if text != want || link != "/correzione" {
		t.Errorf("the correction's notification:\n%s (%s)\nwant\n%s", text, link, want)
	}
	// Nothing changed: it says so.
	ids, err = st.CorrectProgress(ctx, store.Change{Actor: store.CLI, Version: 2}, o.ID, pid, p, "/correzione")
	if err != nil || len(ids) != 1 {
		t.Fatalf("CorrectProgress again = %v, %v", ids, err)
	}
	if err := st.Pool().QueryRow(ctx, `SELECT text FROM notifications WHERE id = $1`, ids[0]).Scan(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(text, "Nessun valore è cambiato.") {
		t.Errorf("a correction changing nothing: %s", text)
	}
	if n := mustCount(t, st, `SELECT count(*) FROM notifications WHERE user_id = $1`, stranger); n != 0 {
		t.Errorf("another centre's manager got %d notifications", n)
	}
}

// TestStore_SaveProgressAuditSnapshots: the audit record of a save says
// what the progress became as the database then holds it: the next save
// reads, as what it was, exactly what the first one wrote as what it is
// (values, not measurable with its reason, months, an annual activity, an
// entry removed, the report's version).
func TestStore_SaveProgressAuditSnapshots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	_, o, pid := objectiveIn(t, st, 2024, "AREA FINANZIARIA", 1, "2024-03-31")
	two, tenth := 2.0, 0.1
	jan, feb := domain.Month{Year: 2024, Month: time.January}, domain.Month{Year: 2024, Month: time.February}
	saves := []plan.ObjectiveProgress{{
		Values: []plan.ValueEntry{{IndicatorID: o.Indicators[0].ID, Value: &two}, {IndicatorID: o.Indicators[1].ID, NotMeasurable: true, Reason: "  Dati assenti "},
			{IndicatorID: o.Indicators[2].ID, Value: &tenth, Reason: "nota"}},
		Activities: []plan.ActivityEntry{{ActivityID: o.Activities[0].ID, Actual: domain.Span{From: &jan, To: &feb}}, {ActivityID: o.Activities[1].ID, Actual: domain.Span{Annual: true}},
			{ActivityID: o.Activities[2].ID, Reason: "rinviata"}},
		Status: domain.ReportStatus("a rischio"), TextHTML: "<p>uno</p>",
	}, {
		Values:     []plan.ValueEntry{{IndicatorID: o.Indicators[0].ID}}, // removed
		Activities: []plan.ActivityEntry{{ActivityID: o.Activities[0].ID}},
		TextHTML:   "<p>due</p>",
	}, {TextHTML: "<p>tre</p>"}}
	for i, p := range saves {
		if err := st.SaveProgress(ctx, store.Change{Actor: store.CLI, Version: i}, o.ID, pid, p); err != nil {
			t.Fatalf("save %d: %v", i+1, err)
		}
	}
	rows, err := st.Pool().Query(ctx, `
		SELECT a.new_value = b.old_value, a.new_value::text, b.old_value::text
		FROM audit_log a JOIN audit_log b ON b.entity = a.entity AND b.entity_id = a.entity_id AND b.id > a.id
		WHERE a.entity = 'progress' AND a.action = 'save-progress' AND b.action = 'save-progress'
		AND NOT EXISTS (SELECT 1 FROM audit_log m WHERE m.entity = a.entity AND m.entity_id = a.entity_id AND m.id > a.id AND m.id < b.id)
		ORDER BY a.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	pairs := 0
	for rows.Next() {
		var same bool
		var was, read string
		if err := rows.Scan(&same, &was, &read); err != nil {
			t.Fatal(err)
		}
		pairs++
		if !same {
			t.Errorf("save %d wrote as what it is\n%s\nand the next one read as what it was\n%s", pairs, was, read)
		}
	}
	if pairs != 2 {
		t.Fatalf("%d pairs of consecutive saves in the audit log, want 2", pairs)
	}
	var nm bool
	var reason string
	if err := st.Pool().QueryRow(ctx, `SELECT not_measurable, reason FROM indicator_values WHERE indicator_id = $1 AND period_id = $2`,
		o.Indicators[1].ID, pid).Scan(&nm, &reason); err != nil || !nm || reason != "Dati assenti" {
		t.Errorf("indicator 2: not measurable %v, reason %q (%v)", nm, reason, err)
	}
	if n := mustCount(t, st, fmt.Sprintf(`SELECT count(*) FROM indicator_values WHERE indicator_id = %d AND period_id = %d`, o.Indicators[0].ID, pid)); n != 0 {
		t.Errorf("indicator 1 emptied by the second save: %d rows", n)
	}
}
