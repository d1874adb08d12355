package report

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestDocuments_Lanes: with the shared slot taken by a long production, a
// request of the priority lane is made at once, one of the shared lane
// waits its MaxWait and gets ErrBusy with the wait to tell, and identical
// requests share one production.
func TestDocuments_Lanes(t *testing.T) {
	t.Parallel()
	d := NewDocuments(DocumentsConfig{MaxWait: 300 * time.Millisecond, RetryAfter: 42 * time.Second})
	release := make(chan struct{})
	var runs atomic.Int32
	long := func(context.Context) ([]byte, error) { runs.Add(1); <-release; return []byte("large"), nil }
	ctx := context.Background()
	got := make(chan error, 2)
	for range 2 { // the same document twice: one production
		go func() {
			_, err := d.produce(ctx, SharedLane, "pdf", []byte("large report"), long)
			got <- err
		}()
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	out, err := d.produce(ctx, PriorityLane, "pdf", []byte("small report"), func(context.Context) ([]byte, error) { return []byte("small"), nil })
	if err != nil || string(out) != "small" || time.Since(start) > 200*time.Millisecond {
		t.Fatalf("priority lane: %q, %v after %s", out, err, time.Since(start))
	}
	_, err = d.produce(ctx, SharedLane, "docx", []byte("other report"), func(context.Context) ([]byte, error) { return []byte("x"), nil })
	var busy *BusyError
	if !errors.As(err, &busy) || !errors.Is(err, ErrBusy) || busy.RetryAfter != 42*time.Second {
		t.Fatalf("shared lane behind a long production: %v, want ErrBusy after 42s", err)
	}
	for range 2 {
		if err := <-got; !errors.Is(err, ErrBusy) {
			t.Errorf("the long production's requests past MaxWait: %v", err)
		}
	}
	// It goes on without them, and is kept.
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for {
		d.mu.Lock()
		_, ok := d.cache.get(docKey{"pdf", sha([]byte("large report"))})
		d.mu.Unlock()
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the long production was not kept")
		}
		time.Sleep(10 * time.Millisecond)
	}
	out, err = d.produce(ctx, SharedLane, "pdf", []byte("large report"), long)
	if err != nil || string(out) != "large" || runs.Load() != 1 {
		t.Errorf("kept document: %q, %v, %d productions, want 1", out, err, runs.Load())
	}
}

// TestDocuments_QueueBounded: past MaxQueued waiting productions a request
// gets ErrBusy at once, and a production nobody waits for any more is
// dropped before it starts.
func TestDocuments_QueueBounded(t *testing.T) {
	t.Parallel()
	d := NewDocuments(DocumentsConfig{MaxQueued: 1, MaxWait: time.Minute})
	release := make(chan struct{})
	defer close(release)
	hold := func(context.Context) ([]byte, error) { <-release; return nil, nil }
	ctx := context.Background()
	go d.produce(ctx, SharedLane, "pdf", []byte("a"), hold)
	time.Sleep(100 * time.Millisecond) // a runs: the queue is empty
	waiting, cancel := context.WithCancel(ctx)
	var ran atomic.Bool
	done := make(chan error, 1)
	go func() {
		_, err := d.produce(waiting, SharedLane, "pdf", []byte("b"), func(context.Context) ([]byte, error) { ran.Store(true); return nil, nil })
		done <- err
	}()
	time.Sleep(100 * time.Millisecond) // b waits
	start := time.Now()
	if _, err := d.produce(ctx, SharedLane, "pdf", []byte("c"), hold); !errors.Is(err, ErrBusy) || time.Since(start) > time.Second {
		t.Fatalf("queue full: %v after %s, want ErrBusy at once", err, time.Since(start))
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("left request: %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	d.mu.Lock()
	queued, jobs := d.queued, len(d.jobs)
	d.mu.Unlock()
	if queued != 0 || jobs != 1 || ran.Load() {
		t.Errorf("after the only request for b left: %d queued, %d jobs (want 0, 1: a), b ran %v", queued, jobs, ran.Load())
	}
}

func sha(b []byte) [32]byte { return sumOf(b) }

// TestDocuments_QueueAndBuilt: Queue tells the productions running and
// waiting; Built is told of each production that ran, with its format and
// error, before its requests get the document.
func TestDocuments_QueueAndBuilt(t *testing.T) {
	t.Parallel()
	type build struct {
		format string
		err    error
	}
	var mu sync.Mutex
	var builds []build
	d := NewDocuments(DocumentsConfig{Shared: 1, Reserved: 1, MaxWait: time.Minute, Built: func(format string, took time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		builds = append(builds, build{format, err})
	}})
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	failed := errors.New("pandoc failed")
	got := make(chan error, 2)
	go func() {
		_, err := d.produce(ctx, SharedLane, "pdf", []byte("a"), func(context.Context) ([]byte, error) {
			close(started)
			<-release
			return []byte("a"), nil
		})
		got <- err
	}()
	<-started
	if running, waiting := d.Queue(); running != 1 || waiting != 0 {
		t.Fatalf("one production running: Queue() = %d, %d", running, waiting)
	}
	go func() {
		_, err := d.produce(ctx, SharedLane, "docx", []byte("b"), func(context.Context) ([]byte, error) { return nil, failed })
		got <- err
	}()
	// The second waits for the shared slot (the reserved one is not its lane's).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if running, waiting := d.Queue(); running == 1 && waiting == 1 {
			break
		}
		if time.Now().After(deadline) {
			running, waiting := d.Queue()
			t.Fatalf("a production waiting behind the running one: Queue() = %d, %d", running, waiting)
		}
	}
	close(release)
	errs := []error{<-got, <-got}
	if !slices.ContainsFunc(errs, func(err error) bool { return err == nil }) || !slices.ContainsFunc(errs, func(err error) bool { return errors.Is(err, failed) }) {
		t.Fatalf("the two requests: %v", errs)
	}
	if running, waiting := d.Queue(); running != 0 || waiting != 0 {
		t.Errorf("all done: Queue() = %d, %d", running, waiting)
	}
	mu.Lock()
	defer mu.Unlock()
	// In either order: the slot is free before Built is told.
	if len(builds) != 2 || !slices.Contains(builds, build{"pdf", nil}) || !slices.ContainsFunc(builds, func(b build) bool { return b.format == "docx" && errors.Is(b.err, failed) }) {
		t.Errorf("Built was told %v, want pdf (ok) and docx (failed)", builds)
	}
}
