package server

import (
	"context"
	"time"
)

// Uploads bounds the uploaded files read at once: reading a workbook or a
// JSON document takes up to a hundred MB or two, however well its size is
// bounded, and many read together would add up.
type Uploads struct {
	slots chan struct{}
	wait  time.Duration
}

// Default bounds of the uploads read at once: two, each waiting at most
// three seconds for its turn.
const (
	defaultUploadSlots = 2
	defaultUploadWait  = 3 * time.Second
	// uploadRetry is the Retry-After of an upload refused for want of a
	// slot, in seconds.
	uploadRetry = "10"
)

// msgUploadsBusy refuses an upload that found no free slot.
const msgUploadsBusy = "Troppi file in lettura in questo momento: riprovare tra qualche secondo."

// NewUploads reads at most slots files at once (at least one); an upload
// that cannot start within wait is refused.
func NewUploads(slots int, wait time.Duration) *Uploads {
	return &Uploads{slots: make(chan struct{}, max(slots, 1)), wait: wait}
}

// Acquire takes a slot, waiting at most the wait of u (or until ctx ends);
// false when none came free. A slot taken is given back with Release.
func (u *Uploads) Acquire(ctx context.Context) bool {
	select {
	case u.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(u.wait)
	defer t.Stop()
	select {
	case u.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// Release gives back a slot taken with Acquire.
func (u *Uploads) Release() { <-u.slots }
