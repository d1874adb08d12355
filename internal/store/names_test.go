package store_test

import (
	"context"
	"strings"
	"testing"

	"traguardo/internal/store"
)

// TestImport_NamesCleaned: an imported cycle (JSON or workbook: both write
// through ImportCycle and ImportPlan) keeps its names without invisible or
// bidirectional controls, in NFC; two centres that differ only by those are
// refused as one centre twice.
func TestImport_NamesCleaned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	c := mustLoad(t, st, 2023)
	c.Year = 2030
	c.Centres[0].Name = "\u202eAREA NUOVA\u200b"
	c.Centres[0].Manager = "Dott.\u200b Rossi"
	c.Centres[0].Objectives[0].Title = "Obiettivo\ufeff di prova\u2066"
	c.Centres[0].Objectives[0].Indicators[0].Name = "Indicatore\u200d di prova"
	if _, err := st.ImportCycle(ctx, store.CLI, c); err != nil {
		t.Fatal(err)
	}
	got := mustLoad(t, st, 2030)
	ce := got.Centres[0]
	if ce.Name != "AREA NUOVA" || ce.Manager != "Dott. Rossi" || ce.Objectives[0].Title != "Obiettivo di prova" ||
		ce.Objectives[0].Indicators[0].Name != "Indicatore di prova" {
		t.Errorf("imported names: %q, %q, %q, %q", ce.Name, ce.Manager, ce.Objectives[0].Title, ce.Objectives[0].Indicators[0].Name)
	}

	twice := mustLoad(t, st, 2023)
	twice.Year = 2031
	twice.Centres[1].Name = twice.Centres[0].Name + "\u200b"
	_, err := st.ImportCycle(ctx, store.CLI, twice)
	var conflict *store.Conflict
	if err == nil || !strings.Contains(err.Error(), "compare più di una volta") {
		t.Errorf("two centres differing by U+200B: %v (%T), want a conflict", err, conflict)
	}
}

// TestCentreAndUser_LookAlikes: a centre or an account whose name or e-mail
// differs from another only by invisible or bidirectional characters is the
// same one, not a second.
func TestCentreAndUser_LookAlikes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	c := mustLoad(t, st, 2023)
	_, err := st.CreateCentre(ctx, store.Change{Actor: store.CLI}, 2023, c.Centres[0].Name+"\u200b", "")
	wantConflict(t, err, `il centro "`+c.Centres[0].Name+`" è già in questo ciclo`)
	id, err := st.CreateCentre(ctx, store.Change{Actor: store.CLI}, 2023, "\u202eAREA\u200b SPECCHIO", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, ce := range mustLoad(t, st, 2023).Centres {
		if ce.ID == id && ce.Name != "AREA SPECCHIO" {
			t.Errorf("new centre %q, want %q", ce.Name, "AREA SPECCHIO")
		}
	}

	if _, err := st.CreateUser(ctx, store.CLI, store.NewUser{Email: "mario.rossi@ente.test", Name: "Mario Rossi", Role: "osservatore", PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	_, err = st.CreateUser(ctx, store.CLI, store.NewUser{Email: "mario.rossi\u200b@ente.test", Name: "Mario\u202e Rossi", Role: "osservatore", PasswordHash: "x"})
	wantConflict(t, err, "esiste già un utente con questa email")
	if n := mustCount(t, st, `SELECT count(*) FROM users WHERE email LIKE 'mario.rossi%'`); n != 1 {
		t.Errorf("%d accounts of mario.rossi, want 1", n)
	}
}
