package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"traguardo/internal/audit"
	"traguardo/internal/auth"
	"traguardo/internal/pgtest"
	"traguardo/internal/store"

	"traguardo/internal/domain"
)

// MustCreateUser creates an account with password and returns its id.
func MustCreateUser(tb testing.TB, st *store.Store, a store.Actor, u store.NewUser, password string) int64 {
	tb.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		tb.Fatal(err)
	}
	u.PasswordHash = hash
	id, err := st.CreateUser(context.Background(), a, u)
	if err != nil {
		tb.Fatalf("CreateUser(%s): %v", u.Email, err)
	}
	return id
}

// MustUser reads an account.
func MustUser(tb testing.TB, st *store.Store, id int64) *auth.User {
	tb.Helper()
	u, err := st.UserByID(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// auditOf returns the audit entries about one user, oldest first.
func auditOf(tb testing.TB, st *store.Store, userID int64) []store.AuditEntry {
	tb.Helper()
	all, err := st.ListAudit(context.Background(), store.AuditFilter{Entity: "user", Limit: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	var out []store.AuditEntry
	for _, e := range slices.Backward(all) {
		if e.EntityID != nil && *e.EntityID == userID {
			out = append(out, e)
		}
	}
	return out
}

// jsonEqual reports whether the JSON text got holds the value want.
func jsonEqual(tb testing.TB, got string, want any) bool {
	tb.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		tb.Fatalf("audit value %q: %v", got, err)
	}
	b, err := json.Marshal(want)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, &w); err != nil {
		tb.Fatal(err)
	}
	return reflect.DeepEqual(g, w)
}

func adminActor(id int64) store.Actor { return store.Actor{UserID: &id, Name: "admin@traguardo.test"} }

func TestStore_CreateUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	centres, err := st.ListCentres(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(centres) < 2 {
		t.Fatalf("%d centres, want at least 2", len(centres))
	}
	adminID := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "admin@traguardo.test", Name: "Admin", Role: auth.Admin}, "password-admin-1")

	t.Run("OK", func(t *testing.T) {
		given := []domain.CentreID{centres[1].ID, centres[0].ID}
		id := MustCreateUser(t, st, adminActor(adminID), store.NewUser{
			Email: "  Mario.Rossi@Example.IT ", Name: "Mario Rossi", Role: auth.Manager,
			Centres: given, MustChangePassword: true,
		}, "una-password-provvisoria")
		u := MustUser(t, st, id)
		want := slices.Sorted(slices.Values(given))
		if u.Email != "mario.rossi@example.it" || u.Name != "Mario Rossi" || u.Role != auth.Manager ||
			!u.Active || !u.MustChangePassword || u.SessionEpoch != 0 || !slices.Equal(u.Centres, want) {
			t.Errorf("UserByID = %+v, want mario.rossi@example.it, manager of %v, active, must change password", u, want)
		}
		_, hash, err := st.UserForSignIn(ctx, "MARIO.ROSSI@example.it")
		if err != nil {
			t.Fatal(err)
		}
		if !auth.CheckPassword(hash, "una-password-provvisoria") {
			t.Error("the stored hash does not match the password")
		}

		entries := auditOf(t, st, id)
		if len(entries) != 1 {
			t.Fatalf("%d audit entries for the new user, want 1: %+v", len(entries), entries)
		}
		e := entries[0]
		if e.Action != "create" || e.Actor != "admin@traguardo.test" || e.OldValue != "" {
			t.Errorf("audit entry = %+v, want create by admin@traguardo.test with no old value", e)
		}
		wantNew := map[string]any{"email": "mario.rossi@example.it", "name": "Mario Rossi", "role": "responsabile", "centres": given, "active": true}
		if !jsonEqual(t, e.NewValue, wantNew) {
			t.Errorf("audit new value = %s, want %v", e.NewValue, wantNew)
		}
		if strings.Contains(e.NewValue, "argon2") || strings.Contains(e.NewValue, "password") {
			t.Errorf("the audit log keeps the password: %s", e.NewValue)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		MustCreateUser(t, st, store.CLI, store.NewUser{Email: "doppio@traguardo.test", Name: "Primo", Role: auth.Observer}, "password-primo-1")
		before, err := st.ListUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		beforeAudit, err := st.ListAudit(ctx, store.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{"doppio@traguardo.test", "DOPPIO@Traguardo.test", " Doppio@traguardo.test "} {
			_, err := st.CreateUser(ctx, store.CLI, store.NewUser{
				Email: email, Name: "Secondo", Role: auth.Manager, Centres: []domain.CentreID{domain.CentreID(int64(centres[0].ID))}, PasswordHash: "x",
			})
			var conflict *store.Conflict
			if !errors.As(err, &conflict) {
				t.Fatalf("CreateUser(%q) = %v, want a *store.Conflict", email, err)
			}
			if conflict.Message != "esiste già un utente con questa email" {
				t.Errorf("conflict message = %q", conflict.Message)
			}
		}
		after, err := st.ListUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("a refused creation changed the users:\nbefore %+v\nafter  %+v", before, after)
		}
		afterAudit, err := st.ListAudit(ctx, store.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(afterAudit) != len(beforeAudit) {
			t.Errorf("a refused creation wrote %d audit entries", len(afterAudit)-len(beforeAudit))
		}
	})
}

func TestStore_SetActive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(pgtest.NewDB(t))
	adminID := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "admin@traguardo.test", Role: auth.Admin}, "password-admin-1")
	id := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "utente@traguardo.test", Role: auth.Observer}, "password-utente-1")

	t.Run("OK", func(t *testing.T) {
		if err := st.SetActive(ctx, adminActor(adminID), id, 1, false); err != nil {
			t.Fatal(err)
		}
		if u := MustUser(t, st, id); u.Active || u.SessionEpoch != 1 {
			t.Errorf("after deactivation: active %v, epoch %d; want false, 1", u.Active, u.SessionEpoch)
		}
		if err := st.SetActive(ctx, adminActor(adminID), id, 2, true); err != nil {
			t.Fatal(err)
		}
		if u := MustUser(t, st, id); !u.Active || u.SessionEpoch != 2 {
			t.Errorf("after reactivation: active %v, epoch %d; want true, 2", u.Active, u.SessionEpoch)
		}
		entries := auditOf(t, st, id)
		if len(entries) != 3 {
			t.Fatalf("%d audit entries, want create and two set-active: %+v", len(entries), entries)
		}
		for i, want := range []bool{false, true} {
			e := entries[i+1]
			if e.Action != "set-active" || e.Actor != "admin@traguardo.test" ||
				!jsonEqual(t, e.OldValue, map[string]any{"active": !want, "version": i + 1}) ||
				!jsonEqual(t, e.NewValue, map[string]any{"active": want, "version": i + 2}) {
				t.Errorf("audit entry %d = %+v, want set-active by admin from %v to %v", i+1, e, !want, want)
			}
		}
		if other := MustUser(t, st, adminID); other.SessionEpoch != 0 || !other.Active {
			t.Errorf("SetActive touched another account: %+v", other)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		before := len(auditOf(t, st, 999999))
		if err := st.SetActive(ctx, store.CLI, 999999, 1, false); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetActive(unknown) = %v, want ErrNotFound", err)
		}
		if after := len(auditOf(t, st, 999999)); after != before {
			t.Errorf("a failed SetActive wrote an audit entry")
		}
	})
}

func TestStore_SetPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(pgtest.NewDB(t))
	adminID := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "admin@traguardo.test", Role: auth.Admin}, "password-admin-1")
	id := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "utente@traguardo.test", Role: auth.Evaluator, MustChangePassword: true}, "password-vecchia-1")
	hashOf := func(p string) string {
		h, err := auth.HashPassword(p)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	storedHash := func() string {
		_, h, err := st.UserForSignIn(ctx, "utente@traguardo.test")
		if err != nil {
			t.Fatal(err)
		}
		return h
	}

	t.Run("Change", func(t *testing.T) {
		self := store.Actor{UserID: &id, Name: "utente@traguardo.test"}
		if err := st.SetPassword(ctx, self, id, hashOf("password-nuova-12"), false, false); err != nil {
			t.Fatal(err)
		}
		u := MustUser(t, st, id)
		if u.MustChangePassword || u.SessionEpoch != 0 {
			t.Errorf("after a change: must change %v, epoch %d; want false, 0 (the session stays)", u.MustChangePassword, u.SessionEpoch)
		}
		if h := storedHash(); !auth.CheckPassword(h, "password-nuova-12") || auth.CheckPassword(h, "password-vecchia-1") {
			t.Error("the stored hash is not the new password's")
		}
		entries := auditOf(t, st, id)
		if e := entries[len(entries)-1]; e.Action != "change-password" || e.Actor != "utente@traguardo.test" ||
			!jsonEqual(t, e.OldValue, map[string]int{"version": 1}) || !jsonEqual(t, e.NewValue, map[string]int{"version": 2}) {
			t.Errorf("audit entry = %+v, want change-password by the user, with the versions only", e)
		}
	})

	t.Run("Reset", func(t *testing.T) {
		if err := st.ResetPassword(ctx, adminActor(adminID), id, 2, hashOf("provvisoria-1234")); err != nil {
			t.Fatal(err)
		}
		u := MustUser(t, st, id)
		if !u.MustChangePassword || u.SessionEpoch != 1 {
			t.Errorf("after a reset: must change %v, epoch %d; want true, 1 (sessions end)", u.MustChangePassword, u.SessionEpoch)
		}
		if !auth.CheckPassword(storedHash(), "provvisoria-1234") {
			t.Error("the stored hash is not the one-time password's")
		}
		entries := auditOf(t, st, id)
		if e := entries[len(entries)-1]; e.Action != "reset-password" || e.Actor != "admin@traguardo.test" ||
			!jsonEqual(t, e.OldValue, map[string]int{"version": 2}) || !jsonEqual(t, e.NewValue, map[string]int{"version": 3}) {
			t.Errorf("audit entry = %+v, want reset-password by admin, with the versions only", e)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		if err := st.SetPassword(ctx, store.CLI, 999999, hashOf("qualunque-password"), true, true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetPassword(unknown) = %v, want ErrNotFound", err)
		}
		if n := len(auditOf(t, st, 999999)); n != 0 {
			t.Errorf("a failed SetPassword wrote %d audit entries", n)
		}
	})
}

// TestStore_ChangePassword: one's own change replaces the hash, clears the
// one-time flag and moves the session epoch on, so other sessions end.
func TestStore_ChangePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(pgtest.NewDB(t))
	id := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "anna@traguardo.test", Role: auth.Observer, MustChangePassword: true}, "password-vecchia-1")
	before := MustUser(t, st, id)
	hash, err := auth.HashPassword("password-nuova-12")
	if err != nil {
		t.Fatal(err)
	}
	epoch, err := st.ChangePassword(ctx, store.Actor{UserID: &id, Name: "anna@traguardo.test"}, id, hash)
	if err != nil {
		t.Fatal(err)
	}
	after := MustUser(t, st, id)
	if epoch != before.SessionEpoch+1 || after.SessionEpoch != epoch || after.MustChangePassword {
		t.Errorf("epoch %d -> %d (returned %d), must change %v; want one more, false", before.SessionEpoch, after.SessionEpoch, epoch, after.MustChangePassword)
	}
	if _, h, err := st.UserForSignIn(ctx, "anna@traguardo.test"); err != nil || h != hash {
		t.Errorf("stored hash not replaced (%v)", err)
	}
	if a := auditOf(t, st, id); len(a) != 2 || a[1].Action != "change-password" || a[1].Actor != "anna@traguardo.test" {
		t.Errorf("audit = %+v, want the creation then change-password by anna", a)
	}
	if _, err := st.ChangePassword(ctx, store.CLI, 999999, hash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ChangePassword(unknown) = %v, want ErrNotFound", err)
	}
}

// TestStore_ReserveAttempt: attempts are counted per account and address,
// per account and per address; a refusal says which limit, and is written
// to the audit log once per window and subject.
func TestStore_ReserveAttempt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	st := store.New(pool)
	lim := store.AttemptLimits{Window: time.Hour, Pair: 3, Account: 5, Address: 4}
	reserve := func(email, addr string) (*store.Attempt, error) {
		t.Helper()
		a := &store.Attempt{Email: email, Address: addr, Form: store.FormSignIn}
		return a, st.ReserveAttempt(ctx, a, lim)
	}
	mustReserve := func(email, addr string) *store.Attempt {
		t.Helper()
		a, err := reserve(email, addr)
		if err != nil || a.ID == 0 {
			t.Fatalf("ReserveAttempt(%s, %s) = %v, id %d; want a reservation", email, addr, err, a.ID)
		}
		return a
	}
	mustRefuse := func(email, addr, limit string) {
		t.Helper()
		_, err := reserve(email, addr)
		var th *store.Throttled
		if !errors.As(err, &th) || string(th.Limit) != limit {
			t.Fatalf("ReserveAttempt(%s, %s) = %v, want the %s limit", email, addr, err, limit)
		}
	}
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	for range 3 {
		mustReserve(" Anna@traguardo.test", "192.0.2.1")
	}
	mustRefuse("anna@traguardo.test", "192.0.2.1", "pair")
	mustRefuse("ANNA@traguardo.test", "192.0.2.1", "pair")
	// From elsewhere the account goes on, up to its own ceiling.
	mustReserve("anna@traguardo.test", "198.51.100.7")
	last := mustReserve("anna@traguardo.test", "198.51.100.7")
	mustRefuse("anna@traguardo.test", "203.0.113.9", "account")
	// 198.51.100.7 has 2 failures: 2 more for bruno fill it.
	mustReserve("bruno@traguardo.test", "198.51.100.7")
	mustReserve("bruno@traguardo.test", "198.51.100.7")
	mustRefuse("carla@traguardo.test", "198.51.100.7", "address")
	mustRefuse("dario@traguardo.test", "198.51.100.7", "address")

	if n := count(`SELECT count(*) FROM login_failures`); n != 7 {
		t.Errorf("%d attempts recorded, want 7 (refusals record none)", n)
	}
	// One audit entry per refused subject, however many refusals.
	if n := count(`SELECT count(*) FROM audit_log WHERE entity = 'access' AND action = 'throttled'`); n != 3 {
		t.Errorf("%d throttled entries, want 3 (pair, account, address)", n)
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE action = 'throttled' AND actor = 'anna@traguardo.test'
		AND new_value = '{"limit": "pair", "email": "anna@traguardo.test", "address": "192.0.2.1", "form": "sign-in"}'`); n != 1 {
		t.Errorf("%d entries for anna's pair refusal, want 1", n)
	}

	// A right password takes back its attempt and the pair's failures; the
	// failures from elsewhere stay.
	uid := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "anna@traguardo.test", Role: auth.Observer}, "password-di-anna")
	if err := st.PassAttempt(ctx, last, MustUser(t, st, uid)); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM login_failures WHERE email = 'anna@traguardo.test' AND address = '198.51.100.7'`); n != 0 {
		t.Errorf("%d failures of the pair after a good password, want 0", n)
	}
	if n := count(`SELECT count(*) FROM login_failures WHERE email = 'anna@traguardo.test'`); n != 3 {
		t.Errorf("%d failures of anna after a good password, want 3 (from 192.0.2.1)", n)
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE action = 'sign-in' AND entity = 'access' AND entity_id = $1 AND user_id = $1`, uid); n != 1 {
		t.Errorf("%d sign-in entries, want 1", n)
	}

	// An attempt never checked does not count.
	b := mustReserve("bruno@traguardo.test", "203.0.113.9")
	if err := st.ReleaseAttempt(ctx, b); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM login_failures WHERE email = 'bruno@traguardo.test'`); n != 2 {
		t.Errorf("%d failures of bruno after a release, want 2", n)
	}
}

// TestStore_ReserveAttempt_Device: an attempt from a recognised device is
// counted against that device alone and meets only the device limit: an
// account locked for untrusted clients still takes attempts from its
// devices, each up to its own ceiling; a device's failures count neither
// for the account nor for the address of untrusted clients.
func TestStore_ReserveAttempt_Device(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	st := store.New(pool)
	lim := store.AttemptLimits{Window: time.Hour, Pair: 3, Account: 5, Address: 4, Device: 2}
	reserve := func(email, addr, device string) (*store.Attempt, error) {
		t.Helper()
		a := &store.Attempt{Email: email, Address: addr, Form: store.FormSignIn, Device: device}
		return a, st.ReserveAttempt(ctx, a, lim)
	}
	mustReserve := func(email, addr, device string) *store.Attempt {
		t.Helper()
		a, err := reserve(email, addr, device)
		if err != nil || a.ID == 0 {
			t.Fatalf("ReserveAttempt(%s, %s, %q) = %v, id %d; want a reservation", email, addr, device, err, a.ID)
		}
		return a
	}
	mustRefuse := func(email, addr, device, limit string) {
		t.Helper()
		_, err := reserve(email, addr, device)
		var th *store.Throttled
		if !errors.As(err, &th) || string(th.Limit) != limit {
			t.Fatalf("ReserveAttempt(%s, %s, %q) = %v, want the %s limit", email, addr, device, err, limit)
		}
	}
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Strangers lock anna's account for untrusted clients.
	for i := range 5 {
		mustReserve("anna@traguardo.test", "192.0.2."+strconv.Itoa(i+1), "")
	}
	mustRefuse("anna@traguardo.test", "198.51.100.7", "", "account")
	// Her device takes its own 2 attempts, from anywhere, then stops.
	mustReserve("anna@traguardo.test", "198.51.100.7", "dev-anna")
	last := mustReserve("anna@traguardo.test", "192.0.2.1", "dev-anna")
	mustRefuse("anna@traguardo.test", "203.0.113.9", "dev-anna", "device")
	mustRefuse("anna@traguardo.test", "203.0.113.10", "dev-anna", "device")
	// Another device of hers is not stopped by the first one's failures.
	mustReserve("anna@traguardo.test", "198.51.100.7", "dev-anna-2")
	// The device's failures at 198.51.100.7 do not count for that address's
	// untrusted clients (4 allowed): 3 of bruno's, then 1 of carla's pass.
	for range 3 {
		mustReserve("bruno@traguardo.test", "198.51.100.7", "")
	}
	mustReserve("carla@traguardo.test", "198.51.100.7", "")
	mustRefuse("dario@traguardo.test", "198.51.100.7", "", "address")

	if n := count(`SELECT count(*) FROM login_failures WHERE device = 'dev-anna'`); n != 2 {
		t.Errorf("%d failures of the device, want 2", n)
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE action = 'throttled' AND actor = 'anna@traguardo.test'
		AND new_value = '{"limit": "device", "email": "anna@traguardo.test", "address": "203.0.113.9", "form": "sign-in"}'`); n != 1 {
		t.Errorf("%d entries for the device refusal, want 1 (once per window and account)", n)
	}

	// A right password on the device takes back the device's failures (and
	// the pair's); the strangers' stay.
	uid := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "anna@traguardo.test", Role: auth.Observer}, "password-di-anna")
	if err := st.PassAttempt(ctx, last, MustUser(t, st, uid)); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM login_failures WHERE device = 'dev-anna'`); n != 0 {
		t.Errorf("%d failures of the device after a good password, want 0", n)
	}
	if n := count(`SELECT count(*) FROM login_failures WHERE email = 'anna@traguardo.test' AND device IS NULL`); n != 4 {
		t.Errorf("%d untrusted failures of anna after a good password, want 4 (all but 192.0.2.1's)", n)
	}
	mustReserve("anna@traguardo.test", "203.0.113.9", "dev-anna")
}

// TestStore_ReserveAttempt_Parallel: 30 attempts for one pair at once, from
// 30 connections: exactly the limit is reserved.
func TestStore_ReserveAttempt_Parallel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	st := store.New(pool)
	lim := store.AttemptLimits{Window: time.Hour, Pair: 5, Account: 50, Address: 20}
	const n = 30
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		go func() {
			<-start
			errs <- st.ReserveAttempt(ctx, &store.Attempt{Email: "anna@traguardo.test", Address: "192.0.2.1", Form: store.FormSignIn}, lim)
		}()
	}
	close(start)
	var reserved, refused int
	for range n {
		var th *store.Throttled
		switch err := <-errs; {
		case err == nil:
			reserved++
		case errors.As(err, &th):
			refused++
		default:
			t.Errorf("ReserveAttempt: %v", err)
		}
	}
	if reserved != 5 || refused != n-5 {
		t.Errorf("%d reserved, %d refused; want 5, %d", reserved, refused, n-5)
	}
	var rows int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM login_failures`).Scan(&rows); err != nil || rows != 5 {
		t.Errorf("%d rows (%v), want 5", rows, err)
	}
}

func TestStore_ListAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t) // an "import" of a "cycle" by "demo", then the "carry-over" of 2024
	adminID := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "admin@traguardo.test", Role: auth.Admin}, "password-admin-1")
	userID := MustCreateUser(t, st, adminActor(adminID), store.NewUser{Email: "utente@traguardo.test", Role: auth.Observer}, "password-utente-1")
	if err := st.SetActive(ctx, adminActor(adminID), userID, 1, false); err != nil {
		t.Fatal(err)
	}

	list := func(f store.AuditFilter) []string {
		t.Helper()
		entries, err := st.ListAudit(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i, e := range entries {
			if i > 0 && e.ID > entries[i-1].ID {
				t.Errorf("entries not newest first: %d after %d", e.ID, entries[i-1].ID)
			}
			out = append(out, e.Actor+" "+string(e.Action)+" "+string(e.Entity))
		}
		return out
	}
	all := []string{
		"admin@traguardo.test set-active user",
		"admin@traguardo.test create user",
		"cli create user",
		"demo carry-over cycle",
		"demo import cycle",
	}
	now := time.Now()
	tests := []struct {
		name string
		f    store.AuditFilter
		want []string
	}{
		{"All", store.AuditFilter{}, all},
		{"Actor", store.AuditFilter{Actor: "admin@traguardo.test"}, all[:2]},
		{"ActorCLI", store.AuditFilter{Actor: "cli"}, all[2:3]},
		{"ActorUnknown", store.AuditFilter{Actor: "nessuno@traguardo.test"}, nil},
		{"Entity", store.AuditFilter{Entity: "cycle"}, all[3:]},
		{"ActorAndEntity", store.AuditFilter{Actor: "demo", Entity: "user"}, nil},
		{"FromBefore", store.AuditFilter{From: now.Add(-time.Hour)}, all},
		{"FromAfter", store.AuditFilter{From: now.Add(time.Hour)}, nil},
		{"ToAfter", store.AuditFilter{To: now.Add(time.Hour)}, all},
		{"ToBefore", store.AuditFilter{To: now.Add(-time.Hour)}, nil},
		{"Between", store.AuditFilter{From: now.Add(-time.Hour), To: now.Add(time.Hour), Entity: "user"}, all[:3]},
		{"Limit", store.AuditFilter{Limit: 2}, all[:2]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := list(tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("ListAudit(%+v) =\n%q\nwant\n%q", tc.f, got, tc.want)
			}
		})
	}

	t.Run("Entities", func(t *testing.T) {
		got, err := st.AuditEntities(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []audit.Entity{audit.Cycle, audit.User}; !slices.Equal(got, want) {
			t.Errorf("AuditEntities = %q, want %q", got, want)
		}
	})
}

// TestAuditLog_AppendOnly checks the database itself refuses to change or
// remove the log, whoever asks.
func TestAuditLog_AppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(pgtest.NewDB(t))
	// The schema's owner: the trigger refuses even the role that could
	// write the table (TestAuditLog_RuntimeRole covers the application's role).
	pool := pgtest.Owner(t, st.Pool())
	id := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "utente@traguardo.test", Role: auth.Observer}, "password-utente-1")
	if err := st.SetActive(ctx, store.CLI, id, 1, false); err != nil {
		t.Fatal(err)
	}
	before, err := st.ListAudit(ctx, store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 2 {
		t.Fatalf("%d audit entries, want 2", len(before))
	}

	for _, sql := range []string{
		`UPDATE audit_log SET actor = 'qualcun altro'`,
		`UPDATE audit_log SET new_value = NULL WHERE action = 'set-active'`,
		`DELETE FROM audit_log`,
		`DELETE FROM audit_log WHERE action = 'create'`,
		`TRUNCATE audit_log`,
		`TRUNCATE audit_log CASCADE`,
	} {
		if _, err := pool.Exec(ctx, sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", sql, err)
		}
	}

	after, err := st.ListAudit(ctx, store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the audit log changed:\nbefore %+v\nafter  %+v", before, after)
	}
}

func TestStore_UpdateUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	centres, err := st.ListCentres(ctx)
	if err != nil {
		t.Fatal(err)
	}
	adminID := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "admin@traguardo.test", Name: "Admin", Role: auth.Admin}, "password-admin-1")
	by := adminActor(adminID)

	t.Run("OK", func(t *testing.T) {
		id := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "mario@traguardo.test", Name: "Mario", Role: auth.Observer}, "password-mario-1")
		// The name alone: the sessions live on.
		ended, err := st.UpdateUser(ctx, by, id, 1, store.AccountChange{Name: "Mario Rossi", Role: auth.Observer})
		if err != nil || ended {
			t.Fatalf("renaming = %v, %v; want sessions kept", ended, err)
		}
		if u := MustUser(t, st, id); u.Name != "Mario Rossi" || u.Version != 2 || u.SessionEpoch != 0 {
			t.Errorf("after renaming: %+v", u)
		}
		// Role and centres: the sessions end.
		given := []domain.CentreID{centres[1].ID, centres[0].ID, centres[1].ID}
		ended, err = st.UpdateUser(ctx, by, id, 2, store.AccountChange{Name: "Mario Rossi", Role: auth.Manager, Centres: given})
		if err != nil || !ended {
			t.Fatalf("changing the role = %v, %v; want sessions ended", ended, err)
		}
		want := []domain.CentreID{centres[0].ID, centres[1].ID}
		slices.Sort(want)
		if u := MustUser(t, st, id); u.Role != auth.Manager || !slices.Equal(u.Centres, want) || u.Version != 3 || u.SessionEpoch != 1 {
			t.Errorf("after the change of role: %+v", u)
		}
		// The centres alone: the sessions end too.
		ended, err = st.UpdateUser(ctx, by, id, 3, store.AccountChange{Name: "Mario Rossi", Role: auth.Manager, Centres: want[:1]})
		if err != nil || !ended {
			t.Fatalf("changing the centres = %v, %v; want sessions ended", ended, err)
		}
		if u := MustUser(t, st, id); !slices.Equal(u.Centres, want[:1]) || u.SessionEpoch != 2 {
			t.Errorf("after the change of centres: %+v", u)
		}
		entries := auditOf(t, st, id)
		if len(entries) != 4 {
			t.Fatalf("%d audit entries, want create and three updates", len(entries))
		}
		e := entries[2]
		if e.Action != "update" || e.Actor != "admin@traguardo.test" ||
			!jsonEqual(t, e.OldValue, map[string]any{"name": "Mario Rossi", "role": "osservatore", "centres": []int64{}, "version": 2}) ||
			!jsonEqual(t, e.NewValue, map[string]any{"name": "Mario Rossi", "role": "responsabile", "centres": want, "version": 3}) {
			t.Errorf("audit entry = %+v", e)
		}
		// Nothing changed: nothing written.
		ended, err = st.UpdateUser(ctx, by, id, 4, store.AccountChange{Name: "Mario Rossi", Role: auth.Manager, Centres: want[:1]})
		if err != nil || ended {
			t.Errorf("an update that changes nothing = %v, %v", ended, err)
		}
		if u := MustUser(t, st, id); u.Version != 4 || len(auditOf(t, st, id)) != 4 {
			t.Errorf("an update that changes nothing wrote: version %d", u.Version)
		}
	})

	t.Run("ErrStale", func(t *testing.T) {
		id := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "stale@traguardo.test", Name: "Vecchio", Role: auth.Observer}, "password-stale-1")
		if _, err := st.UpdateUser(ctx, by, id, 1, store.AccountChange{Name: "Nuovo", Role: auth.Observer}); err != nil {
			t.Fatal(err)
		}
		_, err := st.UpdateUser(ctx, by, id, 1, store.AccountChange{Name: "Altro", Role: auth.Director})
		var stale *store.StaleError
		if !errors.As(err, &stale) || !slices.Equal(stale.Fields(), []string{"name"}) || stale.Version != 2 {
			t.Fatalf("update on version 1 = %v, want a StaleError about the name", err)
		}
		if u := MustUser(t, st, id); u.Name != "Nuovo" || u.Role != auth.Observer {
			t.Errorf("after the stale update: %+v", u)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := st.UpdateUser(ctx, by, 999999, 1, store.AccountChange{Name: "X", Role: auth.Observer}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdateUser(unknown) = %v, want ErrNotFound", err)
		}
	})

	t.Run("CentreGone", func(t *testing.T) {
		id := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "centro@traguardo.test", Name: "Centro", Role: auth.Observer}, "password-centro-1")
		_, err := st.UpdateUser(ctx, by, id, 1, store.AccountChange{Name: "Centro", Role: auth.Manager, Centres: []domain.CentreID{999999}})
		var c *store.Conflict
		if !errors.As(err, &c) || c.Field != store.FieldCentres {
			t.Fatalf("a centre that does not exist = %v, want a Conflict on the centres", err)
		}
		if u := MustUser(t, st, id); u.Role != auth.Observer || u.Version != 1 {
			t.Errorf("after the refusal: %+v", u)
		}
	})
}

// TestStore_LastAdmin: the last active administrator can be neither demoted
// nor deactivated; two administrators demoting each other at once leave one.
func TestStore_LastAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(pgtest.NewDB(t))
	first := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "primo@traguardo.test", Name: "Primo", Role: auth.Admin}, "password-primo-1")

	var c *store.Conflict
	if _, err := st.UpdateUser(ctx, store.CLI, first, 1, store.AccountChange{Name: "Primo", Role: auth.Director}); !errors.As(err, &c) ||
		c.Message != auth.LastAdminMessage || c.Field != store.FieldRole {
		t.Errorf("demoting the last admin = %v, want the Conflict of the last admin on the role", err)
	}
	if err := st.SetActive(ctx, store.CLI, first, 1, false); !errors.As(err, &c) || c.Message != auth.LastAdminMessage {
		t.Errorf("deactivating the last admin = %v, want the Conflict of the last admin", err)
	}
	if u := MustUser(t, st, first); u.Role != auth.Admin || !u.Active || u.Version != 1 {
		t.Errorf("the last admin after the refusals: %+v", u)
	}

	// An inactive administrator does not count; a second active one does.
	idle := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "inattivo@traguardo.test", Name: "Inattivo", Role: auth.Admin}, "password-inattivo-1")
	if err := st.SetActive(ctx, store.CLI, idle, 1, false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateUser(ctx, store.CLI, first, 1, store.AccountChange{Name: "Primo", Role: auth.Director}); !errors.As(err, &c) {
		t.Errorf("demoting the last active admin with an inactive one = %v, want a Conflict", err)
	}
	if _, err := st.UpdateUser(ctx, store.CLI, idle, 2, store.AccountChange{Name: "Inattivo", Role: auth.Observer}); err != nil {
		t.Errorf("demoting an inactive admin = %v", err)
	}
	second := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "secondo@traguardo.test", Name: "Secondo", Role: auth.Admin}, "password-secondo-1")

	for range 5 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		pair := [2]int64{first, second}
		for i, id := range pair {
			wg.Go(func() {
				_, errs[i] = st.UpdateUser(ctx, store.CLI, id, MustUser(t, st, id).Version, store.AccountChange{Name: MustUser(t, st, id).Name, Role: auth.Director})
			})
		}
		wg.Wait()
		var refused int
		for _, err := range errs {
			if errors.As(err, &c) && c.Message == auth.LastAdminMessage {
				refused++
			} else if err != nil {
				t.Fatalf("mutual demotion: %v", err)
			}
		}
		if refused != 1 {
			t.Fatalf("mutual demotion: %d refused, want exactly 1 (%v)", refused, errs)
		}
		// Make the demoted one an administrator again for the next round.
		for _, id := range pair {
			if u := MustUser(t, st, id); u.Role != auth.Admin {
				if _, err := st.UpdateUser(ctx, store.CLI, id, u.Version, store.AccountChange{Name: u.Name, Role: auth.Admin}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
