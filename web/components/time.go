package components

import (
	"errors"
	"strings"
	"time"

	"traguardo/internal/domain"
)

// Rome is the time zone in which people read and type dates and times.
var Rome = domain.Rome

// DateTime formats an instant as Italian local time: 31/12/2023 18:05.
func DateTime(t time.Time) string { return t.In(Rome()).Format("02/01/2006 15:04") }

// errDate is returned for a day that cannot be read.
var errDate = errors.New("invalid date")

// ParseDay reads a day typed in a date field, as a browser sends it
// (2023-12-31) or as an Italian would type it (31/12/2023), and returns its
// first instant in Italian local time.
func ParseDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if t, err := time.ParseInLocation(layout, s, Rome()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errDate
}
