package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"traguardo/internal/demo"
	"traguardo/internal/server"
)

// secDeviceCookie returns the device cookie of account id that r sets, or nil.
func secDeviceCookie(r *secResponse, id int64) *http.Cookie {
	for _, c := range r.Cookies {
		if c.Name == "traguardo_dispositivo_"+strconv.FormatInt(id, 10) && c.Value != "" {
			return c
		}
	}
	return nil
}

// TestSignInLockout_DeviceCookie replays the lock-out of an account: 50
// wrong passwords from 10 IPv6 /64s (5 from each, under the pair limit)
// lock the account for untrusted clients, the right password included, but
// not for the owner on a browser where she signed in before: its device
// cookie makes it a trusted client, whose failures count against that
// device only. A device cookie that is not ours (a MAC changed, another
// account's cookie under this account's name) does not help.
func TestSignInLockout_DeviceCookie(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{TrustProxy: true})
	xff := func(v string) http.Header { return http.Header{"X-Forwarded-For": {v}} }
	ctx := context.Background()
	email := e.emails["responsabile"]
	var ownerID, otherID int64
	if err := e.pool.QueryRow(ctx, `SELECT (SELECT id FROM users WHERE email = $1), (SELECT id FROM users WHERE email = $2)`,
		email, e.emails["nucleo"]).Scan(&ownerID, &otherID); err != nil {
		t.Fatal(err)
	}

	// The owner signs in on her browser, then signs out: the device cookie
	// stays in the browser, the session goes.
	owner := e.client(t)
	r := postSignIn(owner, email, demo.DefaultPassword, xff("198.51.100.20"))
	if r.Status != http.StatusSeeOther || r.cookie() == nil {
		t.Fatalf("the owner's first sign-in: status %d; body:\n%.600s", r.Status, r.Body)
	}
	device := secDeviceCookie(r, ownerID)
	if device == nil {
		t.Fatalf("no device cookie after a sign-in; cookies %v", r.Cookies)
	}
	if !device.HttpOnly || device.SameSite != http.SameSiteStrictMode || device.MaxAge < 150*24*3600 {
		t.Errorf("device cookie %+v: want HttpOnly, SameSite=Strict, months of life", device)
	}
	owner.post("/esci", nil)
	owner.requireSignedOut("after signing out")
	// Another account's device cookie, for the stolen-looking one below.
	other := secDeviceCookie(postSignIn(e.client(t), e.emails["nucleo"], demo.DefaultPassword, xff("198.51.100.30")), otherID)
	if other == nil {
		t.Fatal("no device cookie for the other account")
	}

	// Strangers: 5 wrong passwords from each of 10 /64s.
	stranger := e.client(t)
	for i := range 10 {
		for j := range 5 {
			addr := fmt.Sprintf("2001:db8:%x::%d", i+1, j+1)
			requireFailed(t, "stranger at "+addr, postSignIn(stranger, email, "indovinata-"+strconv.Itoa(i*5+j), xff(addr)))
		}
	}
	// Untrusted clients are locked out, the right password included.
	requireThrottled(t, "a new browser with the right password", postSignIn(e.client(t), email, demo.DefaultPassword, xff("2001:db8:ff::1")))

	// Cookies that are not ours for this account do not make a client trusted.
	forge := func(what, value string) {
		t.Helper()
		c := e.client(t)
		c.hc.Jar.SetCookies(c.base, []*http.Cookie{{Name: device.Name, Value: value, Path: "/"}})
		requireThrottled(t, what, postSignIn(c, email, demo.DefaultPassword, xff("2001:db8:fe::1")))
	}
	mac := device.Value[strings.LastIndex(device.Value, ".")+1:]
	flipped := "A"
	if mac[0] == 'A' {
		flipped = "B"
	}
	forge("the owner's cookie with its MAC changed", device.Value[:strings.LastIndex(device.Value, ".")+1]+flipped+mac[1:])
	forge("the owner's cookie without its MAC", device.Value[:strings.LastIndex(device.Value, ".")])
	forge("another account's device cookie under the owner's name", other.Value)
	forge("an invented device", "1700000000.aW52ZW50YXRv.bm9uLWZpcm1hdG8")

	// The owner, on her browser, from yet another address, signs in.
	r = postSignIn(owner, email, demo.DefaultPassword, xff("2001:db8:ee::1"))
	if r.Status != http.StatusSeeOther || r.cookie() == nil {
		t.Fatalf("the owner on her browser after the strangers' 50 failures: status %d, want 303 with a session; body:\n%.600s", r.Status, r.Body)
	}
	owner.requireSignedIn("the owner on her browser")
	if n := secCount(t, e.pool, `SELECT count(*) FROM login_failures WHERE email = $1 AND device IS NULL`, email); n != 50 {
		t.Errorf("%d failures of untrusted clients after the owner's sign-in, want the strangers' 50", n)
	}
	requireThrottled(t, "untrusted clients after the owner's sign-in", postSignIn(e.client(t), email, demo.DefaultPassword, xff("2001:db8:fd::1")))

	// The device's own failures count against it alone: 5 wrong passwords
	// on it lock that device (the audit log says which limit, once).
	owner.post("/esci", nil)
	for i := range 5 {
		requireFailed(t, "the owner's typo "+strconv.Itoa(i+1), postSignIn(owner, email, "refuso-"+strconv.Itoa(i), xff("2001:db8:ee::1")))
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM login_failures WHERE email = $1 AND device IS NOT NULL`, email); n != 5 {
		t.Errorf("%d failures counted against the device, want 5", n)
	}
	requireThrottled(t, "the device after its own 5 failures", postSignIn(owner, email, demo.DefaultPassword, xff("2001:db8:ee::1")))
	requireThrottled(t, "the device again", postSignIn(owner, email, demo.DefaultPassword, xff("2001:db8:ee::2")))
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'access' AND action = 'throttled'
		AND new_value->>'limit' = 'device' AND new_value->>'email' = $1`, email); n != 1 {
		t.Errorf("%d throttled entries for the device limit, want 1", n)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'access' AND action = 'throttled'
		AND new_value->>'limit' = 'account' AND new_value->>'email' = $1`, email); n != 1 {
		t.Errorf("%d throttled entries for the account limit, want 1", n)
	}
	// The other account's browser is untouched by all this.
	if n := secCount(t, e.pool, `SELECT count(*) FROM login_failures WHERE email = $1`, e.emails["nucleo"]); n != 0 {
		t.Errorf("%d failures for the other account", n)
	}
}
