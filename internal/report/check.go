package report

import (
	"fmt"
	"math"
	"strconv"

	"traguardo/web/paths"
)

// Point is one open point of the coherence check: what is wrong, where,
// and the page where it is fixed.
type Point struct {
	// Kind groups the points: one of the Kind constants.
	Kind string
	// Where names the centre and objective (or the section).
	Where string
	Text  string
	Href  string
}

// The kinds of open point, in the order the checklist shows them.
const (
	KindPeriod   = "Periodo dei dati"
	KindSection  = "Sezioni da compilare"
	KindMissing  = "Indicatori senza valore consuntivo"
	KindGap      = "Scostamenti senza motivazione"
	KindLate     = "Attività in ritardo senza motivazione"
	KindReport   = "Obiettivi senza report finale"
	KindWeights  = "Pesi che non sommano a 100"
	KindApproval = "Approvazione del piano"
)

// Kinds lists the kinds of open point in the order shown.
var Kinds = []string{KindPeriod, KindApproval, KindSection, KindMissing, KindGap, KindLate, KindReport, KindWeights}

// Check lists what is left to do before the report goes to the Nucleo: the
// figures not yet the year's, an unapproved plan, empty sections,
// indicators without an actual value, values below target and late
// activities without a reason, objectives without a final report, and
// weights that do not add up to 100. Each point links to where it is
// fixed. An empty list means the report is complete.
func Check(m *Model) []Point {
	var out []Point
	y := m.Year
	if !m.Final {
		out = append(out, Point{Kind: KindPeriod, Where: "Relazione", Text: m.Provisional, Href: paths.Monitoring(y)})
	}
	if m.ApprovalAct == "" {
		out = append(out, Point{Kind: KindApproval, Where: "Copertina", Text: "Il piano non è approvato: manca l'atto di approvazione.", Href: paths.Cycle(y) + "/approva"})
	}
	for _, s := range []struct{ name, text string }{
		{"1. Introduzione", m.Texts.Introduction}, {"2.2 Contesto e risorse", m.Texts.Context},
		{"2.4 Bilancio di genere", m.Texts.Gender}, {"3. Il processo di misurazione e valutazione", m.Texts.Process},
	} {
		if s.text == "" {
			out = append(out, Point{Kind: KindSection, Where: s.name, Text: "La sezione è vuota.", Href: paths.ReportTexts(y)})
		}
	}
	var periodID int64
	if m.Cycle != nil {
		if p, ok := m.Cycle.PeriodAt(m.AsOf); ok {
			periodID = p.ID
		}
	}
	progress := func(id int64) string {
		if periodID == 0 {
			return paths.Objective(y, id)
		}
		return paths.Progress(y, id, periodID)
	}
	for _, ce := range m.Centres {
		var objWeights []*float64
		for _, o := range ce.Objectives {
			where := fmt.Sprintf("%s, %s, obiettivo %d", ce.Name, o.Section, o.Number)
			objWeights = append(objWeights, o.Weight)
			if o.Pending {
				continue
			}
			var indWeights []*float64
			for _, in := range o.Indicators {
				indWeights = append(indWeights, in.Weight)
				if in.Neutralised != "" {
					continue
				}
				switch {
				case in.Actual == nil && !in.NotMeasurable:
					out = append(out, Point{Kind: KindMissing, Where: where, Text: fmt.Sprintf("L'indicatore «%s» non ha un valore consuntivo al %s.", in.Name, m.AsOf.Format("02/01/2006")), Href: progress(o.ID)})
				case in.Actual != nil && in.Overridden == "" && in.Computed < 100 && in.Reason == "":
					out = append(out, Point{Kind: KindGap, Where: where, Text: fmt.Sprintf("L'indicatore «%s» è sotto il valore atteso (%s su %s) senza motivazione.", in.Name, in.ActualText, in.ExpectedText), Href: progress(o.ID)})
				}
			}
			for _, a := range o.Activities {
				if a.Late && a.Reason == "" {
					out = append(out, Point{Kind: KindLate, Where: where, Text: fmt.Sprintf("L'attività «%s» è in ritardo senza motivazione.", clip(a.Description, 120)), Href: progress(o.ID)})
				}
			}
			if o.ReportHTML == "" || o.ReportTitle != "Report al "+m.AsOf.Format("02/01/2006") {
				out = append(out, Point{Kind: KindReport, Where: where, Text: fmt.Sprintf("Manca il report al %s.", m.AsOf.Format("02/01/2006")), Href: progress(o.ID)})
			}
			if msg := weightsProblem(indWeights, "degli indicatori"); msg != "" {
				out = append(out, Point{Kind: KindWeights, Where: where, Text: msg, Href: paths.Objective(y, o.ID) + "#indicatori"})
			}
		}
		if msg := weightsProblem(objWeights, "degli obiettivi"); msg != "" {
			out = append(out, Point{Kind: KindWeights, Where: ce.Name, Text: msg, Href: paths.Centre(y, ce.ID)})
		}
	}
	return out
}

// weightsProblem says what is wrong with a set of weights: none set is
// equal weights, and right; some set must all be set and add up to 100.
func weightsProblem(ws []*float64, of string) string {
	set, sum := 0, 0.0
	for _, w := range ws {
		if w != nil {
			set++
			sum += *w
		}
	}
	switch {
	case set == 0:
		return ""
	case set < len(ws):
		return fmt.Sprintf("I pesi %s sono indicati per %d su %d: indicarli per tutti o per nessuno.", of, set, len(ws))
	case math.Abs(sum-100) > 0.001:
		return fmt.Sprintf("I pesi %s sommano a %s, non a 100.", of, num(sum))
	}
	return ""
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
