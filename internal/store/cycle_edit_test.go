package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/pgtest"
	"traguardo/internal/plan"
	"traguardo/internal/store"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// mustLoad reads the cycle of year.
func mustLoad(tb testing.TB, st *store.Store, year int) *plan.Cycle {
	tb.Helper()
	c, err := st.LoadCycle(context.Background(), year)
	if err != nil {
		tb.Fatalf("LoadCycle(%d): %v", year, err)
	}
	return c
}

// mustApprove approves the plan of year.
func mustApprove(tb testing.TB, st *store.Store, year int) {
	tb.Helper()
	if err := st.ApprovePlan(context.Background(), store.CLI, year, mustLoad(tb, st, year).Version, "Delibera CdA n. 12 del 30/01/2023", day(year, 1, 30)); err != nil {
		tb.Fatal(err)
	}
}

// mustCount runs a count query.
func mustCount(tb testing.TB, st *store.Store, sql string, args ...any) int {
	tb.Helper()
	var n int
	if err := st.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}

// wantConflict fails tb unless err is a Conflict with message msg.
func wantConflict(tb testing.TB, err error, msg string) {
	tb.Helper()
	var c *store.Conflict
	if !errors.As(err, &c) || c.Message != msg {
		tb.Fatalf("error = %v, want the conflict %q", err, msg)
	}
}

func periodDays(c *plan.Cycle) []time.Time {
	var out []time.Time
	for _, p := range c.Periods {
		out = append(out, p.EndsOn)
	}
	return out
}

func centreNames(c *plan.Cycle) []string {
	var out []string
	for _, ce := range c.Centres {
		out = append(out, ce.Name+" / "+ce.Manager)
	}
	return out
}

var variation = store.Change{Actor: store.CLI, Variation: &store.Variation{On: day(2023, 6, 15), Reason: "Nuova normativa"}}

func TestStore_CreateCycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if _, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Year: 2025, Periods: []time.Time{day(2025, 6, 30), day(2025, 12, 31)}}); err != nil {
			t.Fatal(err)
		}
		c := mustLoad(t, st, 2025)
		if c.Organisation != "Consorzio IN.RE.TE." || len(c.Centres) != 0 || c.ApprovalAct != "" || c.Bands != domain.DefaultBands() {
			t.Fatalf("created cycle = %+v", c)
		}
		if got := periodDays(c); !slices.Equal(got, []time.Time{day(2025, 6, 30), day(2025, 12, 31)}) {
			t.Fatalf("periods = %v", got)
		}
	})

	t.Run("OKDefaultPeriods", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if _, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Year: 2022}); err != nil {
			t.Fatal(err)
		}
		want := []time.Time{day(2022, 3, 31), day(2022, 6, 30), day(2022, 9, 30), day(2022, 12, 31)}
		if got := periodDays(mustLoad(t, st, 2022)); !slices.Equal(got, want) {
			t.Fatalf("periods = %v, want %v", got, want)
		}
	})

	t.Run("OKNewOrganisation", func(t *testing.T) {
		t.Parallel()
		st := store.New(pgtest.NewDB(t))
		if _, err := st.OrganisationName(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("OrganisationName of an empty installation = %v, want ErrNotFound", err)
		}
		if _, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Organisation: " Comune di Prova ", Year: 2024}); err != nil {
			t.Fatal(err)
		}
		if name, err := st.OrganisationName(ctx); err != nil || name != "Comune di Prova" {
			t.Fatalf("organisation = %q, %v", name, err)
		}
		if c := mustLoad(t, st, 2024); c.Organisation != "Comune di Prova" || len(c.Periods) != 4 {
			t.Fatalf("cycle = %+v", c)
		}
	})

	t.Run("ErrNoOrganisation", func(t *testing.T) {
		t.Parallel()
		st := store.New(pgtest.NewDB(t))
		_, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Year: 2024})
		wantConflict(t, err, "importare prima un piano o indicare il nome dell'ente")
		if n := mustCount(t, st, `SELECT (SELECT count(*) FROM organisations) + (SELECT count(*) FROM cycles)`); n != 0 {
			t.Fatalf("%d rows left", n)
		}
	})

	t.Run("ErrExists", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Year: 2023})
		wantConflict(t, err, "il ciclo 2023 esiste già")
	})

	t.Run("ErrYear", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Year: 1999})
		wantConflict(t, err, "anno non valido: deve essere tra 2000 e 2100")
	})

	t.Run("ErrPeriodOutsideYear", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Year: 2025, Periods: []time.Time{day(2025, 3, 31), day(2026, 3, 31)}})
		wantConflict(t, err, "il periodo del 31/03/2026 non cade nell'anno 2025")
		if _, err := st.LoadCycle(ctx, 2025); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("cycle 2025 after a refused creation: %v", err)
		}
	})

	t.Run("ErrPeriodTwice", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Year: 2025, Periods: []time.Time{day(2025, 3, 31), day(2025, 3, 31)}})
		wantConflict(t, err, "il periodo del 31/03/2025 è indicato due volte")
	})
}

func TestStore_UpdateCycleSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ch := store.Change{Actor: store.CLI}

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if err := st.UpdateCycleSettings(ctx, at(ch, 1), 2023, domain.Bands{Reached: 90, Partial: 30}, domain.Rules{}); err != nil {
			t.Fatal(err)
		}
		c := mustLoad(t, st, 2023)
		if c.Bands != (domain.Bands{Reached: 90, Partial: 30}) {
			t.Fatalf("bands = %+v", c.Bands)
		}
		// AREA DIREZIONE objective 2 is at 33.3: not reached by default,
		// partly reached from 30.
		_, _, o := objectiveOf(t, st, "AREA DIREZIONE", 2)
		if o.Band != domain.PartlyReached {
			t.Fatalf("band with the new thresholds = %q", o.Band)
		}
	})

	t.Run("ErrBands", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		for _, b := range []domain.Bands{{Reached: 50, Partial: 50}, {Reached: 101, Partial: 50}, {Reached: 95, Partial: -1}} {
			err := st.UpdateCycleSettings(ctx, at(ch, 1), 2023, b, domain.Rules{})
			wantConflict(t, err, domain.Bands{}.Validate().Error())
		}
		if c := mustLoad(t, st, 2023); c.Bands != domain.DefaultBands() {
			t.Fatalf("bands after refusals = %+v", c.Bands)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if err := st.UpdateCycleSettings(ctx, ch, 1999, domain.DefaultBands(), domain.Rules{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("error = %v", err)
		}
	})

	t.Run("ErrFrozenThenVariation", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		mustApprove(t, st, 2023)
		if err := st.UpdateCycleSettings(ctx, at(ch, 2), 2023, domain.Bands{Reached: 90, Partial: 40}, domain.Rules{}); !errors.Is(err, store.ErrPlanFrozen) {
			t.Fatalf("error = %v, want ErrPlanFrozen", err)
		}
		if err := st.UpdateCycleSettings(ctx, at(variation, 2), 2023, domain.Bands{Reached: 90, Partial: 40}, domain.Rules{}); err != nil {
			t.Fatal(err)
		}
		vars, err := st.ListVariations(ctx, 2023)
		if err != nil {
			t.Fatal(err)
		}
		if len(vars) != 1 || vars[0].Entity != "cycle" || vars[0].Action != "update" ||
			vars[0].OldValue != `{"version": 2, "rounding": "un_decimale", "band_partial": 50.00, "band_reached": 95.00, "achievement_cap": 100.00}` ||
			vars[0].NewValue != `{"version": 3, "rounding": "un_decimale", "band_partial": 40.00, "band_reached": 90.00, "achievement_cap": 100.00}` {
			t.Fatalf("variations = %+v", vars)
		}
	})
}

func TestStore_Periods(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ch := store.Change{Actor: store.CLI}

	t.Run("AddOK", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		id, err := st.AddPeriod(ctx, ch, 2023, time.Date(2023, 10, 31, 0, 0, 0, 0, time.FixedZone("CET", 3600)))
		if err != nil {
			t.Fatal(err)
		}
		c := mustLoad(t, st, 2023)
		if len(c.Periods) != 5 || c.Periods[3].ID != id || !c.Periods[3].EndsOn.Equal(day(2023, 10, 31)) {
			t.Fatalf("periods = %+v", c.Periods)
		}
	})

	t.Run("AddErrDuplicate", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, err := st.AddPeriod(ctx, ch, 2023, day(2023, 6, 30))
		wantConflict(t, err, "il periodo del 30/06/2023 esiste già")
	})

	t.Run("AddErrOutsideYear", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, err := st.AddPeriod(ctx, ch, 2023, day(2024, 1, 31))
		wantConflict(t, err, "il periodo del 31/01/2024 non cade nell'anno 2023")
	})

	t.Run("DeleteOK", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		c := mustLoad(t, st, 2023)
		last := c.Periods[len(c.Periods)-1]
		n, err := st.PeriodData(ctx, last.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The seed has its data at 31/12.
		var values, progress, reports int
		for _, ce := range c.Centres {
			for _, o := range ce.Objectives {
				for _, in := range o.Indicators {
					values += len(in.Values)
				}
				for _, a := range o.Activities {
					progress += len(a.Progress)
				}
				reports += len(o.Reports)
			}
		}
		if n != (store.PeriodCounts{Values: values, Progress: progress, Reports: reports}) || n.Values == 0 || n.Reports == 0 {
			t.Fatalf("PeriodData = %+v, want %d values, %d progress, %d reports", n, values, progress, reports)
		}
		if err := st.DeletePeriod(ctx, ch, last.ID); err != nil {
			t.Fatal(err)
		}
		c = mustLoad(t, st, 2023)
		if len(c.Periods) != 3 {
			t.Fatalf("%d periods left", len(c.Periods))
		}
		if n := mustCount(t, st, `SELECT (SELECT count(*) FROM indicator_values) + (SELECT count(*) FROM progress_reports) + (SELECT count(*) FROM activity_progress)`); n != 0 {
			t.Fatalf("%d values, progress and reports left", n)
		}
		entries, err := st.ListAudit(ctx, store.AuditFilter{Entity: "period"})
		if err != nil || len(entries) != 1 || entries[0].Action != "delete" {
			t.Fatalf("audit = %+v, %v", entries, err)
		}
	})

	t.Run("DeleteErrLast", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		c := mustLoad(t, st, 2023)
		for _, p := range c.Periods[1:] {
			if err := st.DeletePeriod(ctx, ch, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		err := st.DeletePeriod(ctx, ch, c.Periods[0].ID)
		wantConflict(t, err, "un ciclo deve avere almeno un periodo di monitoraggio")
	})

	t.Run("DeleteErrNotFound", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if err := st.DeletePeriod(ctx, ch, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("error = %v", err)
		}
	})

	t.Run("ErrFrozen", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		mustApprove(t, st, 2023)
		c := mustLoad(t, st, 2023)
		if _, err := st.AddPeriod(ctx, ch, 2023, day(2023, 10, 31)); !errors.Is(err, store.ErrPlanFrozen) {
			t.Fatalf("add: %v", err)
		}
		if err := st.DeletePeriod(ctx, ch, c.Periods[0].ID); !errors.Is(err, store.ErrPlanFrozen) {
			t.Fatalf("delete: %v", err)
		}
		if _, err := st.AddPeriod(ctx, variation, 2023, day(2023, 10, 31)); err != nil {
			t.Fatal(err)
		}
		if err := st.DeletePeriod(ctx, variation, c.Periods[0].ID); err != nil {
			t.Fatal(err)
		}
		vars, err := st.ListVariations(ctx, 2023)
		if err != nil || len(vars) != 2 || vars[0].Entity != "period" || vars[1].Action != "delete" {
			t.Fatalf("variations = %+v, %v", vars, err)
		}
	})
}

func TestStore_DeleteCycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		centres := mustCount(t, st, `SELECT count(*) FROM centres`)
		if err := st.DeleteCycle(ctx, store.CLI, 2023); err != nil {
			t.Fatal(err)
		}
		if _, err := st.LoadCycle(ctx, 2023); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("LoadCycle after delete: %v", err)
		}
		mustLoad(t, st, 2024) // the other cycle stays
		if n := mustCount(t, st, `SELECT count(*) FROM centres`); n != centres {
			t.Fatalf("%d organisational centres, want %d: they outlive cycles", n, centres)
		}
		if n := mustCount(t, st, `SELECT count(*) FROM indicator_values`); n != 0 {
			t.Fatalf("%d values left", n)
		}
	})

	t.Run("ErrApproved", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		mustApprove(t, st, 2023)
		wantConflict(t, st.DeleteCycle(ctx, store.CLI, 2023), "il piano 2023 è approvato: il ciclo non si può eliminare")
		mustLoad(t, st, 2023)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if err := st.DeleteCycle(ctx, store.CLI, 1999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("error = %v", err)
		}
	})
}

func TestStore_Centres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ch := store.Change{Actor: store.CLI}

	t.Run("CreateOK", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		centres := mustCount(t, st, `SELECT count(*) FROM centres`)
		id, err := st.CreateCentre(ctx, ch, 2023, " AREA TECNICA ", "Ing. Rossi")
		if err != nil {
			t.Fatal(err)
		}
		c := mustLoad(t, st, 2023)
		last := c.Centres[len(c.Centres)-1]
		if len(c.Centres) != 7 || last.ID != id || last.Name != "AREA TECNICA" || last.Manager != "Ing. Rossi" {
			t.Fatalf("centres = %v", centreNames(c))
		}
		if n := mustCount(t, st, `SELECT count(*) FROM centres`); n != centres+1 {
			t.Fatalf("%d organisational centres, want %d", n, centres+1)
		}
	})

	t.Run("CreateReusesCentre", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		c := mustLoad(t, st, 2024)
		first := c.Centres[0]
		if err := st.DeleteCentre(ctx, at(ch, first.Version), first.ID); err != nil {
			t.Fatal(err)
		}
		centres := mustCount(t, st, `SELECT count(*) FROM centres`)
		// The same organisational centre, typed in another case.
		id, err := st.CreateCentre(ctx, ch, 2024, "area direzione", "Dott.ssa Bianchi")
		if err != nil {
			t.Fatal(err)
		}
		c = mustLoad(t, st, 2024)
		last := c.Centres[len(c.Centres)-1]
		if last.ID != id || last.CentreID != first.CentreID || last.Name != "AREA DIREZIONE" {
			t.Fatalf("re-created centre = %+v, want the organisational centre %d", last, first.CentreID)
		}
		if n := mustCount(t, st, `SELECT count(*) FROM centres`); n != centres {
			t.Fatalf("%d organisational centres, want %d", n, centres)
		}
	})

	t.Run("CreateErrInCycle", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, err := st.CreateCentre(ctx, ch, 2023, "AREA DIREZIONE", "")
		wantConflict(t, err, `il centro "AREA DIREZIONE" è già in questo ciclo`)
	})

	t.Run("CreateErrName", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, err := st.CreateCentre(ctx, ch, 2023, "  ", "x")
		wantConflict(t, err, "nome del centro mancante")
	})

	t.Run("UpdateOKRenameInPlace", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		id, err := st.CreateCentre(ctx, ch, 2023, "AREA TECNICA", "")
		if err != nil {
			t.Fatal(err)
		}
		centres := mustCount(t, st, `SELECT count(*) FROM centres`)
		if err := st.UpdateCentre(ctx, at(ch, 1), id, "AREA LAVORI PUBBLICI", "Geom. Verdi"); err != nil {
			t.Fatal(err)
		}
		c := mustLoad(t, st, 2023)
		if last := c.Centres[len(c.Centres)-1]; last.Name != "AREA LAVORI PUBBLICI" || last.Manager != "Geom. Verdi" {
			t.Fatalf("updated centre = %+v", last)
		}
		if n := mustCount(t, st, `SELECT count(*) FROM centres`); n != centres {
			t.Fatalf("%d organisational centres, want %d (renamed in place)", n, centres)
		}
	})

	t.Run("UpdateOKSharedKeepsOtherCycle", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		ce := mustLoad(t, st, 2024).Centres[0]
		if err := st.UpdateCentre(ctx, at(ch, ce.Version), ce.ID, "AREA DIREZIONE GENERALE", "Dott. Neri"); err != nil {
			t.Fatal(err)
		}
		// The organisational centre stays (its managers stay bound to it).
		if got := mustLoad(t, st, 2024).Centres[0]; got.Name != "AREA DIREZIONE GENERALE" || got.Manager != "Dott. Neri" || got.CentreID != ce.CentreID {
			t.Fatalf("2024 centre = %+v, want the organisational centre %d kept", got, ce.CentreID)
		}
		if got := mustLoad(t, st, 2023).Centres[0]; got.Name != "AREA DIREZIONE" {
			t.Fatalf("2023 centre renamed too: %+v", got)
		}
	})

	t.Run("UpdateOKReusesCentre", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if _, err := st.CreateCentre(ctx, ch, 2023, "AREA TECNICA", ""); err != nil {
			t.Fatal(err)
		}
		c23 := mustLoad(t, st, 2023)
		tecnica := c23.Centres[len(c23.Centres)-1]
		centres := mustCount(t, st, `SELECT count(*) FROM centres`)
		ce := mustLoad(t, st, 2024).Centres[0]
		if err := st.UpdateCentre(ctx, at(ch, ce.Version), ce.ID, "Area Tecnica", ce.Manager); err != nil {
			t.Fatal(err)
		}
		if got := mustLoad(t, st, 2024).Centres[0]; got.CentreID != tecnica.CentreID || got.Name != "AREA TECNICA" {
			t.Fatalf("2024 centre = %+v, want the organisational centre %d", got, tecnica.CentreID)
		}
		if got := mustLoad(t, st, 2023).Centres[0]; got.Name != "AREA DIREZIONE" {
			t.Fatalf("2023 centre = %+v", got)
		}
		if n := mustCount(t, st, `SELECT count(*) FROM centres`); n != centres {
			t.Fatalf("%d organisational centres, want %d", n, centres)
		}
	})

	t.Run("UpdateErrNameInCycle", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		c := mustLoad(t, st, 2023)
		err := st.UpdateCentre(ctx, at(ch, c.Centres[0].Version), c.Centres[0].ID, c.Centres[1].Name, "")
		wantConflict(t, err, `il centro "`+c.Centres[1].Name+`" è già in questo ciclo`)
		if got := centreNames(mustLoad(t, st, 2023)); !slices.Equal(got, centreNames(c)) {
			t.Fatalf("centres changed: %v", got)
		}
	})

	t.Run("UpdateErrNotFound", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if err := st.UpdateCentre(ctx, ch, 999999, "X", ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("error = %v", err)
		}
	})

	t.Run("MoveOK", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		c := mustLoad(t, st, 2023)
		if err := st.MoveCentre(ctx, ch, c.Centres[1].ID, -1); err != nil {
			t.Fatal(err)
		}
		got := mustLoad(t, st, 2023)
		if got.Centres[0].ID != c.Centres[1].ID || got.Centres[1].ID != c.Centres[0].ID {
			t.Fatalf("order after move = %v", centreNames(got))
		}
		// At the top it stays.
		if err := st.MoveCentre(ctx, ch, c.Centres[1].ID, -1); err != nil {
			t.Fatal(err)
		}
		if got := mustLoad(t, st, 2023); got.Centres[0].ID != c.Centres[1].ID {
			t.Fatalf("order after a move at the top = %v", centreNames(got))
		}
	})

	t.Run("DeleteOK", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		c := mustLoad(t, st, 2023)
		gone := c.Centres[1]
		if err := st.DeleteCentre(ctx, at(ch, gone.Version), gone.ID); err != nil {
			t.Fatal(err)
		}
		got := mustLoad(t, st, 2023)
		if len(got.Centres) != 5 || got.Count().Objectives != c.Count().Objectives-len(gone.Objectives) {
			t.Fatalf("after delete: %v, %+v", centreNames(got), got.Count())
		}
		// Positions stay 0..n-1: a new centre goes last, a move still works.
		if _, err := st.CreateCentre(ctx, ch, 2023, "AREA NUOVA", ""); err != nil {
			t.Fatal(err)
		}
		if err := st.MoveCentre(ctx, ch, got.Centres[4].ID, 1); err != nil {
			t.Fatal(err)
		}
		if names := centreNames(mustLoad(t, st, 2023)); names[4] != "AREA NUOVA / " {
			t.Fatalf("centres = %v", names)
		}
		if n := mustCount(t, st, `SELECT count(*) FROM centres WHERE id = $1`, gone.CentreID); n != 1 {
			t.Fatal("the organisational centre was deleted too")
		}
	})

	t.Run("ErrFrozenThenVariation", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		mustApprove(t, st, 2023)
		c := mustLoad(t, st, 2023)
		if _, err := st.CreateCentre(ctx, ch, 2023, "AREA TECNICA", ""); !errors.Is(err, store.ErrPlanFrozen) {
			t.Fatalf("create: %v", err)
		}
		if err := st.UpdateCentre(ctx, at(ch, 1), c.Centres[0].ID, "X", ""); !errors.Is(err, store.ErrPlanFrozen) {
			t.Fatalf("update: %v", err)
		}
		if err := st.MoveCentre(ctx, ch, c.Centres[1].ID, -1); !errors.Is(err, store.ErrPlanFrozen) {
			t.Fatalf("move: %v", err)
		}
		if err := st.DeleteCentre(ctx, at(ch, 1), c.Centres[0].ID); !errors.Is(err, store.ErrPlanFrozen) {
			t.Fatalf("delete: %v", err)
		}
		if got := centreNames(mustLoad(t, st, 2023)); !slices.Equal(got, centreNames(c)) {
			t.Fatalf("centres changed: %v", got)
		}
		if err := st.UpdateCentre(ctx, at(variation, c.Centres[0].Version), c.Centres[0].ID, c.Centres[0].Name, "Dott. Nuovo"); err != nil {
			t.Fatal(err)
		}
		vars, err := st.ListVariations(ctx, 2023)
		if err != nil || len(vars) != 1 || vars[0].Entity != "centre" ||
			vars[0].OldValue != `{"name": "AREA DIREZIONE", "manager": "", "version": 1, "position": 0}` ||
			vars[0].NewValue != `{"name": "AREA DIREZIONE", "manager": "Dott. Nuovo", "version": 2, "position": 0}` {
			t.Fatalf("variations = %+v, %v", vars, err)
		}
	})
}

func TestStore_CarryOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	// The demo holds 2024 carried over from 2023; this checks it against
	// 2023 field by field.
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		requireCarriedOver(t, mustLoad(t, st, 2023), mustLoad(t, st, 2024))
	})

	t.Run("OKAgain", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if err := st.UpdateCycleSettings(ctx, store.Change{Actor: store.CLI, Version: 1}, 2024, domain.Bands{Reached: 90, Partial: 45}, domain.Rules{}); err != nil {
			t.Fatal(err)
		}
		mustApprove(t, st, 2024)
		year, err := st.CarryOver(ctx, store.CLI, 2024)
		if err != nil || year != 2025 {
			t.Fatalf("CarryOver(2024) = %d, %v", year, err)
		}
		from, to := mustLoad(t, st, 2024), mustLoad(t, st, 2025)
		requireCarriedOver(t, from, to)
		if to.Bands != (domain.Bands{Reached: 90, Partial: 45}) {
			t.Fatalf("bands = %+v", to.Bands)
		}
		entries, err := st.ListAudit(ctx, store.AuditFilter{Entity: "cycle"})
		if err != nil || entries[0].Action != "carry-over" || *entries[0].EntityID != to.ID {
			t.Fatalf("audit = %+v, %v", entries, err)
		}
	})

	t.Run("ErrExists", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		_, err := st.CarryOver(ctx, store.CLI, 2023)
		wantConflict(t, err, "il ciclo 2024 esiste già")
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if _, err := st.CarryOver(ctx, store.CLI, 2010); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("error = %v", err)
		}
	})

	t.Run("AllOrNothing", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		tables := `SELECT (SELECT count(*) FROM cycles) || ' ' || (SELECT count(*) FROM periods) || ' ' ||
			(SELECT count(*) FROM cycle_centres) || ' ' || (SELECT count(*) FROM objective_groups) || ' ' ||
			(SELECT count(*) FROM objectives) || ' ' || (SELECT count(*) FROM activities) || ' ' ||
			(SELECT count(*) FROM indicators) || ' ' || (SELECT count(*) FROM audit_log)`
		var before string
		if err := st.Pool().QueryRow(ctx, tables).Scan(&before); err != nil {
			t.Fatal(err)
		}
		// The very last step fails: every row written before it must go.
		// (A trigger is the owner's to create.)
		if _, err := pgtest.Owner(t, st.Pool()).Exec(ctx, `
			CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END; $$;
			CREATE TRIGGER refuse BEFORE INSERT ON indicators FOR EACH ROW EXECUTE FUNCTION refuse();`); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CarryOver(ctx, store.CLI, 2024); err == nil {
			t.Fatal("carry over with a failing step succeeded")
		}
		var after string
		if err := st.Pool().QueryRow(ctx, tables).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Fatalf("rows (cycles periods centres groups objectives activities indicators audit) = %s after a failed carry over, %s before", after, before)
		}
	})
}

// requireCarriedOver checks that to is from a year later, with no data.
func requireCarriedOver(t *testing.T, from, to *plan.Cycle) {
	t.Helper()
	if to.Year != from.Year+1 || to.Organisation != from.Organisation || to.Bands != from.Bands || to.ApprovalAct != "" || to.ApprovedOn != nil {
		t.Fatalf("cycle %d: year, organisation, bands or approval not carried over right: %+v", to.Year, to)
	}
	if len(to.Periods) != len(from.Periods) {
		t.Fatalf("%d periods, want %d", len(to.Periods), len(from.Periods))
	}
	for i, p := range from.Periods {
		if want := p.EndsOn.AddDate(1, 0, 0); !to.Periods[i].EndsOn.Equal(want) {
			t.Errorf("period %d ends %v, want %v", i, to.Periods[i].EndsOn, want)
		}
	}
	if len(to.Centres) != len(from.Centres) {
		t.Fatalf("%d centres, want %d", len(to.Centres), len(from.Centres))
	}
	year := to.Year
	shift := func(m *domain.Month) *domain.Month {
		if m == nil {
			return nil
		}
		return &domain.Month{Year: m.Year + 1, Month: m.Month}
	}
	for i, fc := range from.Centres {
		tc := to.Centres[i]
		if tc.Name != fc.Name || tc.Manager != fc.Manager || tc.CentreID != fc.CentreID || tc.ID == fc.ID {
			t.Errorf("centre %d = %q/%q (%d), want %q/%q (%d)", i, tc.Name, tc.Manager, tc.CentreID, fc.Name, fc.Manager, fc.CentreID)
			continue
		}
		if len(tc.Objectives) != len(fc.Objectives) {
			t.Errorf("%s: %d objectives, want %d", fc.Name, len(tc.Objectives), len(fc.Objectives))
			continue
		}
		for j, fo := range fc.Objectives {
			no := tc.Objectives[j]
			if no.Section != fo.Section || no.Number != fo.Number || no.Title != fo.Title || no.StrategicArea != fo.StrategicArea ||
				no.OperationalObjective != fo.OperationalObjective || no.PEGProject != fo.PEGProject || no.Services != fo.Services ||
				no.EndUsers != fo.EndUsers || no.Networks != fo.Networks || no.DescriptionHTML != fo.DescriptionHTML ||
				!equalPtr(no.Weight, fo.Weight) || no.Group != fo.Group {
				t.Errorf("%s objective %d: fields differ", fc.Name, fo.Number)
			}
			if len(no.Reports) != 0 {
				t.Errorf("%s objective %d: %d reports carried over", fc.Name, fo.Number, len(no.Reports))
			}
			if len(no.Activities) != len(fo.Activities) || len(no.Indicators) != len(fo.Indicators) {
				t.Errorf("%s objective %d: %d activities and %d indicators, want %d and %d", fc.Name, fo.Number,
					len(no.Activities), len(no.Indicators), len(fo.Activities), len(fo.Indicators))
				continue
			}
			for k, fa := range fo.Activities {
				ta := no.Activities[k]
				want := domain.Span{From: shift(fa.Planned.From), To: shift(fa.Planned.To), Annual: fa.Planned.Annual}
				if ta.Description != fa.Description || !equalSpan(ta.Planned, want) || len(ta.Progress) != 0 {
					t.Errorf("%s objective %d activity %d: planned %v, want %v (%d progress)", fc.Name, fo.Number, k+1,
						ta.Planned.Label(year), want.Label(year), len(ta.Progress))
				}
			}
			for k, fi := range fo.Indicators {
				ti := no.Indicators[k]
				if ti.Name != fi.Name || ti.Description != fi.Description || ti.Unit != fi.Unit || ti.Polarity != fi.Polarity ||
					!equalPtr(ti.Weight, fi.Weight) || ti.Expected != fi.Expected || len(ti.Values) != 0 || ti.Neutralised != nil || ti.Actual != nil {
					t.Errorf("%s objective %d indicator %d: %+v, want the definition of %+v and no values", fc.Name, fo.Number, k+1, ti, fi)
				}
			}
		}
	}
}

func equalPtr(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func equalMonth(a, b *domain.Month) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func equalSpan(a, b domain.Span) bool {
	return a.Annual == b.Annual && equalMonth(a.From, b.From) && equalMonth(a.To, b.To)
}
