package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestPasswords_Bound: with every slot taken, a check waits and then fails
// with ErrBusy; parallel checks never overlap beyond the slots.
func TestPasswords_Bound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, err := HashPassword("una-password-lunga")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("busy", func(t *testing.T) {
		ps := NewPasswords(1, 50*time.Millisecond)
		if err := ps.acquire(ctx); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if ok, err := ps.Check(ctx, h, "una-password-lunga"); ok || !errors.Is(err, ErrBusy) {
			t.Errorf("Check with no free slot = %v, %v; want false, ErrBusy", ok, err)
		}
		if waited := time.Since(start); waited < 50*time.Millisecond {
			t.Errorf("gave up after %v, before the wait", waited)
		}
		if _, err := ps.Hash(ctx, "una-password-lunga"); !errors.Is(err, ErrBusy) {
			t.Errorf("Hash with no free slot = %v, want ErrBusy", err)
		}
		ps.release()
		if ok, err := ps.Check(ctx, h, "una-password-lunga"); !ok || err != nil {
			t.Errorf("Check with a free slot = %v, %v; want true", ok, err)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		ps := NewPasswords(1, time.Minute)
		if err := ps.acquire(ctx); err != nil {
			t.Fatal(err)
		}
		defer ps.release()
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := ps.Check(c, h, "x"); !errors.Is(err, context.Canceled) {
			t.Errorf("Check of a cancelled request = %v, want context.Canceled", err)
		}
	})

	t.Run("parallel", func(t *testing.T) {
		ps := NewPasswords(2, time.Minute)
		var wg sync.WaitGroup
		for i := range 6 {
			wg.Go(func() {
				p := "una-password-lunga"
				if i%2 == 1 {
					p = "sbagliata"
				}
				if ok, err := ps.Check(ctx, h, p); err != nil || ok != (i%2 == 0) {
					t.Errorf("Check %d = %v, %v", i, ok, err)
				}
			})
		}
		wg.Wait()
		if p := ps.Peak(); p < 1 || p > 2 {
			t.Errorf("peak %d checks at once, want 1 or 2", p)
		}
	})
}
