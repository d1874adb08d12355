package demo

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// emails lists the accounts of the database.
func emails(t *testing.T, st *store.Store) []string {
	t.Helper()
	users, err := st.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range users {
		out = append(out, u.Email)
	}
	return out
}

// TestInstall: the demo goes into an empty database once, with one account
// per role and per demo centre. Every later start (serve --demo restarts)
// creates nothing, not even for a centre users added: before, each restart
// made a responsabile account with the published password for every centre
// that had none.
func TestInstall(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st := store.New(pgtest.NewDB(t))
	policy := richtext.NewPolicy()

	accounts, installed, err := Install(ctx, st, policy, DefaultPassword)
	if err != nil || !installed {
		t.Fatalf("Install on an empty database = %v, %v", installed, err)
	}
	want := []string{
		"admin@traguardo.test", "direttore@traguardo.test", "nucleo@traguardo.test", "osservatore@traguardo.test",
		"responsabile.direzione@traguardo.test", "responsabile.amministrativa@traguardo.test",
		"responsabile.finanziaria@traguardo.test", "responsabile.minori@traguardo.test",
		"responsabile.disabili@traguardo.test", "responsabile.inclusione@traguardo.test",
	}
	var got []string
	for _, a := range accounts {
		got = append(got, a.Email)
	}
	if !slices.Equal(got, want) {
		t.Errorf("accounts %q, want %q", got, want)
	}
	slices.Sort(want)
	if got := emails(t, st); !slices.Equal(got, want) {
		t.Errorf("accounts in the database %q, want %q", got, want)
	}
	// 2023 is the year the Relazione reports on: its plan is approved. 2024
	// is the year in progress, carried over and not approved yet.
	for year, act := range map[int]string{2023: ApprovalAct2023, 2024: ""} {
		c, err := st.LoadCycle(ctx, year)
		if err != nil {
			t.Fatalf("cycle %d: %v", year, err)
		}
		if c.ApprovalAct != act {
			t.Errorf("cycle %d: approval act %q, want %q", year, c.ApprovalAct, act)
		}
	}

	// A director adds a centre; the application restarts with --demo.
	if _, err := st.CreateCentre(ctx, store.Change{Actor: store.Actor{Name: "direttore@traguardo.test"}}, 2024, "AREA NUOVA", ""); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		accounts, installed, err := Install(ctx, st, policy, DefaultPassword)
		if err != nil || installed || accounts != nil {
			t.Fatalf("Install on a database with data = %v, %v, %v; want nothing done", accounts, installed, err)
		}
	}
	// What the restart did before: creating the accounts again. Only the
	// demo's own centres have demo accounts.
	if _, err := CreateAccounts(ctx, st, DefaultPassword); err != nil {
		t.Fatal(err)
	}
	if got := emails(t, st); !slices.Equal(got, want) {
		t.Errorf("after restarts, accounts %q, want %q", got, want)
	}
}

// TestInstall_NotOverAnImport: an installation that imported its own plan
// (no account yet but the first admin's) gets no demo.
func TestInstall_NotOverAnImport(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st := store.New(pgtest.NewDB(t))
	if _, err := Load(ctx, st, richtext.NewPolicy()); err != nil {
		t.Fatal(err)
	}
	_, installed, err := Install(ctx, st, richtext.NewPolicy(), DefaultPassword)
	if err != nil || installed {
		t.Fatalf("Install over existing cycles = %v, %v", installed, err)
	}
	if got := emails(t, st); len(got) != 0 {
		t.Errorf("accounts %q created over existing cycles", got)
	}
}

// TestInstall_PublicValues: the 2024 plan the demo draws up has a public value
// for every strategic area its objectives name (the Piano shows them); 2023,
// as its Relazione, has none.
func TestInstall_PublicValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(pgtest.NewDB(t))
	if _, ok, err := Install(ctx, st, richtext.NewPolicy(), "password-di-prova-1"); err != nil || !ok {
		t.Fatalf("Install = %v, %v", ok, err)
	}
	c, err := st.LoadCycle(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	areas := c.StrategicAreas()
	if len(areas) == 0 {
		t.Fatal("the 2024 demo names no strategic area")
	}
	for _, a := range areas {
		if a.PublicValue == "" {
			t.Errorf("area %q: no public value", a.Name)
		}
	}
	if old, err := st.LoadCycle(ctx, 2023); err != nil {
		t.Fatal(err)
	} else if len(old.PublicValues) != 0 {
		t.Errorf("2023 has public values: %v", old.PublicValues)
	}
}
