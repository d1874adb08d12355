package plan

import (
	"strings"
)

// MaxPublicValue bounds the text of a strategic area's public value.
const MaxPublicValue = 4000

// Fields of a public value, as the problems name them.
const (
	FieldArea        = "area"
	FieldPublicValue = "public_value"
)

// PublicValueProblem is a problem of the public value at Index of a list:
// Field is FieldArea or FieldPublicValue.
type PublicValueProblem struct {
	Index   int
	Field   string
	Message string
}

// CheckPublicValues checks a list of public values against areas, the
// names of the strategic areas the objectives give (as StrategicAreas
// returns them): each value names one of them (after trimming spaces),
// at most once, with a text of at most MaxPublicValue characters. A value
// with no text is no problem: it is none (NormalPublicValues drops it).
// Every problem is returned, in the list's order.
func CheckPublicValues(values []PublicValue, areas []string) []PublicValueProblem {
	named := make(map[string]bool, len(areas))
	for _, a := range areas {
		named[strings.TrimSpace(a)] = true
	}
	var out []PublicValueProblem
	seen := map[string]bool{}
	for i, v := range values {
		name := strings.TrimSpace(v.Area)
		switch {
		case name == "":
			out = append(out, PublicValueProblem{i, FieldArea, "nome dell'area strategica mancante"})
		case seen[name]:
			out = append(out, PublicValueProblem{i, FieldArea, "area strategica già elencata: «" + name + "»"})
		case !named[name]:
			out = append(out, PublicValueProblem{i, FieldArea, "nessun obiettivo indica l'area strategica «" + name + "»"})
		}
		seen[name] = true
		if msg := TooLong(strings.TrimSpace(v.Value), MaxPublicValue); msg != "" {
			out = append(out, PublicValueProblem{i, FieldPublicValue, msg})
		}
	}
	return out
}

// PublicValueProblems checks the cycle's PublicValues against the areas
// its objectives name (CheckPublicValues).
func (c *Cycle) PublicValueProblems() []PublicValueProblem {
	areas := c.StrategicAreas()
	names := make([]string, len(areas))
	for i, a := range areas {
		names[i] = a.Name
	}
	return CheckPublicValues(c.PublicValues, names)
}

// NormalPublicValues is values as they are stored: area and text trimmed,
// the values with no text left out.
func NormalPublicValues(values []PublicValue) []PublicValue {
	out := make([]PublicValue, 0, len(values))
	for _, v := range values {
		v = PublicValue{Area: strings.TrimSpace(v.Area), Value: strings.TrimSpace(v.Value)}
		if v.Value != "" {
			out = append(out, v)
		}
	}
	return out
}
