package components

import (
	"strings"
	"time"
)

// Edit is the state of a form that changes a stored record: the version of
// the record the form was read at, which the form sends back (see
// VersionInput), and, when someone else saved the record meanwhile, what
// they saved (see StaleNotice).
type Edit struct {
	Version int
	Stale   *Stale
}

// Stale is what someone else saved to a record while a user was changing
// it: the user's change was refused, and is shown again as typed.
type Stale struct {
	What   string    // the record, "questo elemento" when empty
	By     []string  // who changed it, in order
	At     time.Time // when it was last changed; zero when unknown
	Fields []StaleField
	Advice string // what the user may do now
}

// StaleField is a field someone else changed, as it is now.
type StaleField struct {
	Label string // the form's label of the field
	Value string // the value now, as the form shows it
}

// Summary says who changed the record and when: "Nel frattempo Mario Rossi
// ha modificato questo elemento il 31/12/2023 alle 18:05."
func (s *Stale) Summary() string {
	what := s.What
	if what == "" {
		what = "questo elemento"
	}
	var b strings.Builder
	b.WriteString("Nel frattempo ")
	switch len(s.By) {
	case 0:
		b.WriteString("un altro utente ha")
	case 1:
		b.WriteString(s.By[0] + " ha")
	default:
		b.WriteString(strings.Join(s.By[:len(s.By)-1], ", ") + " e " + s.By[len(s.By)-1] + " hanno")
	}
	b.WriteString(" modificato " + what)
	if !s.At.IsZero() {
		t := s.At.In(Rome())
		b.WriteString(" il " + t.Format("02/01/2006") + " alle " + t.Format("15:04"))
	}
	if len(s.Fields) > 0 {
		b.WriteString(". Ora è così:")
	} else {
		b.WriteString(".")
	}
	return b.String()
}
