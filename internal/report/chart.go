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
// full width stands for the cycle's cap (100%, or the ceiling of an
// over-achievement it allows), with a line at 100%: no figure the rules
// allow is clipped.
func (m *Model) bars() []bar {
	mk := func(label string, v *float64, text string) bar {
		b := bar{label: label, text: text}
		if v != nil && *v > 0 {
			b.width = int(min(*v, m.Rules.Ceiling()) / m.Rules.Ceiling() * chartBarW)
		}
		return b
	}
	out := []bar{mk("Complessivo dell'ente", m.Achievement, withCoverage(m.AchievementText, m.Coverage))}
	for _, ce := range m.Centres {
		out = append(out, mk(ce.Name, ce.Achievement, withCoverage(ce.AchievementText, ce.Coverage)))
	}
	return out
}

// chartCaption is the chart's caption.
const chartCaption = "Grado di raggiungimento complessivo e per centro (i dati sono nella tabella che segue)."

// chartHeight is the height of the chart, in the units of its width
// (chartWidth).
func (m *Model) chartHeight() int { return chartTop + len(m.bars())*chartRowH + 8 }

// hundredX is the x of the chart's 100% line.
func (m *Model) hundredX() int { return chartLabelW + int(100/m.Rules.Ceiling()*chartBarW) }

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

// withCoverage is a figure's text with what it covers when that is not
// every part: "56,2% (2 centri su 6)".
func withCoverage(text, coverage string) string {
	if coverage == "" {
		return text
	}
	return text + " (" + coverage + ")"
}
