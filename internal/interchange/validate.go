package interchange

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
)

// Options say how a document is taken in; the zero value takes it as it is.
type Options struct {
	// Year, when set and not the document's, imports the document as the
	// cycle of that year: its year, periods and months all move by the
	// difference, as the carry-over moves a plan into the next year.
	Year int
	// ShiftMonths moves the activities' months (planned and actual) by that
	// many years more: for a document whose months are of another year than
	// the document itself (its year and periods changed by hand, its
	// months not).
	ShiftMonths int
}

// ToCycle checks the meaning of every field of doc and returns the cycle it
// describes, with rich text sanitised. It reports every problem, not only the
// first, each with its JSON path and an Italian message.
func ToCycle(doc *Document, policy *richtext.Policy) (*plan.Cycle, error) {
	return toCycle(doc, policy, Options{}, nil)
}

// toCycle is ToCycle with options, after the problems found (already) by
// decoding: they come first in the list.
func toCycle(doc *Document, policy *richtext.Policy, opt Options, found *fielderr.Collector) (*plan.Cycle, error) {
	if found == nil {
		found = &fielderr.Collector{}
	}
	v := &validator{policy: policy, errs: found, target: cmp.Or(opt.Year, doc.Year)}
	v.shift = v.target - doc.Year
	v.monthShift = v.shift + opt.ShiftMonths
	c := v.cycle(doc)
	if v.errs.Len() == 0 {
		return c, nil
	}
	if v.outside {
		if sh, ok := plan.ShiftFor(v.seen, 0, v.target); ok && sh.Years != opt.ShiftMonths {
			return nil, &plan.Shiftable{List: v.errs.List(), Shift: sh}
		}
	}
	return nil, v.errs.List()
}

type validator struct {
	policy *richtext.Policy
	// errs are the problems found, the first fielderr.MaxList kept.
	errs    *fielderr.Collector
	year    int
	periods map[string]time.Time
	// target is the year of the cycle made; shift moves the document's
	// dates into it, monthShift its months.
	target, shift, monthShift int
	// seen are the document's months moved by shift (not by the months'
	// own shift), for the offer of a move; outside is true when one of
	// them did not fit the cycle.
	seen    []domain.Month
	outside bool
	// cap is the ceiling of an override, by the document's rules.
	cap float64
}

func (v *validator) add(path, format string, args ...any) {
	if v.errs.Full() {
		v.errs.Skip() // counted, not written
		return
	}
	v.errs.Add(fielderr.Path(path, fmt.Sprintf(format, args...)))
}

// limit records a text over max characters at path.
func (v *validator) limit(path, s string, max int) {
	if msg := plan.TooLong(s, max); msg != "" {
		v.add(path, "%s", msg)
	}
}

func (v *validator) text(path, s, missing string) string {
	s = strings.TrimSpace(s)
	if s == "" && missing != "" {
		v.add(path, "%s", missing)
	}
	return s
}

func (v *validator) cycle(doc *Document) *plan.Cycle {
	if doc.Format != Format {
		v.add("format", "formato non supportato: atteso %q", Format)
	}
	c := &plan.Cycle{
		Organisation: v.text("organisation.name", doc.Organisation.Name, "nome dell'ente mancante"),
		Year:         v.target,
		Bands:        domain.DefaultBands(),
	}
	v.rules(doc.Rules, c)
	v.limit("organisation.name", c.Organisation, plan.MaxName)
	if p := plan.YearProblem(doc.Year); p != "" {
		v.add("year", "%s", p)
	}
	v.year = doc.Year
	v.periods = map[string]time.Time{}
	if len(doc.Periods) == 0 {
		v.add("periods", "almeno un periodo di monitoraggio è necessario")
	}
	var last time.Time
	for i, s := range doc.Periods {
		path := fmt.Sprintf("periods[%d]", i)
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			v.add(path, "data non valida: usare AAAA-MM-GG")
			continue
		}
		if p := plan.PeriodProblem(doc.Year, last, d); p != "" {
			v.add(path, "%s", p)
		} else {
			last = d
			d = domain.AddYears(d, v.shift)
			v.periods[s] = d
			c.Periods = append(c.Periods, plan.Period{EndsOn: d})
		}
	}
	names := map[string]bool{}
	for i, dc := range doc.Centres {
		path := fmt.Sprintf("centres[%d]", i)
		ce := &plan.Centre{Name: strings.TrimSpace(dc.Name), Manager: strings.TrimSpace(dc.Manager)}
		v.fields(path, ce.Validate())
		if ce.Name != "" && names[ce.Name] {
			v.add(path+".name", "centro già presente nel documento")
		}
		names[ce.Name] = true
		seen := map[string]bool{}
		for j, ds := range dc.Submissions {
			spath := fmt.Sprintf("%s.submissions[%d]", path, j)
			day, ok := v.period(spath+".period", ds.Period, seen)
			sub := plan.Submission{Period: day, State: plan.SubmissionState(ds.State), Comment: v.reason(spath+".comment", ds.Comment)}
			if !sub.State.Valid() {
				v.add(spath+".state", "stato dell'invio non valido: \"inviato\", \"restituito\" o \"approvato\"")
				ok = false
			}
			if ok {
				ce.Submissions = append(ce.Submissions, sub)
			}
		}
		for j, do := range dc.Objectives {
			opath := fmt.Sprintf("%s.objectives[%d]", path, j)
			o := v.objective(opath, &do)
			if o.Number > 0 && ce.Numbered(o.Section, o.Number) != nil {
				v.add(opath+".number", "%s", plan.MsgNumberTaken)
			}
			ce.Objectives = append(ce.Objectives, o)
		}
		// Once a problem is found the cycle is not returned: what is
		// read past it is checked, not kept.
		if v.errs.Len() == 0 {
			c.Centres = append(c.Centres, ce)
		}
	}
	v.publicValues(doc, c)
	return c
}

// publicValues reads the document's strategic areas into c, checked
// against the areas its objectives name (plan.CheckPublicValues), which
// are read from the document itself: c holds no centre once a problem is
// found.
func (v *validator) publicValues(doc *Document, c *plan.Cycle) {
	if len(doc.StrategicAreas) == 0 {
		return
	}
	var areas []string
	for _, dc := range doc.Centres {
		for _, o := range dc.Objectives {
			areas = append(areas, o.StrategicArea)
		}
	}
	values := make([]plan.PublicValue, len(doc.StrategicAreas))
	for i, a := range doc.StrategicAreas {
		values[i] = plan.PublicValue{Area: a.Name, Value: a.PublicValue}
	}
	for _, p := range plan.CheckPublicValues(values, areas) {
		field := "name"
		if p.Field == plan.FieldPublicValue {
			field = "public_value"
		}
		v.add(fmt.Sprintf("strategic_areas[%d].%s", p.Index, field), "%s", p.Message)
	}
	c.PublicValues = plan.NormalPublicValues(values)
}

func (v *validator) objective(path string, d *Objective) *plan.Objective {
	o := &plan.Objective{
		Section:              strings.TrimSpace(d.Section),
		Number:               d.Number,
		Title:                strings.TrimSpace(d.Title),
		StrategicArea:        strings.TrimSpace(d.StrategicArea),
		OperationalObjective: strings.TrimSpace(d.OperationalObjective),
		PEGProject:           strings.TrimSpace(d.PEGProject),
		Services:             strings.TrimSpace(d.Services),
		EndUsers:             strings.TrimSpace(d.EndUsers),
		Networks:             strings.TrimSpace(d.Networks),
		DescriptionHTML:      v.policy.Sanitize(d.DescriptionHTML),
		Weight:               d.Weight,
	}
	if d.Group != nil {
		o.Group = v.text(path+".group", *d.Group, "gruppo vuoto: usare null per un obiettivo non trasversale")
	}
	v.fields(path, o.Validate())
	for i := range d.Activities {
		o.Activities = append(o.Activities, v.activity(fmt.Sprintf("%s.activities[%d]", path, i), &d.Activities[i]))
	}
	for i := range d.Indicators {
		o.Indicators = append(o.Indicators, v.indicator(fmt.Sprintf("%s.indicators[%d]", path, i), &d.Indicators[i]))
	}
	seen := map[string]bool{}
	for i, r := range d.Reports {
		rpath := fmt.Sprintf("%s.reports[%d]", path, i)
		day, ok := v.period(rpath+".period", r.Period, seen)
		v.limit(rpath+".text_html", r.TextHTML, plan.MaxRichText)
		rep := plan.Report{Period: day, TextHTML: v.policy.Sanitize(r.TextHTML)}
		if r.Status != nil {
			rep.Status = domain.ReportStatus(*r.Status)
			if !rep.Status.Valid() {
				v.add(rpath+".status", "stato non valido: \"in linea\", \"a rischio\", \"critico\" o null")
			}
		}
		if ok {
			o.Reports = append(o.Reports, rep)
		}
	}
	return o
}

// fields records a plan item's own problems under its path.
func (v *validator) fields(path string, errs fielderr.List) {
	for _, e := range errs {
		if v.errs.Full() {
			v.errs.Skip()
			continue
		}
		v.errs.Add(e.Under(path))
	}
}

// period resolves a period date of the document, once per series.
func (v *validator) period(path, s string, seen map[string]bool) (time.Time, bool) {
	d, ok := v.periods[s]
	switch {
	case !ok:
		v.add(path, "periodo non previsto dal ciclo: %q", s)
	case seen[s]:
		v.add(path, "periodo ripetuto")
		ok = false
	}
	seen[s] = true
	return d, ok
}

func (v *validator) activity(path string, d *Activity) *plan.Activity {
	a := &plan.Activity{
		Description: strings.TrimSpace(d.Description),
		Planned:     v.months(path+".planned", d.Planned),
	}
	v.fields(path, a.Validate())
	seen := map[string]bool{}
	for i, p := range d.Progress {
		ppath := fmt.Sprintf("%s.progress[%d]", path, i)
		day, ok := v.period(ppath+".period", p.Period, seen)
		pr := plan.Progress{Period: day, Actual: v.span(ppath+".actual", p.Actual), Reason: v.reason(ppath+".reason", p.Reason)}
		if ok {
			a.Progress = append(a.Progress, pr)
		}
	}
	return a
}

// span parses and checks a span of months.
func (v *validator) span(path string, d Span) domain.Span {
	s := v.months(path, d)
	if err := s.Validate(); err != nil {
		v.add(path, "%s", err.Error())
	}
	return s
}

// months parses a span's months, reporting each bad one at its path.
func (v *validator) months(path string, d Span) domain.Span {
	var s domain.Span
	month := func(field string, m *string) *domain.Month {
		if m == nil || *m == "" {
			return nil
		}
		parsed, err := domain.ParseMonth(*m)
		if err != nil {
			v.add(path+"."+field, "%s", err.Error())
			return nil
		}
		v.seen = append(v.seen, parsed.AddYears(v.shift))
		parsed = parsed.AddYears(v.monthShift)
		if !plan.MonthFits(v.target, parsed) {
			v.add(path+"."+field, "%s", plan.MonthOutside(v.target, parsed, v.monthShift))
			v.outside = true
		}
		return &parsed
	}
	s.From, s.To, s.Annual = month("from", d.From), month("to", d.To), d.Annual
	return s
}

func (v *validator) indicator(path string, d *Indicator) *plan.Indicator {
	in := &plan.Indicator{
		Name:        strings.TrimSpace(d.Name),
		Description: strings.TrimSpace(d.Description),
		Unit:        domain.Unit(d.Unit),
		Polarity:    domain.Polarity(cmp.Or(d.Polarity, string(domain.Higher))),
		Weight:      d.Weight,
	}
	// The expected value before the plan's rules, so that they check it too;
	// its own problems come after theirs, in field order.
	var expectedProblem string
	if d.Expected == nil {
		expectedProblem = "valore atteso mancante"
	} else {
		in.Expected, expectedProblem = convert(in.Unit, *d.Expected)
	}
	v.fields(path, in.Validate())
	if expectedProblem != "" {
		v.add(path+".expected", "%s", expectedProblem)
	}
	seen := map[string]bool{}
	for i, dv := range d.Values {
		vpath := fmt.Sprintf("%s.values[%d]", path, i)
		day, ok := v.period(vpath+".period", dv.Period, seen)
		if dv.NotMeasurable {
			reason := v.reason(vpath+".reason", dv.Reason)
			if dv.Value != nil {
				v.add(vpath+".value", "un valore non rilevabile (not_measurable) non ha valore: usare null")
				continue
			}
			if reason == "" {
				v.add(vpath+".reason", "motivo mancante: un valore non rilevabile richiede il motivo")
				continue
			}
			if ok {
				in.Values = append(in.Values, plan.Value{Period: day, NotMeasurable: true, Reason: reason})
			}
			continue
		}
		if dv.Value == nil {
			v.add(vpath+".value", "valore mancante")
			continue
		}
		val, vok := v.value(vpath+".value", in.Unit, *dv.Value)
		if ok && vok {
			in.Values = append(in.Values, plan.Value{Period: day, Value: val, Reason: v.reason(vpath+".reason", dv.Reason)})
		}
	}
	seenTargets := map[string]bool{}
	for i, dt := range d.Targets {
		tpath := fmt.Sprintf("%s.targets[%d]", path, i)
		day, ok := v.period(tpath+".period", dt.Period, seenTargets)
		if dt.Target == nil {
			v.add(tpath+".target", "target intermedio mancante")
			continue
		}
		val, vok := v.value(tpath+".target", in.Unit, *dt.Target)
		if ok && vok {
			in.Targets = append(in.Targets, plan.Target{Period: day, Value: val})
		}
	}
	if d.Neutralised != nil {
		n := &plan.Neutralisation{
			Reason: v.text(path+".neutralised.reason", d.Neutralised.Reason, "motivazione della sterilizzazione mancante"),
			By:     d.Neutralised.By,
		}
		v.limit(path+".neutralised.reason", n.Reason, plan.MaxText)
		if n.By != "direttore" && n.By != "nucleo" {
			v.add(path+".neutralised.by", "sterilizzazione ammessa solo per \"direttore\" o \"nucleo\"")
		}
		in.Neutralised = n
	}
	if d.Override != nil {
		o := &plan.Override{
			Pct:    d.Override.Achievement,
			Reason: v.text(path+".override.reason", d.Override.Reason, "motivazione del grado stabilito mancante"),
		}
		v.limit(path+".override.reason", o.Reason, plan.MaxText)
		v.achievement(path+".override.achievement", o.Pct)
		if in.Neutralised != nil {
			v.add(path+".override", "un indicatore sterilizzato non può avere un grado stabilito")
		}
		in.Override = o
	}
	seenOverrides := map[string]bool{}
	for i, do := range d.Overrides {
		opath := fmt.Sprintf("%s.overrides[%d]", path, i)
		day, ok := v.period(opath+".period", do.Period, seenOverrides)
		o := plan.PeriodOverride{Period: day, Pct: do.Achievement,
			Reason: v.text(opath+".reason", do.Reason, "motivazione del grado stabilito mancante")}
		v.limit(opath+".reason", o.Reason, plan.MaxText)
		if !v.achievement(opath+".achievement", o.Pct) {
			ok = false
		}
		if in.Neutralised != nil {
			v.add(opath, "un indicatore sterilizzato non può avere un grado stabilito")
		}
		if ok {
			in.Overrides = append(in.Overrides, o)
		}
	}
	slices.SortFunc(in.Overrides, func(a, b plan.PeriodOverride) int { return a.Period.Compare(b.Period) })
	return in
}

// achievement checks the director's achievement of an indicator: within 0
// and the document's cap.
func (v *validator) achievement(path string, pct float64) bool {
	ceiling := (domain.Rules{Cap: v.cap}).Ceiling()
	if !(pct >= 0 && pct <= ceiling) {
		v.add(path, "grado non valido: deve essere compreso tra 0 e %s", strconv.FormatFloat(ceiling, 'f', -1, 64))
		return false
	}
	return true
}

// rules reads the document's rules of measurement into c; a missing field
// keeps the default.
func (v *validator) rules(d *Rules, c *plan.Cycle) {
	v.cap = domain.DefaultCap
	if d == nil {
		return
	}
	c.Rules = domain.Rules{Rounding: domain.Rounding(d.Rounding), Cap: d.Cap}
	if err := c.Rules.Validate(); err != nil {
		v.add("rules", "%s", err.Error())
	}
	c.Rules = c.Rules.Normal()
	v.cap = c.Rules.Ceiling()
	if d.BandReached != nil {
		c.Bands.Reached = *d.BandReached
	}
	if d.BandPartial != nil {
		c.Bands.Partial = *d.BandPartial
	}
	if err := c.Bands.Validate(); err != nil {
		v.add("rules", "%s", err.Error())
	}
}

// value turns a JSON value into the stored number: si/no units take booleans
// (1 is "si"), every other unit takes numbers.
func (v *validator) value(path string, unit domain.Unit, val Value) (float64, bool) {
	n, problem := convert(unit, val)
	if problem != "" {
		v.add(path, "%s", problem)
		return 0, false
	}
	return n, true
}

// convert is value without the recording: the number, or what is wrong.
func convert(unit domain.Unit, val Value) (float64, string) {
	switch {
	case unit.IsYesNo() && !val.IsBool:
		return 0, "per un indicatore si/no il valore è vero (si) o falso (no)"
	case !unit.IsYesNo() && val.IsBool:
		return 0, "il valore deve essere un numero"
	case val.IsBool && val.Bool:
		return 1, ""
	case val.IsBool:
		return 0, ""
	}
	return val.Num, ""
}

// reason reads an optional written reason, at most plan.MaxText characters.
func (v *validator) reason(path string, r *string) string {
	if r == nil {
		return ""
	}
	s := strings.TrimSpace(*r)
	v.limit(path, s, plan.MaxText)
	return s
}

// Read decodes and validates a v1 document: the one way into the application
// for a file, the demo and an upload alike.
func Read(r io.Reader, policy *richtext.Policy) (*plan.Cycle, error) {
	return ReadWith(r, policy, Options{})
}

// ReadWith is Read with options. Every problem is listed at once: the
// unknown members of the document with the problems of its values. Only
// wrong JSON types stop the check of the values, which could not be read.
// The problems come as a fielderr.List, each at its JSON path; a document
// whose months a move by whole years would bring into the cycle comes as a
// *plan.Shiftable that offers the move.
func ReadWith(r io.Reader, policy *richtext.Policy, opt Options) (*plan.Cycle, error) {
	doc, found, err := decode(r)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, found.List()
	}
	return toCycle(doc, policy, opt, found)
}
