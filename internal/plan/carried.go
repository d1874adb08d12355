package plan

// CarriedFrom is the objective of prev (the same organisational centre in
// the cycle before) that o was carried over from, nil when none. The
// schema keeps no link between the two: the carry-over (store.CarryOver)
// copies an objective into the same organisational centre with its
// section and number, which are unique within a centre of a cycle, so
// that pair is the link; an objective renumbered since reads as not
// carried over.
func CarriedFrom(prev *Centre, o *Objective) *Objective {
	if prev == nil {
		return nil
	}
	for _, po := range prev.Objectives {
		if po.Section == o.Section && po.Number == o.Number {
			return po
		}
	}
	return nil
}

// CarriedIndicator is the indicator of from (the objective o was carried
// over from, CarriedFrom) that o's i-th indicator was copied from, nil when
// none: the carry-over copies indicators in their order, so the one at the
// same place if it has the same name, else the only one of that name.
func CarriedIndicator(from, o *Objective, i int) *Indicator {
	if from == nil || i < 0 || i >= len(o.Indicators) {
		return nil
	}
	name := o.Indicators[i].Name
	if i < len(from.Indicators) && from.Indicators[i].Name == name {
		return from.Indicators[i]
	}
	var found *Indicator
	for _, in := range from.Indicators {
		if in.Name == name {
			if found != nil {
				return nil // two of that name: which one is not known
			}
			found = in
		}
	}
	return found
}
