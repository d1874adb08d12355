package store

import (
	"sync"

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
// may evaluate at another period or change.
type cycleCache struct {
	mu     sync.Mutex
	byYear map[int]cachedCycle
}

type cachedCycle struct {
	version int64
	cycle   *plan.Cycle
}

// get returns a copy of the cycle of year read at version, or nil.
func (c *cycleCache) get(year int, version int64) *plan.Cycle {
	c.mu.Lock()
	e, ok := c.byYear[year]
	c.mu.Unlock()
	if !ok || e.version != version {
		return nil
	}
	return e.cycle.Clone()
}

// put keeps cycle as read at version, unless a newer read is kept already.
// It keeps cycle itself: the caller hands out copies only.
func (c *cycleCache) put(year int, version int64, cycle *plan.Cycle) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byYear[year]; ok && e.version > version {
		return
	}
	// Cycles of older versions go: only current ones are ever served.
	for y, e := range c.byYear {
		if e.version < version {
			delete(c.byYear, y)
		}
	}
	c.byYear[year] = cachedCycle{version: version, cycle: cycle}
}
