package plan

import "time"

// TrendPoint is a figure (the cycle's or a centre's) at one period. Value
// is nil when there is none to show: Pending says the period still awaits
// its data ("da rilevare"); otherwise nothing was recorded there, or
// nothing that counts ("nessun dato"). Never 0 for a period without data.
type TrendPoint struct {
	Period  time.Time
	Value   *float64
	Pending bool
}

// Trend is the achievement at each period of the cycle, in the order of
// the periods: the cycle's (Cycle) and each centre's (Centres, in the
// order of c.Centres).
type Trend struct {
	Cycle   []TrendPoint
	Centres [][]TrendPoint
}

// Trend computes the achievement of the cycle and of each centre at every
// period, by EvaluateAt itself (the figures of the trend are those the
// cycle page shows at that period), except that a centre (or the cycle)
// with nothing recorded at a period whose window has closed has no point
// rather than the 0 its missing indicators would count. The cycle's own
// point stays the cycle page's figure: where another centre has data, a
// centre with none at a closed period counts there as the rules say (its
// indicators mancante, 0). The cycle is left evaluated as it was (at its
// AsOf), by today.
func (c *Cycle) Trend(today time.Time) Trend {
	asOf := c.AsOf
	t := Trend{Centres: make([][]TrendPoint, len(c.Centres))}
	for _, p := range c.Periods {
		day := p.EndsOn
		c.EvaluateAt(day, today)
		t.Cycle = append(t.Cycle, point(day, c.Achievement, c.Pending, c.HasData(day)))
		for i, ce := range c.Centres {
			t.Centres[i] = append(t.Centres[i], point(day, ce.Achievement, ce.Pending, ce.HasData(day)))
		}
	}
	if !asOf.IsZero() {
		c.EvaluateAt(asOf, today)
	}
	return t
}

func point(day time.Time, v *float64, pending, hasData bool) TrendPoint {
	if pending || !hasData {
		return TrendPoint{Period: day, Pending: pending}
	}
	if v != nil {
		x := *v
		v = &x
	}
	return TrendPoint{Period: day, Value: v}
}
