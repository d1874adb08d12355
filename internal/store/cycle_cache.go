package store

import (
	"errors"
	"sync"
	"time"

	"traguardo/internal/plan"
)

// cycleCache keeps, per process, the cycles LoadCycle read, each with the
// counters of its cycle (table cycle_versions) that its snapshot held.
// Every write to what a cycle is loaded from bumps that cycle's data
// counter in its own transaction (the triggers of migration 000018), and a
// write to its plan its plan counter too, so a cycle whose data counter is
// still the database's is the cycle as stored: LoadCycle checks it with one
// query and reads again only after a write to that cycle, by any server.
// Servers share nothing but PostgreSQL; each keeps its own cache.
//
// A cached cycle is never handed out: callers get a deep copy, which they
// may evaluate at another period or change. With it the cache keeps the
// figures computed from it (CycleFigures), which go with it when a newer
// version comes.
type cycleCache struct {
	mu     sync.Mutex
	byYear map[int]*keptCycle
}

// cycleVersion is where a cycle stands: its id (a cycle deleted and made
// again has another), the count of writes to its data, and that count at
// the last write to its plan.
type cycleVersion struct {
	cycle int64
	data  int64
	plan  int64
}

// keptCycle is a cycle as read at version, and the figures computed from
// it, by key, for one day (today): figures of another day go when asked
// for a new one, since "da rilevare" depends on today.
type keptCycle struct {
	version cycleVersion
	cycle   *plan.Cycle

	mu      sync.Mutex
	day     time.Time
	figures map[string]*figure
}

// figure is a value computed once from a kept cycle; done is closed once
// value and err are set. Values are shared read-only. dep names what else
// the value was computed from (see Snapshot.Kept).
type figure struct {
	dep   string
	done  chan struct{}
	value any
	err   error
}

// maxFigures bounds the values a kept cycle keeps for a day: a value
// under a new key past it drops those kept, which are computed again when
// asked (the kept pages are keyed on a page, a period and a role: a
// crawler walking every objective of every period must not fill the
// memory, nor make every page computed at each request).
const maxFigures = 2000

// get returns the kept cycle of year read at version v, or nil; with
// planOnly, one read at the same plan (its data may be older). The caller
// must not change its cycle.
func (c *cycleCache) get(year int, v cycleVersion, planOnly bool) *keptCycle {
	c.mu.Lock()
	e, ok := c.byYear[year]
	c.mu.Unlock()
	switch {
	case !ok || e.version.cycle != v.cycle:
		return nil
	case e.version.data == v.data, planOnly && e.version.plan == v.plan:
		return e
	}
	return nil
}

// put keeps cycle as read at version v, unless a newer read of the same
// cycle is kept already, and returns it kept (or, if not kept, wrapped
// alike). It keeps cycle itself: the caller hands out copies only.
func (c *cycleCache) put(year int, v cycleVersion, cycle *plan.Cycle) *keptCycle {
	k := &keptCycle{version: v, cycle: cycle}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byYear[year]; ok && e.version.cycle == v.cycle && e.version.data > v.data {
		return k
	}
	c.byYear[year] = k
	return k
}

// figure returns the value build computes from a copy of the kept cycle
// for key on day, computing it once: the requests that ask for it at once
// wait for the first one's. An error is returned to those waiting and not
// kept.
func (k *keptCycle) figure(day time.Time, key string, build func(*plan.Cycle) (any, error)) (any, error) {
	return k.shared(day, key, "", func() (any, error) { return build(k.cycle.Clone()) })
}

// shared returns the value build computes for key on day with dep,
// computing it once: the requests that ask for it at once wait for the
// first one's. A value kept under key with another dep is replaced. An
// error is returned to those waiting and not kept.
func (k *keptCycle) shared(day time.Time, key, dep string, build func() (any, error)) (any, error) {
	k.mu.Lock()
	if !k.day.Equal(day) || k.figures == nil {
		k.day, k.figures = day, map[string]*figure{}
	}
	f, ok := k.figures[key]
	if ok && f.dep != dep {
		ok = false
	}
	if !ok {
		f = &figure{dep: dep, done: make(chan struct{})}
		if _, there := k.figures[key]; !there && len(k.figures) >= maxFigures {
			k.figures = map[string]*figure{}
		}
		k.figures[key] = f
	}
	k.mu.Unlock()
	if ok {
		<-f.done
		return f.value, f.err
	}
	// If build panics, those waiting get an error and the key is free.
	f.err = errFigureFailed
	defer func() {
		if f.err != nil {
			k.mu.Lock()
			if k.figures[key] == f {
				delete(k.figures, key)
			}
			k.mu.Unlock()
		}
		close(f.done)
	}()
	v, err := build()
	f.value, f.err = v, err
	return v, err
}

var errFigureFailed = errors.New("figures of the cycle not computed")

// CycleCacheStats counts, since the store was made, what the cycle cache
// did: Hits are the cycles served as kept, Misses the requests that found
// none current, Loads the reads of a whole cycle they made (fewer than the
// misses when requests at once share one load).
type CycleCacheStats struct {
	Hits, Misses, Loads uint64
}

// CycleCacheStats is what the cycle cache did so far (for the metrics).
func (s *Store) CycleCacheStats() CycleCacheStats {
	return CycleCacheStats{Hits: s.cacheHits.Load(), Misses: s.cacheMisses.Load(), Loads: s.cacheLoads.Load()}
}
