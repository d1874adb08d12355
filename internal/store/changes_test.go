package store_test

import (
	"bytes"
	"context"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"traguardo/internal/db"
	"traguardo/internal/pgtest"
	"traguardo/internal/store"
)

// TestWatchChanges_DeafListenerReopened: a listening connection through
// which notices stop arriving (as through a proxy that dropped it, or a
// pooler that passes no notices on) is found out by its probe, given up
// (keeping stops, the loss is told) and opened again. The database is
// reached through a TCP relay on 127.0.0.1 that, when muted, drops what
// PostgreSQL sends on the connections that asked to LISTEN.
func TestWatchChanges_DeafListenerReopened(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	direct, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	relay := newMutingRelay(t, direct.Host)
	viaRelay := *direct
	viaRelay.Host = relay.addr
	pool, err := db.Open(ctx, viaRelay.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	st := store.New(pool)

	lost := make(chan error, 8)
	st.OnChangesLost(func(err error) { lost <- err })
	ready := make(chan struct{}, 8)
	watch, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		st.WatchChanges(watch, store.Watch{Retry: 20 * time.Millisecond, Probe: 300 * time.Millisecond, Ready: func() { ready <- struct{}{} }})
	}()
	t.Cleanup(func() { stop(); <-done })
	wait := func(what string, c <-chan struct{}) {
		t.Helper()
		select {
		case <-c:
		case <-ctx.Done():
			t.Fatalf("%s: not within the test's time", what)
		}
	}
	wait("first listening", ready)
	select {
	case err := <-lost:
		t.Fatalf("lost while heard: %v", err)
	case <-time.After(time.Second): // three probes came back
	}

	relay.mute.Store(true)
	select {
	case err := <-lost:
		if err == nil || !strings.Contains(err.Error(), "did not come back") {
			t.Errorf("the deaf connection given up for %v, want its probe not coming back", err)
		}
	case <-ctx.Done():
		t.Fatal("a deaf listening connection was not given up")
	}
	relay.mute.Store(false)
	wait("listening again on a new connection", ready)
}

// mutingRelay relays TCP connections to a PostgreSQL server; with mute
// set, it drops what the server sends on the connections whose client
// sent LISTEN.
type mutingRelay struct {
	addr string
	mute atomic.Bool
}

func newMutingRelay(t *testing.T, target string) *mutingRelay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &mutingRelay{addr: ln.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			var listener atomic.Bool
			wg.Add(2)
			go func() {
				defer wg.Done()
				defer server.Close()
				buf := make([]byte, 32<<10)
				for {
					n, err := client.Read(buf)
					if n > 0 {
						if bytes.Contains(buf[:n], []byte("LISTEN ")) {
							listener.Store(true)
						}
						if _, werr := server.Write(buf[:n]); werr != nil {
							return
						}
					}
					if err != nil {
						return
					}
				}
			}()
			go func() {
				defer wg.Done()
				defer client.Close()
				buf := make([]byte, 32<<10)
				for {
					n, err := server.Read(buf)
					if n > 0 && !(listener.Load() && r.mute.Load()) {
						if _, werr := client.Write(buf[:n]); werr != nil {
							return
						}
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return r
}
