package plan

import "time"

// MidYearPeriod is the period the mid-year monitoring report
// ("Monitoraggio intermedio", art. 6 D.Lgs. 150/2009) is at unless one is
// chosen: the period ending on 30 June of the cycle's year; without one,
// the latest period before the year's end that has data; without any, the
// latest period before the year's end. The zero time when the cycle has no
// period before 31 December.
func (c *Cycle) MidYearPeriod() time.Time {
	june := time.Date(c.Year, time.June, 30, 0, 0, 0, 0, time.UTC)
	if _, ok := c.PeriodAt(june); ok {
		return june
	}
	yearEnd := time.Date(c.Year, time.December, 31, 0, 0, 0, 0, time.UTC)
	var latest time.Time
	for i := len(c.Periods) - 1; i >= 0; i-- {
		day := c.Periods[i].EndsOn
		if !day.Before(yearEnd) {
			continue
		}
		if c.HasData(day) {
			return day
		}
		if latest.IsZero() {
			latest = day
		}
	}
	return latest
}
