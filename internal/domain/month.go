package domain

import (
	"errors"
	"strconv"
	"time"
)

// Month is a calendar month of a given year.
//
// Activities are planned and reported by month, never by day, so a whole
// date would suggest a precision the plan does not have.
type Month struct {
	Year  int
	Month time.Month
}

// The range of years accepted by ParseMonth: wide enough for any real plan,
// narrow enough to catch a mistyped year ("0223", "20233") early.
const (
	minYear = 1900
	maxYear = 2200
)

// errBadMonth is shared so that every caller shows the same hint to the user.
var errBadMonth = errors.New("mese non valido: usare AAAA-MM")

// ParseMonth reads a month written as "AAAA-MM", the form used by forms and by
// the interchange format. It is strict (no spaces, no single-digit month) so
// that a month read and written again is byte-for-byte the same.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return Month{}, errBadMonth
	}
	for i, c := range s {
		if i != 4 && (c < '0' || c > '9') {
			return Month{}, errBadMonth
		}
	}
	y, _ := strconv.Atoi(s[:4])
	mo, _ := strconv.Atoi(s[5:])
	m := Month{Year: y, Month: time.Month(mo)}
	if !m.valid() {
		return Month{}, errBadMonth
	}
	return m, nil
}

// valid reports whether m could have come out of ParseMonth; a Month built
// by hand may not have.
func (m Month) valid() bool {
	return m.Year >= minYear && m.Year <= maxYear &&
		m.Month >= time.January && m.Month <= time.December
}

// String writes m as "AAAA-MM", the same form ParseMonth reads.
func (m Month) String() string {
	mo := strconv.Itoa(int(m.Month))
	if len(mo) < 2 {
		mo = "0" + mo
	}
	return strconv.Itoa(m.Year) + "-" + mo
}

// Before reports whether m comes strictly before o.
func (m Month) Before(o Month) bool {
	return m.Index() < o.Index()
}

// Index numbers months consecutively across years, so that comparing and
// subtracting months is plain integer arithmetic.
func (m Month) Index() int {
	return m.Year*12 + int(m.Month) - 1
}

// monthOf returns the month a time falls in, in the time's own location, so
// that "today" is the calendar day the user sees.
func monthOf(t time.Time) Month {
	return Month{Year: t.Year(), Month: t.Month()}
}

var monthNames = [...]string{
	"Gennaio", "Febbraio", "Marzo", "Aprile", "Maggio", "Giugno",
	"Luglio", "Agosto", "Settembre", "Ottobre", "Novembre", "Dicembre",
}

// MonthName returns the Italian name of m, capitalised as the seed report
// writes it in its "Tempi" column. A month outside 1..12 is returned as its
// number, so that a bug shows up on screen instead of as an empty cell.
func MonthName(m time.Month) string {
	if m < time.January || m > time.December {
		return strconv.Itoa(int(m))
	}
	return monthNames[m-1]
}

// AddYears returns m moved by n years, the same month of the year: the way
// a plan moves into another cycle.
func (m Month) AddYears(n int) Month {
	return Month{Year: m.Year + n, Month: m.Month}
}

// AddYears moves a date by n years, keeping month and day; a 29 February
// into a year without one becomes the 28th, as PostgreSQL's interval
// arithmetic does for the carry-over (not the 1 March of time.AddDate).
func AddYears(d time.Time, n int) time.Time {
	y := d.Year() + n
	day := min(d.Day(), daysIn(y, d.Month()))
	return time.Date(y, d.Month(), day, d.Hour(), d.Minute(), d.Second(), d.Nanosecond(), d.Location())
}

// daysIn is the number of days of month in year.
func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
