// Package report assembles the Relazione sulla Performance of a cycle into
// one Model, after the Funzione Pubblica guidelines (n. 3/2018) adapted to a
// local body and laid out as the seed document: a cover, 1 Introduzione, 2.1
// the main results, 2.2 the context, 2.3 the performance of each centre with
// each objective as the seed shows it, 2.4 the gender budget, 3 the process
// of measurement, 4 the validation. Every format (HTML for screen and print,
// PDF, DOCX, ODT, XLSX, CSV) is rendered from the one Model, by the server
// and by the command line alike; Check lists what is left to do before the
// report goes to the Nucleo.
package report

import (
	"context"
	"fmt"
	"slices"
	"time"
	"traguardo/internal/format"

	"traguardo/internal/domain"
	"traguardo/internal/labels"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// Model is the whole Relazione of one cycle, assembled once.
type Model struct {
	Organisation string
	Year         int
	// ApprovalAct is the act approving the plan ("Delibera CdA n. 12 del
	// 30/01/2023"), empty when the plan is not approved; ApprovedOn its day.
	ApprovalAct string
	ApprovedOn  *time.Time
	// AsOf is the period the figures are at. Final says they are the year's
	// result: AsOf is the cycle's last period and its entry window has
	// closed. Otherwise Provisional says, on every page, which period the
	// figures are at.
	AsOf        time.Time
	Final       bool
	Provisional string
	Rules       domain.Rules
	Bands       domain.Bands
	// Achievement is the body's overall achievement as the model computed
	// it (nil when nothing is measured), with its text ("da rilevare") and
	// what it covers ("2 centri su 6", empty when every centre).
	Achievement     *float64
	AchievementText string
	Coverage        string
	Centres         []Centre
	// ByBand counts the objectives of each band (and those to be measured).
	ByBand []BandCount
	// Texts are the director's texts, sanitised.
	Texts Texts
	// Variations are the plan's variations after approval, in order.
	Variations []Variation
	// Neutralised and Overridden are the indicators taken out of the
	// averages, and the director's achievements of indicators (of every
	// period, or of one: MeasureNote.Period), with their reasons.
	Neutralised []MeasureNote
	Overridden  []MeasureNote
	// Rules of measurement in words, for section 3.
	RuleLines []string
	// Validation is the Nucleo's act (section 4); nil while the report is
	// not validated. The caller that knows it sets it.
	Validation *Validation
	// Observations are the Nucleo's comments on the objectives of the
	// version Validation decides, in the plan's order (section 4, after the
	// act); none while there is no act. The caller that sets Validation
	// sets them (ObservationsOf).
	Observations []Observation
	// Cycle is the evaluated cycle the model was assembled from.
	Cycle *plan.Cycle
}

// Texts are the director's free texts, as sanitised HTML, with the
// version they were read at (to edit them).
type Texts struct {
	Introduction string
	Context      string
	Gender       string
	Process      string
	Version      int
}

// Validation is the Nucleo's act on the report: its outcome ("validata",
// "validata con osservazioni", "non validata"), its day and the text of its
// validation document (sanitised HTML).
type Validation struct {
	Outcome  string
	On       time.Time
	TextHTML string
}

// Observation is a comment of the Nucleo di Valutazione on an objective,
// as the Relazione publishes it: the objective (its centre, section, number
// and title as the plan reads when the report is made), the comment and its
// day, who wrote it by role (never a person's e-mail), and the director's
// answer with its day when there is one. Frozen with a validation (as JSON,
// for the public page), so its fields keep their names.
type Observation struct {
	Centre  string `json:"centre"`
	Section string `json:"section"`
	// Number is 0 and Title the objective as it read when commented once
	// the objective is gone from the plan.
	Number int    `json:"number"`
	Title  string `json:"title"`
	// Anchor is the objective in section 2.3, "" once it is gone.
	Anchor string    `json:"anchor,omitempty"`
	Text   string    `json:"text"`
	On     time.Time `json:"on"`
	By     string    `json:"by"`
	// Answer is the director's answer, "" when none; AnsweredOn its day.
	Answer     string     `json:"answer,omitempty"`
	AnsweredOn *time.Time `json:"answered_on,omitempty"`
}

// Subject is the objective an observation is on, as the Relazione names it:
// "AREA DISABILI - ANZIANI, DISABILI, obiettivo 1 – Rafforzare ...".
func (o Observation) Subject() string {
	if o.Number == 0 {
		return o.Title
	}
	return fmt.Sprintf("%s, %s, obiettivo %d – %s", o.Centre, o.Section, o.Number, o.Title)
}

// ObservationsBy is the author of every observation: only the Nucleo
// comments the Relazione (auth.Comment).
const ObservationsBy = "Nucleo di Valutazione"

// ObservationsOf are the comments of version number among comments (every
// version's, as the store lists them), on the objectives of c, in the
// plan's order (the comments on an objective since removed last), each
// objective's in the order they were written.
func ObservationsOf(c *plan.Cycle, comments []store.ReportComment, number int) []Observation {
	type ranked struct {
		o    Observation
		rank int
	}
	rank := map[int64]int{}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			rank[o.ID] = len(rank)
		}
	}
	var out []ranked
	for _, m := range comments {
		if m.ReportNumber != number {
			continue
		}
		ob := Observation{Title: m.Objective, Text: m.Body, On: domain.Today(m.At), By: ObservationsBy, Answer: m.Answer}
		if m.AnsweredAt != nil {
			day := domain.Today(*m.AnsweredAt)
			ob.AnsweredOn = &day
		}
		r := len(rank)
		if m.ObjectiveID != nil {
			if ce, o, ok := c.ObjectiveByID(*m.ObjectiveID); ok {
				ob.Centre, ob.Section, ob.Number, ob.Title = ce.Name, o.Section, o.Number, o.Title
				ob.Anchor = fmt.Sprintf("obiettivo-%d", o.ID)
				r = rank[o.ID]
			}
		}
		out = append(out, ranked{ob, r})
	}
	slices.SortStableFunc(out, func(a, b ranked) int { return a.rank - b.rank })
	obs := make([]Observation, len(out))
	for i, r := range out {
		obs[i] = r.o
	}
	return obs
}

// Centre is a centre of responsibility with its objectives in plan order.
type Centre struct {
	ID              domain.CycleCentreID
	Name            string
	Manager         string
	Anchor          string
	Achievement     *float64
	AchievementText string
	// Coverage is what the centre's figure covers ("3 obiettivi su 5"),
	// empty when every objective.
	Coverage   string
	Pending    bool
	Objectives []Objective
}

// Objective is one objective laid out as the seed: its header table,
// description, activities, indicators and report.
type Objective struct {
	ID                   int64
	Anchor               string
	Section              string
	Number               int
	Title                string
	StrategicArea        string
	OperationalObjective string
	PEGProject           string
	Services             string
	EndUsers             string
	Networks             string
	DescriptionHTML      string
	Weight               *float64
	Activities           []Activity
	Indicators           []Indicator
	// Achievement, its text by the rules, and its band ("" while pending).
	Achievement     *float64
	AchievementText string
	Band            domain.Band
	Pending         bool
	// ReportTitle is "Report al 31/12/2023" (the report at AsOf, or the
	// latest before it); ReportHTML its sanitised text, empty when none;
	// Status the manager's self-assessment.
	ReportTitle string
	ReportHTML  string
	Status      string
}

// Activity is a row of "Modalità di attuazione": what, when planned
// (Tempi), when done (Consuntivo), late or not and why.
type Activity struct {
	Description string
	Planned     string
	Actual      string
	Late        bool
	Reason      string
}

// Indicator is a row of "Indicatori di risultato", with its figures at AsOf.
type Indicator struct {
	ID          int64
	Name        string
	Description string
	Unit        string
	Expected    float64
	// ExpectedText and ActualText are the values as the seed writes them
	// ("6", "si"); ActualText is empty when there is no value at AsOf, with
	// the latest earlier one in Note ("al 30/06: 4").
	ExpectedText string
	Actual       *float64
	ActualText   string
	// Achievement is what the indicator counts with (nil while pending or
	// neutralised), with its text.
	Achievement     *float64
	AchievementText string
	// Computed is the achievement by the rules, before any override
	// (rounded as shown).
	Computed float64
	Weight   *float64
	// Polarity is the indicator's polarity in words ("Più alto è meglio").
	Polarity string
	Missing  bool
	// NotMeasurable says the value at AsOf was recorded "non rilevabile",
	// NotMeasurableReason why (as the manager wrote it).
	NotMeasurable       bool
	NotMeasurableReason string
	// Reason is the reason recorded with the entry at AsOf (of a value not
	// measurable, or of a gap).
	Reason      string
	Neutralised string // the reason, when neutralised
	// Overridden is the reason of the director's override in force at AsOf,
	// when there is one; OverriddenAt its period ("30/06") when it is of
	// that period only, empty when it is of every period.
	Overridden   string
	OverriddenAt string
	// Note says what the value at AsOf is when there is none: "non
	// rilevabile" (its reason in NotMeasurableReason), the latest earlier
	// value ("al 30/06: 4") or "mancante" (valueNote).
	Note string
}

// valueNote is the note of an indicator without a value at the period: "non
// rilevabile", its latest earlier value ("al 30/06: 4"), or "mancante";
// empty when it has a value or its objective is pending.
func valueNote(unit domain.Unit, notMeasurable bool, latest *plan.Value, missing bool) string {
	switch {
	case notMeasurable:
		return "non rilevabile"
	case latest != nil:
		return "al " + format.DayMonth(latest.Period) + ": " + format.Value(unit, latest.Value)
	case missing:
		return "mancante"
	}
	return ""
}

// BandCount is how many objectives fall in a band.
type BandCount struct {
	Band  string
	Count int
}

// Variation is a change to the approved plan.
type Variation struct {
	On     time.Time
	What   string
	Action string
	Reason string
}

// MeasureNote is a neutralised or overridden indicator with its reason.
type MeasureNote struct {
	Centre    string
	Objective string
	Indicator string
	Value     string // the override's achievement; empty for a neutralisation
	// Period is the period of an override of one period only ("30/06/2024"),
	// empty for one of every period and for a neutralisation.
	Period string
	By     string
	Reason string
	Anchor string
}

// Build reads the cycle of year from st and assembles its report as of
// today in Italy, with the Nucleo's latest act and its observations as
// section 4: a fixed number of statements (the cycle's load, its texts, its
// variations, the report's versions, the comments once a version is
// decided), whatever the size of the plan.
func Build(ctx context.Context, st *store.Store, year int) (*Model, error) {
	c, err := st.LoadCycle(ctx, year)
	if err != nil {
		return nil, err
	}
	in, err := ReadInputs(ctx, st, year)
	if err != nil {
		return nil, err
	}
	return in.Assemble(c, richtext.NewPolicy(), st.Clock().Today()), nil
}

// Inputs are what a report is assembled from besides its cycle (and
// today): the director's texts, the plan's variations, the report's
// versions and the Nucleo's comments. Writes to their tables move the
// cycle's data version
// (migration 000021), so a server keeps a report drawn for that version
// and day: whatever the report comes to read besides its cycle belongs
// here and among those triggers.
type Inputs struct {
	Texts      store.ReportTexts
	Variations []store.VariationEntry
	Versions   []store.ReportVersion
	// Comments are the Nucleo's comments, read once a version is decided
	// (the observations of section 4).
	Comments []store.ReportComment
}

// ReadInputs reads the Inputs of the report of year: three statements,
// four once a version is decided.
func ReadInputs(ctx context.Context, st *store.Store, year int) (Inputs, error) {
	var in Inputs
	var err error
	if in.Texts, err = st.LoadReportTexts(ctx, year); err != nil {
		return in, err
	}
	if in.Variations, err = st.ListVariations(ctx, year); err != nil {
		return in, err
	}
	if in.Versions, err = st.ReportVersions(ctx, year); err != nil {
		return in, err
	}
	if LastAct(in.Versions) != nil {
		if in.Comments, err = st.ReportComments(ctx, year); err != nil {
			return in, err
		}
	}
	return in, nil
}

// Assemble is the report of c (see the function Assemble) with these
// inputs: the texts, the variations, the Nucleo's latest act and its
// observations.
func (in Inputs) Assemble(c *plan.Cycle, policy *richtext.Policy, today time.Time) *Model {
	m := Assemble(c, in.Texts, in.Variations, policy, today)
	m.Validation = LastAct(in.Versions)
	if m.Validation != nil {
		m.Observations = ObservationsOf(c, in.Comments, lastDecided(in.Versions))
	}
	return m
}

// lastDecided is the number of the version LastAct decides, 0 before any.
func lastDecided(versions []store.ReportVersion) int {
	for _, v := range versions {
		if v.ValidatedOn != nil {
			return v.Number
		}
	}
	return 0
}

// LastAct is the Nucleo's latest decision among versions (newest first, as
// the store lists them), as section 4 reads it; nil before any.
func LastAct(versions []store.ReportVersion) *Validation {
	for _, v := range versions {
		if v.ValidatedOn != nil {
			return &Validation{Outcome: v.State.Label(), On: *v.ValidatedOn, TextHTML: v.ValidationHTML}
		}
	}
	return nil
}

// Assemble builds the report of c (evaluated again here, at the period its
// figures are at on today) with the director's texts and the plan's
// variations; rich text is sanitised by policy. It reads nothing.
func Assemble(c *plan.Cycle, texts store.ReportTexts, vars []store.VariationEntry, policy *richtext.Policy, today time.Time) *Model {
	c.EvaluateAt(c.FiguresPeriod(today), today)
	m := &Model{
		Organisation: c.Organisation, Year: c.Year, ApprovalAct: c.ApprovalAct, ApprovedOn: c.ApprovedOn,
		AsOf: c.AsOf, Rules: c.Rules, Bands: c.Bands, Achievement: c.Achievement, Cycle: c,
		Texts: Texts{Introduction: policy.Sanitize(texts.Introduction), Context: policy.Sanitize(texts.Context),
			Gender: policy.Sanitize(texts.Gender), Process: policy.Sanitize(texts.Process), Version: texts.Version},
	}
	m.Final = c.YearResult && !c.AwaitingData(c.AsOf, today)
	if !m.Final {
		if c.AsOf.IsZero() {
			m.Provisional = "Relazione provvisoria: il ciclo non ha periodi di monitoraggio."
		} else {
			m.Provisional = "Relazione provvisoria: dati al " + format.Date(c.AsOf) + ", prima della chiusura dell'ultimo periodo dell'anno."
		}
	}
	m.AchievementText = format.Figure(c.Achievement, c.Pending)
	m.Coverage = format.Coverage(c.Covered, c.Of, format.Centres)
	for _, ce := range c.Centres {
		rc := Centre{ID: ce.ID, Name: ce.Name, Manager: ce.Manager, Anchor: fmt.Sprintf("centro-%d", ce.ID),
			Achievement: ce.Achievement, AchievementText: format.Figure(ce.Achievement, ce.Pending), Pending: ce.Pending,
			Coverage: format.Coverage(ce.Covered, ce.Of, format.Objectives)}
		for _, o := range ce.Objectives {
			ro := m.objective(c, o, policy)
			for i, in := range ro.Indicators {
				note := MeasureNote{Centre: ce.Name, Objective: fmt.Sprintf("%s, obiettivo %d", o.Section, o.Number),
					Indicator: in.Name, Anchor: ro.Anchor}
				if n := o.Indicators[i].Neutralised; n != nil {
					note.Reason, note.By = n.Reason, byLabel(n.By)
					m.Neutralised = append(m.Neutralised, note)
				}
				// Every override the director set: of every period, then
				// those of single periods, in the order of the periods.
				if ov := o.Indicators[i].Override; ov != nil {
					n := note
					n.Reason, n.By, n.Value = ov.Reason, "Direttore", format.Percent(c.Rules.Round(ov.Pct))
					m.Overridden = append(m.Overridden, n)
				}
				for _, ov := range o.Indicators[i].Overrides {
					n := note
					n.Reason, n.By, n.Value, n.Period = ov.Reason, "Direttore", format.Percent(c.Rules.Round(ov.Pct)), format.Date(ov.Period)
					m.Overridden = append(m.Overridden, n)
				}
			}
			rc.Objectives = append(rc.Objectives, ro)
		}
		m.Centres = append(m.Centres, rc)
	}
	tally := c.Tally()
	for _, b := range plan.BandKeys() {
		m.ByBand = append(m.ByBand, BandCount{Band: b, Count: tally.ByBand[b]})
	}
	m.Variations = variations(c, vars)
	m.RuleLines = ruleLines(c)
	return m
}

// variations are vars in the words of the documents' tables (the
// Relazione's and the Piano's), an objective named by its centre, section
// and number in c.
func variations(c *plan.Cycle, vars []store.VariationEntry) []Variation {
	subjects := map[int64]string{}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			subjects[o.ID] = fmt.Sprintf("%s, %s, obiettivo %d", ce.Name, o.Section, o.Number)
		}
	}
	var out []Variation
	for _, v := range vars {
		what := entityNames[v.Entity]
		if what == "" {
			what = v.Entity
		}
		if v.Entity == "objective" && v.EntityID != nil && subjects[*v.EntityID] != "" {
			what += " (" + subjects[*v.EntityID] + ")"
		}
		out = append(out, Variation{On: v.On, What: what, Action: actionNames[v.Action], Reason: v.Reason})
	}
	return out
}

func (m *Model) objective(c *plan.Cycle, o *plan.Objective, policy *richtext.Policy) Objective {
	ro := Objective{
		ID: o.ID, Anchor: fmt.Sprintf("obiettivo-%d", o.ID), Section: o.Section, Number: o.Number, Title: o.Title,
		StrategicArea: o.StrategicArea, OperationalObjective: o.OperationalObjective, PEGProject: o.PEGProject,
		Services: o.Services, EndUsers: o.EndUsers, Networks: o.Networks, DescriptionHTML: policy.Sanitize(o.DescriptionHTML),
		Weight: o.Weight, Achievement: o.Achievement, AchievementText: format.Figure(o.Achievement, o.Pending),
		Band: o.Band, Pending: o.Pending,
	}
	for _, a := range o.Activities {
		ra := Activity{Description: a.Description, Planned: a.Planned.Label(c.Year), Late: a.Late}
		if a.Recorded {
			ra.Actual, ra.Reason = a.Known.Actual.Label(c.Year), a.Known.Reason
			if a.Earlier {
				ra.Actual += " (al " + format.Date(a.Known.Period) + ")"
			}
		}
		ro.Activities = append(ro.Activities, ra)
	}
	for _, in := range o.Indicators {
		ri := Indicator{ID: in.ID, Name: in.Name, Description: in.Description, Unit: string(in.Unit),
			Expected: in.Expected, ExpectedText: format.Value(in.Unit, in.Expected), Actual: in.Actual, Missing: in.Missing,
			Computed: in.Computed, Weight: in.Weight, Polarity: labels.PolarityLabel(in.Polarity)}
		if in.Actual != nil {
			ri.ActualText = format.Value(in.Unit, *in.Actual)
		}
		if in.At != nil {
			ri.Reason = in.At.Reason
		}
		ri.NotMeasurable = in.NotMeasurable()
		if ri.NotMeasurable {
			ri.NotMeasurableReason = ri.Reason
		}
		ri.Note = valueNote(in.Unit, ri.NotMeasurable, in.Latest, in.Missing)
		switch {
		case in.Neutralised != nil:
			ri.Neutralised = in.Neutralised.Reason
			ri.AchievementText = "sterilizzato"
		case in.Pending:
			ri.AchievementText = format.Pending
		default:
			a := in.Achievement
			ri.Achievement = &a
			ri.AchievementText = format.Percent(a)
		}
		if ov, ok := in.OverrideAt(c.AsOf); ok {
			ri.Overridden = ov.Reason
			if !ov.Period.IsZero() {
				ri.OverriddenAt = format.DayMonth(ov.Period)
			}
		}
		ro.Indicators = append(ro.Indicators, ri)
	}
	if rep := o.ReportAsOf(c.AsOf); rep != nil {
		ro.ReportTitle = "Report al " + format.Date(rep.Period)
		ro.ReportHTML = policy.Sanitize(rep.TextHTML)
		ro.Status = string(rep.Status)
	} else if !c.AsOf.IsZero() {
		ro.ReportTitle = "Report al " + format.Date(c.AsOf)
	}
	return ro
}

func byLabel(role string) string {
	switch role {
	case "nucleo":
		return "Nucleo di Valutazione"
	case "direttore":
		return "Direttore"
	}
	return role
}

// entityNames and actionNames name a variation's record and action (the
// words of internal/labels, kept short for the report's table).
var entityNames = map[string]string{
	"cycle": "Regole di misurazione", "period": "Periodo di monitoraggio", "centre": "Centro di responsabilità",
	"objective": "Obiettivo", "activity": "Attività", "indicator": "Indicatore",
}

var actionNames = map[string]string{
	"create": "aggiunta", "update": "modifica", "delete": "eliminazione", "move": "spostamento",
}

// ruleLines are the cycle's rules of measurement in words (section 3).
func ruleLines(c *plan.Cycle) []string {
	r := c.Rules.Normal()
	rounding := "arrotondata a un decimale"
	if r.Truncates() {
		rounding = "troncata all'intero"
	}
	return []string{
		"Il grado di raggiungimento di un indicatore si/no è 100% se raggiunto, 0% altrimenti.",
		"Per un indicatore di polarità «più alto è meglio» è il rapporto tra valore consuntivo e valore atteso; per «più basso è meglio» il rapporto tra valore atteso e valore consuntivo quando il consuntivo supera l'atteso.",
		fmt.Sprintf("Il grado di un indicatore conta al massimo %s%%.", format.Number(r.Ceiling())),
		"Un indicatore senza valore consuntivo al termine dell'anno conta 0 ed è segnalato come mancante; un indicatore sterilizzato, con motivazione, non entra nelle medie; il grado stabilito dal direttore, con motivazione, sostituisce quello calcolato.",
		"Il grado di un obiettivo è la media ponderata dei suoi indicatori, quello di un centro la media ponderata dei suoi obiettivi (pesi uguali se non indicati), quello dell'ente la media dei centri.",
		fmt.Sprintf("Fasce: raggiunto da %s%%, parzialmente raggiunto da %s%%, non raggiunto sotto %s%%.",
			format.Number(c.Bands.Reached), format.Number(c.Bands.Partial), format.Number(c.Bands.Partial)),
		"Ogni percentuale è " + rounding + "; la fascia segue la cifra mostrata.",
		"Il grado dell'ente e quello di un centro, prima della chiusura dell'ultimo periodo, medie dei soli centri e obiettivi con dati, dichiarano quanti ne comprendono (ad esempio «2 centri su 6»).",
	}
}
