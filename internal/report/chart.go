package report

import "strings"

// The chart of section 2.1: a bar per centre and one for the body, drawn on
// the server in SVG (no script; it prints in the PDF), with a text
// alternative and the same data as a table.
const (
	chartWidth  = 760
	chartLabelW = 330
	chartBarW   = 330
	chartRowH   = 28
	chartTop    = 24
)

type bar struct {
	label string
	text  string
	width int
}

// bars are the chart's bars: the body's first, then each centre's. The
// full width stands for 100% (the cap, when higher, runs past the line).
func (m *Model) bars() []bar {
	mk := func(label string, v *float64, text string) bar {
		b := bar{label: label, text: text}
		if v != nil && *v > 0 {
			b.width = min(int(*v/100*chartBarW), chartBarW*6/5)
		}
		return b
	}
	out := []bar{mk("Complessivo dell'ente", m.Achievement, m.AchievementText)}
	for _, ce := range m.Centres {
		out = append(out, mk(ce.Name, ce.Achievement, ce.AchievementText))
	}
	return out
}

func (m *Model) chartAlt() string {
	var parts []string
	for _, b := range m.bars() {
		parts = append(parts, b.label+" "+b.text)
	}
	return "Grado di raggiungimento. " + strings.Join(parts, "; ") + "."
}

func (m *Model) objectives() int {
	n := 0
	for _, ce := range m.Centres {
		n += len(ce.Objectives)
	}
	return n
}
