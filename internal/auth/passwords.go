package auth

import (
	"context"
	"errors"
	"math"
	"runtime/debug"
	"sync"
	"time"
)

// ErrBusy is returned when no password check could start in time: too many
// were running already.
var ErrBusy = errors.New("auth: too many password checks in progress")

// passwordMemory is what one argon2id check or hash holds (DefaultParams:
// 64 MiB).
const passwordMemory = 64 << 20

// DefaultPasswordSlots is how many password checks a server runs at once
// by default: 4 (256 MiB), fewer when GOMEMLIMIT leaves less than four
// times that.
func DefaultPasswordSlots() int {
	n := 4
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		n = min(n, int(limit/(4*passwordMemory)))
	}
	return max(n, 1)
}

// Passwords checks and hashes passwords, at most a fixed number at once:
// each argon2id run holds 64 MiB, so unbounded parallel sign-ins would
// exhaust the memory of the server. Every password check and hash of a
// request goes through one Passwords.
type Passwords struct {
	slots chan struct{}
	wait  time.Duration

	mu      sync.Mutex
	running int
	peak    int
}

// NewPasswords runs at most slots checks at once (at least one); a check
// that cannot start within wait fails with ErrBusy.
func NewPasswords(slots int, wait time.Duration) *Passwords {
	return &Passwords{slots: make(chan struct{}, max(slots, 1)), wait: wait}
}

// Check reports whether p matches hash; ErrBusy when it could not start.
func (ps *Passwords) Check(ctx context.Context, hash, p string) (bool, error) {
	if err := ps.acquire(ctx); err != nil {
		return false, err
	}
	defer ps.release()
	return CheckPassword(hash, p), nil
}

// Hash returns the argon2id hash of p; ErrBusy when it could not start.
func (ps *Passwords) Hash(ctx context.Context, p string) (string, error) {
	if err := ps.acquire(ctx); err != nil {
		return "", err
	}
	defer ps.release()
	return HashPassword(p)
}

// Peak is the largest number of checks and hashes that ran at once so far.
func (ps *Passwords) Peak() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.peak
}

func (ps *Passwords) acquire(ctx context.Context) error {
	select {
	case ps.slots <- struct{}{}:
	default:
		t := time.NewTimer(ps.wait)
		defer t.Stop()
		select {
		case ps.slots <- struct{}{}:
		case <-t.C:
			return ErrBusy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	ps.mu.Lock()
	ps.running++
	ps.peak = max(ps.peak, ps.running)
	ps.mu.Unlock()
	return nil
}

func (ps *Passwords) release() {
	ps.mu.Lock()
	ps.running--
	ps.mu.Unlock()
	<-ps.slots
}
