package store

import (
	"errors"
	"slices"
	"sync"
	"time"

	"traguardo/internal/plan"
)

// cycleCache keeps, per process, the cycles LoadCycle read, each with the
// data version (table data_version) its snapshot held. Every write to what
// a cycle is loaded from bumps that version in its own transaction (the
// triggers of migration 000011), so a cycle whose version is still the
// database's is the cycle as stored: LoadCycle checks it with one query and
// reads again only after a write, by any server. Servers share nothing but
// PostgreSQL; each keeps its own cache.
//
// A cached cycle is never handed out: callers get a deep copy, which they
// may evaluate at another period or change. With it the cache keeps the
// figures computed from it (CycleFigures), which go with it when a newer
// version comes.
type cycleCache struct {
	mu     sync.Mutex
	byYear map[int]*keptCycle
	// years are the years of the cycles that exist at yearsVersion, read
	// with the last cycle loaded: a page asking for a cycle that does not
	// exist (the year before the first) costs no load while they hold.
	years        []int
	yearsVersion int64
}

// keptCycle is a cycle as read at version, and the figures computed from
// it, by key, for one day (today): figures of another day go when asked
// for a new one, since "da rilevare" depends on today.
type keptCycle struct {
	version int64
	cycle   *plan.Cycle

	mu      sync.Mutex
	day     time.Time
	figures map[string]*figure
}

// figure is a value computed once from a kept cycle; done is closed once
// value and err are set. Values are shared read-only.
type figure struct {
	done  chan struct{}
	value any
	err   error
}

// get returns the kept cycle of year read at version, or nil. The caller
// must not change its cycle.
func (c *cycleCache) get(year int, version int64) *keptCycle {
	c.mu.Lock()
	e, ok := c.byYear[year]
	c.mu.Unlock()
	if !ok || e.version != version {
		return nil
	}
	return e
}

// put keeps cycle as read at version, unless a newer read is kept already,
// and returns it kept (or, if not kept, wrapped alike). It keeps cycle
// itself: the caller hands out copies only.
func (c *cycleCache) put(year int, version int64, cycle *plan.Cycle) *keptCycle {
	k := &keptCycle{version: version, cycle: cycle}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byYear[year]; ok && e.version > version {
		return k
	}
	// Cycles of older versions go: only current ones are ever served.
	for y, e := range c.byYear {
		if e.version < version {
			delete(c.byYear, y)
		}
	}
	c.byYear[year] = k
	return k
}

// putYears keeps the years of the cycles that exist at version, unless
// those of a newer version are kept.
func (c *cycleCache) putYears(version int64, years []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version >= c.yearsVersion {
		c.years, c.yearsVersion = years, version
	}
}

// absent says whether the cycle of year is known not to exist at version.
func (c *cycleCache) absent(year int, version int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.yearsVersion == version && !slices.Contains(c.years, year)
}

// figure returns the value build computes from a copy of the kept cycle
// for key on day, computing it once: the requests that ask for it at once
// wait for the first one's. An error is returned to those waiting and not
// kept.
func (k *keptCycle) figure(day time.Time, key string, build func(*plan.Cycle) (any, error)) (any, error) {
	k.mu.Lock()
	if !k.day.Equal(day) || k.figures == nil {
		k.day, k.figures = day, map[string]*figure{}
	}
	f, ok := k.figures[key]
	if !ok {
		f = &figure{done: make(chan struct{})}
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
	v, err := build(k.cycle.Clone())
	f.value, f.err = v, err
	return v, err
}

var errFigureFailed = errors.New("figures of the cycle not computed")
