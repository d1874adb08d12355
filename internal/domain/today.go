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

// Clock tells the time. The application has one, set in its configuration
// and shared by the server and the store, so that every "today" of a
// request comes from it and a test can fix the date.
type Clock func() time.Time

// SystemClock is the machine's clock.
var SystemClock Clock = time.Now

// Today is the calendar day it is in Italy by the clock.
func (c Clock) Today() time.Time { return Today(c()) }
