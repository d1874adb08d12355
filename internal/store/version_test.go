package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"traguardo/internal/audit"
	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/store"
)

// wantStale fails t unless err is a StaleError of entity read at read, now
// at version, whose changes since were made by by and touched fields.
func wantStale(t *testing.T, err error, entity audit.Entity, read, version int, by []string, fields []string) {
	t.Helper()
	var stale *store.StaleError
	if !errors.As(err, &stale) {
		t.Fatalf("error = %v, want a StaleError", err)
	}
	if stale.Entity != entity || stale.Read != read || stale.Version != version ||
		!slices.Equal(stale.By(), by) || !slices.Equal(stale.Fields(), fields) || stale.At().IsZero() {
		t.Fatalf("stale = %+v (by %q, fields %q), want %s read at %d, now %d, by %q, fields %q",
			stale, stale.By(), stale.Fields(), entity, read, version, by, fields)
	}
}

func TestStore_Version(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("Objective", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		anna := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "anna@traguardo.test", Name: "Anna Bianchi", Role: auth.Director}, "password-anna-12")
		ch := store.Change{Actor: store.Actor{UserID: &anna, Name: "anna@traguardo.test"}}
		_, _, o := objectiveOf(t, st, "AREA DIREZIONE", 1)
		if o.Version != 1 {
			t.Fatalf("an imported objective is at version %d, want 1", o.Version)
		}
		mine, theirs := *o, *o
		theirs.Title, theirs.Services = "Titolo di Anna", "Servizi di Anna"
		if err := st.UpdateObjective(ctx, at(ch, 1), o.ID, &theirs); err != nil {
			t.Fatal(err)
		}
		audits := len(mustAudit(t, st, "objective"))

		// Read at 1, now at 2: refused, with who changed what.
		mine.Title = "Titolo di Carlo"
		err := st.UpdateObjective(ctx, at(store.Change{Actor: store.CLI}, 1), o.ID, &mine)
		wantStale(t, err, "objective", 1, 2, []string{"Anna Bianchi"}, []string{"services", "title"})
		err = st.DeleteObjective(ctx, at(store.Change{Actor: store.CLI}, 1), o.ID)
		wantStale(t, err, "objective", 1, 2, []string{"Anna Bianchi"}, []string{"services", "title"})
		if _, _, got := objectiveOf(t, st, "AREA DIREZIONE", 1); got.Title != "Titolo di Anna" || got.Version != 2 {
			t.Fatalf("after refusals: title %q, version %d", got.Title, got.Version)
		}
		if n := len(mustAudit(t, st, "objective")); n != audits {
			t.Fatalf("refusals wrote %d audit entries", n-audits)
		}

		// A move changes the order, not the objective: no version.
		if err := st.MoveObjective(ctx, ch, o.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, _, got := objectiveOf(t, st, "AREA DIREZIONE", 1); got.Version != 2 {
			t.Fatalf("after a move: version %d, want 2", got.Version)
		}

		// Read at 2: saved, then deleted at 3.
		if err := st.UpdateObjective(ctx, at(store.Change{Actor: store.CLI}, 2), o.ID, &mine); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteObjective(ctx, at(ch, 3), o.ID); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Items", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		ch := store.Change{Actor: store.CLI}
		c, ce, o := objectiveOf(t, st, "AREA DIREZIONE", 1)
		a, in := *o.Activities[0], *o.Indicators[0]
		a.Description, in.Name = "Nuova descrizione", "Nuovo nome"
		bands := domain.Bands{Reached: 90, Partial: 40}
		for _, tc := range []struct {
			entity audit.Entity
			fields []string
			save   func(version int) error
		}{
			{"activity", []string{"description"}, func(v int) error { return st.UpdateActivity(ctx, at(ch, v), a.ID, &a) }},
			{"indicator", []string{"name"}, func(v int) error { return st.UpdateIndicator(ctx, at(ch, v), in.ID, &in) }},
			{"centre", []string{"manager"}, func(v int) error { return st.UpdateCentre(ctx, at(ch, v), ce.ID, ce.Name, "Dott. Nuovo") }},
			{"cycle", []string{"band_partial", "band_reached"}, func(v int) error { return st.UpdateCycleSettings(ctx, at(ch, v), c.Year, bands, domain.Rules{}) }},
		} {
			if err := tc.save(1); err != nil {
				t.Fatalf("%s at version 1: %v", tc.entity, err)
			}
			wantStale(t, tc.save(1), tc.entity, 1, 2, []string{"cli"}, tc.fields)
			if err := tc.save(2); err != nil {
				t.Fatalf("%s at version 2: %v", tc.entity, err)
			}
		}
		// The approval is a change of the cycle, now at 3 (by a save that
		// changed no value: the version moves on, no field is named).
		wantStale(t, st.ApprovePlan(ctx, store.CLI, c.Year, 2, "Delibera n. 1", day(2023, 1, 30)),
			"cycle", 2, 3, []string{"cli"}, nil)
		if err := st.ApprovePlan(ctx, store.CLI, c.Year, 3, "Delibera n. 1", day(2023, 1, 30)); err != nil {
			t.Fatal(err)
		}
		// A guard of the UPDATE is still a Conflict, not a stale version.
		in.Unit, in.Expected = domain.UnitYesNo, 1
		err := st.UpdateIndicator(ctx, store.Change{Actor: store.CLI, Version: 3, Variation: &store.Variation{On: day(2023, 6, 1), Reason: "r"}}, in.ID, &in)
		wantConflict(t, err, "l'indicatore ha già valori numerici: non può diventare si/no")
	})

	t.Run("Account", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		adminID := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "admin@traguardo.test", Name: "Anna Bianchi", Role: auth.Admin}, "password-admin-1")
		id := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "utente@traguardo.test", Role: auth.Observer}, "password-utente-1")
		if err := st.SetActive(ctx, adminActor(adminID), id, 1, false); err != nil {
			t.Fatal(err)
		}
		err := st.ResetPassword(ctx, store.CLI, id, 1, "hash")
		wantStale(t, err, "user", 1, 2, []string{"Anna Bianchi"}, []string{"active"})
		// The user's own change of password moves the version on too.
		if err := st.SetPassword(ctx, store.CLI, id, "hash", false, false); err != nil {
			t.Fatal(err)
		}
		var stale *store.StaleError
		if err := st.SetActive(ctx, store.CLI, id, 2, true); !errors.As(err, &stale) || !stale.Did("change-password") {
			t.Fatalf("SetActive at 2 after a change of password: %v", err)
		}
		if err := st.SetActive(ctx, store.CLI, id, 3, true); err != nil {
			t.Fatal(err)
		}
		if u := MustUser(t, st, id); !u.Active || u.Version != 4 {
			t.Fatalf("account %+v, want active at version 4", u)
		}
	})
}

// mustAudit lists the audit log's entries of an entity.
func mustAudit(t *testing.T, st *store.Store, entity audit.Entity) []store.AuditEntry {
	t.Helper()
	es, err := st.ListAudit(context.Background(), store.AuditFilter{Entity: entity, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return es
}
