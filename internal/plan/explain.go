package plan

import (
	"fmt"
	"math"
	"strings"
	"traguardo/internal/format"

	"traguardo/internal/domain"
)

// Show the arithmetic: an objective's achievement written out so that the
// Nucleo can recompute it by hand. Everything here reads the terms the
// evaluation kept (IndicatorFigures.Score, Objective.Mean, Objective.Band)
// and computes nothing of its own, so the text and the figure cannot
// disagree.

// Explanation is an objective's achievement written out, in Italian.
type Explanation struct {
	// Settings are the cycle's rules in force.
	Settings string
	// Indicators explain each indicator, in order.
	Indicators []IndicatorExplanation
	// Mean is the weighted mean written out, e.g.
	// "(100 × 1 + 0 × 1 + 0 × 1) / 3 = 33,3 %"; Band how the band follows.
	Mean, Band string
}

// IndicatorExplanation is one indicator's achievement written out.
type IndicatorExplanation struct {
	Name string
	// Rule is the rule applied, Formula the values put into it.
	Rule, Formula string
	// Weight is the weight it counts with ("" when it does not count).
	Weight string
	// Notes are the override (the period's own or the indicator's) or the
	// neutralisation, with their reasons.
	Notes []string
}

// Explain writes out the achievement of o, a centre's objective of c, as
// computed by the last Evaluate or EvaluateAt of c.
func (c *Cycle) Explain(o *Objective) Explanation {
	r := c.Rules.Normal()
	e := Explanation{Settings: fmt.Sprintf("Regole del ciclo: arrotondamento %s; tetto del grado di raggiungimento di un indicatore %s; soglie: raggiunto da %s, parzialmente raggiunto da %s.",
		roundingLabel(r.Rounding), format.Percent(r.Cap), format.Percent(c.Bands.Reached), format.Percent(c.Bands.Partial))}
	for i, in := range o.Indicators {
		e.Indicators = append(e.Indicators, c.explainIndicator(o, i, in))
	}
	switch {
	case o.Pending:
		e.Mean = "Da rilevare: nessun dato al periodo."
		return e
	case o.Achievement == nil:
		e.Mean = "Nessun indicatore concorre alla media: nessun grado di raggiungimento."
		return e
	}
	terms := make([]string, len(o.Mean.Terms))
	for i, t := range o.Mean.Terms {
		terms[i] = format.Number(r.Round(t.Value)) + " × " + format.Number(t.Weight)
	}
	e.Mean = fmt.Sprintf("(%s) / %s = %s", strings.Join(terms, " + "), format.Number(o.Mean.Total), format.Percent(*o.Achievement))
	shown := format.Percent(*o.Achievement)
	if o.Interim {
		e.Band = fmt.Sprintf("%s: nessuna fascia. Prima dell'ultimo periodo un indicatore senza target intermedio non è valutato; il grado misura l'avanzamento verso i valori attesi dell'anno.", shown)
		return e
	}
	switch o.Band {
	case domain.Reached:
		e.Band = fmt.Sprintf("%s ≥ %s (soglia di raggiungimento): %s", shown, format.Percent(c.Bands.Reached), o.Band)
	case domain.PartlyReached:
		e.Band = fmt.Sprintf("%s ≤ %s < %s: %s", format.Percent(c.Bands.Partial), shown, format.Percent(c.Bands.Reached), o.Band)
	default:
		e.Band = fmt.Sprintf("%s < %s (soglia di parziale raggiungimento): %s", shown, format.Percent(c.Bands.Partial), o.Band)
	}
	return e
}

func (c *Cycle) explainIndicator(o *Objective, i int, in *Indicator) IndicatorExplanation {
	f, s := in.IndicatorFigures, in.Score
	x := IndicatorExplanation{Name: o.IndicatorLabel(i)}
	target := "atteso"
	if f.Intermediate {
		target = "target intermedio"
	}
	capText := format.Percent(s.Cap)
	switch {
	case f.Pending:
		x.Rule, x.Formula = "Da rilevare", "nessun dato al periodo"
	case s.Method == domain.ByMissing:
		x.Rule = "valore mancante: conta 0"
		x.Formula = "nessun valore al periodo = 0%"
	case s.Method == domain.ByYesNo:
		x.Rule = "si/no: 100 se il consuntivo è uguale all'" + target + ", altrimenti 0"
		x.Formula = fmt.Sprintf("consuntivo %s, %s %s = %s", format.YesNo(s.Actual == 1), target, format.YesNo(s.Expected == 1), format.Percent(f.Computed))
	case s.Method == domain.ByZeroTarget:
		x.Rule = target + " 0: raggiunto con qualunque consuntivo"
		x.Formula = fmt.Sprintf("consuntivo %s, %s 0 = 100%%", format.Number(s.Actual), target)
	case s.Method == domain.ByHigher && s.Expected < 0:
		x.Rule = "più alto è meglio, " + target + " negativo: 100 se il consuntivo non è minore, altrimenti 0"
		x.Formula = fmt.Sprintf("consuntivo %s, %s %s = %s", format.Number(s.Actual), target, format.Number(s.Expected), format.Percent(f.Computed))
	case s.Method == domain.ByHigher:
		x.Rule = fmt.Sprintf("più alto è meglio: min(consuntivo / %s × 100; %s)", target, capText)
		x.Formula = fmt.Sprintf("min(%s / %s × 100; %s) = %s", format.Number(s.Actual), format.Number(s.Expected), capText, format.Percent(f.Computed))
	case math.IsInf(s.Ratio, 1):
		x.Rule = fmt.Sprintf("più basso è meglio: min(%s / consuntivo × 100; %s)", target, capText)
		x.Formula = fmt.Sprintf("consuntivo %s ≤ 0, entro %s %s = %s", format.Number(s.Actual), target, format.Number(s.Expected), format.Percent(f.Computed))
	case s.Actual <= 0:
		x.Rule = "più basso è meglio, " + target + " negativo superato: 0"
		x.Formula = fmt.Sprintf("consuntivo %s, %s %s = 0%%", format.Number(s.Actual), target, format.Number(s.Expected))
	default:
		x.Rule = fmt.Sprintf("più basso è meglio: min(%s / consuntivo × 100; %s)", target, capText)
		x.Formula = fmt.Sprintf("min(%s / %s × 100; %s) = %s", format.Number(s.Expected), format.Number(s.Actual), capText, format.Percent(f.Computed))
	}
	if !f.Pending && !f.Judged {
		x.Notes = append(x.Notes, "Non valutato: nessun target intermedio al periodo; conta come avanzamento verso il valore atteso dell'anno.")
	}
	if !f.Pending && s.Capped {
		x.Notes = append(x.Notes, fmt.Sprintf("Limitato al tetto di %s.", capText))
	}
	switch o := f.InForce; {
	case !f.Overridden:
	case o.Period.IsZero():
		x.Notes = append(x.Notes, fmt.Sprintf("Grado sostituito dal direttore: conta %s in luogo di %s. Motivazione: %s", format.Percent(o.Pct), format.Percent(f.Computed), o.Reason))
	default:
		x.Notes = append(x.Notes, fmt.Sprintf("Grado stabilito dal direttore per il %s, solo per questo periodo: conta %s in luogo di %s. Motivazione: %s",
			format.DayMonth(o.Period), format.Percent(o.Pct), format.Percent(f.Computed), o.Reason))
	}
	if in.Neutralised != nil {
		x.Notes = append(x.Notes, fmt.Sprintf("Sterilizzato (%s): escluso dalla media. Motivazione: %s", in.Neutralised.By, in.Neutralised.Reason))
		return x
	}
	w := 1.0
	if in.Weight != nil {
		w = *in.Weight
	}
	x.Weight = format.Number(w)
	return x
}

func roundingLabel(r domain.Rounding) string {
	if r == domain.TruncateWhole {
		return "all'intero inferiore (troncamento)"
	}
	return "a un decimale"
}
