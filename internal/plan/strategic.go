package plan

import "strings"

// StrategicArea is an area of the body's strategy (from the DUP or the
// Piano programma) that objectives serve, with the public value
// (valore pubblico, PIAO section 2.1) the body pursues through it.
type StrategicArea struct {
	Name        string
	PublicValue string
	// Objectives are the cycle's objectives in the area, in the plan's
	// order.
	Objectives []*Objective
}

// PublicValue is the public value a strategic area pursues.
type PublicValue struct {
	Area  string
	Value string
}

// PublicValueOf returns the public value of the area named name ("" when
// none is set).
func (c *Cycle) PublicValueOf(name string) string {
	name = strings.TrimSpace(name)
	for _, v := range c.PublicValues {
		if strings.TrimSpace(v.Area) == name {
			return v.Value
		}
	}
	return ""
}

// StrategicAreas returns the areas the cycle's objectives name, in the
// order they first appear in the plan, each with its public value from
// PublicValues. Objectives with no area are left out. Names are compared
// after trimming spaces; the first spelling is kept.
func (c *Cycle) StrategicAreas() []StrategicArea {
	var out []StrategicArea
	at := map[string]int{}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			name := strings.TrimSpace(o.StrategicArea)
			if name == "" {
				continue
			}
			i, ok := at[name]
			if !ok {
				i = len(out)
				at[name] = i
				out = append(out, StrategicArea{Name: name, PublicValue: c.PublicValueOf(name)})
			}
			out[i].Objectives = append(out[i].Objectives, o)
		}
	}
	return out
}
