package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"traguardo/internal/format"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// Monitoring review: the overview of every centre × period, a centre's
// period with its submission and review, the periods' windows, and the
// notifications.

// loadMonitoring reads the overview of the URL's year.
func (s *Server) loadMonitoring(r *http.Request) (*store.MonitoringOverview, error) {
	year, err := yearParam(r)
	if err != nil {
		return nil, err
	}
	return s.store.Monitoring(r.Context(), year, s.today())
}

func (s *Server) monitoringOverview(w http.ResponseWriter, r *http.Request) error {
	o, err := s.loadMonitoring(r)
	if err != nil {
		return err
	}
	v := pages.MonitoringView{Year: o.Year, May: rights(r)}
	for _, p := range o.Periods {
		v.Periods = append(v.Periods, pages.MonitoringPeriod{ID: p.ID, EndsOn: p.EndsOn, OpensOn: p.OpensOn, ClosesOn: p.ClosesOn})
	}
	for i, c := range o.Centres {
		row := pages.MonitoringRow{Name: c.Name}
		for j, p := range o.Periods {
			e := o.Cells[i][j].Entry
			row.Cells = append(row.Cells, pages.MonitoringCell{Href: paths.Submission(o.Year, p.ID, c.ID),
				State: e.State, Missed: e.Missed(), Open: e.Open, Deadline: e.Deadline, Why: e.Message()})
		}
		v.Centres = append(v.Centres, row)
	}
	s.render(w, r, http.StatusOK, pages.Monitoring(v))
	return nil
}

// submissionTarget is the (period, centre) of the URL, within its year: ids
// of another cycle, or that do not exist, are 404.
type submissionTarget struct {
	o      *store.MonitoringOverview
	period store.MonitoringPeriod
	centre store.MonitoringCentre
	cell   store.MonitoringCell
}

func (s *Server) loadSubmission(r *http.Request) (*submissionTarget, error) {
	o, err := s.loadMonitoring(r)
	if err != nil {
		return nil, err
	}
	pid, ok1 := parseID(chi.URLParam(r, "pid"))
	cid, ok2 := parseID(chi.URLParam(r, "centre"))
	if !ok1 || !ok2 {
		return nil, notFound("Periodo o centro non valido.")
	}
	p, c, cell, ok := o.Cell(pid, domain.CycleCentreID(cid))
	if !ok {
		return nil, notFound("Il periodo o il centro non appartiene a questo ciclo.")
	}
	return &submissionTarget{o: o, period: p, centre: c, cell: cell}, nil
}

func (s *Server) submissionView(r *http.Request, t *submissionTarget) pages.SubmissionView {
	u := auth.UserFrom(r.Context())
	c := t.cell
	return pages.SubmissionView{
		Year: t.o.Year, Centre: t.centre.Name, EndsOn: t.period.EndsOn, OpensOn: t.period.OpensOn, ClosesOn: t.period.ClosesOn,
		Entry: c.Entry, Why: c.Entry.Message(), Reopened: c.ReopenedUntil, Comment: c.Comment,
		SubmittedAt: c.SubmittedAt, SubmittedBy: c.SubmittedBy, ReviewedAt: c.ReviewedAt, ReviewedBy: c.ReviewedBy,
		Action:    paths.Submission(t.o.Year, t.period.ID, t.centre.ID),
		CanSubmit: auth.Allowed(u, auth.WriteProgress, t.centre.CentreID),
		CanReview: auth.Allowed(u, auth.ApprovePlan, 0),
		CanReopen: auth.Allowed(u, auth.EditPlan, 0),
		Errors:    components.FieldErrors{},
	}
}

func (s *Server) submissionShow(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadSubmission(r)
	if err != nil {
		return err
	}
	v := s.submissionView(r, t)
	if v.CanSubmit && v.Entry.Open {
		if v.Missing, err = s.missingReasons(r.Context(), t); err != nil {
			return err
		}
	}
	if v.Sent, err = s.sentData(r.Context(), t); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.Submission(v))
	return nil
}

// sentData is what the centre recorded at the period, objective by
// objective, with the model's figures there: what the director reviews
// before approving, and the manager's summary before sending. Each value
// and month is set beside the previous period's; an objective saved again
// after the period was returned is marked.
func (s *Server) sentData(ctx context.Context, t *submissionTarget) ([]pages.SentObjective, error) {
	c, err := s.store.LoadCycle(ctx, t.o.Year)
	if err != nil {
		return nil, err
	}
	day := t.period.EndsOn
	c.EvaluateAt(day, s.today())
	prev, hasPrev := c.Previous(day)
	var changed map[int64]bool
	if t.cell.Entry.State == plan.Submitted && t.cell.ReviewedAt != nil {
		// A submission reviewed and waiting again was returned: what the
		// centre saved since.
		if changed, err = s.store.ProgressSavedSince(ctx, t.period.ID, *t.cell.ReviewedAt); err != nil {
			return nil, err
		}
	}
	var out []pages.SentObjective
	for _, ce := range c.Centres {
		if ce.ID != t.centre.ID {
			continue
		}
		for _, o := range ce.Objectives {
			so := pages.SentObjective{
				Label: fmt.Sprintf("Obiettivo %d (%s)", o.Number, o.Section), Title: o.Title,
				Href:        paths.AsOfOrPlain(paths.Objective(c.Year, o.ID), day),
				CorrectHref: paths.Progress(c.Year, o.ID, t.period.ID),
				Figure:      o.Figure, Status: string(o.Status), ChangedAfterReturn: changed[o.ID],
			}
			if rep := o.ReportAt(day); rep != nil {
				so.ReportHTML = s.policy.Sanitize(rep.TextHTML)
			}
			for i, in := range o.Indicators {
				si := pages.SentIndicator{Name: in.Name, Target: format.Value(in.Unit, in.Target), Value: valueText(in, day)}
				if o.NameShared(i) {
					si.Name = o.IndicatorLabel(i)
				}
				switch {
				case in.Intermediate:
					si.Target += " (target intermedio)"
				case !c.IsLast(day):
					si.Target += " (valore atteso dell'anno)"
				}
				switch {
				case in.Pending:
					si.Value = format.Pending
				case si.Value == "":
					si.Value = "mancante"
				}
				switch {
				case !in.Counts():
					si.Achievement = "sterilizzato"
				case in.Pending:
					si.Achievement = format.Pending
				default:
					si.Achievement = format.Percent(in.Achievement)
				}
				if in.At != nil {
					si.Reason = in.At.Reason
				}
				if hasPrev {
					si.Previous = valueText(in, prev.EndsOn)
					si.Changed = si.Previous != valueText(in, day)
				}
				so.Indicators = append(so.Indicators, si)
			}
			for _, a := range o.Activities {
				sa := pages.SentActivity{Description: a.Description, Planned: a.Planned.Label(c.Year), Actual: monthsText(c.Year, a, day), Late: a.Late}
				if p := a.ProgressAt(day); p != nil {
					sa.Reason = p.Reason
				}
				if sa.Actual == "" {
					sa.Actual = "non indicata"
				}
				if hasPrev {
					sa.Previous = monthsText(c.Year, a, prev.EndsOn)
					sa.Changed = sa.Previous != monthsText(c.Year, a, day)
				}
				so.Activities = append(so.Activities, sa)
			}
			out = append(out, so)
		}
	}
	return out, nil
}

// missingReasons lists what the centre must still explain at the period
// before it can send it (plan.ReasonsMissing), each with a link to the
// field of its entry form.
func (s *Server) missingReasons(ctx context.Context, t *submissionTarget) ([]pages.MissingLink, error) {
	c, err := s.store.LoadCycle(ctx, t.o.Year)
	if err != nil {
		return nil, err
	}
	var out []pages.MissingLink
	for _, ce := range c.Centres {
		if ce.ID != t.centre.ID {
			continue
		}
		for _, o := range ce.Objectives {
			for _, m := range o.ReasonsMissing(c.Year, t.period.EndsOn, c.IsLast(t.period.EndsOn)) {
				out = append(out, pages.MissingLink{
					Text: fmt.Sprintf("Obiettivo %d: %s", o.Number, m.Message),
					Href: paths.Progress(c.Year, o.ID, t.period.ID) + "#" + m.Field,
				})
			}
		}
	}
	return out, nil
}

// submissionSubmit sends a centre's period to the director: only a manager
// of that centre.
func (s *Server) submissionSubmit(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadSubmission(r)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r.Context())
	if !auth.Allowed(u, auth.WriteProgress, t.centre.CentreID) {
		return forbidden()
	}
	if t.cell.Entry.Open {
		missing, err := s.missingReasons(r.Context(), t)
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			v := s.submissionView(r, t)
			v.Missing, v.Refused = missing, true
			if v.Sent, err = s.sentData(r.Context(), t); err != nil {
				return err
			}
			s.render(w, r, http.StatusConflict, pages.Submission(v))
			return nil
		}
	}
	return s.transition(w, r, t, s.store.Submit, "Monitoraggio inviato al direttore.")
}

// submissionApprove approves a centre's period, once the director has
// confirmed it: the first post shows the page again asking to confirm
// (with what was sent), the confirmed one approves.
func (s *Server) submissionApprove(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadSubmission(r)
	if err != nil {
		return err
	}
	if r.PostFormValue("conferma") != "si" {
		// Asked to confirm only what can be approved: a period waiting
		// for review, at the version the director read.
		if st := t.cell.Entry.State; st != plan.Submitted {
			return &store.Conflict{Message: "il periodo non è in attesa di revisione: " + strings.ToLower(st.Label())}
		}
		if formVersion(r) != t.cell.Entry.Version {
			return &store.Conflict{Message: "il periodo è cambiato dopo l'apertura della pagina: ricaricarla e riesaminare i dati"}
		}
		v := s.submissionView(r, t)
		v.Confirm = true
		if v.Sent, err = s.sentData(r.Context(), t); err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, pages.Submission(v))
		return nil
	}
	return s.transition(w, r, t, s.store.ApproveSubmission, "Monitoraggio approvato.")
}

func (s *Server) submissionReturn(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadSubmission(r)
	if err != nil {
		return err
	}
	comment := strings.TrimSpace(r.PostFormValue("comment"))
	errs := components.FieldErrors{}
	if comment == "" {
		errs["comment"] = "Indicare nel commento che cosa il centro deve correggere."
	} else if msg := plan.TooLong(comment, plan.MaxText); msg != "" {
		errs["comment"] = sentence(msg)
	}
	if len(errs) > 0 {
		v := s.submissionView(r, t)
		v.Errors, v.Form.Comment = errs, comment
		if v.Sent, err = s.sentData(r.Context(), t); err != nil {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, pages.Submission(v))
		return nil
	}
	return s.transition(w, r, t, s.store.ReturnSubmission, "Monitoraggio restituito al centro.")
}

// transition runs a step of the review, read at the form's version, then
// e-mails its notifications. A stale version is 409 (handle).
func (s *Server) transition(w http.ResponseWriter, r *http.Request, t *submissionTarget,
	step func(context.Context, store.Transition) ([]int64, error), done string) error {
	link := paths.Submission(t.o.Year, t.period.ID, t.centre.ID)
	ids, err := step(r.Context(), store.Transition{
		Actor: actor(auth.UserFrom(r.Context())), Period: t.period.ID, Centre: t.centre.ID,
		Version: formVersion(r), Comment: r.PostFormValue("comment"), Link: link,
	})
	if msg, field, ok := reviewRefusal(err); ok {
		return &store.Conflict{Message: msg, Field: field}
	}
	if err != nil {
		return err
	}
	s.mailNotifications(ids)
	s.seeOther(w, r, link, done)
	return nil
}

// reviewRefusal puts in words why plan refused a step of the review (a
// return without a comment names the field "comment"); false for any other
// error.
func reviewRefusal(err error) (msg, field string, ok bool) {
	var closed *plan.EntryClosedError
	var waiting *plan.NotAwaitingReviewError
	var missing *plan.ReasonsMissingError
	switch {
	case errors.Is(err, plan.ErrCommentRequired):
		return "indicare nel commento che cosa correggere", "comment", true
	case errors.As(err, &closed):
		return plan.EntryState{Why: closed.Why}.Message() + ": non si può inviare", "", true
	case errors.As(err, &waiting):
		return "il periodo non è in attesa di revisione: " + strings.ToLower(waiting.State.Label()), "", true
	case errors.As(err, &missing):
		return "prima di inviare, indicare le motivazioni mancanti: " + strings.Join(missing.Reasons, "; "), "", true
	}
	return "", "", false
}

// reopen opens the period again for the centre until a day.
func (s *Server) submissionReopen(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadSubmission(r)
	if err != nil {
		return err
	}
	v := s.submissionView(r, t)
	v.Form.Until = strings.TrimSpace(r.PostFormValue("until"))
	v.Form.Reason = strings.TrimSpace(r.PostFormValue("reason"))
	until, ok := dayField(v.Form.Until, "until", "Indicare fino a quando il periodo resta aperto per il centro.", v.Errors)
	if ok && until.Before(s.today()) {
		v.Errors["until"] = "La data di riapertura non può essere passata."
	}
	if v.Form.Reason == "" {
		v.Errors["reason"] = "Indicare il motivo della riapertura."
	} else if msg := plan.TooLong(v.Form.Reason, plan.MaxText); msg != "" {
		v.Errors["reason"] = sentence(msg)
	}
	if len(v.Errors) == 0 {
		ids, err := s.store.Reopen(r.Context(), actor(auth.UserFrom(r.Context())), t.period.ID, t.centre.ID, until, v.Form.Reason, v.Action)
		if err == nil {
			s.mailNotifications(ids)
			s.seeOther(w, r, v.Action, fmt.Sprintf("Periodo riaperto per %s fino al %s.", t.centre.Name, format.Date(until)))
			return nil
		}
		if !storeConflict(err, v.Errors, "reason") {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.Submission(v))
	return nil
}

// periodWindow sets a period's entry window.
func (s *Server) periodWindow(w http.ResponseWriter, r *http.Request) error {
	o, err := s.loadMonitoring(r)
	if err != nil {
		return err
	}
	pid, ok := parseID(chi.URLParam(r, "pid"))
	if !ok {
		return notFound("Periodo non valido.")
	}
	var p *store.MonitoringPeriod
	for i := range o.Periods {
		if o.Periods[i].ID == pid {
			p = &o.Periods[i]
		}
	}
	if p == nil {
		return notFound("Il periodo non appartiene a questo ciclo.")
	}
	v := pages.WindowView{Year: o.Year, EndsOn: p.EndsOn, Opens: format.Date(p.OpensOn), Closes: format.Date(p.ClosesOn),
		Action: paths.Window(o.Year, p.ID), Errors: components.FieldErrors{}}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.Window(v))
		return nil
	}
	v.Opens, v.Closes = strings.TrimSpace(r.PostFormValue("opens_on")), strings.TrimSpace(r.PostFormValue("closes_on"))
	opens, okO := dayField(v.Opens, "opens_on", "Indicare il giorno di apertura.", v.Errors)
	closes, okC := dayField(v.Closes, "closes_on", "Indicare il giorno di chiusura.", v.Errors)
	if okO && okC {
		if msg := plan.WindowProblem(opens, closes); msg != "" {
			v.Errors["closes_on"] = sentence(msg)
		}
	}
	if len(v.Errors) == 0 {
		ids, err := s.store.SetWindow(r.Context(), actor(auth.UserFrom(r.Context())), p.ID, opens, closes, paths.Submission)
		if err == nil {
			s.mailNotifications(ids)
			s.seeOther(w, r, paths.Monitoring(o.Year), fmt.Sprintf("Finestra del periodo al %s: dal %s al %s.",
				format.Date(p.EndsOn), format.Date(opens), format.Date(closes)))
			return nil
		}
		if !storeConflict(err, v.Errors, "closes_on") {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.Window(v))
	return nil
}

// notificationsList shows the user's notifications and, for a manager, the
// periods open for entry of his or her centres, those due within the
// coming week marked.
func (s *Server) notificationsList(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	ns, err := s.store.Notifications(r.Context(), u.ID)
	if err != nil {
		return err
	}
	var v pages.NotificationsView
	for _, n := range ns {
		v.Items = append(v.Items, pages.NotificationItem{ID: n.ID, At: n.At, Text: n.Text, Link: n.Link, Read: n.Read})
		if !n.Read {
			v.Unread++
		}
	}
	if u.Role == auth.Manager {
		ds, err := s.store.DeadlinesComing(r.Context(), u.Centres, s.today())
		if err != nil {
			return err
		}
		for _, d := range ds {
			v.Deadlines = append(v.Deadlines, pages.DeadlineItem{Centre: d.Name, EndsOn: d.EndsOn, Deadline: d.ClosesOn, Soon: d.Soon,
				Href: paths.Submission(d.Year, d.PeriodID, d.Centre)})
		}
	}
	s.render(w, r, http.StatusOK, pages.Notifications(v))
	return nil
}

// notificationRead marks one of the user's notifications read (another
// user's is 404).
func (s *Server) notificationRead(w http.ResponseWriter, r *http.Request) error {
	id, ok := parseID(chi.URLParam(r, "nid"))
	if !ok {
		return notFound("Notifica non valida.")
	}
	if err := s.store.MarkRead(r.Context(), auth.UserFrom(r.Context()).ID, id); err != nil {
		return err
	}
	s.seeOther(w, r, paths.Notifications, "")
	return nil
}

func (s *Server) notificationsReadAll(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.MarkRead(r.Context(), auth.UserFrom(r.Context()).ID, 0); err != nil {
		return err
	}
	s.seeOther(w, r, paths.Notifications, "Notifiche segnate come lette.")
	return nil
}
