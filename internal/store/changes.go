package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/auth"
)

// Sessions without a round trip. Reading a request's session (FindCtx)
// reads its account and the counters of the request's cycles in one
// statement; with WatchChanges running, a server keeps what that
// statement read (changeCache) and serves the next requests from it, with
// no statement at all, until PostgreSQL tells it something changed: the
// triggers of migration 000027 send a notice on the channel
// traguardo_changes at the commit of every transaction that wrote a
// session, an account, its centres or notifications ("u<id>"), or moved a
// cycle's counters ("c"), and each server forgets what the notice names.
//
// What a server keeps is never older than:
//   - its own writes: every write through this Store forgets everything
//     kept once it has committed, before the caller answers anyone
//     (write, exec), and so does the write of a session (CommitCtx,
//     DeleteCtx);
//   - another server's writes, once their notice has reached this server
//     (the time PostgreSQL takes to pass it on: BENCHMARKS.md measures it).
//
// A read that raced with a notice keeps nothing (the notices are
// numbered: a read keeps its result only if no notice about what it read
// arrived since it started). While the listening connection is down
// nothing is kept and every request reads PostgreSQL, as without
// WatchChanges; it is opened again, and what was kept is forgotten, since
// notices may have been missed meanwhile. A connection that stays open
// but passes no notices on is found out by probes (Watch.Probe).

// changesChannel is the channel of the notices (migration 000027).
const changesChannel = "traguardo_changes"

// keptSession is what the statement of FindCtx read for a session signed
// in to an account.
type keptSession struct {
	data   []byte
	expiry time.Time
	user   auth.User
}

// keptCounters are the counters of the cycle of a year and of the year
// before, as FindCtx reads them.
type keptCounters struct {
	versions [2]cycleVersion
	found    [2]bool
}

// changeCache is what this server keeps of the sessions' statement, by
// session token and by year, and the notices' numbering.
type changeCache struct {
	mu sync.Mutex
	// on says the notices are being listened to: only then is anything
	// kept or served.
	on       bool
	sessions map[string]*keptSession
	counters map[int]keptCounters
	// seq numbers the notices (and the forgetting of everything): userSeq
	// is the number of the last about an account, cycleSeq about the
	// cycles, allSeq the last that forgot everything.
	seq      uint64
	userSeq  map[int64]uint64
	cycleSeq uint64
	allSeq   uint64
}

// mostKeptSessions is the most sessions kept: beyond it, the kept ones are forgotten
// (a server with more signed-in users than that reads PostgreSQL more).
const mostKeptSessions = 10000

// start is the number a read takes before its statement, to keep its
// result (keep) only if no notice about it arrived meanwhile.
func (c *changeCache) start() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq
}

// session returns what is kept for token, if it is kept and unexpired at
// now, and the counters of year (when year is not 0 and they are kept).
func (c *changeCache) session(token string, year int, now time.Time) (s *keptSession, k keptCounters, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.on {
		return nil, k, false
	}
	s = c.sessions[token]
	if s == nil || !now.Before(s.expiry) {
		return nil, k, false
	}
	if year != 0 {
		if k, ok = c.counters[year]; !ok {
			return nil, k, false
		}
	}
	return s, k, true
}

// keep keeps what a read that started at seq found, unless a notice
// about it arrived since: the session (when signed in to an account) and
// the counters of year (when year is not 0).
func (c *changeCache) keep(seq uint64, token string, s *keptSession, year int, k keptCounters) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.on || c.allSeq > seq {
		return
	}
	if s != nil && c.userSeq[s.user.ID] <= seq {
		if len(c.sessions) >= mostKeptSessions {
			clear(c.sessions)
		}
		c.sessions[token] = s
	}
	if year != 0 && c.cycleSeq <= seq {
		c.counters[year] = k
	}
}

// notice forgets what a notice names: "u<id>" an account's sessions, "c"
// the counters of every cycle, anything else everything (a listener's
// probes, "p...", never come here).
func (c *changeCache) notice(payload string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	switch {
	case payload == "c":
		c.cycleSeq = c.seq
		clear(c.counters)
	case len(payload) > 1 && payload[0] == 'u':
		id, err := strconv.ParseInt(payload[1:], 10, 64)
		if err != nil {
			c.forgetAllLocked()
			return
		}
		c.forgetUserLocked(id)
	default:
		c.forgetAllLocked()
	}
}

// forgetSession forgets the session of token, and every kept session of
// the account user (when not 0) and of the account token was kept for:
// after this server wrote or deleted it.
func (c *changeCache) forgetSession(token string, user int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	ids := []int64{user}
	if s := c.sessions[token]; s != nil {
		ids = append(ids, s.user.ID)
	}
	delete(c.sessions, token)
	for _, id := range ids {
		if id != 0 {
			c.forgetUserLocked(id)
		}
	}
}

// forgetAll forgets everything kept: after a write of this server, or
// when the notices stop or start again.
func (c *changeCache) forgetAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.forgetAllLocked()
}

// forgetUserLocked forgets the sessions of the account id, numbering it
// with the last notice.
func (c *changeCache) forgetUserLocked(id int64) {
	c.userSeq[id] = c.seq
	for token, s := range c.sessions {
		if s.user.ID == id {
			delete(c.sessions, token)
		}
	}
}

func (c *changeCache) forgetAllLocked() {
	c.allSeq = c.seq
	clear(c.sessions)
	clear(c.counters)
	// The accounts' numbers are all older than allSeq now.
	clear(c.userSeq)
}

// listening turns the keeping on or off, forgetting everything either way.
func (c *changeCache) listening(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.forgetAllLocked()
	c.on = on
}

// Watch is how WatchChanges listens.
type Watch struct {
	// Retry is the wait before a lost connection is opened again (5 s
	// when not set).
	Retry time.Duration
	// Probe is how often the listening connection is checked: a notice of
	// its own is sent through the pool and must come back within Probe/2,
	// else the connection is deaf (a proxy that dropped it, a pooler in
	// transaction mode that passes no notices on) and is opened again.
	// Nothing is kept until the first probe has come back. 10 s when not
	// set.
	Probe time.Duration
	// Ready, when not nil, is called each time keeping starts.
	Ready func()
}

// WatchChanges listens to the notices of migration 000027 on a
// connection of its own, taken from the pool, until ctx ends, so that the
// server keeps what reading a session reads (see above).
func (s *Store) WatchChanges(ctx context.Context, w Watch) {
	if w.Retry <= 0 {
		w.Retry = 5 * time.Second
	}
	if w.Probe <= 0 {
		w.Probe = 10 * time.Second
	}
	for ctx.Err() == nil {
		err := s.listen(ctx, w)
		s.changes.listening(false)
		if ctx.Err() != nil {
			return
		}
		if s.changesLog != nil {
			s.changesLog(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(w.Retry):
		}
	}
}

// listen listens on one connection until it fails, turns deaf or ctx
// ends.
func (s *Store) listen(ctx context.Context, w Watch) error {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection is the listener's alone: out of the pool, closed here.
	conn := pc.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{changesChannel}.Sanitize()); err != nil {
		return err
	}
	// The probes: "p<nonce>:<n>", this listener's own (every server gets
	// every server's probes, and ignores them).
	lctx, deaf := context.WithCancelCause(ctx)
	defer deaf(nil)
	nonce := rand.Text()
	var back atomic.Uint64
	go func() {
		for n := uint64(1); ; n++ {
			if _, err := s.pool.Exec(lctx, `SELECT pg_notify($1, $2)`, changesChannel, "p"+nonce+":"+strconv.FormatUint(n, 10)); err != nil {
				deaf(fmt.Errorf("sending a probe: %w", err))
				return
			}
			select {
			case <-lctx.Done():
				return
			case <-time.After(w.Probe / 2):
			}
			if back.Load() < n {
				deaf(fmt.Errorf("a probe did not come back within %v", w.Probe/2))
				return
			}
			select {
			case <-lctx.Done():
				return
			case <-time.After(w.Probe / 2):
			}
		}
	}()
	for {
		n, err := conn.WaitForNotification(lctx)
		if err != nil {
			if cause := context.Cause(lctx); cause != nil && ctx.Err() == nil {
				return cause
			}
			return err
		}
		if rest, ok := strings.CutPrefix(n.Payload, "p"); ok {
			if seq, ok := strings.CutPrefix(rest, nonce+":"); ok {
				if k, err := strconv.ParseUint(seq, 10, 64); err == nil && back.Swap(k) == 0 {
					s.changes.listening(true)
					if w.Ready != nil {
						w.Ready()
					}
				}
			}
			continue
		}
		s.changes.notice(n.Payload)
	}
}

// OnChangesLost sets what is told when the notices' connection is lost
// (before WatchChanges).
func (s *Store) OnChangesLost(f func(error)) { s.changesLog = f }
