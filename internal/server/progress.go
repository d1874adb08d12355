package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// entryInfo says of a centre's period whether its entry is open, why not,
// its deadline, its submission state and the director's comment when it
// was returned: what the review's overview holds for that cell.
type entryInfo struct {
	Open     bool
	Why      string
	Deadline *time.Time
	State    string
	Returned string
}

func entryInfoOf(cell store.MonitoringCell) entryInfo {
	e := cell.Entry
	info := entryInfo{Open: e.Open, Why: e.Message(), State: e.StateLabel()}
	if !e.Deadline.IsZero() {
		d := e.Deadline
		info.Deadline = &d
	}
	if e.State == plan.Returned {
		info.Returned = cell.Comment
	}
	return info
}

// entryState tells about the centre's entry at the period, from the
// review's overview of the cycle (a fixed number of statements).
func (s *Server) entryState(ctx context.Context, year int, periodID int64, centre domain.CycleCentreID) (entryInfo, error) {
	o, err := s.store.Monitoring(ctx, year, s.today())
	if err != nil {
		return entryInfo{}, err
	}
	_, _, cell, ok := o.Cell(periodID, centre)
	if !ok {
		return entryInfo{}, store.ErrNotFound
	}
	return entryInfoOf(cell), nil
}

// progressTarget loads the objective {id} of the cycle of the URL and its
// period {pid}, and says whether the user edits as the centre's manager or
// corrects as the director; anyone else is refused. An objective or a
// period of another cycle is missing.
func (s *Server) progressTarget(r *http.Request) (*plan.Cycle, *plan.Centre, *plan.Objective, plan.Period, bool, error) {
	c, err := s.loadCycle(r)
	if err != nil {
		return nil, nil, nil, plan.Period{}, false, err
	}
	return progressTargetIn(r, c)
}

// progressTargetIn is progressTarget in the cycle c of the URL.
func progressTargetIn(r *http.Request, c *plan.Cycle) (*plan.Cycle, *plan.Centre, *plan.Objective, plan.Period, bool, error) {
	ce, o, err := objectiveIn(r, c)
	if err != nil {
		return nil, nil, nil, plan.Period{}, false, err
	}
	pid, err := idParam(r, "pid")
	if err != nil {
		return nil, nil, nil, plan.Period{}, false, err
	}
	var period plan.Period
	for _, p := range c.Periods {
		if p.ID == pid {
			period = p
		}
	}
	if period.ID == 0 {
		return nil, nil, nil, plan.Period{}, false, notFound("Il periodo richiesto non esiste in questo ciclo.")
	}
	u := auth.UserFrom(r.Context())
	switch {
	case auth.Allowed(u, auth.WriteProgress, ce.CentreID):
		return c, ce, o, period, false, nil
	case auth.Allowed(u, auth.ApprovePlan, 0):
		return c, ce, o, period, true, nil
	case u != nil && u.Role == auth.Manager:
		// The role may enter progress; this centre is not the manager's.
		return nil, nil, nil, plan.Period{}, false, &httpError{status: http.StatusForbidden, title: "Accesso negato",
			message: "Questo obiettivo è di un centro che non le è assegnato: può inserire l'avanzamento solo per i suoi centri."}
	}
	return nil, nil, nil, plan.Period{}, false, forbidden()
}

func day(t time.Time) string { return t.Format("02/01/2006") }

// shownNumber writes an expected value or a target of an indicator beside
// the form's field: "sì"/"no", or the number as the field takes it.
func shownNumber(unit domain.Unit, v float64) string {
	if unit.IsYesNo() {
		return format.YesNo(v == 1)
	}
	return components.NumberInput(v)
}

// inputNumber writes a value of an indicator into the form's field: the
// select's code "si"/"no", or the number.
func inputNumber(unit domain.Unit, v float64) string {
	if unit.IsYesNo() {
		return components.YesNoInput(v)
	}
	return components.NumberInput(v)
}

// progressFormOf fills the form's indicators and activities with what is
// stored at the period.
func progressFormOf(c *plan.Cycle, o *plan.Objective, end time.Time, v *pages.ProgressView) {
	v.FieldLabels = map[string]string{}
	for i, in := range o.Indicators {
		label := o.IndicatorLabel(i)
		label = strings.ToUpper(label[:1]) + label[1:] // "indicatore 2 «…»": ASCII
		v.FieldLabels[plan.ValueField(in.ID)] = label
		v.FieldLabels[plan.ValueReasonField(in.ID)] = label + ", motivo"
	}
	for i, a := range o.Activities {
		label := fmt.Sprintf("Attività %d", i+1)
		v.FieldLabels[plan.ActualFromField(a.ID)] = label + ", primo mese"
		v.FieldLabels[plan.ActualField(a.ID)] = label + ", ultimo mese"
		v.FieldLabels[plan.ActualReasonField(a.ID)] = label + ", motivo"
	}
	for i, in := range o.Indicators {
		pi := pages.ProgressIndicator{
			Label: o.IndicatorLabel(i), Unit: string(in.Unit), YesNo: in.Unit.IsYesNo(),
			Expected:   shownNumber(in.Unit, in.Expected),
			ValueField: plan.ValueField(in.ID), NMField: fmt.Sprintf("ind_%d_nm", in.ID), ReasonField: plan.ValueReasonField(in.ID),
		}
		if t, ok := in.TargetAt(end); ok && !c.IsLast(end) {
			pi.Target = shownNumber(in.Unit, t)
		}
		pi.Unjudged = pi.Target == "" && !c.IsLast(end)
		if val := in.ValueAt(end); val != nil {
			pi.NotMeasurable, pi.Reason = val.NotMeasurable, val.Reason
			if !val.NotMeasurable {
				pi.Value = inputNumber(in.Unit, val.Value)
			}
		}
		v.Indicators = append(v.Indicators, pi)
	}
	for i, a := range o.Activities {
		pa := pages.ProgressActivity{
			Label: fmt.Sprintf("Attività %d", i+1), Description: a.Description, Planned: a.Planned.Label(c.Year),
			AnnualField: fmt.Sprintf("act_%d_annual", a.ID), FromField: plan.ActualFromField(a.ID),
			ToField: plan.ActualField(a.ID), ReasonField: plan.ActualReasonField(a.ID),
		}
		if p := a.ProgressAt(end); p != nil {
			pa.Annual, pa.Reason = p.Actual.Annual, p.Reason
			if p.Actual.From != nil {
				pa.From = p.Actual.From.String()
			}
			if p.Actual.To != nil {
				pa.To = p.Actual.To.String()
			}
		}
		v.Activities = append(v.Activities, pa)
	}
	if rep := o.ReportAt(end); rep != nil {
		v.Status, v.TextHTML = string(rep.Status), rep.TextHTML
	}
}

// progressRecord is the objective's progress at the period as the notice of
// a change saved meanwhile shows it, by the audit snapshot's keys.
func progressRecord(c *plan.Cycle, o *plan.Objective, end time.Time) stored {
	var v pages.ProgressView
	progressFormOf(c, o, end, &v)
	var values, acts []string
	for _, in := range v.Indicators {
		switch {
		case in.NotMeasurable:
			values = append(values, in.Label+": non rilevabile")
		case in.Value != "":
			values = append(values, in.Label+": "+in.Value)
		}
	}
	for i, a := range v.Activities {
		if p := o.Activities[i].ProgressAt(end); p != nil {
			acts = append(acts, a.Label+": "+p.Actual.Label(c.Year))
		}
	}
	rec := stored{fields: []recordField{
		{"values", pages.ProgressLabels["values"], strings.Join(values, "; ")},
		{"activities", pages.ProgressLabels["activities"], strings.Join(acts, "; ")},
		{"status", pages.ProgressLabels["status"], v.Status},
		{"text_html", pages.ProgressLabels["text_html"], v.TextHTML},
	}}
	if rep := o.ReportAt(end); rep != nil {
		rec.version = rep.Version
	}
	return rec
}

// parseProgress reads the form into the view (as typed) and into a
// progress, checking it by the plan's rules.
func (s *Server) parseProgress(r *http.Request, year int, o *plan.Objective, v *pages.ProgressView) plan.ObjectiveProgress {
	var p plan.ObjectiveProgress
	errs := v.Errors
	for i := range v.Indicators {
		pi := &v.Indicators[i]
		in := o.Indicators[i]
		pi.Value = strings.TrimSpace(r.PostFormValue(pi.ValueField))
		pi.NotMeasurable = r.PostFormValue(pi.NMField) != ""
		pi.Reason = strings.TrimSpace(r.PostFormValue(pi.ReasonField))
		e := plan.ValueEntry{IndicatorID: in.ID, NotMeasurable: pi.NotMeasurable, Reason: pi.Reason}
		switch {
		case pi.Value == "":
		case in.Unit.IsYesNo() && (pi.Value == "si" || pi.Value == "no"):
			x := 0.0
			if pi.Value == "si" {
				x = 1
			}
			e.Value = &x
		case in.Unit.IsYesNo():
			errs[pi.ValueField] = "Per un indicatore si/no scegliere si o no."
		default:
			if x, err := components.ParseNumber(pi.Value); err != nil {
				errs[pi.ValueField] = sentence(err.Error())
			} else {
				e.Value = &x
			}
		}
		p.Values = append(p.Values, e)
	}
	for i := range v.Activities {
		pa := &v.Activities[i]
		a := o.Activities[i]
		pa.Annual = r.PostFormValue(pa.AnnualField) != ""
		pa.From = strings.TrimSpace(r.PostFormValue(pa.FromField))
		pa.To = strings.TrimSpace(r.PostFormValue(pa.ToField))
		pa.Reason = strings.TrimSpace(r.PostFormValue(pa.ReasonField))
		e := plan.ActivityEntry{ActivityID: a.ID, Reason: pa.Reason}
		e.Actual.Annual = pa.Annual
		e.Actual.From, e.Actual.To = monthField(pa.From, pa.FromField, errs), monthField(pa.To, pa.ToField, errs)
		if e.Actual.Annual && (pa.From != "" || pa.To != "") {
			errs[pa.AnnualField] = "Un'attività annuale non ha mesi di inizio e fine: togliere la spunta o i mesi."
		}
		p.Activities = append(p.Activities, e)
	}
	v.Status = r.PostFormValue("status")
	v.TextHTML = r.PostFormValue("text_html")
	p.Status = domain.ReportStatus(v.Status)
	p.TextHTML = s.policy.Sanitize(v.TextHTML)
	if msg := plan.TooLong(v.TextHTML, plan.MaxRichText); msg != "" {
		errs["text_html"] = sentence(msg)
	}
	if foreignFields(r, o) {
		errs[""] = "Il modulo contiene indicatori o attività di un altro obiettivo: nulla è stato salvato."
	}
	addFieldErrors(errs, p.Validate(o, year, s.today()))
	return p
}

// foreignFields reports whether the form names an indicator or an activity
// (ind_<id>_…, act_<id>_…) that is not the objective's: a forged form, which
// is refused as a whole rather than saved without them.
func foreignFields(r *http.Request, o *plan.Objective) bool {
	own := map[string]bool{}
	for _, in := range o.Indicators {
		own["ind_"+strconv.FormatInt(in.ID, 10)] = true
	}
	for _, a := range o.Activities {
		own["act_"+strconv.FormatInt(a.ID, 10)] = true
	}
	for k := range r.PostForm {
		if !strings.HasPrefix(k, "ind_") && !strings.HasPrefix(k, "act_") {
			continue
		}
		kind, rest, _ := strings.Cut(k, "_")
		id, _, _ := strings.Cut(rest, "_")
		if !own[kind+"_"+id] {
			return true
		}
	}
	return false
}

// progressEntry serves the entry form of an objective's progress at a
// period: to the centre's manager while the period's entry is open, and to
// the director, who corrects (audited as a correction). Every save is
// counted by its outcome (Metrics): saved, refused (fields in error),
// conflict (changed meanwhile, or the entry closed) or failed.
func (s *Server) progressEntry(w http.ResponseWriter, r *http.Request) error {
	var tried error
	if r.Method == http.MethodPost {
		saved, err := s.progressSave(w, r)
		if saved {
			s.cfg.Metrics.save(saveSaved)
			return nil
		}
		tried = err
	}
	c, ce, o, period, correction, err := s.progressTarget(r)
	if err != nil {
		return err
	}
	info, err := s.entryState(r.Context(), c.Year, period.ID, ce.ID)
	if err != nil {
		return err
	}
	self := paths.Progress(c.Year, o.ID, period.ID)
	back := paths.Objective(c.Year, o.ID)
	if !correction {
		back = paths.MyAreas
	}
	v := pages.ProgressView{
		Heading:    fmt.Sprintf("Avanzamento al %s · Obiettivo %d", day(period.EndsOn), o.Number),
		Crumbs:     objectiveCrumbs(c.Year, ce, o, "Avanzamento al "+day(period.EndsOn)),
		CentreName: ce.Name,
		Objective:  fmt.Sprintf("Obiettivo %d «%s»", o.Number, o.Title),
		PeriodEnd:  day(period.EndsOn),
		Action:     self,
		Cancel:     back,
		Correction: correction,
		Returned:   info.Returned,
		Submission: paths.Submission(c.Year, period.ID, ce.ID),
		Errors:     components.FieldErrors{},
	}
	if !info.Open && !correction {
		v.Closed = sentence(info.Why)
	}
	// The centre's next objective at the same period: a long plan is
	// filled in one objective after the other.
	for i, x := range ce.Objectives {
		if x.ID == o.ID && i+1 < len(ce.Objectives) {
			next := ce.Objectives[i+1]
			v.NextHref, v.NextLabel = paths.Progress(c.Year, next.ID, period.ID), fmt.Sprintf("Obiettivo successivo: %d (%s)", next.Number, next.Section)
		}
	}
	progressFormOf(c, o, period.EndsOn, &v)
	if v.Closed == "" {
		// A closed period's form is read only: nothing to ask for.
		for _, m := range o.ReasonsMissing(c.Year, period.EndsOn, c.IsLast(period.EndsOn)) {
			v.Missing = append(v.Missing, sentence(m.Message))
		}
	}
	if r.Method == http.MethodPost && v.Closed != "" {
		s.cfg.Metrics.save(saveConflict)
		return &store.Conflict{Message: v.Closed}
	}
	var p plan.ObjectiveProgress
	save := s.progressSaver(correction, self)
	if tried != nil {
		// The save was tried on the plan (progressSave) and refused: the
		// form is shown again on the cycle as it stands, with why.
		save = func(context.Context, store.Change, int64, int64, plan.ObjectiveProgress) error { return tried }
	}
	saveCalled := false
	err = s.servePlanForm(w, r, planForm{
		page:     func() templ.Component { return pages.ProgressEdit(v) },
		readOnly: v.Closed != "",
		errs:     v.Errors,
		edit:     &v.Edit,
		record:   progressRecord(c, o, period.EndsOn),
		read: func(string, string) {
			v.Missing = nil // as typed, the reasons are not known until saved
			p = s.parseProgress(r, c.Year, o, &v)
		},
		save: func(ch store.Change) (string, string, error) {
			saveCalled = true
			err := save(r.Context(), ch, o.ID, period.ID, p)
			s.cfg.Metrics.save(saveOutcome(err))
			return self, progressSaved, err
		},
		conflictField: onField(""),
	})
	if r.Method == http.MethodPost && !saveCalled && err == nil {
		// Neither saved nor refused by the store: the form is shown
		// again with its fields in error.
		s.cfg.Metrics.save(saveRefused)
	}
	return err
}

// progressSaved is the message after a save of the entry form.
const progressSaved = "Avanzamento salvato come bozza."

// progressSaver saves an objective's progress: the manager's draft, or the
// director's correction, which mails the centre's managers; self is the
// entry's page.
func (s *Server) progressSaver(correction bool, self string) func(context.Context, store.Change, int64, int64, plan.ObjectiveProgress) error {
	if !correction {
		return s.store.SaveProgress
	}
	return func(ctx context.Context, ch store.Change, objectiveID, periodID int64, p plan.ObjectiveProgress) error {
		ids, err := s.store.CorrectProgress(ctx, ch, objectiveID, periodID, p, self)
		if err == nil {
			s.mailNotifications(ids)
		}
		return err
	}
}

// progressSave is the usual POST of the entry form, saved on the cycle's
// plan as this server keeps it (store.PlanCycle: no reading of the whole
// cycle again after other managers' saves): the form is read by the
// plan's rules and saved, whose transaction judges the entry's state and
// the version on what it reads itself. True once saved (the user is sent
// on). Otherwise nothing is written, and progressEntry shows the form
// again on the cycle as it stands: with the fields in error, or with the
// store's refusal, which progressSave returns.
func (s *Server) progressSave(w http.ResponseWriter, r *http.Request) (bool, error) {
	year, err := yearParam(r)
	if err != nil {
		return false, nil
	}
	c, err := s.store.PlanCycle(r.Context(), year)
	if err != nil {
		return false, nil
	}
	c, _, o, period, correction, err := progressTargetIn(r, c)
	if err != nil {
		return false, nil
	}
	v := pages.ProgressView{Errors: components.FieldErrors{}}
	progressFormOf(c, o, period.EndsOn, &v)
	if err := r.ParseForm(); err != nil {
		return false, nil
	}
	p := s.parseProgress(r, c.Year, o, &v)
	if len(v.Errors) > 0 {
		return false, nil
	}
	self := paths.Progress(c.Year, o.ID, period.ID)
	ch := change(r, nil)
	ch.Version = formVersion(r)
	if err := s.progressSaver(correction, self)(r.Context(), ch, o.ID, period.ID, p); err != nil {
		return false, err
	}
	s.seeOther(w, r, self, progressSaved)
	return true, nil
}

// currentCycle is the cycle of this year, or else the latest one (0 when
// there is none), and every cycle's year, newest first.
func (s *Server) currentCycle(ctx context.Context) (int, []int, error) {
	cycles, err := s.store.ListCycles(ctx)
	if err != nil || len(cycles) == 0 {
		return 0, nil, err
	}
	var years []int
	for _, c := range cycles {
		years = append(years, c.Year)
	}
	this := s.today().Year()
	for _, c := range cycles {
		if c.Year == this {
			return c.Year, years, nil
		}
	}
	return cycles[0].Year, years, nil // newest first
}

// myAreas is a manager's landing: for each of his or her centres in the
// current cycle, the open period (the first whose entry is open), its
// deadline and state, and per objective what is filled and what is missing,
// with the links to the entry forms.
func (s *Server) myAreas(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	year, years, err := s.currentCycle(r.Context())
	if err != nil {
		return err
	}
	v := pages.MyAreasView{Year: year, Years: years}
	if year == 0 {
		s.render(w, r, http.StatusOK, pages.MyAreas(v))
		return nil
	}
	c, err := s.store.LoadCycle(r.Context(), year)
	if err != nil {
		return err
	}
	overview, err := s.store.Monitoring(r.Context(), year, s.today())
	if err != nil {
		return err
	}
	for _, ce := range c.Centres {
		if !auth.Allowed(u, auth.WriteProgress, ce.CentreID) {
			continue
		}
		mc := pages.MyCentre{Name: ce.Name}
		var open *plan.Period
		for i, p := range c.Periods {
			_, _, cell, ok := overview.Cell(p.ID, ce.ID)
			if !ok {
				continue
			}
			if st := cell.Entry.State; st == plan.Submitted || st == plan.Approved {
				mc.Sent = append(mc.Sent, pages.MyPeriodState{PeriodEnd: day(p.EndsOn), State: st.Label(),
					Href: paths.Submission(c.Year, p.ID, ce.ID)})
			}
			if info := entryInfoOf(cell); info.Open && open == nil {
				open = &c.Periods[i]
				mc.PeriodEnd, mc.State, mc.Returned = day(p.EndsOn), info.State, info.Returned
				mc.Submission = paths.Submission(c.Year, p.ID, ce.ID)
				if info.Deadline != nil {
					mc.Deadline = day(*info.Deadline)
				}
			}
		}
		for _, o := range ce.Objectives {
			mo := pages.MyObjective{Label: fmt.Sprintf("Obiettivo %d «%s»", o.Number, o.Title)}
			for _, p := range c.Periods {
				if open != nil && p.ID == open.ID {
					continue
				}
				mo.Others = append(mo.Others, pages.MyPeriodLink{PeriodEnd: day(p.EndsOn), Href: paths.Progress(c.Year, o.ID, p.ID)})
			}
			if open != nil {
				mo.Href = paths.Progress(c.Year, o.ID, open.ID)
				u := o.UnfilledAt(open.EndsOn)
				filled := len(o.Indicators) - u.Values
				mo.Filled = fmt.Sprintf("Indicatori rilevati: %d di %d · Attività aggiornate: %d di %d",
					filled, len(o.Indicators), len(o.Activities)-u.Activities, len(o.Activities))
				if u.Status {
					mo.Missing = append(mo.Missing, "stato dell'obiettivo")
				}
				if u.Text {
					mo.Missing = append(mo.Missing, "report")
				}
				if n := len(o.ReasonsMissing(c.Year, open.EndsOn, c.IsLast(open.EndsOn))); n > 0 {
					mo.Missing = append(mo.Missing, strconv.Itoa(n)+" motivi di scostamento o ritardo")
				}
			} else if len(mo.Others) > 0 {
				mo.Href = mo.Others[0].Href
			}
			mc.Objectives = append(mc.Objectives, mo)
		}
		v.Centres = append(v.Centres, mc)
	}
	s.render(w, r, http.StatusOK, pages.MyAreas(v))
	return nil
}
