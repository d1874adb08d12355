package domain

// The two kinds of centre id are distinct types, so that a check about one
// cannot be handed the other.

// CentreID is a centre of responsibility of the organisation (table
// centres): it outlives cycles, and a Responsabile is bound to it.
type CentreID int64

// CycleCentreID is a centre as it stands in one cycle, with that year's
// manager and position (table cycle_centres): the plan's objectives hang
// from it, and the pages' URLs name it.
type CycleCentreID int64
