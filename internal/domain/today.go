package domain

import (
	"sync"
	"time"
	_ "time/tzdata" // the zone of Rome even where the system has no zone files
)

// Rome is the time zone in which people read and type dates and times.
var Rome = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
})

// Today is the calendar day it is in Italy at now, as a UTC midnight: how
// dates are compared and kept.
func Today(now time.Time) time.Time {
	t := now.In(Rome())
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
